package assist_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/baseline"
	"github.com/cspm-alibaba/cspm/shared/baseline/assist"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

const region = "cn-hangzhou"

const inventory = `{
  "account_id": "1357924680135792",
  "regions": {"cn-hangzhou": {"ecs": {
    "Instances": [
      {"InstanceId": "i-mapped", "OSType": "linux", "Status": "Running"},
      {"InstanceId": "i-offline", "OSType": "linux", "Status": "Running"},
      {"InstanceId": "i-unmapped", "OSType": "linux", "Status": "Running"}
    ],
    "InstanceCloudAssistantStatusSet": [
      {"InstanceId": "i-mapped", "CloudAssistantStatus": "true", "OSType": "linux"},
      {"InstanceId": "i-offline", "CloudAssistantStatus": "false", "OSType": "linux"},
      {"InstanceId": "i-unmapped", "CloudAssistantStatus": "true", "OSType": "linux"}
    ]
  }}}
}`

// setup starts cloudsim with Cloud Assistant options and a collector aimed at it.
func setup(t *testing.T, ao cloudsim.AssistantOptions) *collect.Collector {
	t.Helper()
	inv, err := cloudsim.ParseInventory([]byte(inventory))
	if err != nil {
		t.Fatal(err)
	}
	if ao.Hosts == nil {
		ao.Hosts = map[string]string{"i-mapped": "testdata/weak"}
	}
	if ao.RunTime == 0 {
		ao.RunTime = 20 * time.Millisecond
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Assistant: ao})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID,
		AccessKeySecret: cloudsim.DefaultAccessKeySecret, Endpoint: srv.Addr()})
	t.Cleanup(func() { c.Close() })
	return c
}

func opts() assist.Options {
	return assist.Options{Account: "1357924680135792", Region: region, Poll: 10 * time.Millisecond, MaxPoll: 40 * time.Millisecond}
}

func ctx(t *testing.T, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

func TestProbeEvaluates(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{})
	f, err := assist.Probe(ctx(t, 10*time.Second), c, "i-mapped", opts())
	if err != nil {
		t.Fatal(err)
	}
	r := baseline.Evaluate(f, baseline.Options{InstanceID: "i-mapped", Region: region})
	want := map[string]bool{"host.ssh.permit_root_login": false, "host.login_defs.pass_max_days": false, "host.login_defs.umask": false}
	for _, fd := range r.Findings {
		if _, ok := want[fd.ItemID]; ok {
			if fd.Status != baseline.NotPass {
				t.Errorf("%s: %s %v, want NOT_PASS", fd.ItemID, fd.Status, fd.Evidence)
			}
			want[fd.ItemID] = true
		}
		if fd.InstanceID != "i-mapped" {
			t.Fatalf("finding for %q", fd.InstanceID)
		}
	}
	for id, seen := range want {
		if !seen {
			t.Errorf("no finding %s", id)
		}
	}
	if n := c.Calls()["Ecs.RunCommand"]; n != 1 {
		t.Errorf("RunCommand calls = %d, want 1 (one part)", n)
	}
}

func TestProbeReassemblesParts(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{OutputLimit: 400})
	o := opts()
	o.OutputLimit = 400
	f, err := assist.Probe(ctx(t, 15*time.Second), c, "i-mapped", o)
	if err != nil {
		t.Fatal(err)
	}
	if f.Host.Variant == "" && f.Files["/etc/ssh/sshd_config"] == nil {
		t.Fatalf("facts look empty: %+v", f.Host)
	}
	if n := c.Calls()["Ecs.RunCommand"]; n < 3 {
		t.Errorf("RunCommand calls = %d, want several parts", n)
	}
}

func wantKind(t *testing.T, err error, k assist.Kind, reason string) {
	t.Helper()
	var e *assist.Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("err = %v, want kind %s", err, k)
	}
	if !strings.Contains(assist.Reason(err), reason) {
		t.Errorf("Reason = %q, want it to contain %q", assist.Reason(err), reason)
	}
}

func TestProbeTruncatedOutput(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{OutputLimit: 100})
	o := opts()
	o.OutputLimit = 400 // more than the host keeps
	_, err := assist.Probe(ctx(t, 10*time.Second), c, "i-mapped", o)
	wantKind(t, err, assist.Output, "truncated")
}

func TestProbeOffline(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{})
	_, err := assist.Probe(ctx(t, 10*time.Second), c, "i-offline", opts())
	wantKind(t, err, assist.Offline, "Cloud Assistant offline (ClientNotRunning")
}

func TestProbeNotInstalled(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{})
	_, err := assist.Probe(ctx(t, 10*time.Second), c, "i-unmapped", opts())
	wantKind(t, err, assist.Failed, "exit code 127")
}

func TestProbeCloudTimeout(t *testing.T) {
	// The probe "runs" 2 s; Timeout 10 s with 10 ms seconds stops it at 100 ms.
	c := setup(t, cloudsim.AssistantOptions{RunTime: 2 * time.Second, Second: 10 * time.Millisecond})
	o := opts()
	o.Timeout = 10 * time.Second
	_, err := assist.Probe(ctx(t, 10*time.Second), c, "i-mapped", o)
	wantKind(t, err, assist.Timeout, "probe timed out after 10s")
}

func TestProbeDeadline(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{RunTime: 5 * time.Second})
	start := time.Now()
	_, err := assist.Probe(ctx(t, 300*time.Millisecond), c, "i-mapped", opts())
	wantKind(t, err, assist.Timeout, "probe timed out after")
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %s after the deadline", time.Since(start))
	}
}

// fake answers RunCommand with canned outputs, one per part.
type fake struct {
	outputs []string
	n       int
}

func (f *fake) RunCommand(context.Context, string, string, collect.CommandRequest) (collect.Invocation, error) {
	f.n++
	return collect.Invocation{InvokeID: "t-" + string(rune('0'+f.n))}, nil
}

func (f *fake) InvocationResults(_ context.Context, _, _, invokeID, instanceID string) ([]collect.InvocationResult, error) {
	out := ""
	if f.n-1 < len(f.outputs) {
		out = f.outputs[f.n-1]
	}
	return []collect.InvocationResult{{InstanceID: instanceID, InvokeID: invokeID, InvocationStatus: "Success",
		InvokeRecordStatus: "Finished", Output: []byte(out)}}, nil
}

func TestProbeGarbled(t *testing.T) {
	for name, outs := range map[string][]string{
		"not chunks":     {"hello world\n"},
		"bad base64":     {"1/2 !!!!\n", "2/2 ????\n"},
		"not gzip facts": {"1/1 aGVsbG8=\n"},
		"wrong part":     {"1/3 aGVs\n", "3/3 bG8=\n"},
		"count changes":  {"1/2 aGVs\n", "2/3 bG8=\n"},
		"empty":          {""},
		"two lines":      {"1/2 aGVs\n2/2 bG8=\n"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := assist.Probe(context.Background(), &fake{outputs: outs}, "i-x", opts())
			wantKind(t, err, assist.Output, "")
		})
	}
}

func TestScript(t *testing.T) {
	s := assist.Script(assist.Options{ProbeArgs: []string{"--words", "/etc/my words"}}, "abc", 2)
	want := "exec cspm-probe --root / --gzip --chunk 24552 --part 2 --cache /var/tmp/cspm-probe-abc.lines --words '/etc/my words'\n"
	if !strings.HasSuffix(s, want) || !strings.HasPrefix(s, "#!/bin/sh\n") {
		t.Errorf("Script =\n%s", s)
	}
}

func TestCheck(t *testing.T) {
	c := setup(t, cloudsim.AssistantOptions{})
	r, err := assist.Check(ctx(t, 10*time.Second), c, "i-mapped", opts(), baseline.Options{Items: []string{"host.ssh.*"}})
	if err != nil || r.Summary[baseline.NotPass] == 0 || r.InstanceID != "i-mapped" || r.Region != region {
		t.Fatalf("Check = %v, %+v", err, r.Summary)
	}
	r, err = assist.Check(ctx(t, 10*time.Second), c, "i-offline", opts(), baseline.Options{Items: []string{"host.ssh.*"}})
	if err == nil || len(r.Findings) == 0 || r.Summary[baseline.NotEvaluated] != len(r.Findings) {
		t.Fatalf("offline Check = %v, %+v", err, r.Summary)
	}
	for _, fd := range r.Findings {
		if !strings.HasPrefix(fd.ItemID, "host.ssh.") || !strings.Contains(fd.Evidence[0], "Cloud Assistant offline") {
			t.Fatalf("finding %+v", fd)
		}
	}
}
