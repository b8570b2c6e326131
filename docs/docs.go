// Package docs carries the documents the node serves itself: the OpenAPI
// description of its local API, for GET /v1/openapi.yaml.
package docs

import _ "embed"

// OpenAPI is openapi.yaml, the local API in OpenAPI 3.1.
//
//go:embed openapi.yaml
var OpenAPI []byte
