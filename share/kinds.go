package share

// Record kinds (SPEC.md §6.3, §6.4).
const (
	KindIndicator  = "indicator"
	KindMethod     = "method"
	KindSighting   = "sighting"
	KindTrend      = "trend"
	KindRetraction = "retraction"
	KindFacet      = "facet"
	KindRoster     = "roster"    // control: written by nodes only
	KindSenderKey  = "senderkey" // control: written by nodes only
)

// UserKinds are the kinds a user may publish, in SPEC.md order.
func UserKinds() []string {
	return []string{KindIndicator, KindMethod, KindSighting, KindTrend, KindRetraction, KindFacet}
}

func allKinds() []string { return append(UserKinds(), KindRoster, KindSenderKey) }

func isUserKind(k string) bool {
	switch k {
	case KindIndicator, KindMethod, KindSighting, KindTrend, KindRetraction, KindFacet:
		return true
	}
	return false
}

func isControlKind(k string) bool { return k == KindRoster || k == KindSenderKey }

func isKind(k string) bool { return isUserKind(k) || isControlKind(k) }
