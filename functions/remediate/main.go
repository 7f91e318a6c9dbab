// Command remediate applies fix and rollback jobs.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/remediate"
)

func main() {
	h, err := remediate.FromEnv()
	if err != nil {
		fcrun.Fatal(err)
	}
	fcrun.Start(h.Handle)
}
