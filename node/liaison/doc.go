// Package liaison maps URSIC records to STIX 2.1 and back, as docs/STIX.md
// specifies. It is pure: no I/O, no node. The node hands it the records it
// may export ([Source]) and gets STIX objects ([Export], [Bundle]); it hands
// it a partner's bundle and gets draft record files ([Import]) that it then
// runs through its own publish path.
//
// Start with [Export] and [Import].
package liaison
