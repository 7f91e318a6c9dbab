package otsim_test

import (
	"fmt"
	"log"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/local/otsim"
)

// Start an emulator, create a table and use a conditional increment as a
// capped counter through the unmodified SDK.
func Example() {
	srv, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := srv.Client() // same as tablestore.NewClient(srv.URL(), "cspm-local", "cspm-local-ak", "cspm-local-secret")

	meta := &tablestore.TableMeta{TableName: "quota"}
	meta.AddPrimaryKeyColumn("tenant", tablestore.PrimaryKeyType_STRING)
	if _, err := client.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	}); err != nil {
		log.Fatal(err)
	}

	pk := &tablestore.PrimaryKey{}
	pk.AddPrimaryKeyColumn("tenant", "acme")
	for i := 0; i < 3; i++ {
		change := &tablestore.UpdateRowChange{TableName: "quota", PrimaryKey: pk}
		change.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		// Only increment while used < 2.
		change.SetColumnCondition(tablestore.NewSingleColumnCondition("used", tablestore.CT_LESS_THAN, int64(2)))
		change.IncrementColumn("used", 1)
		change.SetReturnIncrementValue()
		change.AppendIncrementColumnToReturn("used")
		resp, err := client.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: change})
		if err != nil {
			fmt.Println("error:", err.(*tablestore.OtsError).Code)
			continue
		}
		fmt.Println("used =", resp.Columns[0].Value)
	}
	// Output:
	// used = 1
	// used = 2
	// error: OTSConditionCheckFail
}
