// Command authorize onboards a tenant account.
package main

import (
	"github.com/cspm-alibaba/cspm/shared/fcrun"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

func main() {
	fcrun.Start((&tenant.Authorizer{}).Handle)
}
