// Command meter-quota totals metered usage into bills on its hourly timer.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/meter"
)

func main() {
	fcrun.Start((&meter.Handler{}).Handle)
}
