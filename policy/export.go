package policy

// MayExport reports whether a record with policy p may leave the consortium
// through the liaison (STIX export, TAXII): CLEAR and GREEN only, as the TLP
// table in policy.go says. Everything else — AMBER, AMBER+STRICT, RED, an
// invalid level — stays (fail closed).
func MayExport(p Policy) bool { return HandlingOf(p).Exportable }

// MayExportRef reports whether an exported record may name another record
// (a method's observed_indicators): only if that record may leave itself.
// target is the named record's policy as this node knows it, nil when the
// node does not hold it (it cannot tell, so the name stays). A CID is the
// record in another form: it is the record's STIX id, and partners holding
// two exports could tell which GREEN records point at the same AMBER one.
func MayExportRef(target *Policy) bool { return target != nil && MayExport(*target) }
