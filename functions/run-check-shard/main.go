// Command run-check-shard runs the shard jobs the shard queue delivers.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/shard"
)

func main() {
	fcrun.Start((&shard.Handler{}).Handle)
}
