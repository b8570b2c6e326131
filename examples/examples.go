// Package examples holds the sample records used by `ursic demo` and the
// tests, so that what a newcomer reads in examples/records is what runs.
package examples

import "embed"

// Records are the sample record files in examples/records.
//
//go:embed records/*.json records/*.jsonl
var Records embed.FS
