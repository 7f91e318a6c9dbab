package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/shared/store"
)

func testAssets(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_assets")
	now := e.clock.Now()
	assets := make([]store.Asset, 0, 230)
	for i := 0; i < 230; i++ {
		product := "ecs"
		if i >= 200 {
			product = "oss"
		}
		assets = append(assets, store.Asset{TenantID: "acme", Product: product, AssetID: fmt.Sprintf("r-%04d", i),
			Site: "cn", Region: "cn-shanghai", Type: "ALIYUN::ECS::Instance", Name: fmt.Sprintf("web-%d", i),
			Attributes: `{"tags":{"env":"prod"}}`, TaskID: "task1"})
	}
	stats, err := e.st.PutAssets(e.ctx, assets)
	wantCode(t, "PutAssets(230)", err, nil)
	if want := (store.WriteStats{Written: 230, Requests: 2}); stats != want {
		t.Errorf("PutAssets(230) stats = %+v; want %+v", stats, want)
	}
	for i := range assets {
		assets[i].SeenAt = now // defaulted
	}
	got, err := e.st.ListAssets(e.ctx, "acme")
	wantCode(t, "ListAssets", err, nil)
	if !reflect.DeepEqual(got, assets) {
		t.Fatalf("ListAssets returned %d assets; want the %d written, in key order (first got %+v)", len(got), len(assets), first(got))
	}

	oss, err := e.st.ListProductAssets(e.ctx, "acme", "oss")
	wantCode(t, "ListProductAssets(oss)", err, nil)
	if !reflect.DeepEqual(oss, assets[200:]) {
		t.Errorf("ListProductAssets(oss) returned %d assets; want the 30 oss ones", len(oss))
	}
	none, err := e.st.ListProductAssets(e.ctx, "acme", "rds")
	wantCode(t, "ListProductAssets(rds)", err, nil)
	if len(none) != 0 {
		t.Errorf("ListProductAssets(rds) returned %d assets; want none", len(none))
	}

	// PutAssets replaces the row: fields left empty are gone.
	e.clock.Advance(time.Hour)
	re := store.Asset{TenantID: "acme", Product: "ecs", AssetID: "r-0000", Name: "renamed", SeenAt: e.clock.Now()}
	if _, err := e.st.PutAssets(e.ctx, []store.Asset{re}); err != nil {
		t.Fatalf("PutAssets(replace): %v", err)
	}
	got, err = e.st.ListAssets(e.ctx, "acme")
	wantCode(t, "ListAssets after replace", err, nil)
	if !reflect.DeepEqual(got[0], re) {
		t.Errorf("ListAssets()[0] after replace = %+v; want %+v", got[0], re)
	}

	bad := []store.Asset{{TenantID: "acme", Product: "ecs", AssetID: "new-1"}, {TenantID: "acme", Product: "ecs", AssetID: "new-2", Attributes: "{"}}
	_, err = e.st.PutAssets(e.ctx, bad)
	wantCode(t, "PutAssets(attributes not JSON)", err, store.ErrInvalid)
	got, err = e.st.ListAssets(e.ctx, "acme")
	wantCode(t, "ListAssets after bad input", err, nil)
	if len(got) != len(assets) {
		t.Errorf("ListAssets after a refused PutAssets = %d assets; want %d (nothing written)", len(got), len(assets))
	}
}

func first[T any](xs []T) any {
	if len(xs) == 0 {
		return nil
	}
	return xs[0]
}

func testCreateTables(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_quota")
	tables, err := infra.Tables()
	if err != nil {
		t.Fatal(err)
	}
	var quota infra.Table
	for _, tb := range tables {
		if tb.Name == "cspm_quota" {
			quota = tb
		}
	}
	if _, err := e.st.AddQuota(e.ctx, "acme", "c", 3); err != nil {
		t.Fatalf("AddQuota: %v", err)
	}
	wantCode(t, "CreateTables(existing table)", e.st.CreateTables(e.ctx, []infra.Table{quota}), nil)
	if q, err := e.st.GetQuota(e.ctx, "acme", "c"); err != nil || q.Used != 3 {
		t.Errorf("GetQuota after CreateTables of the existing table = %+v, %v; want used 3 (data kept)", q, err)
	}

	other := quota
	other.PrimaryKey = []infra.PKColumn{{Name: "tenant_id", Type: "STRING"}, {Name: "period", Type: "INTEGER"}}
	err = e.st.CreateTables(e.ctx, []infra.Table{other})
	wantCode(t, "CreateTables(existing table, other primary key)", err, store.ErrConflict)
	if !strings.Contains(err.Error(), "counter STRING") {
		t.Errorf("CreateTables(other primary key) error %q does not show the existing key", err)
	}

	odd := quota
	odd.Name = "cspm_odd"
	odd.PrimaryKey = []infra.PKColumn{{Name: "tenant_id", Type: "DOUBLE"}}
	wantCode(t, "CreateTables(DOUBLE key)", e.st.CreateTables(e.ctx, []infra.Table{odd}), store.ErrInvalid)
}

// testServiceErrors: an error from the service keeps the SDK's *tablestore.OtsError
// reachable and says which operation failed.
func testServiceErrors(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	client := h(t)
	st := store.New(client, &store.Options{TablePrefix: "nosuchtable_"})
	ctx := context.Background()
	calls := []struct {
		op  string
		err error
	}{
		{"get tenant", second(st.GetTenant(ctx, "acme"))},
		{"list tenants", second(st.ListTenants(ctx))},
		{"put findings", second(st.PutFindings(ctx, newFindings(3, time.Now(), true)))},
		{"record usage", second(st.RecordUsage(ctx, store.Usage{TenantID: "acme", Key: "k", Operation: "scan"}))},
		{"reserve quota", second(st.ReserveQuota(ctx, "acme", "c", 1, 10))},
		{"claim shard", second(st.ClaimShard(ctx, shardKey("t", 1), time.Minute))},
	}
	for _, c := range calls {
		var oe *tablestore.OtsError
		if !errors.As(c.err, &oe) {
			t.Errorf("%s on a missing table = %v; want an error wrapping *tablestore.OtsError", c.op, c.err)
			continue
		}
		if oe.Code != "OTSObjectNotExist" {
			t.Errorf("%s on a missing table: OtsError code %q; want OTSObjectNotExist", c.op, oe.Code)
		}
		if !strings.HasPrefix(c.err.Error(), "store: "+c.op) {
			t.Errorf("%s on a missing table: error %q does not start with %q", c.op, c.err, "store: "+c.op)
		}
	}
}

// testCanceled: a canceled context stops every method before it sends anything.
func testCanceled(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings", "cspm_usage", "cspm_shards")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := []struct {
		name string
		err  error
	}{
		{"PutFindings", second(e.st.PutFindings(ctx, newFindings(10, e.clock.Now(), true)))},
		{"ListFindings", second(e.st.ListFindings(ctx, "acme"))},
		{"RecordUsage", second(e.st.RecordUsage(ctx, store.Usage{TenantID: "acme", Key: "k", Operation: "scan"}))},
		{"PutShards", second(e.st.PutShards(ctx, newShards("t", 3)))},
	}
	for _, c := range calls {
		if !errors.Is(c.err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v; want context.Canceled", c.name, c.err)
		}
	}
	if got := listFindings(t, e, "after canceled PutFindings"); len(got) != 0 {
		t.Errorf("PutFindings with a canceled context wrote %d findings; want none", len(got))
	}
	if got, err := e.st.ListUsage(e.ctx, "acme", time.Time{}, time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("RecordUsage with a canceled context: ListUsage = %d records, %v; want none", len(got), err)
	}
}

func testBills(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_bills")
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	bill := func(id, method string, units int64) store.Bill {
		return store.Bill{TenantID: "acme", BillID: id, Period: "day", Start: day, End: day.AddDate(0, 0, 1), Site: "cn",
			Method: method, Units: units, Records: int(units), Lines: `[{"operation":"scan","item_id":"ecs_instance_public_ip","units":3}]`,
			Reconciled: "ok", UpdatedAt: e.clock.Now()}
	}
	bills := []store.Bill{bill("day/2026-11-23T00:00:00Z/cn/payg", "payg", 3), bill("day/2026-11-23T00:00:00Z/cn/subscription", "subscription", 5)}
	_, err := e.st.PutBills(e.ctx, bills)
	wantCode(t, "PutBills", err, nil)
	got, err := e.st.ListBills(e.ctx, "acme")
	wantCode(t, "ListBills", err, nil)
	if !reflect.DeepEqual(got, bills) {
		t.Fatalf("ListBills = %+v; want %+v", got, bills)
	}
	// The job runs again: the bill is replaced, not duplicated.
	e.clock.Advance(time.Hour)
	again := bill("day/2026-11-23T00:00:00Z/cn/payg", "payg", 4)
	_, err = e.st.PutBills(e.ctx, []store.Bill{again})
	wantCode(t, "PutBills(again)", err, nil)
	got, err = e.st.ListBills(e.ctx, "acme")
	wantCode(t, "ListBills after rewrite", err, nil)
	if len(got) != 2 || !reflect.DeepEqual(got[0], again) {
		t.Errorf("ListBills after rewrite = %+v; want 2 bills, the first %+v", got, again)
	}
	// Other tenants see nothing.
	other, err := e.st.ListBills(e.ctx, "globex")
	wantCode(t, "ListBills(other tenant)", err, nil)
	if len(other) != 0 {
		t.Errorf("ListBills(globex) = %d bills; want none (tenant data is keyed by tenant)", len(other))
	}
	for _, b := range []struct {
		name string
		bill store.Bill
	}{
		{"lines not JSON", func() store.Bill { b := bill("x", "payg", 1); b.Lines = "["; return b }()},
		{"start after end", func() store.Bill { b := bill("y", "payg", 1); b.End = b.Start; return b }()},
		{"no id", bill("", "payg", 1)},
	} {
		_, err := e.st.PutBills(e.ctx, []store.Bill{bill("z", "payg", 1), b.bill})
		wantCode(t, "PutBills("+b.name+")", err, store.ErrInvalid)
	}
	got, _ = e.st.ListBills(e.ctx, "acme")
	if len(got) != 2 {
		t.Errorf("after refused PutBills: %d bills; want 2 (nothing written)", len(got))
	}
}
