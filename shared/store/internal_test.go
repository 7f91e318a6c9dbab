package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cspm-alibaba/cspm/infra"
)

// TestTablesAgreeWithInfra: the tables the store reads and writes are the ones
// infra/tablestore/tables.json defines, with the same primary key.
func TestTablesAgreeWithInfra(t *testing.T) {
	defs, err := infra.Tables()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]infra.Table{}
	for _, d := range defs {
		byName[d.Name] = d
	}
	for _, tb := range allTables {
		d, ok := byName[tb.name]
		if !ok {
			t.Errorf("the store uses table %s, which infra/tablestore/tables.json does not define", tb.name)
			continue
		}
		var got []string
		for _, c := range d.PrimaryKey {
			if c.Type != infra.PKString {
				t.Errorf("table %s: key column %s is %s; the store writes STRING keys", tb.name, c.Name, c.Type)
			}
			got = append(got, c.Name)
		}
		if strings.Join(got, ",") != strings.Join(tb.pk, ",") {
			t.Errorf("table %s: tables.json key (%s); the store uses (%s)", tb.name, strings.Join(got, ", "), strings.Join(tb.pk, ", "))
		}
		delete(byName, tb.name)
	}
	for name := range byName {
		t.Errorf("tables.json defines %s, which the store never uses", name)
	}
}

func TestClientFromEnv(t *testing.T) {
	full := map[string]string{
		EnvEndpoint: "https://cspm.cn-hangzhou.ots.aliyuncs.com", EnvInstance: "cspm",
		EnvAccessKeyID: "LTAI-test-id", EnvAccessKeySecret: "very-secret-value",
	}
	cases := []struct {
		name  string
		unset []string
		set   map[string]string
		want  string // in the error; "" = ok
	}{
		{name: "all set"},
		{name: "with STS token", set: map[string]string{EnvSecurityToken: "sts-token"}},
		{name: "no endpoint", unset: []string{EnvEndpoint}, want: "missing OTS_ENDPOINT"},
		{name: "nothing", unset: []string{EnvEndpoint, EnvInstance, EnvAccessKeyID, EnvAccessKeySecret},
			want: "missing OTS_ENDPOINT, OTS_INSTANCE, ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{name: "blank secret", set: map[string]string{EnvAccessKeySecret: "  "}, want: "missing ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{name: "endpoint without scheme", set: map[string]string{EnvEndpoint: "cspm.cn-hangzhou.ots.aliyuncs.com"}, want: "want an http:// or https:// URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range full {
				env[k] = v
			}
			for _, k := range c.unset {
				delete(env, k)
			}
			for k, v := range c.set {
				env[k] = v
			}
			client, err := ClientFromGetenv(func(k string) string { return env[k] })
			if c.want == "" {
				if err != nil || client == nil {
					t.Fatalf("ClientFromGetenv(%s) = %v, %v; want a client", c.name, client, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("ClientFromGetenv(%s) = %v; want ErrInvalid containing %q", c.name, err, c.want)
			}
			if strings.Contains(err.Error(), "very-secret-value") || strings.Contains(err.Error(), "LTAI-test-id") {
				t.Errorf("ClientFromGetenv(%s) error %q contains a credential", c.name, err)
			}
		})
	}
}

func TestChunk(t *testing.T) {
	ops := func(n, size int) []*writeOp {
		out := make([]*writeOp, n)
		for i := range out {
			out[i] = &writeOp{size: size}
		}
		return out
	}
	cases := []struct {
		name string
		ops  []*writeOp
		want []int
	}{
		{"none", nil, nil},
		{"one", ops(1, 100), []int{1}},
		{"exactly 200", ops(200, 100), []int{200}},
		{"450 small", ops(450, 100), []int{200, 200, 50}},
		{"big rows split by bytes", ops(10, 1<<20), []int{3, 3, 3, 1}},
		{"a row over the byte limit goes alone", ops(2, 4<<20), []int{1, 1}},
	}
	for _, c := range cases {
		var got []int
		for _, ch := range chunk(c.ops) {
			got = append(got, len(ch))
		}
		if len(got) != len(c.want) {
			t.Errorf("chunk(%s) sizes = %v; want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("chunk(%s) sizes = %v; want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range []time.Duration{10, 20, 40, 80, 100, 100} {
		want *= time.Millisecond
		for i := 0; i < 50; i++ {
			d := backoff(10*time.Millisecond, 100*time.Millisecond, attempt)
			if d < want/2 || d > want {
				t.Fatalf("backoff(10ms, 100ms, %d) = %s; want in [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}

func TestCheckerKey(t *testing.T) {
	cases := []struct {
		v    string
		want string // "" = ok
	}{
		{"t1", ""},
		{strings.Repeat("a", 255), ""},
		{"中文-租户", ""},
		{"", "is empty"},
		{strings.Repeat("a", 256), "256 bytes; at most 255"},
		{"a\x00", "contains NUL"},
		{"\xff", "not UTF-8"},
	}
	for _, c := range cases {
		var ch checker
		ch.key("tenant_id", c.v)
		err := ch.err("op", "x")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("key(%q) = %v; want ok", c.v, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrInvalid)):
			t.Errorf("key(%q) = %v; want ErrInvalid containing %q", c.v, err, c.want)
		}
	}
}
