// Command schedule-scan plans scan tasks and sends their shard jobs to the shard queue.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/schedule"
)

func main() {
	h, err := schedule.FromEnv()
	if err != nil {
		fcrun.Fatal(err)
	}
	fcrun.Start(h.Handle)
}
