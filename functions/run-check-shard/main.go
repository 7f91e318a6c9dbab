// Command run-check-shard runs the shard jobs the shard queue delivers.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/shard"
)

func main() {
	h, err := shard.FromEnv()
	if err != nil {
		fcrun.Fatal(err)
	}
	fcrun.Start(h.Handle)
}
