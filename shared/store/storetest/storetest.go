// Package storetest is the conformance suite for package store: one body of tests
// that every Tablestore the store runs on must pass — the local/otsim emulator in
// `go test`, and a real instance when credentials are given.
//
// A harness only supplies a client:
//
//	func TestConformance(t *testing.T) {
//		storetest.RunConformanceTests(t, func(t *testing.T) *tablestore.TableStoreClient {
//			srv, err := otsim.NewServer(otsim.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { srv.Close() })
//			return srv.Client()
//		})
//	}
//
// NewStore gives other packages' tests a store on fresh tables.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// RunConformanceTests runs the suite. newHarness is called once per test and returns
// a client for an instance the test may create tables in; it registers its own
// cleanup with t. Each test creates the tables it needs under a unique name prefix
// and deletes them when it ends, so a real instance is left as it was. Tests run in
// parallel.
func RunConformanceTests(t *testing.T, newHarness func(t *testing.T) *tablestore.TableStoreClient) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, func(*testing.T) *tablestore.TableStoreClient)
	}{
		{"Tenants", testTenants},
		{"Tasks", testTasks},
		{"PutShards", testPutShards},
		{"ShardTransitions", testShardTransitions},
		{"ShardClaimRace", testShardClaimRace},
		{"FindingsBatch", testFindingsBatch},
		{"FindingsFirstSeen", testFindingsFirstSeen},
		{"FindingsPaging", testFindingsPaging},
		{"FindingsBadInput", testFindingsBadInput},
		{"FindingsOfItem", testFindingsOfItem},
		{"Usage", testUsage},
		{"UsageBatch", testUsageBatch},
		{"Quota", testQuota},
		{"QuotaConcurrentReserve", testQuotaConcurrentReserve},
		{"Assets", testAssets},
		{"Whitelist", testWhitelist},
		{"TaskChanges", testTaskChanges},
		{"Bills", testBills},
		{"CreateTables", testCreateTables},
		{"ServiceErrors", testServiceErrors},
		{"Canceled", testCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newHarness)
		})
	}
}

// Clock is a settable clock for Options.Now. It starts at the current time rounded to
// the millisecond (the store keeps milliseconds).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to now.
func NewClock() *Clock {
	return &Clock{t: time.UnixMilli(time.Now().UnixMilli()).UTC()}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// NewStore returns a store over client on fresh tables: it creates the named tables
// of infra.Tables() (all of them when names is empty) under a unique prefix, waits
// until they answer, and deletes them when the test ends. opts may be nil; its
// TablePrefix is replaced.
func NewStore(t testing.TB, client *tablestore.TableStoreClient, opts *store.Options, names ...string) *store.Store {
	t.Helper()
	all, err := infra.Tables()
	if err != nil {
		t.Fatalf("infra.Tables(): %v", err)
	}
	var tables []infra.Table
	for _, tb := range all {
		if len(names) == 0 || contains(names, tb.Name) {
			tables = append(tables, tb)
		}
	}
	if len(tables) != len(names) && len(names) > 0 {
		t.Fatalf("NewStore: some of the tables %v are not in infra/tablestore/tables.json", names)
	}
	var o store.Options
	if opts != nil {
		o = *opts
	}
	o.TablePrefix = "st" + strings.ToLower(rand.Text()[:10]) + "_"
	st := store.New(client, &o)
	ctx := context.Background()
	// A real instance throttles table operations ("Too frequent table operations");
	// keep trying for a while.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err = st.CreateTables(ctx, tables)
		if err == nil || time.Now().After(deadline) || !transient(err) {
			break
		}
		time.Sleep(time.Second)
	}
	t.Cleanup(func() {
		for _, tb := range tables {
			name := st.TableName(tb.Name)
			for {
				_, err := client.DeleteTable(&tablestore.DeleteTableRequest{TableName: name})
				if err == nil || otsCode(err) == "OTSObjectNotExist" {
					break
				}
				if !transient(err) || time.Now().After(deadline.Add(5*time.Minute)) {
					t.Errorf("delete table %s after the test: %v", name, err)
					break
				}
				time.Sleep(time.Second)
			}
		}
	})
	if err != nil {
		t.Fatalf("CreateTables(%d tables, prefix %s): %v", len(tables), o.TablePrefix, err)
	}
	// A new table on a real instance may take a moment to serve.
	for _, tb := range tables {
		name := st.TableName(tb.Name)
		for {
			pk := new(tablestore.PrimaryKey)
			for _, c := range tb.PrimaryKey {
				switch c.Type {
				case infra.PKInteger:
					pk.AddPrimaryKeyColumn(c.Name, int64(0))
				case infra.PKBinary:
					pk.AddPrimaryKeyColumn(c.Name, []byte{0})
				default:
					pk.AddPrimaryKeyColumn(c.Name, "probe")
				}
			}
			_, err := client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
				TableName: name, PrimaryKey: pk, MaxVersion: 1}})
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("table %s does not answer after creation: %v", name, err)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	return st
}

func transient(err error) bool {
	var oe *tablestore.OtsError
	if !errors.As(err, &oe) {
		return false
	}
	return oe.Code == "OTSQuotaExhausted" || oe.Code == "OTSServerBusy" || oe.Code == "OTSTableNotReady" ||
		oe.Code == "OTSServerUnavailable" || oe.Code == "OTSInternalServerError" || oe.Code == "OTSTimeout"
}

func otsCode(err error) string {
	var oe *tablestore.OtsError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// env is one test's store, clock and client.
type env struct {
	st     *store.Store
	clock  *Clock
	client *tablestore.TableStoreClient
	ctx    context.Context
}

func setup(t *testing.T, newHarness func(*testing.T) *tablestore.TableStoreClient, tables ...string) *env {
	t.Helper()
	client := newHarness(t)
	clock := NewClock()
	st := NewStore(t, client, &store.Options{Now: clock.Now}, tables...)
	return &env{st: st, clock: clock, client: client, ctx: context.Background()}
}

// errCode names the store error code err carries, for messages.
func errCode(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, store.ErrNotFound):
		return "ErrNotFound"
	case errors.Is(err, store.ErrConflict):
		return "ErrConflict"
	case errors.Is(err, store.ErrInvalid):
		return "ErrInvalid"
	case errors.Is(err, store.ErrExhausted):
		return "ErrExhausted"
	}
	return "uncoded error"
}

// wantCode fails unless err carries code (nil: no error).
func wantCode(t *testing.T, what string, err, code error) {
	t.Helper()
	if code == nil {
		if err != nil {
			t.Fatalf("%s = %v; want no error", what, err)
		}
		return
	}
	if !errors.Is(err, code) {
		t.Fatalf("%s = %v (%s); want %s", what, err, errCode(err), errCode(code))
	}
	if !strings.HasPrefix(err.Error(), "store: ") {
		t.Errorf("%s error %q does not start with \"store: \"", what, err)
	}
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }
