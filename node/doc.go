// Package node is the running URSIC node: its home directory, its durable
// store of envelopes, the in-memory index of what it may read, and the
// publish, list, show and retract operations the local API exposes.
//
// Start with [Init] to create a home and [Open] to run a node from it; then
// [Node.Publish] and [Node.List]. Subpackages hold the parts whose job can be
// named in a sentence: store (envelopes on disk), index (decrypted records in
// memory) and api (the local HTTP API and its client).
package node
