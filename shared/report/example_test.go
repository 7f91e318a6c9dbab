package report_test

import (
	"encoding/json"
	"os"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/report"
)

func ExampleFindings() {
	fs := []checks.Finding{{ItemID: "ecs_sg_ssh_internet", Region: "cn-hangzhou", InstanceID: "sg-1",
		Status: checks.NotPass, Severity: catalog.High, Message: "rule sgr-1 admits the internet to port 22",
		Evidence: json.RawMessage(`null`)}}
	_ = report.Findings(os.Stdout, report.Table, report.Scan{}, fs)
	// Output:
	// STATUS    SEVERITY  ITEM                 REGION       INSTANCE  MESSAGE
	// NOT_PASS  HIGH      ecs_sg_ssh_internet  cn-hangzhou  sg-1      rule sgr-1 admits the internet to port 22
	//
	// 1 findings: 0 PASS, 1 NOT_PASS, 0 NOT_EVALUATED, 0 MANUAL, 0 WHITELISTED
}
