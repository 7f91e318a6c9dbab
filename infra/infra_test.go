package infra

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestPoliciesLeastPrivilege(t *testing.T) {
	for _, name := range PolicyNames {
		t.Run(name, func(t *testing.T) {
			p, err := LoadPolicy(name)
			if err != nil {
				t.Fatalf("LoadPolicy(%q): %v", name, err)
			}
			if p.Version != "1" || len(p.Statement) == 0 {
				t.Fatalf("%s: Version=%q with %d statements; want Version 1 and at least one statement", name, p.Version, len(p.Statement))
			}
			for i, s := range p.Statement {
				if s.Effect != "Allow" {
					t.Errorf("%s: statement %d Effect=%q; want Allow", name, i, s.Effect)
				}
				if len(s.Action) == 0 {
					t.Errorf("%s: statement %d lists no action", name, i)
				}
				for _, a := range s.Action {
					// Listed actions only: no "*", no "ecs:*", no "ecs:Describe*".
					if strings.Contains(a, "*") {
						t.Errorf("%s: statement %d action %q is a wildcard; list each action", name, i, a)
					}
				}
			}
		})
	}
}

func TestTenantRolesAreSplit(t *testing.T) {
	scan, err := LoadPolicy("tenant-scan-policy")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scan.Statement {
		for _, a := range s.Action {
			verb := a[strings.Index(a, ":")+1:]
			readOnly := false
			for _, p := range []string{"Describe", "List", "Get"} {
				readOnly = readOnly || strings.HasPrefix(verb, p)
			}
			if !readOnly {
				t.Errorf("tenant-scan-policy grants %q, which is not read-only; write actions belong in tenant-remediate-policy", a)
			}
		}
	}
}

func TestTenantTrustNeedsExternalID(t *testing.T) {
	p, err := LoadPolicy("tenant-trust-policy")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range p.Statement {
		if s.Condition["StringEquals"]["sts:ExternalId"] == "" {
			t.Errorf("tenant-trust-policy statement %d has no StringEquals sts:ExternalId condition: any caller of the service role could assume it", i)
		}
		if len(s.Principal["RAM"]) == 0 {
			t.Errorf("tenant-trust-policy statement %d trusts no RAM principal", i)
		}
	}
}

// TestQueuesMatchDeployment checks that every queue s.yaml names exists in mns/queues.json.
func TestQueuesMatchDeployment(t *testing.T) {
	qs, err := Queues()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]Queue{}
	for _, q := range qs {
		have[q.Name] = q
	}
	raw, err := os.ReadFile("../s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("s.yaml: %v", err)
	}
	var names []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "QueueName" || k == "SHARD_QUEUE" || k == "FIX_QUEUE") {
					names = append(names, s)
				}
				if s, ok := x.(string); ok && (k == "Arn" || k == "destination") && strings.Contains(s, "/queues/") {
					rest := s[strings.Index(s, "/queues/")+len("/queues/"):]
					names = append(names, strings.Split(rest, "/")[0])
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	if len(names) == 0 {
		t.Fatal("found no queue names in s.yaml; the walk is broken")
	}
	for _, n := range names {
		if _, ok := have[n]; !ok {
			t.Errorf("s.yaml uses queue %q, which infra/mns/queues.json does not create", n)
		}
	}
	// A shard's visibility timeout must outlast the shard function's timeout (600 s), or MNS
	// hands the shard to a second instance while the first still runs it.
	if v := have["cspm-shards"].VisibilityTimeout; v <= 600 {
		t.Errorf("cspm-shards VisibilityTimeout=%d; want more than run-check-shard's 600 s timeout", v)
	}
}
