package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// runTables creates the deployment's tables (infra/tablestore/tables.json) in a
// Tablestore instance: a real one, or `cspm emulate tablestore`. Existing tables are
// left as they are.
func runTables(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"what to do? tables create"}
	}
	fs := newFlags("tables create", stderr)
	endpoint := fs.String("endpoint", os.Getenv(store.EnvEndpoint), "Tablestore endpoint, e.g. https://cspm.cn-hangzhou.ots.aliyuncs.com (default $OTS_ENDPOINT)")
	instance := fs.String("instance", os.Getenv(store.EnvInstance), "instance name (default $OTS_INSTANCE)")
	prefix := fs.String("prefix", "", "prefix for every table name")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	// Credentials come from the environment only, never from flags that land in shell history.
	getenv := func(name string) string {
		switch name {
		case store.EnvEndpoint:
			return *endpoint
		case store.EnvInstance:
			return *instance
		}
		return os.Getenv(name)
	}
	client, err := store.ClientFromGetenv(getenv)
	if err != nil {
		return err
	}
	tables, err := infra.Tables()
	if err != nil {
		return err
	}
	st := store.New(client, &store.Options{TablePrefix: *prefix})
	if err := st.CreateTables(ctx, tables); err != nil {
		return err
	}
	for _, t := range tables {
		fmt.Fprintf(stdout, "%s\t%s\n", st.TableName(t.Name), t.Purpose)
	}
	return nil
}
