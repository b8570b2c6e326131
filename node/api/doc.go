// Package api is the node's local HTTP API (JSON, bearer token). Its client
// is package apiclient and its wire types are in package apiwire, so that the
// CLI's client side needs nothing from the node.
//
// Start with [NewServer] and [Serve]. The API listens on loopback by
// default; an address off loopback requires TLS (api_tls_cert, api_tls_key).
// It answers only requests whose Host is a loopback name, the address it is
// bound to, or one of the config's api_hosts (against DNS rebinding). Every
// endpoint but /healthz needs the token from the home's api.token file.
// docs/API.md lists the endpoints.
package api
