package policy

// The access decisions of sync. Every place that moves an envelope between
// nodes — Hello, serving a range, pushing, relaying, receiving — and every
// place that drops a body asks one of these functions; the node never decides
// on its own.
//
// Entitlement is per envelope. It depends only on the envelope's header (its
// author and policy) and the roster *at the roster version the header names*,
// never on the log the envelope sits in or on the current roster: a log may
// interleave entries of different levels, and a member who joins later was
// not a reader of what was written before it joined.

// MayHold reports whether peerID may receive, store and serve an envelope
// written by author with policy p, judged by r, the roster at the envelope's
// roster version. r is nil for an envelope written before any roster (roster
// version 0, a consortium of one) or under a roster version the caller does
// not hold: then only the author may hold it. It fails closed like
// [MayReceive]: an invalid policy, an author not on r, or an unknown level
// means false for everyone but nobody else.
func MayHold(r *Roster, p Policy, author, peerID string) bool {
	if author == "" || peerID == "" {
		return false
	}
	if r == nil {
		return peerID == author
	}
	return MayReceive(r, p, author, peerID)
}

// MayRelay reports whether relayer may pass an envelope of author with policy
// p (judged by r, the roster at its version) on to peer to: both must be
// entitled to hold it. A node that holds an envelope it was not entitled to
// (it should not exist) still never passes it on.
func MayRelay(r *Roster, p Policy, author, relayer, to string) bool {
	return MayHold(r, p, author, relayer) && MayHold(r, p, author, to)
}

// MayRetract reports whether a retraction written by retractor may withdraw a
// record written by author: only a record's own author may retract it. The
// retraction's signature proves retractor; the record's CID commits to its
// author, so a pending retraction (the record not yet held) is decided when
// the record arrives.
func MayRetract(author, retractor string) bool {
	return author != "" && author == retractor
}

// MayTakeStub reports whether a receiver may take a stub (a record's header
// without its body) for author's log position from sender: a stub stands
// for "the author retracted this record", and the receiver then never holds
// the body. The author's own word suffices (it sent the stub); from anyone
// else the receiver needs a retraction of that record by its author
// (retractors: the authors of the retractions naming the record's CID that
// the receiver holds or received with the stub). Otherwise any member that
// ever held a record could strip its body and withdraw it from every node
// that had not received it yet.
func MayTakeStub(author, sender string, retractors []string) bool {
	if author == "" {
		return false
	}
	if sender == author {
		return true
	}
	for _, r := range retractors {
		if MayRetract(author, r) {
			return true
		}
	}
	return false
}
