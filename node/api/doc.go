// Package api is the node's local HTTP API (JSON, bearer token) and the
// client the CLI uses to reach it.
//
// Start with [NewServer] on the node side and [NewClient] on the CLI side.
// The API listens on loopback by default; every endpoint but /healthz needs
// the token from the home's api.token file. docs/API.md lists the endpoints.
package api
