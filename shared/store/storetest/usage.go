package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/shared/store"
)

func testUsage(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_usage")
	t0 := e.clock.Now()
	records := []store.Usage{
		{TenantID: "acme", Key: "task1/s1/ecs-001/i-1/scan", Site: "cn", BillingMethod: "subscription",
			ItemID: "ecs-001", InstanceID: "i-1", Operation: "scan", Units: 1, At: t0, TaskID: "task1", ShardID: "s1"},
		{TenantID: "acme", Key: "task1/s1/ecs-002/i-1/scan", ItemID: "ecs-002", InstanceID: "i-1", Operation: "scan",
			At: t0.Add(time.Hour)}, // Units 0 → 1
		{TenantID: "acme", Key: "fix/oss-003/bucket-a", ItemID: "oss-003", InstanceID: "bucket-a", Operation: "fix",
			Units: 1, At: t0.Add(2 * time.Hour)},
		{TenantID: "other", Key: "task9/s1/ecs-001/i-9/scan", Operation: "scan", Units: 1, At: t0},
	}
	for _, u := range records {
		created, err := e.st.RecordUsage(e.ctx, u)
		wantCode(t, "RecordUsage("+u.Key+")", err, nil)
		if !created {
			t.Errorf("RecordUsage(%s) created = false; want true for a new key", u.Key)
		}
	}

	// A retried operation: same key, reported as already recorded, stored once as first written.
	dup := records[0]
	dup.Units, dup.At, dup.Operation = 5, t0.Add(time.Minute), "verify"
	created, err := e.st.RecordUsage(e.ctx, dup)
	wantCode(t, "RecordUsage(duplicate key)", err, nil)
	if created {
		t.Errorf("RecordUsage(duplicate key) created = true; want false (already recorded)")
	}

	records[1].Units = 1
	acme := []store.Usage{records[2], records[0], records[1]} // key order
	ranges := []struct {
		name     string
		from, to time.Time
		want     []store.Usage
	}{
		{"open", time.Time{}, time.Time{}, acme},
		{"[t0, t0+2h)", t0, t0.Add(2 * time.Hour), []store.Usage{records[0], records[1]}},
		{"[t0+1h, open)", t0.Add(time.Hour), time.Time{}, []store.Usage{records[2], records[1]}},
		{"(open, t0+1h)", time.Time{}, t0.Add(time.Hour), []store.Usage{records[0]}},
		{"[t0+3h, t0+4h)", t0.Add(3 * time.Hour), t0.Add(4 * time.Hour), nil},
	}
	for _, r := range ranges {
		got, err := e.st.ListUsage(e.ctx, "acme", r.from, r.to)
		wantCode(t, "ListUsage "+r.name, err, nil)
		if !reflect.DeepEqual(got, r.want) {
			t.Errorf("ListUsage(acme, %s) = %+v; want %+v", r.name, got, r.want)
		}
	}

	for _, b := range []struct {
		name string
		u    store.Usage
	}{
		{"empty key", store.Usage{TenantID: "acme", Operation: "scan"}},
		{"empty tenant", store.Usage{Key: "k", Operation: "scan"}},
		{"empty operation", store.Usage{TenantID: "acme", Key: "k"}},
		{"negative units", store.Usage{TenantID: "acme", Key: "k", Operation: "scan", Units: -1}},
		{"key with NUL", store.Usage{TenantID: "acme", Key: "k\x00", Operation: "scan"}},
		{"key of 256 bytes", store.Usage{TenantID: "acme", Key: repeat("k", 256), Operation: "scan"}},
	} {
		created, err := e.st.RecordUsage(e.ctx, b.u)
		wantCode(t, "RecordUsage("+b.name+")", err, store.ErrInvalid)
		if created {
			t.Errorf("RecordUsage(%s) created = true; want false", b.name)
		}
	}
	_, err = e.st.ListUsage(e.ctx, "acme", t0.Add(time.Hour), t0)
	wantCode(t, "ListUsage(from after to)", err, store.ErrInvalid)
	got, err := e.st.ListUsage(e.ctx, "acme", time.Time{}, time.Time{})
	wantCode(t, "ListUsage after bad input", err, nil)
	if len(got) != 3 {
		t.Errorf("ListUsage(acme) after rejected records = %d records; want 3", len(got))
	}
}

func testQuota(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_quota")
	_, err := e.st.GetQuota(e.ctx, "acme", "config")
	wantCode(t, "GetQuota(missing)", err, store.ErrNotFound)

	steps := []struct {
		do      string // add, reserve
		n, cap  int64
		want    error
		used    int64 // after the step (or as returned with ErrExhausted)
		version int64
	}{
		{do: "add", n: 5, used: 5, version: 1},
		{do: "add", n: -2, used: 3, version: 2},
		{do: "reserve", n: 4, cap: 10, used: 7, version: 3},
		{do: "reserve", n: 4, cap: 10, want: store.ErrExhausted, used: 7, version: 3},
		{do: "reserve", n: 3, cap: 10, used: 10, version: 4},
		{do: "reserve", n: 1, cap: 10, want: store.ErrExhausted, used: 10, version: 4},
		{do: "add", n: 1, used: 11, version: 5}, // metering has no cap
		{do: "reserve", n: 1, cap: 20, used: 12, version: 6},
	}
	for i, s := range steps {
		what := fmt.Sprintf("step %d %s(%d, cap %d)", i, s.do, s.n, s.cap)
		switch s.do {
		case "add":
			used, err := e.st.AddQuota(e.ctx, "acme", "config", s.n)
			wantCode(t, what, err, s.want)
			if used != s.used {
				t.Errorf("%s = %d; want %d", what, used, s.used)
			}
		case "reserve":
			q, err := e.st.ReserveQuota(e.ctx, "acme", "config", s.n, s.cap)
			wantCode(t, what, err, s.want)
			if q.Used != s.used || q.Version != s.version {
				t.Errorf("%s returned used %d version %d; want %d, %d", what, q.Used, q.Version, s.used, s.version)
			}
		}
		q, err := e.st.GetQuota(e.ctx, "acme", "config")
		wantCode(t, what+": GetQuota", err, nil)
		if q.Used != s.used || q.Version != s.version {
			t.Errorf("%s: GetQuota = used %d version %d; want %d, %d", what, q.Used, q.Version, s.used, s.version)
		}
	}

	// A new counter: a reservation over the cap writes nothing.
	q, err := e.st.ReserveQuota(e.ctx, "acme", "new", 3, 2)
	wantCode(t, "ReserveQuota(new counter over cap)", err, store.ErrExhausted)
	if q.Used != 0 {
		t.Errorf("ReserveQuota(new counter over cap) returned used %d; want 0", q.Used)
	}
	_, err = e.st.GetQuota(e.ctx, "acme", "new")
	wantCode(t, "GetQuota(new) after refused reservation", err, store.ErrNotFound)
	q, err = e.st.ReserveQuota(e.ctx, "acme", "new", 2, 2)
	wantCode(t, "ReserveQuota(new counter, exactly the cap)", err, nil)
	if q.Used != 2 || q.Cap != 2 {
		t.Errorf("ReserveQuota(new, 2, cap 2) = used %d cap %d; want 2, 2", q.Used, q.Cap)
	}

	for _, b := range []struct {
		name string
		err  error
	}{
		{"ReserveQuota(n 0)", second(e.st.ReserveQuota(e.ctx, "acme", "x", 0, 10))},
		{"ReserveQuota(negative cap)", second(e.st.ReserveQuota(e.ctx, "acme", "x", 1, -1))},
		{"ReserveQuota(empty counter)", second(e.st.ReserveQuota(e.ctx, "acme", "", 1, 10))},
		{"AddQuota(n 0)", second(e.st.AddQuota(e.ctx, "acme", "x", 0))},
		{"AddQuota(empty tenant)", second(e.st.AddQuota(e.ctx, "", "x", 1))},
		{"GetQuota(NUL)", second(e.st.GetQuota(e.ctx, "acme", "\x00"))},
	} {
		wantCode(t, b.name, b.err, store.ErrInvalid)
	}
	_, err = e.st.GetQuota(e.ctx, "acme", "x")
	wantCode(t, "GetQuota(x) after rejected calls", err, store.ErrNotFound)
}

// testQuotaConcurrentReserve: 32 reservers of 1, 2 or 3 units race for a cap of 100;
// exactly 100 units are granted, never more.
func testQuotaConcurrentReserve(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_quota")
	const (
		reservers = 32
		limit     = 100
	)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		granted int64
		calls   int
		errs    []error
	)
	for i := 0; i < reservers; i++ {
		n := int64(i%3 + 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				q, err := e.st.ReserveQuota(e.ctx, "acme", "subscription", n, limit)
				mu.Lock()
				calls++
				if err == nil {
					granted += n
					if q.Used > limit {
						errs = append(errs, fmt.Errorf("a reservation returned used %d > cap %d", q.Used, limit))
					}
				} else if !errors.Is(err, store.ErrExhausted) {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent ReserveQuota: %v", err)
	}
	q, err := e.st.GetQuota(e.ctx, "acme", "subscription")
	wantCode(t, "GetQuota", err, nil)
	if granted != limit || q.Used != limit {
		t.Errorf("%d concurrent reservers (%d calls) were granted %d units, counter used %d; want exactly the cap %d",
			reservers, calls, granted, q.Used, limit)
	}
}

// testUsageBatch: RecordUsages writes hundreds of records in batches, each only if
// absent: a record written before is reported as not created, a bad record as
// ErrInvalid, and the rest are written all the same.
func testUsageBatch(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_usage")
	rec := func(i int) store.Usage {
		return store.Usage{TenantID: "acme", Key: fmt.Sprintf("cn/task1/0000/ecs-001/i-%04d/scan", i), Site: "cn",
			BillingMethod: "payg", ItemID: "ecs-001", InstanceID: fmt.Sprintf("i-%04d", i), Operation: "scan", At: e.clock.Now()}
	}
	first := make([]store.Usage, 150)
	for i := range first {
		first[i] = rec(i)
	}
	created, errs := e.st.RecordUsages(e.ctx, first)
	for i := range first {
		if !created[i] || errs[i] != nil {
			t.Fatalf("RecordUsages(150 new)[%d] = %v, %v; want created", i, created[i], errs[i])
		}
	}
	// 450 more, of which the first 150 repeat the records above and one is bad.
	second := make([]store.Usage, 450)
	for i := range second {
		second[i] = rec(i)
	}
	second[300].Operation = ""
	created, errs = e.st.RecordUsages(e.ctx, second)
	for i := range second {
		switch {
		case i < 150 && (created[i] || errs[i] != nil):
			t.Errorf("record %d again: created %v, %v; want not created, no error (charged before)", i, created[i], errs[i])
		case i == 300 && !errors.Is(errs[i], store.ErrInvalid):
			t.Errorf("record %d without an operation: %v; want ErrInvalid", i, errs[i])
		case i >= 150 && i != 300 && (!created[i] || errs[i] != nil):
			t.Errorf("new record %d: created %v, %v; want created", i, created[i], errs[i])
		}
	}
	got, err := e.st.ListUsage(e.ctx, "acme", time.Time{}, time.Time{})
	wantCode(t, "ListUsage", err, nil)
	if len(got) != 449 {
		t.Errorf("ListUsage = %d records; want 449 (450 distinct keys but the bad one)", len(got))
	}
}
