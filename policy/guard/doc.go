// Package guard decides what a record may carry: the content guardrails a
// node runs over a record's JSON before it seals it. It is pure (no I/O, no
// clock) and imports nothing else from the module.
//
// Start with [CheckContent]: it returns the [Finding]s and a
// [*GuardrailError] if the record is refused ([ErrRefused]: nationality,
// citizenship, ethnicity, race, religion, birthplace, visa or residence
// status, identity-document numbers, a score of a person, an indicator about
// a person) or, unless the user confirmed, flagged ([ErrNeedsConfirmation]:
// e-mail addresses, ORCID iDs, phone numbers, personal names, encoded content
// the node cannot read). [Lint] returns the findings alone.
//
// Field names are matched by meaning (camelCase, snake_case, full-width,
// Japanese …). Every string is normalised first (NFKC, case, zero-width and
// soft-hyphen characters, Cyrillic and Greek look-alikes, digits for letters,
// spaced letters) and read as people write: labels with any separator, English
// prose, Japanese, Chinese and Korean with a gazetteer of places, Russian and
// Arabic labels, base64, hex and ROT13. A finding says where (field and
// character), quotes the phrase, and gives the principle and what to do
// instead, in English and Japanese ([Finding.Text], [ParseLang]).
//
// docs/GUARDRAILS.md lists every rule and the measured recall and false
// refusals; testdata/corpus holds the records they are measured on.
package guard
