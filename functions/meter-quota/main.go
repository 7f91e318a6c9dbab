// Command meter-quota totals metered usage into bills and reconciles the quota
// counters, on its hourly timer.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/meter"
)

func main() {
	h, err := meter.FromEnv()
	if err != nil {
		fcrun.Fatal(err)
	}
	fcrun.Start(h.Handle)
}
