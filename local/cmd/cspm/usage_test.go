package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/entitlement"
	"github.com/cspm-alibaba/cspm/shared/quota"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// TestUsageCommand: usage charged into a Tablestore emulator's data file is printed
// per period, operation and item, as JSON and CSV, for the tenant asked and no other.
func TestUsageCommand(t *testing.T) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "ots.json")
	ots, err := otsim.NewServer(otsim.Options{DataFile: data})
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(ots.Client(), nil)
	tables, err := infra.Tables()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTables(ctx, tables); err != nil {
		t.Fatal(err)
	}
	l := quota.New(st, nil)
	charge := func(tenant, item string, n int, b quota.Billing) {
		for i := range n {
			k := quota.ChargeKey{TenantID: tenant, Site: "cn", TaskID: "task-1", ShardID: "0000", ItemID: item,
				InstanceID: fmt.Sprintf("i-%d", i), Operation: entitlement.Scan}
			if _, err := l.Charge(ctx, k, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	sub := quota.Subscription("sub-1", time.Time{}, time.Time{}, 100)
	charge("globex-media", "ecs_instance_public_ip", 7, sub)
	charge("globex-media", "ecs_sg_egress_unrestricted", 3, sub)
	charge("acme-retail", "ack_cluster_private", 2, quota.PayAsYouGo(time.Now()))
	if err := ots.Close(); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"usage", "--data", data, "--tenant", "globex-media", "--period", "day"}, &out, &errOut); code != 0 {
		t.Fatalf("usage exited %d: %s", code, errOut.String())
	}
	var got struct {
		TenantID string `json:"tenant_id"`
		Units    int64  `json:"units"`
		Usage    []struct {
			Method string `json:"billing_method"`
			ItemID string `json:"item_id"`
			Units  int64  `json:"units"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("usage --format json printed %s: %v", out.String(), err)
	}
	if got.TenantID != "globex-media" || got.Units != 10 || len(got.Usage) != 2 || got.Usage[0].Units != 7 || got.Usage[0].Method != "subscription" {
		t.Errorf("usage = %+v; want globex-media's 10 units in two lines (7 + 3), subscription", got)
	}

	out.Reset()
	if code := run(ctx, []string{"usage", "--data", data, "--tenant", "acme-retail", "--format", "csv", "--period", "month"}, &out, &errOut); code != 0 {
		t.Fatalf("usage --format csv exited %d: %s", code, errOut.String())
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "start,site,billing_method,operation,item_id,units,records" ||
		rows[1][2] != "payg" || rows[1][4] != "ack_cluster_private" || rows[1][5] != "2" {
		t.Errorf("usage --format csv printed %q (%v); want a header and acme-retail's one line of 2 units", out.String(), err)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"usage", "--data", data}, "--tenant is required"},
		{[]string{"usage", "--data", data, "--tenant", "x", "--period", "week"}, `unknown period "week"`},
		{[]string{"usage", "--data", data, "--tenant", "x", "--format", "xml"}, `unknown format "xml"`},
		{[]string{"usage", "--data", data, "--tenant", "x", "--from", "yesterday"}, "--from"},
		{[]string{"usage", "--data", filepath.Join(t.TempDir(), "missing.json"), "--tenant", "x"}, "--data"},
	} {
		out.Reset()
		errOut.Reset()
		if code := run(ctx, bad.args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), bad.want) {
			t.Errorf("cspm %v exited %d printing %q; want a failure mentioning %q", bad.args, code, errOut.String(), bad.want)
		}
	}
}
