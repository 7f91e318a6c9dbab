package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// testWhitelist: rules by item and by item and instance are kept per tenant, read back
// in key order with their reason, author, creation and expiry; replaced in place;
// removed one by one; bad input writes nothing.
func testWhitelist(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_whitelist")
	now := e.clock.Now()
	hostile := `sg-"<script>alert(1)</script>"-` + strings.Repeat("é", 100)
	rules := []store.WhitelistRule{
		{TenantID: "acme", ItemID: "ecs_sg_ssh_internet", Reason: "bastion subnet", CreatedBy: "alice"},
		{TenantID: "acme", ItemID: "ecs_sg_ssh_internet", InstanceID: hostile, Reason: "lab <b>only</b>", CreatedBy: "bob",
			Expires: now.Add(24 * time.Hour)},
		{TenantID: "acme", ItemID: "oss_bucket_logging", InstanceID: "logs-bucket", Reason: "it is the log bucket",
			CreatedAt: now.Add(-time.Hour), Expires: now.Add(-time.Minute)},
		{TenantID: "acme2", ItemID: "ecs_sg_ssh_internet", Reason: "another tenant's rule"},
	}
	for _, r := range rules {
		wantCode(t, "PutWhitelistRule("+r.ItemID+"/"+r.InstanceID+")", e.st.PutWhitelistRule(e.ctx, r), nil)
	}
	want := []store.WhitelistRule{rules[0], rules[1], rules[2]}
	want[0].CreatedAt, want[1].CreatedAt = now, now // defaulted
	got, err := e.st.ListWhitelist(e.ctx, "acme")
	wantCode(t, "ListWhitelist(acme)", err, nil)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListWhitelist(acme) = %+v; want %+v (key order, whole-item rule first, other tenants apart)", got, want)
	}
	for i, active := range []bool{true, true, false} {
		if got[i].Active(now) != active {
			t.Errorf("rule %d (expires %v).Active(%v) = %v; want %v", i, got[i].Expires, now, !active, active)
		}
	}

	// Replacing a rule keeps one row.
	re := want[0]
	re.Reason, re.Expires = "bastion subnet, until the VPN is up", now.Add(30*24*time.Hour)
	wantCode(t, "PutWhitelistRule(replace)", e.st.PutWhitelistRule(e.ctx, re), nil)
	got, err = e.st.ListWhitelist(e.ctx, "acme")
	wantCode(t, "ListWhitelist after replace", err, nil)
	if len(got) != 3 || !reflect.DeepEqual(got[0], re) {
		t.Errorf("after replacing rule 0: %d rules, first %+v; want 3, first %+v", len(got), first(got), re)
	}

	bad := []struct {
		name string
		r    store.WhitelistRule
		want string
	}{
		{"no reason", store.WhitelistRule{TenantID: "acme", ItemID: "x"}, "reason is empty"},
		{"blank reason", store.WhitelistRule{TenantID: "acme", ItemID: "x", Reason: "  "}, "reason is empty"},
		{"no item", store.WhitelistRule{TenantID: "acme", Reason: "r"}, "item_id is empty"},
		{"no tenant", store.WhitelistRule{ItemID: "x", Reason: "r"}, "tenant_id is empty"},
		{"reserved instance", store.WhitelistRule{TenantID: "acme", ItemID: "x", InstanceID: "*", Reason: "r"}, "reserved"},
		{"reason too long", store.WhitelistRule{TenantID: "acme", ItemID: "x", Reason: strings.Repeat("a", 65536)}, "at most 65535"},
	}
	for _, b := range bad {
		err := e.st.PutWhitelistRule(e.ctx, b.r)
		wantCode(t, "PutWhitelistRule("+b.name+")", err, store.ErrInvalid)
		if !strings.Contains(err.Error(), b.want) {
			t.Errorf("PutWhitelistRule(%s) = %v; want it to say %q", b.name, err, b.want)
		}
	}

	wantCode(t, "DeleteWhitelistRule(instance)", e.st.DeleteWhitelistRule(e.ctx, "acme", "ecs_sg_ssh_internet", hostile), nil)
	wantCode(t, "DeleteWhitelistRule(again)", e.st.DeleteWhitelistRule(e.ctx, "acme", "ecs_sg_ssh_internet", hostile), store.ErrNotFound)
	wantCode(t, "DeleteWhitelistRule(whole item)", e.st.DeleteWhitelistRule(e.ctx, "acme", "ecs_sg_ssh_internet", ""), nil)
	wantCode(t, "DeleteWhitelistRule(no item)", e.st.DeleteWhitelistRule(e.ctx, "acme", "", ""), store.ErrInvalid)
	got, err = e.st.ListWhitelist(e.ctx, "acme")
	wantCode(t, "ListWhitelist after deletes", err, nil)
	if len(got) != 1 || got[0].ItemID != "oss_bucket_logging" {
		t.Errorf("ListWhitelist after two deletes = %+v; want only the oss_bucket_logging rule", got)
	}
	if got, _ := e.st.ListWhitelist(e.ctx, "acme2"); len(got) != 1 {
		t.Errorf("acme's deletes touched acme2: it has %d rules; want 1", len(got))
	}
}

// testTaskChanges: ListTaskChanges returns the findings whose state a task set, with
// the whitelist columns read back as written.
func testTaskChanges(t *testing.T, h func(*testing.T) *tablestore.TableStoreClient) {
	e := setup(t, h, "cspm_findings")
	fs := newFindings(300, e.clock.Now(), true)
	var want []store.Finding
	for i := range fs {
		switch i % 5 {
		case 0:
			fs[i].StateTaskID = "task2"
			want = append(want, fs[i])
		case 1:
			fs[i].StateTaskID = "task1"
		case 2:
			fs[i].Status, fs[i].OriginalStatus, fs[i].Remark = "WHITELISTED", "NOT_PASS", `accepted: "<risk>"`
		}
	}
	if _, err := e.st.PutFindings(e.ctx, fs); err != nil {
		t.Fatal(err)
	}
	sameFindings(t, "with state_task and whitelist columns", listFindings(t, e, "all"), fs)
	got, err := e.st.ListTaskChanges(e.ctx, "acme", "task2")
	wantCode(t, "ListTaskChanges(task2)", err, nil)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListTaskChanges(task2) = %d findings; want the %d task2 set (first got %+v)", len(got), len(want), first(got))
	}
	if got, err := e.st.ListTaskChanges(e.ctx, "acme", "task9"); err != nil || len(got) != 0 {
		t.Errorf("ListTaskChanges(task9) = %d findings, %v; want none", len(got), err)
	}
	_, err = e.st.ListTaskChanges(e.ctx, "acme", "")
	wantCode(t, "ListTaskChanges(no task)", err, store.ErrInvalid)
}
