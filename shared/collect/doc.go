// Package collect reads Alibaba Cloud inventory through the official SDK
// (alibaba-cloud-sdk-go) into plain structs that checks evaluate. It is the
// adapter layer of the CSPM: collecting and checking are separate, and no
// SDK type leaves this package.
//
//	c := collect.New(collect.Config{AccessKeyID: ak, AccessKeySecret: sk})
//	defer c.Close()
//	inv, err := c.Collect(ctx, accountID, "cn-hangzhou") // every product
//	for _, ne := range inv.NotEvaluated { ... }          // gaps, not failures
//
// # Inventory
//
// Each product has its own struct (ECSInventory, VPCInventory) of
// normalized items: Go names with one-case initialisms (VPCID, RAMRole),
// values lower-cased where the API is inconsistent (a rule's Policy arrives
// as "Accept" or "accept"; Rule.Policy is "accept"). Every item keeps the
// API's own object in Raw as evidence for findings. RAM policy documents
// (permission and trust policies) are also parsed into a PolicyDocument
// (ParsePolicyDocument), whose statements list Effect, Action and Resource
// whether the document spelled them as one string or a list.
//
// # Calls
//
// One Collector is one scan. Each (account, region, product) is collected
// once and shared by every caller, concurrent or later; account-level APIs
// (DescribeRegions, STS GetCallerIdentity) are called once per account, and
// so are account-level products (Log Service "sls", Security Center "sas",
// RAM "ram", which reads both the Ram and Ims APIs, and ActionTrail
// "actiontrail", whose one DescribeTrails with IncludeShadowTrails sees
// every multi-region trail: Collect files the same inventory in every
// region's Inventory).
// List calls use each API's largest page, and fan-out calls (one
// DescribeSecurityGroupAttribute per group, one DescribeInstanceRamRole per
// page of instances) start as soon as the page naming them arrives, so a
// region costs the minimum number of calls and about the time its busiest
// API's rate allows.
//
// Every call passes a rate limiter per (account, region, API) — Alibaba
// meters each API per region and account, and the quota is shared with the
// account's other tooling — and is retried with jittered exponential
// backoff on throttling, 5xx answers and transport errors, up to
// RetryPolicy.MaxAttempts. Config.Clock drives limiter, backoff and
// credential expiry, so tests run without sleeping.
//
// Config.Endpoint points every client at one host (cloudsim's
// "127.0.0.1:PORT", plain HTTP). Empty means production: HTTPS to
// <product>.<region>.aliyuncs.com, and sts.aliyuncs.com,
// resourcemanager.aliyuncs.com and ram.aliyuncs.com for account-level
// products (tds.aliyuncs.com for Security Center, sls.aliyuncs.com for the
// Log Service app API; the SDK's endpoint tables for the databases: RDS,
// Redis "r-kvstore", MongoDB "mongodb" and PolarDB answer centrally in most
// Chinese regions, and so does SLB: slb.aliyuncs.com). ROA products (ACK's CS 2015-12-15) go through the
// same c.do: the SDK signs them with "Authorization: acs", and a host:port
// endpoint is split into the request's Domain and Port.
//
// Log Service's data plane (projects, logstores, alert rules) goes
// through the SLS SDK (aliyun-log-go-sdk, REST/JSON, LOG signatures, STS
// tokens as x-acs-security-token) with the same credentials, limiter,
// retries and error classes (401 Unauthorized and 403 ProjectForbidden are
// permission gaps, ReadQuotaExceed and friends throttling, ServerBusy and
// 5xx retried): HTTPS to <region>.log.aliyuncs.com, the SDK putting the
// project in the host name; with Config.Endpoint the connections go there
// and the Host header still names project and region. The SDK's own retry
// loop, which sleeps on the wall clock without a context, is kept out of
// the way (sls_projects.go).
//
// Object Storage Service goes through the OSS v2 SDK
// (alibabacloud-oss-go-sdk-v2, REST/XML, V4 signatures) with the same
// credentials, rate limiter, retries and error classes (SlowDown is
// throttling, AccessDenied a permission gap): HTTPS to
// oss-<region>.aliyuncs.com, or path style at Config.Endpoint. ListBuckets
// and the account's Block Public Access are read once per account; each
// bucket costs GetBucketInfo and GetBucketPolicy at its own region.
//
// # Errors
//
// A failed call is an *Error with a Code (NotFound, PermissionDenied,
// Throttled, NotActivated, Unknown), the API and region, and the SDK's
// error reachable with errors.As (an *errors.ServerError for API
// answers). A product that cannot be collected because the identity lacks
// permission, the API stayed throttled after every retry, or the product
// is not activated yields a *NotEvaluatedError: checks over it report "not
// evaluated", never "fail", and Collect lists it in
// Inventory.NotEvaluated rather than returning it. errors.Is(err,
// ErrPermission), ErrThrottled, ErrNotActivated, ErrNotFound and
// ErrMalformed test the class. A malformed answer (truncated JSON, a
// missing list, an item without its ID, a count that is not a number) is
// a collection error for that product; the others are still collected.
//
// # Credentials
//
// Config takes static keys, a CredentialsProvider (StaticCredentials,
// EnvCredentials, Chain, RoleCredentials) or a per-account provider
// (CredentialsFor). AssumeRole calls STS AssumeRole with an external ID and
// caches the session per (endpoint, source key, role, external ID) for the
// process until shortly before it expires.
//
// # Adding a product
//
// One file per product, <product>.go (rds.go):
//
//  1. Define the product's inventory struct (RDSInventory) and item
//     structs with normalized fields and Raw json.RawMessage.
//  2. Write the collector method, func (c *Collector) RDS(ctx, account,
//     region) (*RDSInventory, error), wrapping the work in shared(ctx, c,
//     "rds|"+account+"|"+region, ...) and its error in
//     notEvaluated("rds", region, err).
//  3. Build requests with the SDK's typed constructors
//     (rds.CreateDescribeDBInstancesRequest()), send them with c.do, page
//     with c.byToken or c.byNumber at the largest documented page size, and
//     decode the body yourself: listOf for the list wrapper, decodeItem for
//     each item (an item without its ID is malformed), flexInt/flexBool
//     for values the API spells as strings. Run independent lists
//     concurrently with newGroup.
//  4. Add one entry to products in inventory.go and a field to Inventory.
//  5. Test against cloudsim with the product's collections in the sample
//     account: minimum calls, every item collected, a permission error
//     becomes NotEvaluated, a mangled answer is ErrMalformed.
package collect
