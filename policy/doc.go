// Package policy decides who may receive a record and what a record may carry.
// It is pure: no I/O, no network, no clock (callers pass the time), and it
// fails closed — an unknown level, group, peer or caveat, or a malformed roster,
// denies.
//
// Start with [Recipients]: given the roster, a record's [Policy] (TLP 2.0
// [Level], [Audience], caveats) and its author, it returns the exact sorted set
// of peer IDs entitled to read the record — the set the record is sealed to.
// [MayReceive] is the same decision as a predicate, for sync. [Policy.Check]
// explains a refusal with a [*RuleError] ("TLP:RED needs an explicit list of
// nodes, not the group \"members\""), and [HandlingOf] says what recipients may
// do with the record (re-share, export to partners, secretariat facet).
//
// What a record may carry is decided apart, by the content guardrails in
// package [github.com/ursic/ursic/policy/guard].
//
// The third part is disclosure control for the secretariat's tables (see
// disclosure.go): [Protect] decides which cells of an aggregated table may be
// published (k records from m members, no member over p%, secondary
// suppression against the published totals), [ParsePeriod] accepts only whole
// calendar months and quarters, and [MitigationClasses] turns free-text
// mitigations into the closed classes a facet may carry.
//
// The package defines the small view of membership it decides over ([Roster],
// [Member], [Role]); the share package builds it from the signed roster
// document. A node with no roster is a consortium of one ([RosterOfOne]).
package policy
