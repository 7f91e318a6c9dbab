package event

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVerifyRequest(t *testing.T) {
	hostile := `sg-"quoted"<script>alert(1)</script>/` + strings.Repeat("ü", 60)
	ok := func(mod func(*VerifyRequest)) VerifyRequest {
		r := VerifyRequest{Kind: "verify", TenantID: "t-1", ItemID: "ecs_sg_ssh_internet"}
		mod(&r)
		return r
	}
	cases := []struct {
		name string
		r    VerifyRequest
		want string // "" for valid
	}{
		{"item only", ok(func(*VerifyRequest) {}), ""},
		{"item and instance", ok(func(r *VerifyRequest) { r.InstanceID, r.Region = "sg-bp1", "cn-hangzhou" }), ""},
		{"hostile instance passes", ok(func(r *VerifyRequest) { r.InstanceID = hostile }), ""},
		{"missing kind", ok(func(r *VerifyRequest) { r.Kind = "" }), "verify request: missing kind"},
		{"missing tenant", ok(func(r *VerifyRequest) { r.TenantID = "" }), "verify request: missing tenant_id"},
		{"tenant path", ok(func(r *VerifyRequest) { r.TenantID = "../t-2" }), "path separator"},
		{"missing item", ok(func(r *VerifyRequest) { r.ItemID = "" }), "verify request: missing item_id"},
		{"control char in instance", ok(func(r *VerifyRequest) { r.InstanceID = "sg-\x00" }), "control character"},
		{"bad region", ok(func(r *VerifyRequest) { r.Region = "CN Hangzhou" }), "region"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.r)
			if err != nil {
				t.Fatal(err)
			}
			in, err := DecodeScheduleInput(b)
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("DecodeScheduleInput(%s) = %v; want an error containing %q", b, err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeScheduleInput(%s) = %v", b, err)
			}
			if in.Kind != KindVerify || *in.Verify != c.r {
				t.Errorf("DecodeScheduleInput(%s) = %+v; want the verify request back intact", b, in)
			}
		})
	}
	if _, err := DecodeScheduleInput([]byte(`{"kind":"verify","tenant_id":"t","item_id":"x","priority":1}`)); err == nil ||
		!strings.Contains(err.Error(), `unknown field "priority"`) {
		t.Errorf("an unknown member = %v; want it named", err)
	}
}
