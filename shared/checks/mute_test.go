package checks

import (
	"strings"
	"testing"
	"time"
)

func findings() []Finding {
	return []Finding{
		{ItemID: "ecs_sg_ssh_internet", AccountID: "111", InstanceID: "sg-bp1web", Region: "cn-hangzhou", Status: NotPass},
		{ItemID: "ecs_sg_rdp_internet", AccountID: "111", InstanceID: "sg-bp1app", Region: "cn-hangzhou", Status: NotPass},
		{ItemID: "ecs_sg_ssh_internet", AccountID: "111", InstanceID: "sg-uf6dr", Region: "cn-shanghai", Status: NotPass},
		{ItemID: "ecs_instance_public_ip", AccountID: "222", InstanceID: "i-1", Region: "cn-hangzhou", Status: NotPass,
			Tags: map[string]string{"env": "dev", "team": "web"}},
		{ItemID: "oss_bucket_logging", AccountID: "111", InstanceID: "acme-logs", Region: "cn-hangzhou", Status: Pass},
	}
}

func statuses(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(string(f.Status)[:1])
	}
	return b.String() // N, P, W per finding
}

func TestMutelist(t *testing.T) {
	tests := []struct {
		name, list, want string
	}{
		{"everything", `Mutelist: {Accounts: {"*": {Checks: {"*": {Regions: ["*"], Resources: ["*"]}}}}}`, "WWWWW"},
		{"glob and region", `
Mutelist:
  Accounts:
    "*":
      Checks:
        "ecs_sg_*":
          Regions: [cn-hangzhou]
          Reason: lab`, "WWNNP"},
		{"resource regex is whole-ID", `Mutelist: {Accounts: {"111": {Checks: {"ecs_sg_ssh_internet": {Resources: ["sg-bp1"]}}}}}`, "NNNNP"},
		{"resource regex", `Mutelist: {Accounts: {"111": {Checks: {"ecs_sg_ssh_internet": {Resources: ["sg-bp1.*"]}}}}}`, "WNNNP"},
		{"account", `Mutelist: {Accounts: {"222": {Checks: {"*": {Regions: ["*"]}}}}}`, "NNNWP"},
		{"tags all must match", `Mutelist: {Accounts: {"*": {Checks: {"*": {Tags: ["env=dev", "team=web"]}}}}}`, "NNNWP"},
		{"tags missing one", `Mutelist: {Accounts: {"*": {Checks: {"*": {Tags: ["env=dev", "team=db"]}}}}}`, "NNNNP"},
		{"tag regex or", `Mutelist: {Accounts: {"*": {Checks: {"*": {Tags: ["env=dev|env=test"]}}}}}`, "NNNWP"},
		{"exception region", `Mutelist: {Accounts: {"*": {Checks: {"ecs_sg_ssh_internet": {Regions: ["*"], Exceptions: {Regions: [cn-shanghai]}}}}}}`, "WNNNP"},
		{"exception resource", `Mutelist: {Accounts: {"*": {Checks: {"*": {Regions: ["*"], Exceptions: {Resources: ["sg-.*"]}}}}}}`, "NNNWW"},
		{"json", `{"Mutelist": {"Accounts": {"*": {"Checks": {"oss_*": {"Regions": ["*"]}}}}}}`, "NNNNW"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMutelist([]byte(tc.list))
			if err != nil {
				t.Fatalf("ParseMutelist: %v", err)
			}
			fs := findings()
			m.Apply(fs)
			if got := statuses(fs); got != tc.want {
				t.Errorf("statuses = %s; want %s", got, tc.want)
			}
			for _, f := range fs {
				if f.Status == Whitelisted && (f.OriginalStatus == "" || f.Reason != ReasonMutelist) {
					t.Errorf("%s %s muted without its original status or reason: %+v", f.ItemID, f.InstanceID, f)
				}
			}
		})
	}
}

func TestMutelistErrors(t *testing.T) {
	for _, tc := range []struct{ list, want string }{
		{`Accounts: {}`, "field Accounts not found"},
		{`{}`, "no top-level Mutelist"},
		{`Mutelist: {Accounts: {"*": {Checks: {"nosuch_item": {Regions: ["*"]}}}}}`, "matches no item id"},
		{`Mutelist: {Accounts: {"*": {Checks: {"*": {Resources: ["(unclosed"]}}}}}`, "Resources[0]"},
		{`Mutelist: {Accounts: {"*": {Checks: {"*": {Regoins: ["*"]}}}}}`, "Regoins"},
		{`Mutelist: [`, "mutelist"},
	} {
		_, err := ParseMutelist([]byte(tc.list))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseMutelist(%q) = %v; want an error containing %q", tc.list, err, tc.want)
		}
	}
}

func TestWhitelist(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		rules []WhitelistRule
		want  string
	}{
		{"by item", []WhitelistRule{{ItemID: "ecs_sg_ssh_internet", Reason: "bastion subnet"}}, "WNWNP"},
		{"by item and instance", []WhitelistRule{{ItemID: "ecs_sg_ssh_internet", InstanceIDs: []string{"sg-uf6dr"}, Reason: "dr"}}, "NNWNP"},
		{"by instance, every item", []WhitelistRule{{InstanceIDs: []string{"i-1", "acme-logs"}, Reason: "sandbox"}}, "NNNWW"},
		{"expired", []WhitelistRule{{ItemID: "ecs_sg_ssh_internet", Reason: "old", Expires: now.Add(-time.Hour)}}, "NNNNP"},
		{"not yet expired", []WhitelistRule{{ItemID: "ecs_sg_rdp_internet", Reason: "until July", Expires: now.Add(time.Hour)}}, "NWNNP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := findings()
			if _, err := Whitelist(fs, tc.rules, now); err != nil {
				t.Fatal(err)
			}
			if got := statuses(fs); got != tc.want {
				t.Errorf("statuses = %s; want %s", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		rule WhitelistRule
		want string
	}{
		{WhitelistRule{ItemID: "no_such_item", Reason: "x"}, `unknown item id "no_such_item"`},
		{WhitelistRule{ItemID: "ecs_sg_ssh_internet"}, "missing reason"},
		{WhitelistRule{Reason: "x"}, "neither an item nor an instance"},
	} {
		fs := findings()
		_, err := Whitelist(fs, []WhitelistRule{tc.rule}, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Whitelist(%+v) = %v; want an error containing %q", tc.rule, err, tc.want)
		}
		if got := statuses(fs); got != "NNNNP" {
			t.Errorf("an invalid rule muted findings: %s", got)
		}
	}
}

// TestSelect: unknown item IDs and policies with unknown items are clear errors.
func TestSelect(t *testing.T) {
	if _, err := Select("ecs_sg_ssh_internet", "no_such_item"); err == nil || !strings.Contains(err.Error(), `"no_such_item"`) {
		t.Errorf("Select with an unknown id = %v; want an error naming it", err)
	}
	rs, err := Select("vpc_eip_idle", "ecs_sg_ssh_internet", "vpc_eip_idle")
	if err != nil || len(rs) != 2 || rs[0].ID != "ecs_sg_ssh_internet" {
		t.Errorf("Select = %v, %v; want the two rules sorted, once each", rs, err)
	}
	p, err := Catalog().Policy("cis-v2")
	if err != nil {
		t.Fatal(err)
	}
	p.Items = append(p.Items, "ecs_not_an_item")
	if _, err := ForPolicy(p); err == nil || !strings.Contains(err.Error(), `unknown item id "ecs_not_an_item"`) {
		t.Errorf("ForPolicy with an unknown item = %v; want a clear error", err)
	}
}
