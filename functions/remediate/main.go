// Command remediate applies fix and rollback jobs.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/remediate"
)

func main() {
	fcrun.Start((&remediate.Handler{}).Handle)
}
