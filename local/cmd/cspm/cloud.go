package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cspm-alibaba/cspm/local/cloudsim"
	"github.com/cspm-alibaba/cspm/shared/collect"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/tenant"
)

// emulateCloud serves the Alibaba Cloud emulator on its own, for any Alibaba Cloud client.
func emulateCloud(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("emulate cloud", stderr)
	listen := fs.String("listen", "127.0.0.1:9103", "address to serve the OpenAPI on")
	inventory := fs.String("inventory", "", "the account to serve: an inventory file (see local/cloudsim/INVENTORY.md); empty: the sample account")
	ak := fs.String("access-key-id", cloudsim.DefaultAccessKeyID, "the AccessKey ID it accepts")
	sk := fs.String("access-key-secret", cloudsim.DefaultAccessKeySecret, "the AccessKey secret it accepts")
	principal := fs.String("principal", "", "the RAM ARN the key belongs to (default: a user of the served account)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var inv *cloudsim.Inventory
	var err error
	if *inventory == "" {
		inv, err = cloudsim.SampleInventory()
	} else {
		inv, err = cloudsim.LoadInventory(*inventory)
	}
	if err != nil {
		return err
	}
	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv, Listen: *listen, AccessKeyID: *ak, AccessKeySecret: *sk, Principal: *principal})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Alibaba Cloud emulator on %s (account %s)\n  point SDK clients at it: client.Domain = %q, scheme http\n  access key id: %s\n  access key secret: %s\n",
		srv.URL(), srv.AccountID(), srv.Addr(), *ak, *sk)
	<-ctx.Done()
	return srv.Close()
}

// runSim makes accounts for the emulator: sim gen.
func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "gen" {
		return usageError{"what to do? sim gen"}
	}
	fs := newFlags("sim gen", stderr)
	instances := fs.Int("instances", 100, "ECS instances in the account")
	seed := fs.Int64("seed", 1, "the same seed gives the same account, byte for byte")
	rate := fs.Float64("misconfig-rate", 0.1, "probability (0–1) that each resource gets a known misconfiguration")
	regions := fs.String("regions", "cn-hangzhou", "comma-separated regions to spread the instances over")
	account := fs.String("account-id", "", "the account id (default: the emulator's default)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *instances < 0 || *rate < 0 || *rate > 1 {
		return usageError{"--instances must be ≥ 0 and --misconfig-rate within 0–1"}
	}
	inv := cloudsim.Generate(cloudsim.GenOptions{Instances: *instances, Seed: *seed, MisconfigRate: *rate,
		Regions: strings.Split(*regions, ","), AccountID: *account})
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(inv); err != nil {
		return err
	}
	return w.Flush()
}

// runAuthorize onboards a tenant from a laptop: the same code as the authorize
// function, with the platform's credentials from Alibaba Cloud's default chain
// (environment, profiles, ECS RAM role) and the store named by OTS_ENDPOINT/OTS_INSTANCE.
func runAuthorize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("authorize", stderr)
	var r tenant.AuthorizeRequest
	fs.StringVar(&r.TenantID, "tenant", "", "tenant id (lower-case letters, digits, '-')")
	fs.StringVar(&r.AccountID, "account", "", "the tenant's 16-digit account id")
	site := fs.String("site", "cn", "cn (Chinese Mainland) or intl (Outside Chinese Mainland)")
	fs.StringVar(&r.RoleARN, "role-arn", "", "the role to assume in the tenant account")
	plan := fs.String("plan", `{"edition":"basic","cspm":"none"}`, `the plan the tenant bought, as JSON: {"edition":"basic|antivirus|advanced|enterprise|ultimate|value-added","cspm":"subscription|payg|none","cspm_term":"...","cspm_quota":N,"cspm_starts_at":"RFC 3339","cspm_expires_at":"RFC 3339","host_payg":bool}`)
	regions := fs.String("regions", "cn-hangzhou", "comma-separated regions to scan")
	products := fs.String("products", "", "comma-separated products (default: all)")
	fs.StringVar(&r.Policy, "policy", "", "check policy (default cis-v2)")
	fs.BoolVar(&r.CreateServiceLinkedRole, "create-service-linked-role", false, "create AliyunServiceRoleForSasCspm in the tenant account")
	fs.BoolVar(&r.Revoke, "revoke", false, "revoke: stop scheduling the tenant, keep its data")
	endpoint := fs.String("cloud-endpoint", os.Getenv(collect.EnvEndpoint), "point every cloud client at this host (the emulator); empty: production")
	if err := parse(fs, args); err != nil {
		return err
	}
	r.Site = tenant.Site(*site)
	dec := json.NewDecoder(strings.NewReader(*plan))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r.Plan); err != nil {
		return usageError{fmt.Sprintf("--plan %s: %v", *plan, err)}
	}
	r.Regions = strings.Split(*regions, ",")
	if *products != "" {
		r.Products = strings.Split(*products, ",")
	}
	// The ExternalId comes from the environment, like a secret: not from shell history.
	r.ExternalID = os.Getenv("CSPM_EXTERNAL_ID")
	if !r.Revoke && r.ExternalID == "" {
		return usageError{"set CSPM_EXTERNAL_ID to the ExternalId the role's trust policy demands"}
	}
	st, err := store.FromEnv()
	if err != nil {
		return err
	}
	a := &tenant.Authorizer{Store: st, Cloud: collect.Config{Credentials: collect.DefaultChain(), Endpoint: *endpoint}}
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	res, err := a.Handle(ctx, body)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
