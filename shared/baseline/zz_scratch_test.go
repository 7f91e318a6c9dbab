package baseline

import (
	"context"
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	r, err := Run(context.Background(), Options{Root: os.Getenv("HOME") + "/.cache/cspm/debootstrap-bookworm", NotLive: true})
	if err != nil {
		t.Fatal(err)
	}
	WriteReport(os.Stdout, r, "table")
	t.Logf("%d ms", r.DurationMS)
}
