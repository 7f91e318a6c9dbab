package demo

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/fcsim"
	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/shared/queue"
)

//go:embed tenants.json
var sampleTenants []byte

// AccountID is the sample tenant's account, and the account the emulators play.
const AccountID = "1234567890123456"

// StackOptions says where the function binaries and the deployment file are.
type StackOptions struct {
	BinDir string // function binaries, one per s.yaml resource key
	Spec   string // path of s.yaml
	Cron   bool   // run the timer crons from s.yaml
	Hop    func(fcsim.Hop)
	Stdout io.Writer // function process output (nil: this process's stdout)
	Stderr io.Writer // (nil: this process's stderr)
}

// Stack is the whole service on one machine: the MNS emulator with the deployment's
// queues, and Function Compute playing the five functions.
type Stack struct {
	MNS   *mnssim.Server
	Queue *queue.Client
	FC    *fcsim.Sim
	dir   string
}

// StartStack starts the emulators and the function processes.
func StartStack(ctx context.Context, o StackOptions) (_ *Stack, err error) {
	spec, err := fcsim.LoadSpec(o.Spec)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cspm-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s := &Stack{dir: dir}
	ok := false
	defer func() {
		if !ok {
			err = errors.Join(err, s.Close(context.Background()))
		}
	}()
	tenantsFile := filepath.Join(dir, "tenants.json")
	if err := os.WriteFile(tenantsFile, sampleTenants, 0o600); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s.MNS, err = mnssim.NewServer(mnssim.Options{AccountID: AccountID, Region: "cn-hangzhou"})
	if err != nil {
		return nil, fmt.Errorf("demo: start mns emulator: %w", err)
	}
	cfg := s.MNS.ClientConfig()
	s.Queue, err = queue.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	queues, err := infra.Queues()
	if err != nil {
		return nil, err
	}
	for _, q := range queues {
		if err := s.Queue.CreateQueue(ctx, q.Name, time.Duration(q.VisibilityTimeout)*time.Second); err != nil {
			return nil, fmt.Errorf("demo: create queue %s: %w", q.Name, err)
		}
	}
	s.FC, err = fcsim.New(fcsim.Options{
		Spec:   spec,
		BinDir: o.BinDir,
		Env: []string{
			"MNS_ENDPOINT=" + cfg.Endpoint,
			"MNS_DIAL_ADDR=" + cfg.DialAddr,
			"ALIBABA_CLOUD_ACCESS_KEY_ID=" + cfg.AccessKeyID,
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + cfg.AccessKeySecret,
			"CSPM_TENANTS_FILE=" + tenantsFile,
		},
		Queue:           s.Queue,
		AccountID:       AccountID,
		Region:          "cn-hangzhou",
		AccessKeyID:     cfg.AccessKeyID,
		AccessKeySecret: cfg.AccessKeySecret,
		Cron:            o.Cron,
		Hop:             o.Hop,
		Stdout:          o.Stdout,
		Stderr:          o.Stderr,
	})
	if err != nil {
		return nil, err
	}
	if err := s.FC.Start(ctx); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

// Close stops the functions and the emulators and removes the scratch directory.
func (s *Stack) Close(ctx context.Context) error {
	var errs []error
	if s.FC != nil {
		errs = append(errs, s.FC.Stop(ctx))
	}
	if s.MNS != nil {
		errs = append(errs, s.MNS.Close())
	}
	if s.dir != "" {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	return errors.Join(errs...)
}
