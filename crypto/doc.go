// Package crypto holds the node's cryptography: its identity, signatures, and
// the sealing of record bodies with age.
//
// Start with [GenerateIdentity] (or [ParseIdentity] for a stored key file),
// then [Seal] and [Open] for bodies and [Identity.Sign] with [Verify] for
// signatures, or [Batch] to check many at once by the same rule. [GroupKey]
// is the sender key used for group audiences; group bodies are sealed to it
// through the symmetric ursic-sk stanza (skstanza.go).
//
// The package is small on purpose so that it can be audited in one sitting.
// It does no network and no disk I/O: callers hand it bytes and write the
// results themselves. Every cryptographic choice carries a comment saying why.
package crypto
