package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/demo"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/queue"
)

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cspm-cli-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if err := demo.BuildFunctions("../../..", dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// lockedBuffer is written by a command running in another goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage: cspm"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"emulate"}, 2, "which emulator"},
		{[]string{"emulate", "s3"}, 2, `unknown emulator "s3"`},
		{[]string{"demo", "--no-such-flag"}, 2, "no-such-flag"},
		{[]string{"fc", "fire"}, 2, "takes one name"},
		{[]string{"fc", "explode", "x"}, 2, `unknown verb "explode"`},
		{[]string{"help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != tt.code {
				t.Fatalf("cspm %v exited %d; want %d (stderr %s)", tt.args, code, tt.code, errOut.String())
			}
			if !strings.Contains(errOut.String()+out.String(), tt.want) {
				t.Errorf("cspm %v printed %q; want it to mention %q", tt.args, errOut.String(), tt.want)
			}
		})
	}
}

// TestEmulateMNS serves the MNS emulator on its own and talks to it with the real SDK.
func TestEmulateMNS(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"emulate", "mns", "--listen", addr}, out, out) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulate mns exited %d: %s", code, out.String())
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "access key secret") {
		if time.Now().After(deadline) {
			t.Fatalf("emulate mns printed no banner: %s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{"http://" + demo.AccountID + ".mns.cn-hangzhou.aliyuncs.com", "cspm-local-ak"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q: %s", want, out.String())
		}
	}
	q, err := queue.New(queue.Config{
		Endpoint: "http://" + demo.AccountID + ".mns.cn-hangzhou.aliyuncs.com", DialAddr: addr,
		AccessKeyID: "cspm-local-ak", AccessKeySecret: "cspm-local-secret",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.CreateQueue(ctx, "probe", 30*time.Second); err != nil {
		t.Fatalf("create a queue on the served emulator: %v", err)
	}
	if _, err := q.Send(ctx, "probe", []byte(`{"hello":"mns"}`)); err != nil {
		t.Fatalf("send to the served emulator: %v", err)
	}
}

// TestEmulateFCAndFire runs the local stack and fires the nightly timer now from a second
// command, as a person would.
func TestEmulateFCAndFire(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulate", "fc", "--listen", addr, "--bin", binDir, "--spec", "../../../s.yaml", "--cron=false"}, out, &lockedBuffer{})
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulate fc exited %d: %s", code, out.String())
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "control API on") {
		if time.Now().After(deadline) {
			t.Fatalf("emulate fc never came up: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var fireOut, fireErr bytes.Buffer
	if code := run(ctx, []string{"fc", "fire", "--addr", addr, "nightly-scan"}, &fireOut, &fireErr); code != 0 {
		t.Fatalf("fc fire exited %d: %s %s", code, fireOut.String(), fireErr.String())
	}
	per, err := demo.PlannedTasks()
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range per {
		if !strings.Contains(fireOut.String(), `"tenant_id": "`+id+`"`) || !strings.Contains(fireOut.String(), fmt.Sprintf(`"shards": %d`, n)) {
			t.Errorf("fc fire printed %s; want schedule-scan's %d-shard task for %s", fireOut.String(), n, id)
		}
	}
	for !strings.Contains(out.String(), "run-check-shard ok") {
		if time.Now().After(deadline) {
			t.Fatalf("the shard function never ran after the fire: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var bad bytes.Buffer
	if code := run(ctx, []string{"fc", "fire", "--addr", addr, "no-such-trigger"}, &bad, &bad); code != 1 {
		t.Errorf("fc fire no-such-trigger exited %d; want 1 (%s)", code, bad.String())
	}
}

func TestPackage(t *testing.T) {
	// Small stand-ins for the binaries: packaging copies and zips bytes, and deflating
	// five real binaries under -race takes half a minute.
	bin := t.TempDir()
	for _, name := range demo.Functions {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\necho "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"package", "--bin", bin, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("package exited %d: %s", code, stderr.String())
	}
	for _, name := range demo.Functions {
		st, err := os.Stat(filepath.Join(out, name, "bootstrap"))
		if err != nil || st.Mode()&0o111 == 0 {
			t.Errorf("%s/bootstrap: %v (mode %v); want an executable file", name, err, st.Mode())
		}
		zr, err := zip.OpenReader(filepath.Join(out, name+".zip"))
		if err != nil {
			t.Fatalf("%s.zip: %v", name, err)
		}
		if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode()&0o111 == 0 {
			t.Errorf("%s.zip holds %v; want one executable bootstrap", name, zr.File)
		}
		zr.Close()
	}
}

// TestEmulateTablestorePersists serves otsim with --data, writes a row through the real
// SDK, stops it, serves it again from the same file and reads the row back.
func TestEmulateTablestorePersists(t *testing.T) {
	data := filepath.Join(t.TempDir(), "ots.db")
	serve := func(fn func(c *tablestore.TableStoreClient)) {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		out := &lockedBuffer{}
		done := make(chan int)
		go func() {
			done <- run(ctx, []string{"emulate", "tablestore", "--listen", addr, "--data", data}, out, out)
		}()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.String(), "data: "+data) {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("emulate tablestore printed no banner: %s", out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		fn(tablestore.NewClient("http://"+addr, otsim.DefaultInstance, otsim.DefaultAccessKeyID, otsim.DefaultAccessKeySecret))
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("emulate tablestore exited %d: %s", code, out.String())
		}
	}
	serve(func(c *tablestore.TableStoreClient) {
		meta := &tablestore.TableMeta{TableName: "probe"}
		meta.AddPrimaryKeyColumn("k", tablestore.PrimaryKeyType_STRING)
		if _, err := c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}); err != nil {
			t.Fatalf("CreateTable: %v", err)
		}
		pk := &tablestore.PrimaryKey{}
		pk.AddPrimaryKeyColumn("k", "kept")
		change := &tablestore.PutRowChange{TableName: "probe", PrimaryKey: pk}
		change.AddColumn("v", "across restarts")
		change.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: change}); err != nil {
			t.Fatalf("PutRow: %v", err)
		}
	})
	serve(func(c *tablestore.TableStoreClient) {
		pk := &tablestore.PrimaryKey{}
		pk.AddPrimaryKeyColumn("k", "kept")
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "probe", PrimaryKey: pk, MaxVersion: 1}})
		if err != nil {
			t.Fatalf("GetRow after restart: %v", err)
		}
		if len(resp.Columns) != 1 || resp.Columns[0].Value != "across restarts" {
			t.Fatalf("row after restart = %+v; want v=across restarts", resp.Columns)
		}
	})
}

// TestTablesCreate creates the deployment's tables in the emulator, twice (idempotent),
// and refuses to run without credentials, naming what is missing.
func TestTablesCreate(t *testing.T) {
	srv, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", otsim.DefaultAccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", otsim.DefaultAccessKeySecret)
	args := []string{"tables", "create", "--endpoint", srv.URL(), "--instance", otsim.DefaultInstance}
	for i := range 2 {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 0 {
			t.Fatalf("run %d: tables create exited %d: %s", i+1, code, errOut.String())
		}
		if !strings.Contains(out.String(), "cspm_findings") {
			t.Errorf("run %d printed %q; want the tables listed", i+1, out.String())
		}
	}
	resp, err := srv.Client().ListTable()
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.TableNames) < 8 {
		t.Errorf("the instance holds tables %v; want the 8 of infra/tablestore/tables.json", resp.TableNames)
	}
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	var errOut bytes.Buffer
	if code := run(context.Background(), args, &errOut, &errOut); code != 1 || !strings.Contains(errOut.String(), "ALIBABA_CLOUD_ACCESS_KEY_SECRET") {
		t.Errorf("tables create without a secret exited %d: %q; want 1 naming the missing variable", code, errOut.String())
	}
}

func TestSimGen(t *testing.T) {
	gen := func(args ...string) (string, int, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"sim", "gen"}, args...), &out, &errOut)
		return out.String(), code, errOut.String()
	}
	a, code, errText := gen("--instances", "20", "--seed", "7", "--regions", "cn-hangzhou,cn-shanghai")
	if code != 0 {
		t.Fatalf("sim gen exited %d: %s", code, errText)
	}
	b, _, _ := gen("--instances", "20", "--seed", "7", "--regions", "cn-hangzhou,cn-shanghai")
	if a != b {
		t.Error("sim gen with the same seed gave two different accounts")
	}
	inv, err := cloudsim.ParseInventory([]byte(a))
	if err != nil {
		t.Fatalf("sim gen output is not an inventory the emulator accepts: %v", err)
	}
	if got := inv.RegionIDs(); len(got) != 2 {
		t.Errorf("generated regions %v; want cn-hangzhou and cn-shanghai", got)
	}
	if _, code, _ := gen("--misconfig-rate", "2"); code != 2 {
		t.Errorf("sim gen --misconfig-rate 2 exited %d; want 2", code)
	}
}

// TestEmulateCloudAndAuthorize serves the sample account on its own and onboards it
// with cspm authorize, as a person would from a laptop.
func TestEmulateCloudAndAuthorize(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulate", "cloud", "--listen", addr, "--principal", demo.PlatformPrincipal}, out, out)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulate cloud exited %d: %s", code, out.String())
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "access key secret") {
		if time.Now().After(deadline) {
			t.Fatalf("emulate cloud printed no banner: %s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	ots, err := otsim.NewServer(otsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ots.Close()
	t.Setenv("OTS_ENDPOINT", ots.URL())
	t.Setenv("OTS_INSTANCE", otsim.DefaultInstance)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", cloudsim.DefaultAccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", cloudsim.DefaultAccessKeySecret)
	var tout, terr bytes.Buffer
	if code := run(ctx, []string{"tables", "create"}, &tout, &terr); code != 0 {
		t.Fatalf("tables create: %s", terr.String())
	}
	args := []string{"authorize", "--tenant", "acme-retail", "--account", cloudsim.SampleAccountID,
		"--role-arn", "acs:ram::" + cloudsim.SampleAccountID + ":role/cspmauditrole", "--plan", `{"edition":"basic","cspm":"payg"}`,
		"--products", "ecs,vpc", "--regions", "cn-hangzhou", "--cloud-endpoint", addr}
	t.Setenv("CSPM_EXTERNAL_ID", "acme-retail-7f3c")
	var aout, aerr bytes.Buffer
	if code := run(ctx, args, &aout, &aerr); code != 0 || !strings.Contains(aout.String(), `"status": "authorized"`) {
		t.Fatalf("authorize exited %d: %s %s; want authorized", code, aout.String(), aerr.String())
	}
	t.Setenv("CSPM_EXTERNAL_ID", "somebody-elses-id")
	aout.Reset()
	aerr.Reset()
	if code := run(ctx, args, &aout, &aerr); code != 1 || !strings.Contains(aerr.String(), "external_id must equal") {
		t.Errorf("authorize with a wrong ExternalId exited %d: %q; want 1 saying the ExternalId is wrong", code, aerr.String())
	}
}
