package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/demo"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/store"
)

// TestFindingsLifecycleCommands runs whitelist, verify and findings against the local
// stack (the five functions under fcsim, Tablestore and MNS emulators), after the
// nightly timer has scanned the sample tenant, as a person would with the store and
// queue configured in the environment.
func TestFindingsLifecycleCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stack, err := demo.StartStack(ctx, demo.StackOptions{BinDir: binDir, Spec: "../../../s.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Close(context.Background())
	if err := demo.Authorize(ctx, io.Discard, stack); err != nil {
		t.Fatal(err)
	}
	res, err := stack.FC.Fire(ctx, "nightly-scan")
	if err != nil || res.Status != 200 {
		t.Fatalf("fire nightly-scan: %v %s", err, res.Body)
	}
	var plan struct {
		Tasks []struct {
			TenantID string `json:"tenant_id"`
			TaskID   string `json:"task_id"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal(res.Body, &plan); err != nil {
		t.Fatalf("schedule-scan answered %s (%v)", res.Body, err)
	}
	const tenant = "acme-retail"
	var task string
	for _, p := range plan.Tasks {
		if p.TenantID == tenant {
			task = p.TaskID
		}
	}
	if task == "" {
		t.Fatalf("schedule-scan answered %s; want a task for %s", res.Body, tenant)
	}
	for {
		got, err := stack.Store.GetTask(ctx, tenant, task)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == store.TaskDone {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("task %s still %s", task, got.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cfg := stack.MNS.ClientConfig()
	t.Setenv("OTS_ENDPOINT", stack.OTS.URL())
	t.Setenv("OTS_INSTANCE", otsim.DefaultInstance)
	t.Setenv("MNS_ENDPOINT", cfg.Endpoint)
	t.Setenv("MNS_DIAL_ADDR", cfg.DialAddr)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", cfg.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", cfg.AccessKeySecret)
	cspm := func(args ...string) (string, string, int) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(ctx, args, &out, &errOut)
		return out.String(), errOut.String(), code
	}

	// The first scan: every failing finding is new.
	out, errText, code := cspm("findings", "--tenant", tenant, "--task", task, "--diff")
	if code != 0 || !strings.Contains(out, "since the previous scan: ") || !strings.Contains(out, " new, 0 fixed") {
		t.Fatalf("findings --diff exited %d: %s %s; want the summary line with no fixed findings", code, out, errText)
	}
	out, _, code = cspm("findings", "--tenant", tenant, "--task", task, "--diff", "--format", "json")
	var changes struct {
		New, Fixed []struct {
			ItemID     string `json:"item_id"`
			InstanceID string `json:"instance_id"`
		}
	}
	if err := json.Unmarshal([]byte(out), &changes); err != nil || code != 0 || len(changes.New) < 20 || len(changes.Fixed) != 0 {
		t.Fatalf("findings --diff --format json exited %d with %d new, %d fixed (%v); want at least 20 new", code, len(changes.New), len(changes.Fixed), err)
	}

	const item, web = "ecs_sg_ssh_internet", "sg-bp1acmeweb0001"
	bad := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"whitelist", "add", "--tenant", tenant, "--item", "ecs_no_such_item", "--reason", "r"}, 2, `unknown item id "ecs_no_such_item"`},
		{[]string{"whitelist", "add", "--tenant", tenant, "--item", item}, 2, "--reason is required"},
		{[]string{"whitelist", "add", "--tenant", tenant, "--item", item, "--reason", "r", "--expires", "2001-01-01"}, 2, "in the past"},
		{[]string{"whitelist", "add", "--tenant", tenant, "--item", item, "--reason", "r", "--expires", "soon"}, 2, "want a date"},
		{[]string{"whitelist", "add", "--tenant", "nobody", "--item", item, "--reason", "r"}, 1, "no such tenant"},
		{[]string{"whitelist", "remove", "--tenant", tenant, "--item", item, "--instance", "sg-none"}, 1, "no such rule"},
		{[]string{"whitelist", "drop"}, 2, "whitelist add | list | remove"},
		{[]string{"verify", "--tenant", tenant, "--item", "ecs_no_such_item"}, 2, `unknown item id "ecs_no_such_item"`},
		{[]string{"findings", "--tenant", tenant, "--diff"}, 2, "--diff needs --task"},
		{[]string{"findings", "--tenant", tenant, "--task", "no-such-task"}, 1, "no such task"},
	}
	for _, b := range bad {
		_, errText, code := cspm(b.args...)
		if code != b.code || !strings.Contains(errText, b.want) {
			t.Errorf("cspm %s exited %d: %q; want %d and an error containing %q", strings.Join(b.args, " "), code, errText, b.code, b.want)
		}
	}

	reason := `jump host "<b>bastion</b>"`
	if out, errText, code := cspm("whitelist", "add", "--tenant", tenant, "--item", item, "--instance", web, "--reason", reason,
		"--expires", "2099-01-01", "--by", "alice"); code != 0 || !strings.Contains(out, "whitelisted instance") {
		t.Fatalf("whitelist add exited %d: %s %s", code, out, errText)
	}
	out, _, code = cspm("whitelist", "list", "--tenant", tenant, "--format", "json")
	var listed struct {
		Rules []struct {
			InstanceID string `json:"instance_id"`
			Reason     string `json:"reason"`
			CreatedBy  string `json:"created_by"`
			Active     bool   `json:"active"`
		}
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil || code != 0 || len(listed.Rules) != 1 ||
		listed.Rules[0].Reason != reason || listed.Rules[0].InstanceID != web || !listed.Rules[0].Active || listed.Rules[0].CreatedBy != "alice" {
		t.Fatalf("whitelist list = %s (%v); want the one rule, reason intact", out, err)
	}

	// Verify through the chain: the whitelisted failure comes back WHITELISTED, its
	// verdict kept; once the rule is removed, it is NOT_PASS again and still open.
	type verified struct {
		Findings []struct {
			InstanceID     string `json:"instance_id"`
			Status         string `json:"status"`
			OriginalStatus string `json:"original_status"`
			Remark         string `json:"remark"`
			State          string `json:"state"`
			TaskID         string `json:"task_id"`
		}
	}
	verify := func(wantCode int) verified {
		t.Helper()
		out, errText, code := cspm("verify", "--tenant", tenant, "--item", item, "--instance", web, "--format", "json", "--wait", "60s")
		var v verified
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != wantCode || len(v.Findings) != 1 || v.Findings[0].InstanceID != web ||
			!strings.HasPrefix(v.Findings[0].TaskID, "verify-") {
			t.Fatalf("verify exited %d: %s %s (%v); want %d and the one refreshed finding", code, out, errText, err, wantCode)
		}
		return v
	}
	if f := verify(0).Findings[0]; f.Status != "WHITELISTED" || f.OriginalStatus != "NOT_PASS" || f.Remark != reason || f.State != "new" {
		t.Errorf("verified whitelisted finding = %+v; want WHITELISTED, original NOT_PASS, the rule's reason, state new kept", f)
	}
	if _, errText, code := cspm("whitelist", "remove", "--tenant", tenant, "--item", item, "--instance", web); code != 0 {
		t.Fatalf("whitelist remove exited %d: %s", code, errText)
	}
	if f := verify(3).Findings[0]; f.Status != "NOT_PASS" || f.OriginalStatus != "" || f.State != "open" {
		t.Errorf("verified finding after the rule was removed = %+v; want NOT_PASS, open", f)
	}
	out, _, code = cspm("findings", "--tenant", tenant)
	if code != 3 || !strings.Contains(out, web) {
		t.Errorf("findings exited %d; want 3 (failures stored) and the table listing %s", code, web)
	}
}
