// Package share is the URSIC share format: the record kinds members publish,
// the signed envelope that carries a sealed record, its CID, the logs
// envelopes form, the signed roster and the wire messages nodes sync with.
// SPEC.md in this directory is the specification; this package mirrors it
// and testdata/vectors holds its test vectors.
//
// Start with [ParseRecord] (a user's record file) and [Record.Validate], then
// [Seal] to make an [Envelope], [Envelope.Encode] and [Envelope.CID] to store
// and name it. A receiver calls [Decode], [Envelope.Verify] and
// [Envelope.Open]. [LogID] names the log an audience's records go to.
//
// The consortium's membership is a [Roster]: [ParseRoster], then
// [Roster.Verify] (which returns the copy to store, with only the
// signatures that count) or [Roster.VerifyGenesis] / [Roster.VerifyNext],
// and [Roster.View] for policy decisions. A group's sender key travels in a [SenderKeyBody].
// Nodes sync with the messages of /ursic/sync/1.0.0: [WriteMessage] and
// [ReadMessage] frame a [Message] on any io.Writer and io.Reader.
//
// The package does no network and no disk I/O.
package share
