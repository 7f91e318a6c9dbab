package shard

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/queue"
	"github.com/cspm-alibaba/cspm/shared/report"
	"github.com/cspm-alibaba/cspm/shared/schedule"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

const platformPrincipal = "acs:ram::1234567890123456:user/cspm-platform"

// chain is schedule-scan and run-check-shard over one store (otsim), the shard queue
// (mnssim) and the sample account (cloudsim): the real chain without fcsim's processes.
type chain struct {
	sched  *schedule.Handler
	shards *Handler
	q      *queue.Client
	cloud  *cloudsim.Server
	clock  time.Time
}

func newChain(t *testing.T) *chain {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	st := storetest.NewStore(t, ots.Client(), nil)
	mns, err := mnssim.NewServer(mnssim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mns.Close() })
	q, err := queue.New(mns.ClientConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := q.CreateQueue(ctx, "cspm-shards", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := st.PutTenant(ctx, store.Tenant{TenantID: "acme", AccountID: tenantAccount, Site: "cn",
		Regions: []string{"cn-hangzhou", "cn-shanghai"}, Products: []string{"ecs", "oss", "ram"}, Policy: "cis-v2",
		Plan: paygPlan, BillingMethod: "payg", RoleARN: roleARN, ExternalID: externalID,
		AuthorizedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	c := &chain{q: q, clock: time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)}
	now := func() time.Time { return c.clock }
	c.sched = &schedule.Handler{Store: st, Queue: q, ShardQueue: "cspm-shards", Now: now}
	c.shards = &Handler{Store: st, Now: now}
	inv, err := cloudsim.LoadInventory("../../local/cloudsim/testdata/sample-account.json")
	if err != nil {
		t.Fatal(err)
	}
	c.serve(t, inv)
	return c
}

// serve points run-check-shard at a cloud emulator serving inv.
func (c *chain) serve(t *testing.T, inv *cloudsim.Inventory) {
	t.Helper()
	cloud, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Principal: platformPrincipal})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cloud.Close() })
	c.cloud = cloud
	c.shards.Cloud = collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: cloud.Addr()}
}

// schedule hands body to schedule-scan, then delivers every queued job to
// run-check-shard in CloudEvents batches of up to 10, as the MNS trigger does, and
// returns the tasks planned and the shards run.
func (c *chain) schedule(t *testing.T, body []byte) ([]schedule.Task, []Shard) {
	t.Helper()
	ctx := context.Background()
	res, err := c.sched.Handle(ctx, body)
	if err != nil {
		t.Fatalf("schedule-scan(%s): %v", body, err)
	}
	var ran []Shard
	for {
		msgs, err := c.q.Receive(ctx, "cspm-shards", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return res.Tasks, ran
		}
		qm := make([]event.QueuedMessage, len(msgs))
		for i, m := range msgs {
			qm[i] = event.QueuedMessage{MessageID: m.ID, Body: m.Body, PublishTime: m.EnqueueTime}
		}
		batch, err := event.NewMNSCloudEvents(event.BatchSource{Region: "cn-hangzhou", AccountID: "1234567890123456",
			Queue: "cspm-shards", EventBus: "MNS-cspm-run-check-shard-shards"}, qm)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.shards.Handle(ctx, batch)
		if err != nil {
			t.Fatalf("run-check-shard: %v", err)
		}
		ran = append(ran, out.Shards...)
		for _, m := range msgs {
			if err := c.q.Delete(ctx, "cspm-shards", m.ReceiptHandle); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (c *chain) findings(t *testing.T, item string) map[string]store.Finding {
	t.Helper()
	fs, err := c.shards.Store.ListItemFindings(context.Background(), "acme", item)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Finding{}
	for _, f := range fs {
		out[f.InstanceID] = f
	}
	return out
}

// editGroup rewrites the ingress rules of a security group in inv.
func editGroup(t *testing.T, inv *cloudsim.Inventory, region, group string, edit func([]any) []any) {
	t.Helper()
	groups := inv.Regions[region]["ecs"]["SecurityGroups"]
	for i, raw := range groups {
		var g map[string]any
		if err := json.Unmarshal(raw, &g); err != nil {
			t.Fatal(err)
		}
		if g["SecurityGroupId"] != group {
			continue
		}
		perms := g["Permissions"].(map[string]any)
		perms["Permission"] = edit(perms["Permission"].([]any))
		b, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		groups[i] = b
		return
	}
	t.Fatalf("no security group %s in %s", group, region)
}

func sshFromAnywhere() map[string]any {
	return map[string]any{"SecurityGroupRuleId": "sgr-test-ssh", "Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22",
		"SourceCidrIp": "0.0.0.0/0", "Ipv6SourceCidrIp": "", "SourceGroupId": "", "DestCidrIp": "", "Ipv6DestCidrIp": "",
		"DestGroupId": "", "Policy": "Accept", "Priority": "1", "NicType": "intranet", "Description": "ssh", "CreateTime": "2026-11-24T00:00:00Z"}
}

// TestVerifyThroughTheChain: a verify request goes schedule-scan → queue →
// run-check-shard as a one-item shard that reads only what the item needs, refreshes
// the one instance's finding with its lifecycle (fixed), and leaves the others as the
// last scan wrote them; an item-wide verify refreshes every instance.
func TestVerifyThroughTheChain(t *testing.T) {
	c := newChain(t)
	const item, web = "ecs_sg_ssh_internet", "sg-bp1acmeweb0001"
	c.schedule(t, []byte(`{"tenant_id":"acme"}`))
	before := c.findings(t, item)
	if f := before[web]; f.Status != string(checks.NotPass) || f.State != StateNew || f.Region != "cn-hangzhou" {
		t.Fatalf("after the first scan, %s = %+v; want NOT_PASS, new, in cn-hangzhou", web, f)
	}

	// The tenant closes SSH on the web group, and asks to verify that finding.
	inv := c.cloud.Inventory()
	editGroup(t, inv, "cn-hangzhou", web, func(ps []any) []any {
		var keep []any
		for _, p := range ps {
			if p.(map[string]any)["SecurityGroupRuleId"] != "sgr-bp1web22" {
				keep = append(keep, p)
			}
		}
		return keep
	})
	c.serve(t, inv)
	c.clock = c.clock.Add(time.Hour)
	tasks, ran := c.schedule(t, []byte(`{"kind":"verify","tenant_id":"acme","item_id":"`+item+`","instance_id":"`+web+`"}`))
	if len(tasks) != 1 || len(ran) != 1 || ran[0].Status != StatusDone || ran[0].Findings != 1 || ran[0].Region != "cn-hangzhou" {
		t.Fatalf("verify planned %+v and ran %+v; want one shard in cn-hangzhou writing one finding", tasks, ran)
	}
	calls := c.cloud.Calls()
	for api := range calls {
		if product, _, _ := strings.Cut(api, "."); product != "Ecs" && product != "Sts" {
			t.Errorf("verify of %s called %s; want only the product the item needs (ECS, after assuming the role)", item, api)
		}
	}
	if calls["Ecs.DescribeSecurityGroupAttribute"] == 0 {
		t.Errorf("verify of %s never read a security group's rules (calls %v)", item, calls)
	}
	after := c.findings(t, item)
	f := after[web]
	if f.Status != string(checks.Pass) || f.State != StateFixed || f.TaskID != tasks[0].TaskID || f.StateTaskID != tasks[0].TaskID ||
		!f.FirstSeen.Equal(before[web].FirstSeen) || !f.LastSeen.Equal(c.clock) {
		t.Errorf("verified finding = %+v; want PASS, fixed by the verify task, first_seen kept, last_seen now", f)
	}
	for id, g := range after {
		if id != web && g.TaskID != before[id].TaskID {
			t.Errorf("verify of one instance rewrote %s (task %s)", id, g.TaskID)
		}
	}

	// An item-wide verify refreshes every instance in every region of the tenant.
	c.clock = c.clock.Add(time.Hour)
	tasks, ran = c.schedule(t, []byte(`{"kind":"verify","tenant_id":"acme","item_id":"`+item+`"}`))
	if len(ran) != 1 || ran[0].Region != "global" || ran[0].Findings != len(after) {
		t.Fatalf("item verify ran %+v; want one shard over every region writing %d findings", ran, len(after))
	}
	for id, g := range c.findings(t, item) {
		if g.TaskID != tasks[0].TaskID {
			t.Errorf("item verify left %s from task %s", id, g.TaskID)
		}
	}

	// An instance that is gone: the shard says so and writes nothing.
	tasks, ran = c.schedule(t, []byte(`{"kind":"verify","tenant_id":"acme","item_id":"`+item+`","instance_id":"sg-gone","region":"cn-hangzhou"}`))
	if len(ran) != 1 || ran[0].Findings != 0 || ran[0].Status != StatusDone {
		t.Fatalf("verify of a released instance ran %+v; want done with no findings", ran)
	}
	sh, err := c.shards.Store.GetShard(context.Background(), store.ShardKey{TenantID: "acme", TaskID: tasks[0].TaskID, ShardID: "0000"})
	if err != nil || sh.State != store.ShardDone {
		t.Fatalf("shard of the released instance = %+v, %v; want done", sh, err)
	}
	if want := `instance "sg-gone" not found`; !strings.Contains(sh.Note, want) {
		t.Errorf("shard note %q; want it to say %s", sh.Note, want)
	}

	// A paid item's verdicts are metered as verify operations (pay-as-you-go).
	tasks, ran = c.schedule(t, []byte(`{"kind":"verify","tenant_id":"acme","item_id":"ecs_instance_public_ip","region":"cn-hangzhou"}`))
	if len(ran) != 1 || ran[0].Findings == 0 || ran[0].Charged != ran[0].Findings {
		t.Fatalf("verify of a paid item ran %+v; want its verdicts written and each charged", ran)
	}
	usage, err := c.shards.Store.ListUsage(context.Background(), "acme", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	verifies := 0
	for _, u := range usage {
		if u.TaskID == tasks[0].TaskID {
			if u.Operation != "verify" || u.ItemID != "ecs_instance_public_ip" {
				t.Errorf("usage of the verify task = %+v; want operation verify of ecs_instance_public_ip", u)
			}
			verifies++
		}
	}
	if verifies != ran[0].Charged {
		t.Errorf("the verify task left %d usage records; it charged %d", verifies, ran[0].Charged)
	}
}

// TestDiffThroughTheChain: two scans of the tenant through the chain; between them one
// group is fixed and another opens SSH. The second task's changes are exactly those.
func TestDiffThroughTheChain(t *testing.T) {
	c := newChain(t)
	const item, web, app = "ecs_sg_ssh_internet", "sg-bp1acmeweb0001", "sg-bp1acmeapp0001"
	first, _ := c.schedule(t, []byte(`{"tenant_id":"acme"}`))
	changes, err := c.shards.Store.ListTaskChanges(context.Background(), "acme", first[0].TaskID)
	if err != nil {
		t.Fatal(err)
	}
	failing := 0
	all, err := c.shards.Store.ListFindings(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		if f.Status == string(checks.NotPass) {
			failing++
		}
	}
	if d := report.Diff("acme", first[0].TaskID, changes); len(d.New) != failing || len(d.Fixed) != 0 {
		t.Fatalf("first scan: %s; want every failing finding (%d) new, none fixed", d.Summary(), failing)
	}
	if f := c.findings(t, item)[app]; f.Status != string(checks.Pass) {
		t.Fatalf("before the change, %s is %s; want PASS", app, f.Status)
	}

	inv := c.cloud.Inventory()
	editGroup(t, inv, "cn-hangzhou", web, func(ps []any) []any {
		var keep []any
		for _, p := range ps {
			if p.(map[string]any)["SecurityGroupRuleId"] != "sgr-bp1web22" {
				keep = append(keep, p)
			}
		}
		return keep
	})
	editGroup(t, inv, "cn-hangzhou", app, func(ps []any) []any { return append(ps, sshFromAnywhere()) })
	c.serve(t, inv)
	c.clock = c.clock.Add(24 * time.Hour)
	second, _ := c.schedule(t, []byte(`{"tenant_id":"acme"}`))
	changes, err = c.shards.Store.ListTaskChanges(context.Background(), "acme", second[0].TaskID)
	if err != nil {
		t.Fatal(err)
	}
	d := report.Diff("acme", second[0].TaskID, changes)
	if d.Summary() != "since the previous scan: 1 new, 1 fixed" || d.New[0].ItemID != item || d.New[0].InstanceID != app ||
		d.New[0].State != StateReopened || d.Fixed[0].ItemID != item || d.Fixed[0].InstanceID != web {
		t.Errorf("second scan changes = %+v; want %s/%s new (reopened) and %s/%s fixed", d, item, app, item, web)
	}
}
