package cloudsim_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/baseline"
)

// waitResult polls DescribeInvocationResults until the record leaves Running.
func waitResult(t *testing.T, srv *cloudsim.Server, params map[string]string) (map[string]any, int) {
	t.Helper()
	c := defaultClient(t, srv)
	polls := 0
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); polls++ {
		resp := mustCall(t, c, "Ecs", "DescribeInvocationResults", "cn-hangzhou", params)
		inv, _ := resp["Invocation"].(map[string]any)
		rs := items(inv, "InvocationResults", "InvocationResult")
		if len(rs) != 1 {
			t.Fatalf("results = %v", resp)
		}
		if rs[0]["InvokeRecordStatus"] != "Running" {
			return rs[0], polls
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("still running")
	return nil, 0
}

func TestCloudAssistant(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc/ssh"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/ssh/sshd_config"), []byte("PermitRootLogin yes\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/os-release"), []byte("ID=debian\nVERSION_ID=\"12\"\n"), 0o644)
	srv := start(t, cloudsim.Options{Inventory: sample(t), Assistant: cloudsim.AssistantOptions{
		Hosts: map[string]string{"i-bp1acmeweb01": root}, RunTime: 30 * time.Millisecond}})
	c := defaultClient(t, srv)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	t.Run("probe", func(t *testing.T) {
		resp := mustCall(t, c, "Ecs", "RunCommand", "cn-hangzhou", map[string]string{
			"Type": "RunShellScript", "ContentEncoding": "Base64", "InstanceId.1": "i-bp1acmeweb01", "ClientToken": "tok-1",
			"CommandContent": b64("#!/bin/sh\nexec /usr/local/bin/cspm-probe --root / --gzip --chunk 100000\n")})
		id, _ := resp["InvokeId"].(string)
		again := mustCall(t, c, "Ecs", "RunCommand", "cn-hangzhou", map[string]string{
			"Type": "RunShellScript", "ContentEncoding": "Base64", "InstanceId.1": "i-bp1acmeweb01", "ClientToken": "tok-1",
			"CommandContent": b64("#!/bin/sh\nexec /usr/local/bin/cspm-probe --root / --gzip --chunk 100000\n")})
		if id == "" || again["InvokeId"] != id {
			t.Fatalf("InvokeId %q, retried with the same ClientToken %v", id, again["InvokeId"])
		}
		r, polls := waitResult(t, srv, map[string]string{"InvokeId": id})
		if polls == 0 || r["InvocationStatus"] != "Success" || r["InvokeRecordStatus"] != "Finished" || num(r["ExitCode"]) != 0 {
			t.Fatalf("result after %d polls: %v", polls, r)
		}
		out, err := base64.StdEncoding.DecodeString(r["Output"].(string))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := baseline.DecodeChunkLines(strings.Split(string(out), "\n"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := baseline.DecodeFacts(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if text, _, _ := f.Text("/etc/ssh/sshd_config"); !strings.Contains(text, "PermitRootLogin yes") {
			t.Errorf("sshd_config = %q", text)
		}
		invs := mustCall(t, c, "Ecs", "DescribeInvocations", "cn-hangzhou", map[string]string{"InvokeId": id})
		list := items(invs, "Invocations", "Invocation")
		if len(list) != 1 || list[0]["InvocationStatus"] != "Finished" {
			t.Errorf("DescribeInvocations = %v", invs)
		}
	})

	t.Run("not installed", func(t *testing.T) {
		cmd := mustCall(t, c, "Ecs", "CreateCommand", "cn-hangzhou", map[string]string{
			"Type": "RunShellScript", "Name": "probe", "CommandContent": "cspm-probe --gzip"})
		resp := mustCall(t, c, "Ecs", "InvokeCommand", "cn-hangzhou", map[string]string{
			"CommandId": cmd["CommandId"].(string), "InstanceId.1": "i-bp1acmeweb02"})
		r, _ := waitResult(t, srv, map[string]string{"InvokeId": resp["InvokeId"].(string), "ContentEncoding": "PlainText"})
		if r["InvocationStatus"] != "Failed" || num(r["ExitCode"]) != 127 || !strings.Contains(r["Output"].(string), "command not found") {
			t.Errorf("result = %v", r)
		}
	})

	t.Run("offline", func(t *testing.T) {
		resp := mustCall(t, c, "Ecs", "RunCommand", "cn-hangzhou", map[string]string{
			"Type": "RunShellScript", "InstanceId.1": "i-bp1acmedb01", "CommandContent": "cspm-probe"})
		r, _ := waitResult(t, srv, map[string]string{"InvokeId": resp["InvokeId"].(string)})
		if r["InvocationStatus"] != "Aborted" || r["InvokeRecordStatus"] != "Failed" || r["ErrorCode"] != "ClientNotRunning" {
			t.Errorf("result = %v", r)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for name, p := range map[string]map[string]string{
			"InvalidInstance.NotFound":    {"Type": "RunShellScript", "InstanceId.1": "i-nope", "CommandContent": "true"},
			"InvalidParameter":            {"Type": "RunShellScript", "InstanceId.1": "i-bp1acmeweb01", "CommandContent": "true", "Timeout": "0"},
			"MissingParameter.InstanceId": {"Type": "RunShellScript", "CommandContent": "true"},
			"InvalidCommandContent.LengthLimitExceeded": {"Type": "RunShellScript", "InstanceId.1": "i-bp1acmeweb01",
				"CommandContent": strings.Repeat("x", 18<<10+1)},
		} {
			_, err := call(t, c, "Ecs", "RunCommand", "cn-hangzhou", p)
			if err == nil || !strings.HasPrefix(serverError(t, err).ErrorCode(), name) {
				t.Errorf("%s: err = %v", name, err)
			}
		}
	})
}

func TestCloudAssistantTimeout(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Assistant: cloudsim.AssistantOptions{
		Hosts: map[string]string{"i-bp1acmeweb01": t.TempDir()}, RunTime: time.Second, Second: 5 * time.Millisecond}})
	resp := mustCall(t, defaultClient(t, srv), "Ecs", "RunCommand", "cn-hangzhou", map[string]string{
		"Type": "RunShellScript", "InstanceId.1": "i-bp1acmeweb01", "CommandContent": "cspm-probe", "Timeout": "10"})
	r, _ := waitResult(t, srv, map[string]string{"InvokeId": resp["InvokeId"].(string)})
	if r["InvocationStatus"] != "Timeout" || r["InvokeRecordStatus"] != "Failed" || r["ErrorCode"] != "ExecutionTimeout" {
		t.Errorf("result = %v", r)
	}
}

func TestCloudAssistantOutputLimit(t *testing.T) {
	srv := start(t, cloudsim.Options{Inventory: sample(t), Assistant: cloudsim.AssistantOptions{
		Hosts: map[string]string{"i-bp1acmeweb01": t.TempDir()}, OutputLimit: 64}})
	resp := mustCall(t, defaultClient(t, srv), "Ecs", "RunCommand", "cn-hangzhou", map[string]string{
		"Type": "RunShellScript", "InstanceId.1": "i-bp1acmeweb01", "CommandContent": "cspm-probe --chunk 1000"})
	r, _ := waitResult(t, srv, map[string]string{"InvokeId": resp["InvokeId"].(string), "ContentEncoding": "PlainText"})
	if out := r["Output"].(string); len(out) != 64 || num(r["Dropped"]) == 0 || r["InvocationStatus"] != "Success" {
		t.Errorf("output %d bytes, result %v", len(out), r)
	}
}
