package collect_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

func TestParsePolicyDocument(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		want      []collect.PolicyStatement
		version   string
		fullAdmin bool
	}{
		{"AdministratorAccess", `{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"1"}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}}, "1", true},
		{"*:* in lists, lower-case effect", `{"Version":"1","Statement":[{"Effect":"allow","Action":["*:*"],"Resource":["*"]}]}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"*:*"}, Resource: []string{"*"}}}, "1", true},
		{"ReadOnlyAccess", `{"Version":"1","Statement":[{"Action":["*:Describe*","*:List*","*:Get*"],"Resource":"*","Effect":"Allow"}]}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"*:Describe*", "*:List*", "*:Get*"}, Resource: []string{"*"}}}, "1", false},
		{"single statement object, condition kept raw",
			`{"Version":"1","Statement":{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"oss:GetObject"}, Resource: []string{"acs:oss:*:*:b/*"},
				Condition: []byte(`{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`)}}, "1", false},
		{"admin but for a Deny", `{"Statement":[{"Action":"*","Effect":"Deny","Resource":"*"}]}`,
			[]collect.PolicyStatement{{Effect: "Deny", Action: []string{"*"}, Resource: []string{"*"}}}, "", false},
		{"NotAction is not full admin", `{"Statement":[{"NotAction":"ram:*","Action":"*","Effect":"Allow","Resource":"*"}]}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"*"}, NotAction: []string{"ram:*"}, Resource: []string{"*"}}}, "", false},
		{"star on one resource only", `{"Statement":[{"Action":"*","Effect":"Allow","Resource":"acs:ecs:*:*:instance/i-1"}],"Version":1}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"acs:ecs:*:*:instance/i-1"}}}, "1", false},
		{"trust policy, principal string and list",
			`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1098765432109876:root","Service":["ecs.aliyuncs.com"]}}],"Version":"1"}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"sts:AssumeRole"},
				Principal: map[string][]string{"RAM": {"acs:ram::1098765432109876:root"}, "Service": {"ecs.aliyuncs.com"}}}}, "1", false},
		{"trust policy, bare * principal", `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":"*"}]}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"sts:AssumeRole"}, Principal: map[string][]string{"*": {"*"}}}}, "", false},
		{"field names in another case", `{"statement":[{"effect":"Allow","action":"ecs:*","resource":"*"}]}`,
			[]collect.PolicyStatement{{Effect: "Allow", Action: []string{"ecs:*"}, Resource: []string{"*"}}}, "", false},
	}
	for _, tt := range tests {
		doc, err := collect.ParsePolicyDocument(tt.doc)
		if err != nil {
			t.Errorf("%s: ParsePolicyDocument: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(doc.Statement, tt.want) || doc.Version != tt.version {
			t.Errorf("%s: parsed %+v (version %q); want %+v (version %q)", tt.name, doc.Statement, doc.Version, tt.want, tt.version)
		}
		if doc.FullAdmin() != tt.fullAdmin {
			t.Errorf("%s: FullAdmin() = %v; want %v", tt.name, doc.FullAdmin(), tt.fullAdmin)
		}
	}

	bad := []struct{ doc, want string }{
		{`not json`, "not a JSON object"},
		{`{"Version":"1"}`, "no Statement"},
		{`{"Statement":[]}`, "no Statement"},
		{`{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`, `Effect "Maybe"`},
		{`{"Statement":[{"Effect":"Allow","Action":["ecs:*",3],"Resource":"*"}]}`, "Statement[0].Action"},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Principal":["a"]}]}`, "Statement[0].Principal"},
		{`{"Statement":"everything"}`, "Statement"},
	}
	for _, tt := range bad {
		if _, err := collect.ParsePolicyDocument(tt.doc); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePolicyDocument(%s) = %v; want an error mentioning %q", tt.doc, err, tt.want)
		}
	}
	var nilDoc *collect.PolicyDocument
	if nilDoc.FullAdmin() {
		t.Errorf("a nil document is full admin")
	}
}
