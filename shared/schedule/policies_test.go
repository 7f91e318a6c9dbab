package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/shared/catalog"
)

func TestParsePolicies(t *testing.T) {
	good := `{"policies":[{"id":"pci-web","name":"PCI web tier","items":["ecs_sg_ssh_internet","oss_bucket_not_public"],"weekdays":[1,3,5],"windows":[18]}]}`
	ps, err := ParsePolicies([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Policy{ID: "pci-web", Name: "PCI web tier", Items: []string{"ecs_sg_ssh_internet", "oss_bucket_not_public"},
		Weekdays: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, Windows: []catalog.Window{catalog.Window18to24}}
	if len(ps) != 1 || ps[0].ID != want.ID || len(ps[0].Items) != 2 || len(ps[0].Weekdays) != 3 || ps[0].Windows[0] != want.Windows[0] {
		t.Errorf("ParsePolicies = %+v; want %+v", ps, want)
	}
	h := &Handler{Policies: ps}
	if p, err := h.policy("pci-web"); err != nil || p.Name != "PCI web tier" {
		t.Errorf("the handler resolves pci-web to %+v, %v; want the custom policy", p, err)
	}
	bad := []struct{ name, json, want string }{
		{"unknown item", `{"policies":[{"id":"x","items":["no_such_item"]}]}`, `unknown item id "no_such_item"`},
		{"built-in id", `{"policies":[{"id":"cis-v2","items":["ecs_sg_ssh_internet"]}]}`, `id "cis-v2" is already a policy`},
		{"twice", `{"policies":[{"id":"a","items":["ecs_sg_ssh_internet"]},{"id":"a","items":["ecs_sg_ssh_internet"]}]}`, `policies[1]: id "a" is already a policy`},
		{"bad weekday", `{"policies":[{"id":"a","items":["ecs_sg_ssh_internet"],"weekdays":[7]}]}`, "weekdays[0] = 7"},
		{"unknown field", `{"policies":[{"id":"a","items":["ecs_sg_ssh_internet"],"cron":"* * *"}]}`, `unknown field "cron"`},
		{"no items", `{"policies":[{"id":"a"}]}`, "no items"},
		{"trailing data", `{"policies":[]} {}`, "data after"},
	}
	for _, b := range bad {
		if _, err := ParsePolicies([]byte(b.json)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: ParsePolicies = %v; want an error mentioning %q", b.name, err, b.want)
		}
	}
}
