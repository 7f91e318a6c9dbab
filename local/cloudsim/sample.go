package cloudsim

import (
	_ "embed"
	"fmt"
)

//go:embed testdata/sample-account.json
var sampleAccount []byte

// SampleAccountID is the sample account's id.
const SampleAccountID = "1357924680135792"

// SampleInventory returns the hand-written sample account (testdata/sample-account.json,
// its misconfigurations listed in testdata/sample-account.md) that the demo scans.
func SampleInventory() (*Inventory, error) {
	inv, err := ParseInventory(sampleAccount)
	if err != nil {
		return nil, fmt.Errorf("sample account: %w", err)
	}
	return inv, nil
}
