package baseline

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestEditionGates(t *testing.T) {
	for _, tt := range []struct {
		e    Edition
		b    Baseline
		want bool
	}{
		{Advanced, DefaultPolicy, true}, {Advanced, WeakPassword, true}, {Advanced, CIS, false}, {Advanced, ContainerSecurity, false},
		{Enterprise, CIS, true}, {Enterprise, MLPS, true}, {Enterprise, Database, true}, {Enterprise, ContainerSecurity, false},
		{Ultimate, ContainerSecurity, true}, {Ultimate, CIS, true}, {"", ContainerSecurity, true}, {"basic", WeakPassword, false},
	} {
		if got := tt.e.Allows(tt.b); got != tt.want {
			t.Errorf("Edition(%q).Allows(%s) = %v; want %v", tt.e, tt.b, got, tt.want)
		}
	}
	f, err := Collect(context.Background(), ProbeOptions{FS: baseFS(), NotLive: true, Passwords: PasswordOptions{Skip: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Edition{Advanced, Enterprise, Ultimate} {
		r := Evaluate(f, Options{Edition: e})
		for _, fd := range r.Findings {
			if !e.Allows(fd.Baseline) {
				t.Errorf("edition %s ran %s (%s)", e, fd.ItemID, fd.Baseline)
			}
		}
		t.Logf("%s: %d items", e, len(r.Findings))
	}
}

func TestReportShape(t *testing.T) {
	m := rootWith("/etc/ssh/sshd_config", "PermitRootLogin yes\n")
	r, err := Run(context.Background(), Options{FS: m, InstanceID: "i-123", Region: "cn-hangzhou", Whitelist: []string{"host.ssh.permit_root_login"},
		Items: []string{"host.ssh.*", "host.file.passwd"}, Passwords: PasswordOptions{Skip: true}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteReport(&b, r, "json"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range doc.Findings {
		for _, k := range []string{"item_id", "title", "product", "instance_id", "region", "status", "severity", "category"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %v lacks %q", f["item_id"], k)
			}
		}
		if f["product"] != "host" || f["instance_id"] != "i-123" {
			t.Errorf("finding %v: product %v instance %v", f["item_id"], f["product"], f["instance_id"])
		}
		id := f["item_id"].(string)
		if !strings.HasPrefix(id, "host.ssh.") && id != "host.file.passwd" {
			t.Errorf("item filter let %s through", id)
		}
	}
	w := findingOf(r, "host.ssh.permit_root_login")
	if w.Status != Whitelisted || w.OriginalStatus != NotPass {
		t.Errorf("whitelisted finding = %s (was %s); want WHITELISTED (was NOT_PASS)", w.Status, w.OriginalStatus)
	}
	b.Reset()
	if err := WriteReport(&b, r, "table"); err != nil || !strings.Contains(b.String(), "host.ssh.max_auth_tries") {
		t.Errorf("table output: %v\n%s", err, b.String())
	}
	if err := WriteReport(&b, r, "xml"); err == nil {
		t.Error("WriteReport(xml) = nil error")
	}
}

func TestFactsRoundTrip(t *testing.T) {
	f, err := Collect(context.Background(), ProbeOptions{FS: shadowRoot(hashSHA512_123456), NotLive: true, Passwords: PasswordOptions{Tiers: DefaultTiers(10, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, gz := range []bool{false, true} {
		var b bytes.Buffer
		if err := f.Encode(&b, gz); err != nil {
			t.Fatal(err)
		}
		lines := EncodeChunkLines(b.Bytes(), 100)
		// order does not matter
		lines[0], lines[len(lines)-1] = lines[len(lines)-1], lines[0]
		doc, err := DecodeChunkLines(lines)
		if err != nil {
			t.Fatal(err)
		}
		g, err := DecodeFacts(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		r1, r2 := Evaluate(f, Options{}), Evaluate(g, Options{})
		if len(r1.Findings) != len(r2.Findings) || r1.Summary[NotPass] != r2.Summary[NotPass] {
			t.Errorf("gzip=%v: decoded facts evaluate differently: %v vs %v", gz, r1.Summary, r2.Summary)
		}
		if findingOf(r2, "host.password.system_weak").Status != NotPass {
			t.Errorf("weak password verdict lost in transit")
		}
	}
	if _, err := DecodeChunkLines([]string{"1/2 abc"}); err == nil {
		t.Error("a missing chunk decoded")
	}
	if _, err := DecodeFacts(strings.NewReader(`{"v": 99}`)); err == nil {
		t.Error("a newer facts version decoded")
	}
}

func TestDebVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0}, {"1.0-1", "1.0-2", -1}, {"1:1.0", "2.0", 1}, {"1.0~rc1", "1.0", -1}, {"3.0.15-1~deb12u1", "3.0.11-1~deb12u2", 1},
		{"1.2.10", "1.2.9", 1}, {"1.0a", "1.0", 1}, {"2.36.1-8+deb12u1", "2.36.1-8", 1},
	} {
		if got := CompareDebVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareDebVersions(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPasswordCaps(t *testing.T) {
	// a memory cap below one yescrypt hash: reported, not silently passed
	f, err := Collect(context.Background(), ProbeOptions{FS: shadowRoot(hashYescrypt123456), NotLive: true,
		Passwords: PasswordOptions{Tiers: DefaultTiers(10, nil), Memory: 1 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := Lookup("host.password.system_weak")
	if r := evalItem(it, f); r.Status != NotEvaluated || !strings.Contains(strings.Join(r.Evidence, ""), "memory cap") {
		t.Errorf("memory cap: %s %v; want NOT_EVALUATED naming the cap", r.Status, r.Evidence)
	}
	// a time cap that cannot finish the list
	words := make([]string, 5000)
	for i := range words {
		words[i] = "candidate-" + string(rune('a'+i%26)) + strings.Repeat("x", i%7) + string(rune('0'+i%10)) + string(rune('A'+i%26))
	}
	f, err = Collect(context.Background(), ProbeOptions{FS: shadowRoot(hashSHA512Strong), NotLive: true,
		Passwords: PasswordOptions{Tiers: []Tier{{Name: TierTenant, Words: words}}, Budget: 50e6}})
	if err != nil {
		t.Fatal(err)
	}
	if r := evalItem(it, f); r.Status != NotEvaluated || !strings.Contains(strings.Join(r.Evidence, ""), "time cap") {
		t.Errorf("time cap: %s %v; want NOT_EVALUATED naming the cap", r.Status, r.Evidence)
	}
}
