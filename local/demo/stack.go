package demo

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/local/fcsim"
	"github.com/cspm-alibaba/cspm/local/mnssim"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/queue"
	"github.com/cspm-alibaba/cspm/shared/store"
)

//go:embed tenants.json
var sampleTenants []byte

// PlatformPrincipal is who the platform's access key belongs to in the demo.
const PlatformPrincipal = "acs:ram::" + AccountID + ":user/cspm-platform"

// AccountID is the platform's own account: where the functions, queues and tables live.
const AccountID = "1234567890123456"

// StackOptions says where the function binaries and the deployment file are.
type StackOptions struct {
	BinDir string // function binaries, one per s.yaml resource key
	Spec   string // path of s.yaml
	Cron   bool   // run the timer crons from s.yaml
	Hop    func(fcsim.Hop)
	Stdout io.Writer // function process output (nil: this process's stdout)
	Stderr io.Writer // (nil: this process's stderr)
	// DataFile keeps the Tablestore emulator's tables between runs (empty: memory only).
	DataFile string
	// Inventory is the tenant account the cloud emulator plays (nil: the sample account).
	Inventory *cloudsim.Inventory
	// Accounts are further tenant accounts it plays (nil: SecondAccount).
	Accounts []*cloudsim.Inventory
}

// SecondAccount is the demo's second tenant account (globex-media in tenants.json): a
// generated account of 30 instances in two regions, a third of its resources
// misconfigured, with the audit role the platform assumes.
func SecondAccount() *cloudsim.Inventory {
	return cloudsim.Generate(cloudsim.GenOptions{Instances: 30, Seed: 11, MisconfigRate: 0.3, AccountID: "2468013579246801",
		Regions:   []string{"cn-hangzhou", "cn-shanghai"},
		AuditRole: struct{ Trusted, ExternalID string }{AccountID, "globex-9e1d"}})
}

// Stack is the whole service on one machine: Alibaba Cloud playing the sample tenant
// account, the Tablestore emulator with the deployment's tables, the MNS emulator with
// the deployment's queues, and Function Compute playing the five functions.
type Stack struct {
	Cloud *cloudsim.Server
	OTS   *otsim.Server
	Store *store.Store
	MNS   *mnssim.Server
	Queue *queue.Client
	FC    *fcsim.Sim

	hostsDir string // the sample hosts' roots (baseline.go)
}

// StartStack starts the emulators and the function processes.
func StartStack(ctx context.Context, o StackOptions) (_ *Stack, err error) {
	spec, err := fcsim.LoadSpec(o.Spec)
	if err != nil {
		return nil, err
	}
	s := &Stack{}
	ok := false
	defer func() {
		if !ok {
			err = errors.Join(err, s.Close(context.Background()))
		}
	}()
	s.OTS, err = otsim.NewServer(otsim.Options{DataFile: o.DataFile})
	if err != nil {
		return nil, fmt.Errorf("demo: start tablestore emulator: %w", err)
	}
	s.Store = store.New(s.OTS.Client(), nil)
	if err := CreateTables(ctx, s.Store); err != nil {
		return nil, err
	}
	inv := o.Inventory
	if inv == nil {
		if inv, err = cloudsim.SampleInventory(); err != nil {
			return nil, err
		}
	}
	// The platform's key belongs to a user of the platform account; it reaches the
	// tenant account only by assuming the role the tenant's trust policy grants it.
	assistant, err := s.sampleHosts(o) // baseline.go: Cloud Assistant probes the sample hosts
	if err != nil {
		return nil, err
	}
	accounts := o.Accounts
	if accounts == nil {
		accounts = []*cloudsim.Inventory{SecondAccount()}
	}
	s.Cloud, err = cloudsim.NewServer(cloudsim.Options{Inventory: inv, Accounts: accounts, Principal: PlatformPrincipal, Assistant: assistant})
	if err != nil {
		return nil, fmt.Errorf("demo: start cloud emulator: %w", err)
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
			"OTS_ENDPOINT=" + s.OTS.URL(),
			"CLOUD_ENDPOINT=" + s.Cloud.Addr(),
			"OTS_INSTANCE=" + otsim.DefaultInstance,
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

// Close stops the functions, then the emulators (saving the Tablestore data file).
func (s *Stack) Close(ctx context.Context) error {
	var errs []error
	if s.FC != nil {
		errs = append(errs, s.FC.Stop(ctx))
	}
	if s.MNS != nil {
		errs = append(errs, s.MNS.Close())
	}
	if s.OTS != nil {
		errs = append(errs, s.OTS.Close())
	}
	if s.Cloud != nil {
		errs = append(errs, s.Cloud.Close())
	}
	errs = append(errs, s.removeHosts())
	return errors.Join(errs...)
}
