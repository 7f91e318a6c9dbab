package schedule

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// TestHandleVerify: a verify request becomes a one-shard task with only that item (and
// instance), in the region the instance was last seen in; bad requests are refused at
// the boundary with nothing recorded or queued.
func TestHandleVerify(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	hostile := `sg-"<b>x</b>"` + strings.Repeat("界", 50)
	if _, err := r.h.Store.PutFindings(ctx, []store.Finding{{TenantID: sample.ID, ItemID: "ecs_sg_ssh_internet", InstanceID: hostile,
		Region: "cn-shanghai", Status: "NOT_PASS", LastSeen: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body                string
		product, region, resource string
	}{
		{"item", `{"kind":"verify","tenant_id":"acme","item_id":"ecs_sg_ssh_internet"}`, "ecs", "global", ""},
		{"instance last seen in cn-shanghai", `{"kind":"verify","tenant_id":"acme","item_id":"ecs_sg_ssh_internet","instance_id":` + strconv.Quote(hostile) + `}`,
			"ecs", "cn-shanghai", hostile},
		{"instance and region", `{"kind":"verify","tenant_id":"acme","item_id":"ecs_sg_ssh_internet","instance_id":"sg-1","region":"cn-hangzhou"}`,
			"ecs", "cn-hangzhou", "sg-1"},
		{"account-level item", `{"kind":"verify","tenant_id":"acme","item_id":"ram_root_mfa","region":"cn-hangzhou"}`, "ram", "global", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := r.h.Handle(ctx, []byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != event.KindVerify || len(res.Tasks) != 1 || res.Tasks[0].Shards != 1 || res.Tasks[0].Sent != 1 {
				t.Fatalf("Handle(verify) = %+v; want one one-shard task", res)
			}
			jobs := r.drain(t)
			if len(jobs) != 1 {
				t.Fatalf("queued %d jobs; want 1", len(jobs))
			}
			j := jobs[0]
			if j.Kind != event.ShardVerify || j.Product != c.product || j.Region != c.region || j.ResourceID != c.resource ||
				len(j.Items) != 1 || !strings.Contains(c.body, j.Items[0]) || j.TaskID != res.Tasks[0].TaskID {
				t.Errorf("verify shard = %+v; want kind verify, product %s, region %s, resource %q, the one item", j, c.product, c.region, c.resource)
			}
			task, err := r.h.Store.GetTask(ctx, sample.ID, j.TaskID)
			if err != nil || task.Kind != "verify" || task.Shards != 1 {
				t.Errorf("stored task = %+v, %v; want a verify task of one shard", task, err)
			}
		})
	}
	bad := []struct{ name, body, want string }{
		{"unknown item", `{"kind":"verify","tenant_id":"acme","item_id":"ecs_no_such_item"}`, `unknown item id "ecs_no_such_item"`},
		{"manual item", `{"kind":"verify","tenant_id":"acme","item_id":"ack_cluster_rbac"}`, "checked by hand"},
		{"unknown tenant", `{"kind":"verify","tenant_id":"nobody","item_id":"ecs_sg_ssh_internet"}`, `unknown tenant "nobody"`},
		{"no item", `{"kind":"verify","tenant_id":"acme"}`, "missing item_id"},
	}
	for _, b := range bad {
		_, err := r.h.Handle(ctx, []byte(b.body))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: Handle = %v; want an error containing %q", b.name, err, b.want)
		}
	}
	if jobs := r.drain(t); len(jobs) != 0 {
		t.Errorf("bad verify requests queued %d jobs", len(jobs))
	}

	// A tenant on the free edition alone may verify free items, not paid ones.
	row, err := r.h.Store.GetTenant(ctx, sample.ID)
	if err != nil {
		t.Fatal(err)
	}
	row.Plan = `{"edition":"basic"}`
	if err := r.h.Store.PutTenant(ctx, row); err != nil {
		t.Fatal(err)
	}
	if _, err := r.h.Handle(ctx, []byte(`{"kind":"verify","tenant_id":"acme","item_id":"ecs_instance_public_ip"}`)); err == nil ||
		!strings.Contains(err.Error(), "verify ecs_instance_public_ip for tenant acme") {
		t.Errorf("verify of a paid item on the free edition = %v; want it refused, naming the item", err)
	}
	if _, err := r.h.Handle(ctx, []byte(`{"kind":"verify","tenant_id":"acme","item_id":"ecs_sg_ssh_internet"}`)); err != nil {
		t.Errorf("verify of a free item on the free edition = %v; want it planned", err)
	}
	if jobs := r.drain(t); len(jobs) != 1 || jobs[0].Items[0] != "ecs_sg_ssh_internet" {
		t.Errorf("on the free edition the queue holds %+v; want the one free item's shard", jobs)
	}
}
