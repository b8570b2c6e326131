package screen_test

import (
	"fmt"

	"github.com/ursic/ursic/node/screen"
)

// The node fills an Index with the subjects of the indicators it can read,
// then matches each row of a list against it.
func ExampleIndex_Match() {
	x := screen.NewIndex()
	x.Add(screen.Subject{CID: "bafy-example", Names: []screen.SubjectName{
		{Value: "Northbridge Photonics Trading Co., Ltd.", Lang: "en"},
		{Value: "北橋光学貿易株式会社", Lang: "ja"},
	}, Jurisdiction: "JP", Severity: "high"})

	for _, name := range []string{"NORTHBRIDGE PHOTONICS TRADING LTD", "北橋光学貿易(株)", "Northbrige Photonics Trading", "Photonics Trading", "University"} {
		hits := x.Match(screen.Query{Name: name})
		if len(hits) == 0 {
			fmt.Printf("%-36s no match\n", name)
			continue
		}
		fmt.Printf("%-36s %s %.2f %s\n", name, hits[0].How, hits[0].Score, hits[0].Matched)
	}
	// Output:
	// NORTHBRIDGE PHOTONICS TRADING LTD    normalised 0.95 Northbridge Photonics Trading Co., Ltd.
	// 北橋光学貿易(株)                            normalised 0.95 北橋光学貿易株式会社
	// Northbrige Photonics Trading         fuzzy 0.89 Northbridge Photonics Trading Co., Ltd.
	// Photonics Trading                    no match
	// University                           no match
}
