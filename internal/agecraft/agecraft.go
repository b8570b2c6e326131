// Package agecraft makes age files that age's own writer refuses to make,
// for tests and test vectors of the rules a reader applies to a file's
// stanzas.
package agecraft

import "filippo.io/age"

// Unlabelled is one recipient made of several: it wraps the file key for
// each and returns all their stanzas, without labels, so that age writes a
// file it would refuse to make from the recipients themselves (a symmetric
// stanza beside others) — one age still opens, which only a reader's
// stanza rules refuse.
type Unlabelled []age.Recipient

// Wrap returns every recipient's stanzas for fileKey, in order.
func (u Unlabelled) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	var out []*age.Stanza
	for _, r := range u {
		s, err := r.Wrap(fileKey)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}
