package catalog

import (
	"fmt"
	"strings"
)

// Assessment is how a framework says a requirement is assessed.
type Assessment string

// The assessment statuses CIS gives its recommendations.
const (
	Automated Assessment = "automated"
	Manual    Assessment = "manual"
)

// Requirement is one requirement of a framework: a CIS recommendation or an
// MLPS clause.
type Requirement struct {
	ID         string // "4.3", "8.1.4.1 a)"
	Title      string
	Level      int        // CIS profile level (1 or 2); 0 for MLPS
	Assessment Assessment // CIS's own assessment status; "" for MLPS
}

// Framework is a compliance framework: an ordered list of requirements.
type Framework struct {
	ID           string // "cis-v2"
	Name         string
	Version      string
	Requirements []Requirement
}

// Requirement returns the requirement with the given ID.
func (f *Framework) Requirement(id string) (Requirement, bool) {
	for _, r := range f.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}

// The framework IDs.
const (
	CISv2 = "cis-v2"
	CISv1 = "cis-v1"
	MLPS3 = "mlps2-l3"
)

// Frameworks returns every framework: CIS v2.0.0, CIS v1.0.0 and MLPS 2.0
// level 3. The result is a fresh copy.
func Frameworks() []*Framework {
	v2 := &Framework{ID: CISv2, Name: "CIS Alibaba Cloud Foundations Benchmark", Version: "2.0.0"}
	v1 := &Framework{ID: CISv1, Name: "CIS Alibaba Cloud Foundations Benchmark", Version: "1.0.0"}
	for _, r := range cisRecommendations {
		req := Requirement{ID: r.id, Title: r.title, Level: r.level, Assessment: r.assessment}
		v2.Requirements = append(v2.Requirements, req)
		if t, ok := cisV1Titles[r.id]; ok {
			req.Title = t
		}
		v1.Requirements = append(v1.Requirements, req)
	}
	m := &Framework{ID: MLPS3, Name: "MLPS 2.0 (GB/T 22239-2019) level 3", Version: "2019"}
	for _, c := range mlpsClauses {
		m.Requirements = append(m.Requirements, Requirement{ID: c[0], Title: c[1]})
	}
	return []*Framework{v2, v1, m}
}

// FrameworkByID returns the framework with the given ID.
func FrameworkByID(id string) (*Framework, bool) {
	for _, f := range Frameworks() {
		if f.ID == id {
			return f, true
		}
	}
	return nil, false
}

// ParseRef splits a framework reference "cis-v2:4.3" into framework and
// requirement, and checks that both exist.
func ParseRef(ref string) (framework, requirement string, err error) {
	fw, req, ok := strings.Cut(ref, ":")
	if !ok || fw == "" || req == "" {
		return "", "", fmt.Errorf("framework ref %q: want <framework>:<requirement>", ref)
	}
	f, ok := FrameworkByID(fw)
	if !ok {
		return "", "", fmt.Errorf("framework ref %q: unknown framework %q (want %s, %s or %s)", ref, fw, CISv2, CISv1, MLPS3)
	}
	if _, ok := f.Requirement(req); !ok {
		return "", "", fmt.Errorf("framework ref %q: %s has no requirement %q", ref, fw, req)
	}
	return fw, req, nil
}

type cisRec struct {
	id         string
	title      string
	level      int
	assessment Assessment
}

// cisRecommendations are the 85 recommendations of the CIS Alibaba Cloud
// Foundations Benchmark v2.0.0, with their profile level and assessment
// status. v1.0.0 has the same IDs and titles except those in cisV1Titles;
// its assessment statuses are taken to be v2.0.0's.
var cisRecommendations = []cisRec{
	{"1.1", "Avoid the use of the 'root' account", 1, Manual},
	{"1.2", "Ensure no root account access key exists", 1, Manual},
	{"1.3", "Ensure MFA is enabled for the 'root' account", 1, Manual},
	{"1.4", "Ensure that multi-factor authentication is enabled for all RAM users that have a console password", 1, Automated},
	{"1.5", "Ensure users not logged on for 90 days or longer are disabled for console logon", 1, Automated},
	{"1.6", "Ensure access keys are rotated every 90 days or less", 1, Automated},
	{"1.7", "Ensure RAM password policy requires at least one uppercase letter", 1, Automated},
	{"1.8", "Ensure RAM password policy requires at least one lowercase letter", 1, Automated},
	{"1.9", "Ensure RAM password policy require at least one symbol", 1, Automated},
	{"1.10", "Ensure RAM password policy require at least one number", 1, Automated},
	{"1.11", "Ensure RAM password policy requires minimum length of 14 or greater", 1, Automated},
	{"1.12", "Ensure RAM password policy prevents password reuse", 1, Automated},
	{"1.13", "Ensure RAM password policy expires passwords in 365 days or greater", 1, Automated},
	{"1.14", "Ensure RAM password policy temporarily blocks logon after 5 incorrect logon attempts within an hour", 1, Automated},
	{"1.15", "Ensure RAM policies that allow full \"*:*\" administrative privileges are not created", 1, Automated},
	{"1.16", "Ensure RAM policies are attached only to groups or roles", 1, Automated},
	{"2.1", "Ensure that ActionTrail are configured to export copies of all Log entries", 1, Automated},
	{"2.2", "Ensure the OSS used to store ActionTrail logs is not publicly accessible", 1, Automated},
	{"2.3", "Ensure audit logs for multiple cloud resources are integrated with Log Service", 1, Manual},
	{"2.4", "Ensure Log Service is enabled for Container Service for Kubernetes", 1, Manual},
	{"2.5", "Ensure virtual network flow log service is enabled", 1, Manual},
	{"2.6", "Ensure Anti-DDoS access and security log service is enabled", 2, Manual},
	{"2.7", "Ensure Web Application Firewall access and security log service is enabled", 2, Manual},
	{"2.8", "Ensure Cloud Firewall access and security log analysis is enabled", 2, Manual},
	{"2.9", "Ensure Security Center Network, Host and Security log analysis is enabled", 2, Manual},
	{"2.10", "Ensure log monitoring and alerts are set up for RAM Role changes", 1, Manual},
	{"2.11", "Ensure log monitoring and alerts are set up for Cloud Firewall changes", 2, Manual},
	{"2.12", "Ensure log monitoring and alerts are set up for VPC network route changes", 1, Manual},
	{"2.13", "Ensure log monitoring and alerts are set up for VPC changes", 1, Manual},
	{"2.14", "Ensure log monitoring and alerts are set up for OSS permission changes", 1, Manual},
	{"2.15", "Ensure log monitoring and alerts are set up for RDS instance configuration changes", 1, Manual},
	{"2.16", "Ensure a log monitoring and alerts are set up for unauthorized API calls", 1, Manual},
	{"2.17", "Ensure a log monitoring and alerts are set up for Management Console sign-in without MFA", 1, Manual},
	{"2.18", "Ensure a log monitoring and alerts are set up for usage of 'root' account", 1, Manual},
	{"2.19", "Ensure a log monitoring and alerts are set up for Management Console authentication failures", 2, Manual},
	{"2.20", "Ensure a log monitoring and alerts are set up for disabling or deletion of customer created CMKs", 2, Manual},
	{"2.21", "Ensure a log monitoring and alerts are set up for OSS bucket policy changes", 1, Manual},
	{"2.22", "Ensure a log monitoring and alerts are set up for security group changes", 2, Manual},
	{"2.23", "Ensure that Logstore data retention period is set 365 days or greater", 2, Manual},
	{"3.1", "Ensure legacy networks does not exist", 1, Manual},
	{"3.2", "Ensure that SSH access is restricted from the internet", 2, Manual},
	{"3.3", "Ensure VPC flow logging is enabled in all VPCs", 2, Manual},
	{"3.4", "Ensure routing tables for VPC peering are 'least access'", 2, Manual},
	{"3.5", "Ensure the security group are configured with fine grained rules", 2, Manual},
	{"4.1", "Ensure that 'Unattached disks' are encrypted", 1, Manual},
	{"4.2", "Ensure that 'Virtual Machine’s disk' are encrypted", 1, Manual},
	{"4.3", "Ensure no security groups allow ingress from 0.0.0.0/0 to port 22", 1, Manual},
	{"4.4", "Ensure no security groups allow ingress from 0.0.0.0/0 to port 3389", 1, Manual},
	{"4.5", "Ensure that the latest OS Patches for all Virtual Machines are applied", 1, Manual},
	{"4.6", "Ensure that the endpoint protection for all Virtual Machines is installed", 1, Manual},
	{"5.1", "Ensure that OSS bucket is not anonymously or publicly accessible", 1, Automated},
	{"5.2", "Ensure that there are no publicly accessible objects in storage buckets", 1, Manual},
	{"5.3", "Ensure that logging is enabled for OSS buckets", 1, Automated},
	{"5.4", "Ensure that 'Secure transfer required' is set to 'Enabled'", 1, Automated},
	{"5.5", "Ensure that the shared URL signature expires within an hour", 1, Manual},
	{"5.6", "Ensure that URL signature is allowed only over https", 1, Manual},
	{"5.7", "Ensure network access rule for storage bucket is not set to publicly accessible", 2, Automated},
	{"5.8", "Ensure server-side encryption is set to 'Encrypt with Service Key'", 2, Manual},
	{"5.9", "Ensure server-side encryption is set to 'Encrypt with BYOK'", 2, Manual},
	{"6.1", "Ensure that RDS instance requires all incoming connections to use SSL", 1, Automated},
	{"6.2", "Ensure that RDS Instances are not open to the world", 1, Automated},
	{"6.3", "Ensure that 'Auditing' is set to 'On' for applicable database instances", 1, Automated},
	{"6.4", "Ensure that 'Auditing' Retention is 'greater than 6 months'", 1, Automated},
	{"6.5", "Ensure that 'TDE' is set to 'Enabled' on for applicable database instance", 1, Automated},
	{"6.6", "Ensure RDS instance TDE protector is encrypted with BYOK (Use your own key)", 2, Automated},
	{"6.7", "Ensure parameter 'log_connections' is set to 'ON' for PostgreSQL Database", 1, Automated},
	{"6.8", "Ensure server parameter 'log_disconnections' is set to 'ON' for PostgreSQL Database Server", 1, Automated},
	{"6.9", "Ensure server parameter 'log_duration is set to 'ON' for PostgreSQL Database Server", 1, Automated},
	{"7.1", "Ensure Log Service is set to 'Enabled' on Kubernetes Engine Clusters", 1, Automated},
	{"7.2", "Ensure CloudMonitor is set to Enabled on Kubernetes Engine Clusters", 1, Automated},
	{"7.3", "Ensure role-based access control (RBAC) authorization is Enabled on Kubernetes Engine Clusters", 1, Automated},
	{"7.4", "Ensure Cluster Check triggered at least once per week for Kubernetes Clusters", 1, Automated},
	{"7.5", "Ensure Kubernetes web UI / Dashboard is not enabled", 1, Automated},
	{"7.6", "Ensure Basic Authentication is not enabled on Kubernetes Engine", 1, Automated},
	{"7.7", "Ensure Network policy is enabled on Kubernetes Engine Clusters", 1, Automated},
	{"7.8", "Ensure ENI multiple IP mode support for Kubernetes Cluster", 1, Automated},
	{"7.9", "Ensure Kubernetes Cluster is created with Private cluster enabled", 1, Automated},
	{"8.1", "Ensure that Security Center is Advanced or Enterprise Edition", 2, Automated},
	{"8.2", "Ensure that all assets are installed with security agent", 2, Automated},
	{"8.3", "Ensure that Automatic Quarantine is enabled", 2, Manual},
	{"8.4", "Ensure that Webshell detection is enabled on all web servers", 2, Manual},
	{"8.5", "Ensure that notification is enabled on all high risk items", 1, Automated},
	{"8.6", "Ensure that Config Assessment is granted with privilege", 2, Manual},
	{"8.7", "Ensure that scheduled vulnerability scan is enabled on all servers", 2, Automated},
	{"8.8", "Ensure that Asset Fingerprint automatically collects asset fingerprint data", 2, Manual},
}

// cisV1Titles are the v1.0.0 titles that differ from v2.0.0's: only 1.13,
// whose threshold changed from "90 days or less" to "365 days or greater".
var cisV1Titles = map[string]string{
	"1.13": "Ensure RAM password policy expires passwords within 90 days or less",
}

// mlpsClauses are the clauses of GB/T 22239-2019 (MLPS 2.0) at level 3 that
// cloud configuration items map to: the general requirements (8.1) and the
// cloud computing extension (8.2). Titles are short English summaries.
var mlpsClauses = [][2]string{
	{"8.1.2.2 a)", "Communication transmission: protect the integrity of data in transit with verification or cryptography"},
	{"8.1.2.2 b)", "Communication transmission: protect the confidentiality of data in transit with cryptography"},
	{"8.1.3.1 a)", "Boundary protection: cross-boundary access and data flows pass through controlled interfaces"},
	{"8.1.3.2 a)", "Access control: set access control rules at network boundaries; deny everything not allowed"},
	{"8.1.3.2 b)", "Access control: remove redundant or ineffective rules and keep the rule set minimal"},
	{"8.1.3.2 c)", "Access control: check source and destination addresses, ports and protocols"},
	{"8.1.3.5 a)", "Security audit: audit every user's behaviour and important security events at boundaries and key nodes"},
	{"8.1.3.5 c)", "Security audit: protect audit records and back them up regularly"},
	{"8.1.4.1 a)", "Identity authentication: unique identities; complex passwords changed regularly"},
	{"8.1.4.1 b)", "Identity authentication: handle login failures (end the session, limit attempts, log out idle sessions)"},
	{"8.1.4.1 c)", "Identity authentication: protect remote management against eavesdropping"},
	{"8.1.4.1 d)", "Identity authentication: combine two or more authentication techniques, one of them cryptographic"},
	{"8.1.4.2 a)", "Access control: assign accounts and permissions to the users who log in"},
	{"8.1.4.2 b)", "Access control: rename or remove default accounts and change their default passwords"},
	{"8.1.4.2 c)", "Access control: remove or disable redundant and expired accounts; no shared accounts"},
	{"8.1.4.2 d)", "Access control: grant management users the least privilege and separate their duties"},
	{"8.1.4.3 a)", "Security audit: enable auditing covering every user and important user behaviour and security events"},
	{"8.1.4.3 c)", "Security audit: protect audit records against deletion, change and overwriting, and back them up"},
	{"8.1.4.4 a)", "Intrusion prevention: install only the components and programs needed"},
	{"8.1.4.4 b)", "Intrusion prevention: close unneeded system services, default shares and high-risk ports"},
	{"8.1.4.4 c)", "Intrusion prevention: restrict management terminals by address range"},
	{"8.1.4.4 e)", "Intrusion prevention: find known vulnerabilities and patch them promptly"},
	{"8.1.4.4 f)", "Intrusion prevention: detect intrusions into important nodes and alert on serious ones"},
	{"8.1.4.5 a)", "Malicious code prevention: detect and remove malicious code"},
	{"8.1.4.8 a)", "Data confidentiality: protect important data in transit with cryptography"},
	{"8.1.4.8 b)", "Data confidentiality: protect important data in storage with cryptography"},
	{"8.1.4.9 a)", "Data backup and recovery: back up and restore important data"},
	{"8.1.5.4 c)", "Centralized control: monitor the running state of network links, devices and servers centrally"},
	{"8.1.5.4 d)", "Centralized control: collect and analyze audit data centrally and keep it as long as the law requires (6 months)"},
	{"8.1.5.4 e)", "Centralized control: manage security policies, malicious code and patches centrally"},
	{"8.1.5.4 f)", "Centralized control: identify, alert on and analyze security events"},
	{"8.2.3.1 a)", "Cloud access control: deploy access control at virtualized network boundaries"},
	{"8.2.4.2 b)", "Cloud access control: customers can set access control policies between virtual machines"},
	{"8.2.4.4 a)", "Image and snapshot protection: provide hardened operating system images"},
	{"8.2.4.5 d)", "Data integrity and confidentiality: customers deploy their own key management and encrypt their own data"},
	{"8.2.4.6 a)", "Data backup and recovery: customers keep backup copies of their business data"},
	{"8.2.5.1 c)", "Cloud centralized control: customers collect the audit data of their own resources"},
}
