// Package screen answers "does the consortium know anything about these
// organisations?": it reads a list of organisations as an office has it
// (Excel, CSV in UTF-8 or Shift_JIS, plain lines) and matches each entry
// against the subjects of indicators, across scripts, legal forms and small
// misspellings, without ever matching on a generic word alone.
//
// Start with [ParseList] for the list and [Index] for the subjects: the node
// calls [Index.Add] for every indicator it opens and [Index.Match] for every
// name of every row. Everything here is a pure function of its input: no
// I/O, no node, no clock. [Normalise] shows how a name is folded; the
// matching rules and their measured precision and recall are in
// docs/SCREENING.md.
package screen
