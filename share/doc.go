// Package share is the URSIC share format: the record kinds members publish,
// the signed envelope that carries a sealed record, its CID, and the logs
// envelopes form. SPEC.md in this directory is the specification; this
// package mirrors it and testdata/vectors holds its test vectors.
//
// Start with [ParseRecord] (a user's record file) and [Record.Validate], then
// [Seal] to make an [Envelope], [Envelope.Encode] and [Envelope.CID] to store
// and name it. A receiver calls [Decode], [Envelope.Verify] and
// [Envelope.Open]. [LogID] names the log an audience's records go to.
//
// The package does no network and no disk I/O.
package share
