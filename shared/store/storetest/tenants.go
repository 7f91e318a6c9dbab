package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/shared/store"
)

func testTenants(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_tenants")
	authorized := e.clock.Now().Add(-time.Hour)
	tenants := []store.Tenant{
		{TenantID: "acme", AccountID: "1234567890123456", Site: "cn", Regions: []string{"cn-hangzhou", "cn-beijing"},
			Products: []string{"ecs", "oss"}, Policy: "default", Plan: "enterprise", BillingMethod: "subscription",
			RoleARN: "acs:ram::1234567890123456:role/cspm", ExternalID: "ext-acme-0001", AuthorizedAt: authorized,
			Permissions: map[string]string{"ecs": "ok", "oss": "denied: Forbidden.RAM"}},
		{TenantID: "revoked", AccountID: "1111222233334444", Site: "cn", Regions: []string{"cn-hangzhou"},
			Products: []string{"ecs"}, AuthorizedAt: authorized, RevokedAt: authorized.Add(time.Minute)},
		{TenantID: "beta", AccountID: "6543210987654321", Site: "intl", Regions: []string{"ap-southeast-1"},
			Products: []string{"ram"}, Policy: "strict"},
		{TenantID: "gamma"}, // only a key: every other field may be empty
	}
	for _, tn := range tenants {
		wantCode(t, fmt.Sprintf("PutTenant(%s)", tn.TenantID), e.st.PutTenant(e.ctx, tn), nil)
	}
	for _, tn := range tenants {
		got, err := e.st.GetTenant(e.ctx, tn.TenantID)
		wantCode(t, fmt.Sprintf("GetTenant(%s)", tn.TenantID), err, nil)
		tn.UpdatedAt = e.clock.Now()
		if !reflect.DeepEqual(got, tn) {
			t.Errorf("GetTenant(%s) = %+v; want %+v", tn.TenantID, got, tn)
		}
	}

	// PutTenant replaces the whole tenant.
	e.clock.Advance(time.Minute)
	changed := store.Tenant{TenantID: "beta", AccountID: "6543210987654321", Site: "intl", Regions: []string{"eu-central-1"}}
	wantCode(t, "PutTenant(beta, changed)", e.st.PutTenant(e.ctx, changed), nil)
	got, err := e.st.GetTenant(e.ctx, "beta")
	wantCode(t, "GetTenant(beta) after change", err, nil)
	changed.UpdatedAt = e.clock.Now()
	if !reflect.DeepEqual(got, changed) {
		t.Errorf("GetTenant(beta) after PutTenant = %+v; want %+v (old products and policy gone)", got, changed)
	}

	_, err = e.st.GetTenant(e.ctx, "nobody")
	wantCode(t, "GetTenant(nobody)", err, store.ErrNotFound)

	bad := []struct {
		name string
		t    store.Tenant
	}{
		{"empty id", store.Tenant{AccountID: "1"}},
		{"id of 256 bytes", store.Tenant{TenantID: repeat("x", 256)}},
		{"NUL in id", store.Tenant{TenantID: "a\x00b"}},
		{"id not UTF-8", store.Tenant{TenantID: "a\xffb"}},
		{"empty region", store.Tenant{TenantID: "delta", Regions: []string{""}}},
		{"plan not UTF-8", store.Tenant{TenantID: "delta", Plan: "\xfe"}},
	}
	for _, b := range bad {
		err := e.st.PutTenant(e.ctx, b.t)
		wantCode(t, "PutTenant("+b.name+")", err, store.ErrInvalid)
	}
	_, err = e.st.GetTenant(e.ctx, "")
	wantCode(t, "GetTenant(\"\")", err, store.ErrInvalid)

	list, err := e.st.ListTenants(e.ctx)
	wantCode(t, "ListTenants", err, nil)
	var ids []string
	for _, tn := range list {
		ids = append(ids, tn.TenantID)
	}
	if want := []string{"acme", "beta", "gamma", "revoked"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ListTenants = %v; want %v (bad input must write nothing)", ids, want)
	}
}

func testTasks(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_tasks")
	task := store.Task{TenantID: "acme", TaskID: "2026-01-05T02:00Z", Kind: "scheduled", Shards: 12}
	created, err := e.st.PutTask(e.ctx, task)
	wantCode(t, "PutTask", err, nil)
	if !created {
		t.Fatalf("PutTask(new task) created = false; want true")
	}
	want := task
	want.Status, want.CreatedAt, want.UpdatedAt = store.TaskQueued, e.clock.Now(), e.clock.Now()
	got, err := e.st.GetTask(e.ctx, "acme", task.TaskID)
	wantCode(t, "GetTask", err, nil)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetTask = %+v; want %+v", got, want)
	}

	// A retried schedule does not reset the task.
	e.clock.Advance(time.Second)
	wantCode(t, "UpdateTaskStatus(running)", e.st.UpdateTaskStatus(e.ctx, "acme", task.TaskID, store.TaskRunning, ""), nil)
	again := task
	again.Kind, again.Shards = "manual", 1
	created, err = e.st.PutTask(e.ctx, again)
	wantCode(t, "PutTask(existing)", err, nil)
	if created {
		t.Errorf("PutTask(existing task) created = true; want false")
	}
	got, err = e.st.GetTask(e.ctx, "acme", task.TaskID)
	wantCode(t, "GetTask after second PutTask", err, nil)
	want.Status, want.UpdatedAt = store.TaskRunning, e.clock.Now()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetTask after PutTask of an existing task = %+v; want %+v (unchanged but for the status)", got, want)
	}

	e.clock.Advance(time.Second)
	wantCode(t, "UpdateTaskStatus(stopped)", e.st.UpdateTaskStatus(e.ctx, "acme", task.TaskID, store.TaskStopped, "quota exhausted after 7 shards"), nil)
	got, err = e.st.GetTask(e.ctx, "acme", task.TaskID)
	wantCode(t, "GetTask after UpdateTaskStatus", err, nil)
	if got.Status != store.TaskStopped || got.Detail != "quota exhausted after 7 shards" || !got.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("GetTask after UpdateTaskStatus(stopped) = %+v; want status stopped, the detail and UpdatedAt %s", got, e.clock.Now())
	}

	// A shard starting late must not undo the stop.
	wantCode(t, "StartTask(stopped task)", e.st.StartTask(e.ctx, "acme", task.TaskID), nil)
	if got, err = e.st.GetTask(e.ctx, "acme", task.TaskID); err != nil || got.Status != store.TaskStopped {
		t.Errorf("StartTask on a stopped task: status %q (%v); want stopped kept", got.Status, err)
	}
	wantCode(t, "StartTask(missing task)", e.st.StartTask(e.ctx, "acme", "no-such-task"), store.ErrNotFound)
	queued := store.Task{TenantID: "acme", TaskID: "task-queued", Kind: "scheduled", Status: store.TaskQueued, Shards: 1}
	_, err = e.st.PutTask(e.ctx, queued)
	wantCode(t, "PutTask(queued)", err, nil)
	wantCode(t, "StartTask(queued)", e.st.StartTask(e.ctx, "acme", "task-queued"), nil)
	if got, err = e.st.GetTask(e.ctx, "acme", "task-queued"); err != nil || got.Status != store.TaskRunning {
		t.Errorf("StartTask on a queued task: status %q (%v); want running", got.Status, err)
	}

	err = e.st.UpdateTaskStatus(e.ctx, "acme", "no-such-task", store.TaskDone, "")
	wantCode(t, "UpdateTaskStatus(missing task)", err, store.ErrNotFound)
	_, err = e.st.GetTask(e.ctx, "acme", "no-such-task")
	wantCode(t, "GetTask(missing task) after UpdateTaskStatus", err, store.ErrNotFound)

	for _, b := range []struct {
		name string
		err  error
	}{
		{"PutTask(empty task id)", second(e.st.PutTask(e.ctx, store.Task{TenantID: "acme"}))},
		{"PutTask(bad status)", second(e.st.PutTask(e.ctx, store.Task{TenantID: "acme", TaskID: "x", Status: "Running!"}))},
		{"PutTask(negative shards)", second(e.st.PutTask(e.ctx, store.Task{TenantID: "acme", TaskID: "x", Shards: -1}))},
		{"UpdateTaskStatus(empty status)", e.st.UpdateTaskStatus(e.ctx, "acme", task.TaskID, "", "")},
		{"GetTask(NUL)", second(e.st.GetTask(e.ctx, "acme", "a\x00"))},
	} {
		wantCode(t, b.name, b.err, store.ErrInvalid)
	}
	_, err = e.st.GetTask(e.ctx, "acme", "x")
	wantCode(t, "GetTask(x) after rejected PutTask", err, store.ErrNotFound)
}

func second[T any](_ T, err error) error { return err }
