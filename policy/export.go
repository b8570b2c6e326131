package policy

// MayExport reports whether a record with policy p may leave the consortium
// through the liaison (STIX export, TAXII): CLEAR and GREEN only, as the TLP
// table in policy.go says. Everything else — AMBER, AMBER+STRICT, RED, an
// invalid level — stays (fail closed).
func MayExport(p Policy) bool { return HandlingOf(p).Exportable }
