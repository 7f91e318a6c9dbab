package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
)

// The OCSF 1.1 Compliance Finding class (Findings category) this writes.
const (
	ocsfVersion   = "1.1.0"
	ocsfClassUID  = 2003
	ocsfCategory  = 2
	ocsfTypeUID   = ocsfClassUID*100 + 1 // Create
	productName   = "cspm-alibaba"
	cloudProvider = "Alibaba Cloud"
)

type ocsfFinding struct {
	Metadata struct {
		Version   string   `json:"version"`
		EventCode string   `json:"event_code"`
		Profiles  []string `json:"profiles"`
		Product   struct {
			Name       string `json:"name"`
			VendorName string `json:"vendor_name"`
		} `json:"product"`
	} `json:"metadata"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	StatusID     int    `json:"status_id"`
	Status       string `json:"status"`
	StatusCode   string `json:"status_code"`
	StatusDetail string `json:"status_detail,omitempty"`
	Time         int64  `json:"time"`
	FindingInfo  struct {
		UID   string   `json:"uid"`
		Title string   `json:"title"`
		Desc  string   `json:"desc,omitempty"`
		Types []string `json:"types"`
	} `json:"finding_info"`
	Compliance struct {
		Control      string   `json:"control"`
		Requirements []string `json:"requirements"`
		Standards    []string `json:"standards"`
		StatusID     int      `json:"status_id"`
		Status       string   `json:"status"`
	} `json:"compliance"`
	Resources []ocsfResource `json:"resources"`
	Cloud     struct {
		Provider string `json:"provider"`
		Region   string `json:"region,omitempty"`
		Account  struct {
			UID  string `json:"uid"`
			Type string `json:"type"`
		} `json:"account"`
	} `json:"cloud"`
	Remediation struct {
		Desc string `json:"desc,omitempty"`
	} `json:"remediation"`
	Unmapped map[string]string `json:"unmapped,omitempty"`
}

type ocsfResource struct {
	UID    string            `json:"uid"`
	Name   string            `json:"name,omitempty"`
	Type   string            `json:"type"`
	Region string            `json:"region,omitempty"`
	Group  map[string]string `json:"group"`
	Labels []string          `json:"labels,omitempty"`
	Data   json.RawMessage   `json:"data"`
}

func ocsfSeverity(s catalog.Severity) (int, string) {
	switch s {
	case catalog.High:
		return 4, "High"
	case catalog.Medium:
		return 3, "Medium"
	case catalog.Low:
		return 2, "Low"
	}
	return 0, "Unknown"
}

// ocsfCompliance maps a status to OCSF compliance status (1 Pass, 3 Fail,
// 0 Unknown, 99 Other).
func ocsfCompliance(s checks.Status) (int, string) {
	switch s {
	case checks.Pass:
		return 1, "Pass"
	case checks.NotPass:
		return 3, "Fail"
	case checks.NotEvaluated:
		return 0, "Unknown"
	}
	return 99, "Other"
}

func findingsOCSF(w io.Writer, s Scan, fs []checks.Finding) error {
	out := make([]ocsfFinding, len(fs))
	t := s.FinishedAt.UnixMilli()
	for i := range fs {
		f, o := &fs[i], &out[i]
		o.Metadata.Version, o.Metadata.EventCode, o.Metadata.Profiles = ocsfVersion, f.ItemID, []string{"cloud"}
		o.Metadata.Product.Name, o.Metadata.Product.VendorName = productName, productName
		o.CategoryUID, o.CategoryName = ocsfCategory, "Findings"
		o.ClassUID, o.ClassName = ocsfClassUID, "Compliance Finding"
		o.TypeUID, o.TypeName = ocsfTypeUID, "Compliance Finding: Create"
		o.ActivityID, o.ActivityName = 1, "Create"
		o.SeverityID, o.Severity = ocsfSeverity(f.Severity)
		o.StatusID, o.Status = 1, "New"
		status := f.Status
		if f.Status == checks.Whitelisted {
			o.StatusID, o.Status = 3, "Suppressed"
			status = f.OriginalStatus
		}
		o.StatusCode, o.StatusDetail, o.Time = string(f.Status), f.Message, t
		sum := sha256.Sum256([]byte(f.AccountID + "\x00" + f.ItemID + "\x00" + f.Region + "\x00" + f.InstanceID))
		o.FindingInfo.UID = productName + "-" + hex.EncodeToString(sum[:16])
		o.FindingInfo.Title, o.FindingInfo.Desc, o.FindingInfo.Types = f.Title, f.Message, []string{string(f.Category)}
		o.Compliance.Control = f.ItemID
		o.Compliance.Requirements = f.Frameworks
		if o.Compliance.Requirements == nil {
			o.Compliance.Requirements = []string{}
		}
		o.Compliance.Standards = standards(f.Frameworks)
		o.Compliance.StatusID, o.Compliance.Status = ocsfCompliance(status)
		var labels []string
		for k, v := range f.Tags {
			labels = append(labels, k+"="+v)
		}
		ev := f.Evidence
		if len(ev) == 0 {
			ev = json.RawMessage("null")
		}
		o.Resources = []ocsfResource{{UID: f.InstanceID, Name: f.InstanceName, Type: f.ResourceType, Region: f.Region,
			Group: map[string]string{"name": f.Product}, Labels: labels, Data: ev}}
		o.Cloud.Provider, o.Cloud.Region = cloudProvider, f.Region
		o.Cloud.Account.UID, o.Cloud.Account.Type = f.AccountID, "Alibaba Cloud Account"
		if it, ok := checks.Lookup(f.ItemID); ok {
			o.Remediation.Desc = it.Remediation
		}
		if f.Reason != "" || f.Remark != "" {
			o.Unmapped = map[string]string{"reason": f.Reason}
			if f.Remark != "" {
				o.Unmapped["remark"] = f.Remark
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// standards names the frameworks of a finding's requirements.
func standards(refs []string) []string {
	out := []string{}
	for _, r := range refs {
		fw, _, _ := strings.Cut(r, ":")
		name := fw
		switch fw {
		case catalog.CISv2:
			name = "CIS Alibaba Cloud Foundations Benchmark v2.0.0"
		case catalog.CISv1:
			name = "CIS Alibaba Cloud Foundations Benchmark v1.0.0"
		case catalog.MLPS3:
			name = "MLPS 2.0 level 3 (GB/T 22239-2019)"
		}
		if len(out) == 0 || out[len(out)-1] != name {
			out = append(out, name)
		}
	}
	return out
}
