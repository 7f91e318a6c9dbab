// Command authorize onboards a tenant account.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

func main() {
	a, err := tenant.AuthorizerFromEnv()
	if err != nil {
		fcrun.Fatal(err)
	}
	fcrun.Start(a.Handle)
}
