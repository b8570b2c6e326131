// Package receive decides, envelope by envelope, what a node may send to a
// peer and what it keeps of what peers send it: the receive path of
// /ursic/sync (share/SPEC.md §8), without the network.
//
// Start with [Entitlement]: who may hold an envelope, from its header and the
// roster at the header's version ([policy.MayHold]), cached per class of
// header. [Catalogue] keeps, per log, the runs of entries of one class, so that
// a Hello names for each peer the head of what that peer may hold and a range
// is served without the entries it may not. [Checker] runs the checks on an
// envelope from a peer, cheapest first, before any signature is verified, and
// remembers what it rejected. [ConfirmStubs] decides which stubs of a frame
// name a log position the author itself vouches for.
package receive
