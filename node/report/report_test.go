package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ursic/ursic/node/apiwire"
)

func TestScreenCSV(t *testing.T) {
	res := &apiwire.ScreenResult{Rows: []apiwire.ScreenRow{
		{Row: 1, Name: "北橋商事", Hits: []apiwire.ScreenHit{{CID: "bafy", Matched: "Northbridge", How: "exact", Score: 1, TLP: "amber+strict", Severity: "high"}}},
		{Row: 2, Name: "Nothing Ltd.", Note: "no match"},
	}}
	var b bytes.Buffer
	if err := ScreenCSV(&b, res); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffTLP:AMBER+STRICT\r\nrow,name,tlp,cid,matched,how,score,severity,expired,title,suggested_mitigation,note\r\n" +
		"1,北橋商事,TLP:AMBER+STRICT,bafy,Northbridge,exact,1.00,high,false,,,\r\n" +
		"2,Nothing Ltd.,TLP:CLEAR,,,,,,,,,no match\r\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	if HighestTLP(nil) != "TLP:CLEAR" || TLPLabel("") != "" || !strings.HasPrefix(TLPLabel("TLP:green"), "TLP:GREEN") {
		t.Error("TLP labels")
	}
}
