package opa

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/collect"
)

//go:embed policy.rego
var policy string

// fiveRules are the Go rules the Rego policy mirrors.
var fiveRules = []string{"ecs_sg_ssh_internet", "ecs_sg_rdp_internet", "ecs_instance_metadata_tokens",
	"ecs_disk_encrypted", "ecs_instance_public_ip"}

type fixture struct {
	in    *checks.Input
	rules []*checks.Rule
	input ast.Value // the same inventory as OPA input, converted once
	query rego.PreparedEvalQuery
}

// load collects a generated account (2,000 instances over two regions, 10%
// misconfigured) through cloudsim and the SDK, once.
var load = sync.OnceValues(func() (*fixture, error) {
	rules, err := checks.Select(fiveRules...)
	if err != nil {
		return nil, err
	}
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: 2000, Seed: 7, MisconfigRate: 0.1,
		Regions: []string{"cn-hangzhou", "cn-shanghai"}})
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	c := collect.New(collect.Config{AccessKeyID: cloudsim.DefaultAccessKeyID, AccessKeySecret: cloudsim.DefaultAccessKeySecret,
		Endpoint: srv.Addr(), Rates: collect.Rates{Default: 100000, Burst: 1000}})
	defer c.Close()
	in, err := checks.Collect(context.Background(), c, srv.AccountID(), inv.RegionIDs(), rules, time.Now())
	if err != nil {
		return nil, err
	}
	doc := map[string]any{"security_groups": []any{}, "instances": []any{}, "disks": []any{}}
	for _, r := range in.Regions {
		for _, g := range r.ECS.SecurityGroups {
			var rs []any
			for _, x := range g.Rules {
				rs = append(rs, map[string]any{"direction": x.Direction, "policy": x.Policy, "protocol": x.Protocol,
					"from_port": x.FromPort, "to_port": x.ToPort, "source_cidr": x.SourceCIDR, "source_ipv6_cidr": x.SourceIPv6CIDR})
			}
			doc["security_groups"] = append(doc["security_groups"].([]any), map[string]any{"id": g.ID, "rules": rs})
		}
		for _, i := range r.ECS.Instances {
			ips := make([]any, len(i.PublicIPs))
			for k, ip := range i.PublicIPs {
				ips[k] = ip
			}
			doc["instances"] = append(doc["instances"].([]any), map[string]any{"id": i.ID, "metadata_http_tokens": i.MetadataHTTPTokens,
				"metadata_http_endpoint": i.MetadataHTTPEndpoint, "public_ips": ips, "eip": i.EIP})
		}
		for _, d := range r.ECS.Disks {
			doc["disks"] = append(doc["disks"].([]any), map[string]any{"id": d.ID, "instance_id": d.InstanceID, "encrypted": d.Encrypted})
		}
	}
	value, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, err
	}
	q, err := rego.New(rego.Query("data.cspm.results"), rego.Module("policy.rego", policy)).PrepareForEval(context.Background())
	if err != nil {
		return nil, err
	}
	return &fixture{in: in, rules: rules, input: value, query: q}, nil
})

func (f *fixture) evalGo(buf []checks.Result) ([]checks.Result, int) {
	n := 0
	for _, r := range f.rules {
		buf = r.AppendEval(f.in, buf[:0])
		n += len(buf)
	}
	return buf, n
}

func (f *fixture) evalOPA() ([]any, error) {
	rs, err := f.query.Eval(context.Background(), rego.EvalParsedInput(f.input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, fmt.Errorf("OPA returned %d results", len(rs))
	}
	out, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		return nil, fmt.Errorf("OPA returned %T", rs[0].Expressions[0].Value)
	}
	return out, nil
}

// TestSameVerdicts checks that both engines reach the same verdict on every
// (item, instance), so the benchmark compares like with like.
func TestSameVerdicts(t *testing.T) {
	f, err := load()
	if err != nil {
		t.Fatal(err)
	}
	goVerdicts := map[string]string{}
	for _, r := range f.rules {
		for _, res := range r.Eval(f.in) {
			goVerdicts[r.ID+" "+res.InstanceID] = string(res.Status)
		}
	}
	out, err := f.evalOPA()
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(goVerdicts) {
		t.Errorf("OPA gave %d results, Go %d", len(out), len(goVerdicts))
	}
	fails := 0
	for _, o := range out {
		m := o.(map[string]any)
		key := m["item"].(string) + " " + m["id"].(string)
		if goVerdicts[key] != m["status"] {
			t.Errorf("%s: Go %s, OPA %s", key, goVerdicts[key], m["status"])
		}
		if m["status"] == "NOT_PASS" {
			fails++
		}
	}
	if fails == 0 {
		t.Errorf("no failures in the generated account: the comparison would be trivial")
	}
}

var rates struct{ goRate, opaRate float64 }

// BenchmarkFiveRules evaluates the five items over the same inventory with
// the Go rules and with OPA, one core each, and logs the ratio.
func BenchmarkFiveRules(b *testing.B) {
	f, err := load()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("go", func(b *testing.B) {
		buf := make([]checks.Result, 0, 8192)
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			buf, n = f.evalGo(buf)
		}
		rates.goRate = float64(n) * float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates.goRate, "evals/s")
	})
	b.Run("opa", func(b *testing.B) {
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			out, err := f.evalOPA()
			if err != nil {
				b.Fatal(err)
			}
			n = len(out)
		}
		rates.opaRate = float64(n) * float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates.opaRate, "evals/s")
	})
}

// TestMain prints the comparison after the benchmarks ran.
func TestMain(m *testing.M) {
	code := m.Run()
	if rates.goRate > 0 && rates.opaRate > 0 {
		fmt.Printf("five items over the same inventory, one core: Go rules %.2fM evals/s, OPA %.3fM evals/s: Go is %.0fx faster (target 20x)\n",
			rates.goRate/1e6, rates.opaRate/1e6, rates.goRate/rates.opaRate)
	}
	os.Exit(code)
}
