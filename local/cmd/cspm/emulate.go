package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/cspm-alibaba/cspm/local/demo"
	"github.com/cspm-alibaba/cspm/local/fcsim"
	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/local/otsim"
)

func runEmulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"which emulator? cloud, mns, tablestore or fc"}
	}
	switch args[0] {
	case "mns":
		return emulateMNS(ctx, args[1:], stdout, stderr)
	case "fc":
		return emulateFC(ctx, args[1:], stdout, stderr)
	case "tablestore":
		return emulateTablestore(ctx, args[1:], stdout, stderr)
	case "cloud":
		return emulateCloud(ctx, args[1:], stdout, stderr)
	default:
		return usageError{fmt.Sprintf("unknown emulator %q: want cloud, mns, tablestore or fc", args[0])}
	}
}

func emulateMNS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("emulate mns", stderr)
	listen := fs.String("listen", "127.0.0.1:9101", "address to serve MNS on")
	ak := fs.String("access-key-id", "cspm-local-ak", "the AccessKey ID it accepts")
	sk := fs.String("access-key-secret", "cspm-local-secret", "the AccessKey secret it accepts")
	account := fs.String("account-id", demo.AccountID, "the account id in the endpoint")
	region := fs.String("region", "cn-hangzhou", "the region in the endpoint")
	maxReceives := fs.Int("max-receives", 0, "move a message to --dead-letter-queue after this many receives (0: never)")
	dlq := fs.String("dead-letter-queue", "cspm-dlq", "the dead-letter queue")
	if err := parse(fs, args); err != nil {
		return err
	}
	srv, err := mnssim.NewServer(mnssim.Options{
		Listen: *listen, AccessKeyID: *ak, AccessKeySecret: *sk, AccountID: *account, Region: *region,
		MaxReceives: *maxReceives, DeadLetterQueue: *dlq,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "MNS emulator on http://%s\n  endpoint for SDKs: %s (dial %s)\n  access key id: %s\n  access key secret: %s\n",
		srv.Addr(), srv.Endpoint(), srv.Addr(), *ak, *sk)
	<-ctx.Done()
	return srv.Close()
}

func emulateFC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("emulate fc", stderr)
	listen := fs.String("listen", "127.0.0.1:9100", "address of the control API (fire triggers, invoke functions)")
	bin := fs.String("bin", defaultBinDir(), "directory holding the function binaries")
	spec := fs.String("spec", "s.yaml", "the deployment file")
	cron := fs.Bool("cron", true, "fire the timer triggers on their crons")
	data := fs.String("data", "", "keep the Tablestore emulator's tables in this file between runs")
	if err := parse(fs, args); err != nil {
		return err
	}
	hop := func(h fcsim.Hop) {
		fmt.Fprintf(stdout, "[hop] %s %s %s → %s %s %s\n", h.Time.UTC().Format(time.RFC3339), h.Kind, h.Trigger, h.Function, h.Status, h.Err)
	}
	stack, err := demo.StartStack(ctx, demo.StackOptions{BinDir: *bin, Spec: *spec, Cron: *cron, Hop: hop, Stdout: stderr, Stderr: stderr, DataFile: *data})
	if err != nil {
		return err
	}
	if err := demo.Authorize(ctx, stdout, stack); err != nil {
		return errors.Join(err, stack.Close(context.Background()))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return errors.Join(err, stack.Close(context.Background()))
	}
	srv := &http.Server{Handler: stack.FC.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut) // the listener is closing anyway; Serve reports the outcome
	}()
	fmt.Fprintf(stdout, "Function Compute emulator: control API on http://%s\n  cloud on %s, Tablestore on %s, MNS on %s\n  fire a timer now: cspm fc fire --addr %s nightly-scan\n",
		ln.Addr(), stack.Cloud.Addr(), stack.OTS.URL(), stack.MNS.Addr(), ln.Addr())
	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, stack.Close(context.Background()))
}

func emulateTablestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("emulate tablestore", stderr)
	listen := fs.String("listen", "127.0.0.1:9102", "address to serve Tablestore on")
	data := fs.String("data", "", "keep the tables in this file between runs (empty: memory only)")
	instance := fs.String("instance", otsim.DefaultInstance, "the instance name it accepts")
	ak := fs.String("access-key-id", otsim.DefaultAccessKeyID, "the AccessKey ID it accepts")
	sk := fs.String("access-key-secret", otsim.DefaultAccessKeySecret, "the AccessKey secret it accepts")
	if err := parse(fs, args); err != nil {
		return err
	}
	srv, err := otsim.NewServer(otsim.Options{Listen: *listen, DataFile: *data, Instance: *instance, AccessKeyID: *ak, AccessKeySecret: *sk})
	if err != nil {
		return err
	}
	persist := "memory only"
	if *data != "" {
		persist = *data
	}
	fmt.Fprintf(stdout, "Tablestore emulator on %s\n  instance: %s\n  access key id: %s\n  access key secret: %s\n  data: %s\n",
		srv.URL(), *instance, *ak, *sk, persist)
	<-ctx.Done()
	return srv.Close()
}
