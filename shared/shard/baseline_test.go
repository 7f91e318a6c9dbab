package shard

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/baseline/assist"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/event"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
)

// The sample account's cn-hangzhou hosts: web01 is mapped to a sample host root
// (cloudsim.SampleHosts), web02 runs Cloud Assistant but has no probe installed, db01
// has no Cloud Assistant, app01 is Windows (no baseline).
const (
	hostMapped   = "i-bp1acmeweb01"
	hostNoProbe  = "i-bp1acmeweb02"
	hostOffline  = "i-bp1acmedb01"
	hostWindows  = "i-bp1acmeapp01"
	baselineTask = "task-b1"
)

type baselineRig struct {
	h     *Handler
	roots map[string]string
}

// newBaselineRig runs against otsim and the sample account in cloudsim playing Cloud
// Assistant with the sample hosts, with tasks planned as schedule-scan leaves them for
// a tenant whose plan (CSPM subscription) includes every baseline item.
func newBaselineRig(t *testing.T, ao cloudsim.AssistantOptions, jobs ...event.ShardJob) *baselineRig {
	t.Helper()
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ots.Close() })
	inv, err := cloudsim.SampleInventory()
	if err != nil {
		t.Fatal(err)
	}
	roots, err := cloudsim.SampleHosts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ao.Hosts = roots
	if ao.RunTime == 0 {
		ao.RunTime = 20 * time.Millisecond
	}
	cloud, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Principal: "acs:ram::1234567890123456:user/cspm-platform", Assistant: ao})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cloud.Close() })
	st := storetest.NewStore(t, ots.Client(), nil)
	ctx := context.Background()
	for _, j := range jobs {
		if err := st.PutTenant(ctx, store.Tenant{TenantID: j.TenantID, AccountID: tenantAccount, Site: j.Site,
			Plan: `{"edition":"basic","cspm":"subscription","cspm_term":"sub-1","cspm_quota":100000}`, BillingMethod: "subscription",
			RoleARN: roleARN, ExternalID: externalID, AuthorizedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutTask(ctx, store.Task{TenantID: j.TenantID, TaskID: j.TaskID, Kind: "scheduled", Shards: j.Total}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutShards(ctx, []store.Shard{{TenantID: j.TenantID, TaskID: j.TaskID, ShardID: j.ShardID, Region: j.Region, Product: j.Product, Items: j.Items}}); err != nil {
			t.Fatal(err)
		}
	}
	h := &Handler{Store: st, Cloud: collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: cloud.Addr()},
		Baseline: BaselineOptions{Assist: assist.Options{Poll: 10 * time.Millisecond, MaxPoll: 40 * time.Millisecond}}}
	return &baselineRig{h: h, roots: roots}
}

func baselineJob(task, region string) event.ShardJob {
	var items []string
	for _, it := range baseline.All() {
		items = append(items, it.ID)
	}
	return event.ShardJob{Version: 1, TenantID: "acme", TaskID: task, ShardID: "0000", Site: "cn", Region: region,
		Product: "host", Items: items, Kind: event.ShardBaseline, Total: 1, CreatedAt: "2026-11-24T02:00:00Z"}
}

// findings returns the tenant's stored findings by host and item.
func (r *baselineRig) findings(t *testing.T) map[string]map[string]store.Finding {
	t.Helper()
	fs, err := r.h.Store.ListFindings(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]store.Finding{}
	for _, f := range fs {
		if out[f.InstanceID] == nil {
			out[f.InstanceID] = map[string]store.Finding{}
		}
		out[f.InstanceID][f.ItemID] = f
	}
	return out
}

// secrets are the password hashes (and the weak password) of the sample host's
// shadow file: none may reach a finding or a result.
func secrets(t *testing.T, root string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "etc/shadow"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Split(line, ":"); len(f) > 2 && strings.HasPrefix(f[1], "$") {
			out = append(out, f[1], strings.Join(strings.Split(f[1], "$")[:3], "$")) // the hash, and its salt
		}
	}
	if len(out) < 4 {
		t.Fatalf("sample host shadow has %d hashes; want the root and deploy ones", len(out)/2)
	}
	return append(out, "123456")
}

func TestBaselineShard(t *testing.T) {
	job := baselineJob(baselineTask, "cn-hangzhou")
	r := newBaselineRig(t, cloudsim.AssistantOptions{}, job)
	ctx := context.Background()
	res, err := r.h.Handle(ctx, mustBatch(t, job))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Shards[0]
	if s.Status != StatusDone || s.Findings == 0 || s.NotPassed == 0 {
		t.Fatalf("shard = %+v; want done with failing findings", s)
	}
	got := r.findings(t)
	web := got[hostMapped]
	want := map[string]checks.Status{
		"host.ssh.permit_root_login":     checks.NotPass, // PermitRootLogin yes
		"host.password.system_weak":      checks.NotPass, // root's password is 123456
		"host.password.weak_hash_scheme": checks.NotPass, // deploy's hash is md5crypt
		"host.login_defs.pass_max_days":  checks.NotPass, // PASS_MAX_DAYS 99999
		"host.file.shadow":               checks.NotPass, // written 0644
		"host.pam.no_nullok":             checks.NotPass, // pam_unix.so nullok
		"host.ssh.use_pam":               checks.Pass,
		"host.account.uid0_only_root":    checks.Pass,
	}
	for id, st := range want {
		f, ok := web[id]
		switch {
		case !ok:
			t.Errorf("%s: no finding on %s", id, hostMapped)
		case f.Status != string(st) || f.Product != "host" || f.Region != "cn-hangzhou" || f.TaskID != baselineTask:
			t.Errorf("%s on %s = %s (product %q, region %q, task %q); want %s, host, cn-hangzhou, %s",
				id, hostMapped, f.Status, f.Product, f.Region, f.TaskID, st, baselineTask)
		case st == checks.NotPass && f.State != StateNew:
			t.Errorf("%s: state %q on the first scan; want new", id, f.State)
		}
	}
	if f := web["host.password.system_weak"]; !strings.Contains(f.Evidence, "weak, matched tier top") {
		t.Errorf("weak password evidence %q; want the matched tier", f.Evidence)
	}
	for host, reason := range map[string]string{hostOffline: ReasonAssistantOffline, hostNoProbe: ReasonProbeFailed} {
		if len(got[host]) != len(job.Items) {
			t.Errorf("%s has %d findings; want one per item (%d)", host, len(got[host]), len(job.Items))
		}
		for id, f := range got[host] {
			if f.Status != string(checks.NotEvaluated) || f.Reason != reason {
				t.Errorf("%s on %s = %s, reason %q (%s); want NOT_EVALUATED, %q", id, host, f.Status, f.Reason, f.Message, reason)
				break
			}
		}
	}
	if f := got[hostNoProbe]["host.ssh.permit_root_login"]; !strings.Contains(f.Message, "exit code 127") {
		t.Errorf("host without the probe: message %q; want the shell's exit code 127", f.Message)
	}
	if len(got[hostWindows]) != 0 {
		t.Errorf("Windows host has %d baseline findings; want none", len(got[hostWindows]))
	}
	// Nothing secret in what was stored or returned.
	stored, err := r.h.Store.ListFindings(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := json.Marshal(struct {
		F []store.Finding
		R Result
	}{stored, res})
	for _, s := range secrets(t, r.roots[hostMapped]) {
		if strings.Contains(string(blob), s) {
			t.Errorf("a finding or the result holds %q from the host's shadow file", s)
		}
	}
	sh, err := r.h.Store.GetShard(ctx, store.ShardKey{TenantID: "acme", TaskID: baselineTask, ShardID: "0000"})
	if err != nil || sh.State != store.ShardDone || !strings.Contains(sh.Note, "3 hosts: 1 probed, 1 Cloud Assistant offline, 1 not evaluated") {
		t.Errorf("stored shard = %+v, %v; want done with its hosts counted", sh, err)
	}
	task, err := r.h.Store.GetTask(ctx, "acme", baselineTask)
	if err != nil || task.Status != store.TaskDone {
		t.Errorf("task = %+v, %v; want done", task, err)
	}
}

// TestBaselineShardTimeout: a probe that does not finish leaves its host NOT_EVALUATED
// with reason "probe timeout", whether Cloud Assistant stops it (the command's timeout)
// or the shard's own per-host deadline does; the shard still completes.
func TestBaselineShardTimeout(t *testing.T) {
	cases := []struct {
		name string
		ao   cloudsim.AssistantOptions
		opt  func(*BaselineOptions)
	}{
		{"Cloud Assistant timeout", cloudsim.AssistantOptions{RunTime: 2 * time.Second, Second: time.Millisecond}, func(*BaselineOptions) {}},
		{"host deadline", cloudsim.AssistantOptions{RunTime: time.Minute}, func(o *BaselineOptions) { o.HostTimeout = 200 * time.Millisecond }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			job := baselineJob(baselineTask, "cn-hangzhou")
			job.Items = []string{"host.ssh.permit_root_login", "host.password.system_weak"}
			r := newBaselineRig(t, c.ao, job)
			c.opt(&r.h.Baseline)
			res, err := r.h.Handle(context.Background(), mustBatch(t, job))
			if err != nil {
				t.Fatal(err)
			}
			if s := res.Shards[0]; s.Status != StatusDone || s.Findings != 3*len(job.Items) {
				t.Fatalf("shard = %+v; want done with %d findings (3 hosts × %d items)", s, 3*len(job.Items), len(job.Items))
			}
			for id, f := range r.findings(t)[hostMapped] {
				if f.Status != string(checks.NotEvaluated) || f.Reason != ReasonProbeTimeout || !strings.Contains(f.Message, "timed out") {
					t.Errorf("%s = %s, reason %q, message %q; want NOT_EVALUATED, probe timeout", id, f.Status, f.Reason, f.Message)
				}
			}
		})
	}
}

// TestBaselineLifecycle: two scans of the same host: a setting fixed on the host
// between them becomes fixed, one still wrong becomes open, and first_seen stays.
func TestBaselineLifecycle(t *testing.T) {
	j1, j2 := baselineJob("task-1", "cn-hangzhou"), baselineJob("task-2", "cn-hangzhou")
	items := []string{"host.ssh.permit_root_login", "host.ssh.max_auth_tries", "host.login_defs.pass_max_days"}
	j1.Items, j2.Items = items, items
	r := newBaselineRig(t, cloudsim.AssistantOptions{}, j1, j2)
	clock := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	r.h.Now = func() time.Time { return clock }
	ctx := context.Background()
	if _, err := r.h.Handle(ctx, mustBatch(t, j1)); err != nil {
		t.Fatal(err)
	}
	first := r.findings(t)[hostMapped]
	for _, id := range items {
		if f := first[id]; f.Status != string(checks.NotPass) || f.State != StateNew {
			t.Fatalf("first scan: %s = %s/%q; want NOT_PASS/new", id, f.Status, f.State)
		}
	}
	// The tenant fixes root login on the host.
	cfg := filepath.Join(r.roots[hostMapped], "etc/ssh/sshd_config")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(b), "PermitRootLogin yes", "PermitRootLogin no", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := r.h.Handle(ctx, mustBatch(t, j2)); err != nil {
		t.Fatal(err)
	}
	second := r.findings(t)[hostMapped]
	if f := second["host.ssh.permit_root_login"]; f.Status != string(checks.Pass) || f.State != StateFixed || f.TaskID != "task-2" {
		t.Errorf("second scan: root login = %s/%q (task %s); want PASS/fixed in task-2", f.Status, f.State, f.TaskID)
	}
	for _, id := range items[1:] {
		f := second[id]
		if f.Status != string(checks.NotPass) || f.State != StateOpen || !f.FirstSeen.Equal(first[id].FirstSeen) || !f.LastSeen.Equal(clock) {
			t.Errorf("second scan: %s = %s/%q first %v last %v; want NOT_PASS/open, first_seen kept, last_seen now",
				id, f.Status, f.State, f.FirstSeen, f.LastSeen)
		}
	}
}

// TestBaselineDuplicateDelivery: the same baseline job delivered to several instances
// at once, and again after it finished, runs once.
func TestBaselineDuplicateDelivery(t *testing.T) {
	job := baselineJob(baselineTask, "cn-hangzhou")
	job.Items = []string{"host.ssh.permit_root_login"}
	r := newBaselineRig(t, cloudsim.AssistantOptions{}, job)
	body := mustBatch(t, job)
	var (
		mu   sync.Mutex
		runs int
		wg   sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := r.h.Handle(context.Background(), body)
			if err != nil {
				t.Errorf("Handle = %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if res.Shards[0].Status != StatusDuplicate {
				runs++
			}
		}()
	}
	wg.Wait()
	res, err := r.h.Handle(context.Background(), body)
	if err != nil {
		t.Fatal(err)
	}
	if runs != 1 || res.Shards[0].Status != StatusDuplicate {
		t.Errorf("ran %d times concurrently, then %s; want once, then duplicate", runs, res.Shards[0].Status)
	}
	sh, err := r.h.Store.GetShard(context.Background(), store.ShardKey{TenantID: "acme", TaskID: baselineTask, ShardID: "0000"})
	if err != nil || sh.Attempt != 1 {
		t.Errorf("stored shard = %+v, %v; want one attempt", sh, err)
	}
}

// TestBaselineBadItems: a baseline job naming an item the baseline catalogue does not
// have rejects the whole batch, as an unknown config item does.
func TestBaselineBadItems(t *testing.T) {
	job := baselineJob(baselineTask, "cn-hangzhou")
	job.Items = []string{"host.ssh.permit_root_login", "ecs_sg_ssh_internet"}
	r := newBaselineRig(t, cloudsim.AssistantOptions{}, job)
	if _, err := r.h.Handle(context.Background(), mustBatch(t, job)); err == nil || !strings.Contains(err.Error(), `unknown baseline item "ecs_sg_ssh_internet"`) {
		t.Errorf("Handle = %v; want the unknown baseline item named", err)
	}
}

// TestBaselineWhitelist: a tenant's whitelist rules mute host items as they mute
// config items: a rule for one host and item, and one for an item on every host,
// make those findings WHITELISTED with the verdict kept; an expired rule mutes nothing.
func TestBaselineWhitelist(t *testing.T) {
	job := baselineJob(baselineTask, "cn-hangzhou")
	job.Items = []string{"host.ssh.permit_root_login", "host.ssh.max_auth_tries", "host.login_defs.pass_max_days"}
	r := newBaselineRig(t, cloudsim.AssistantOptions{}, job)
	ctx := context.Background()
	now := time.Now()
	for _, w := range []store.WhitelistRule{
		{TenantID: "acme", ItemID: "host.ssh.permit_root_login", InstanceID: hostMapped, Reason: "break-glass host, root login audited"},
		{TenantID: "acme", ItemID: "host.ssh.max_auth_tries", Reason: "bastion enforces it"},
		{TenantID: "acme", ItemID: "host.login_defs.pass_max_days", Reason: "expired", Expires: now.Add(-time.Hour)},
	} {
		if err := r.h.Store.PutWhitelistRule(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.h.Handle(ctx, mustBatch(t, job)); err != nil {
		t.Fatal(err)
	}
	got := r.findings(t)[hostMapped]
	for id, want := range map[string]string{
		"host.ssh.permit_root_login":    string(checks.Whitelisted),
		"host.ssh.max_auth_tries":       string(checks.Whitelisted),
		"host.login_defs.pass_max_days": string(checks.NotPass),
	} {
		f := got[id]
		if f.Status != want {
			t.Errorf("%s = %s; want %s", id, f.Status, want)
		}
		if want == string(checks.Whitelisted) && (f.OriginalStatus != string(checks.NotPass) || f.Remark == "" || f.State != "") {
			t.Errorf("%s whitelisted as %+v; want the NOT_PASS verdict kept, the rule's reason, no lifecycle state", id, f)
		}
	}
}

// TestBaselineSlicedShards: a region sliced into three parts is probed by three shards
// that together take every host exactly once.
func TestBaselineSlicedShards(t *testing.T) {
	var jobs []event.ShardJob
	for part := range 3 {
		j := baselineJob(baselineTask, "cn-hangzhou")
		j.Items = []string{"host.ssh.permit_root_login"}
		j.ShardID, j.Total, j.Part, j.Parts = fmt.Sprintf("%04d", part), 3, part, 3
		jobs = append(jobs, j)
	}
	r := newBaselineRig(t, cloudsim.AssistantOptions{}, jobs...)
	ctx := context.Background()
	total := 0
	for _, j := range jobs {
		res, err := r.h.Handle(ctx, mustBatch(t, j))
		if err != nil {
			t.Fatal(err)
		}
		total += res.Shards[0].Findings
	}
	hosts := r.findings(t)
	if len(hosts) != 3 || total != 3 {
		t.Errorf("three parts wrote %d findings on %d hosts; want each of the region's 3 hosts once", total, len(hosts))
	}
	task, err := r.h.Store.GetTask(ctx, "acme", baselineTask)
	if err != nil || task.Status != store.TaskDone {
		t.Errorf("task = %+v, %v; want done after its three parts", task, err)
	}
}
