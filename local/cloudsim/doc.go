// Package cloudsim emulates the Alibaba Cloud OpenAPI (RPC style) for one
// account on one loopback listener, so the unmodified
// alibaba-cloud-sdk-go talks to it:
//
//	inv, err := cloudsim.LoadInventory("testdata/sample-account.json")
//	srv, err := cloudsim.NewServer(cloudsim.Options{Inventory: inv})
//	defer srv.Close()
//	client, err := ecs.NewClientWithAccessKey("cn-hangzhou", cloudsim.DefaultAccessKeyID, cloudsim.DefaultAccessKeySecret)
//	client.Domain = srv.Addr() // every product on the same host:port
//	req := ecs.CreateDescribeInstancesRequest()
//	req.Scheme = "http"
//
// Server.Client returns such a client ready-made (any product's request
// works with it), and shared/collect points all its clients here with
// Config.Endpoint = srv.Addr().
//
// # Wire
//
// Requests are RPC calls (POST or GET, parameters in the query string and
// form body). The product is recognized by its API version (the Version
// parameter or x-acs-version header; Ecs 2014-05-26, Vpc 2016-04-28, Sts
// 2015-04-01, ResourceManager 2020-03-31, Ram 2015-05-01, Ims 2019-08-15, Slb
// 2014-05-15, Alb 2020-06-16, Nlb 2022-04-30, Actiontrail 2020-07-06, Kms
// 2016-01-20, ...) and the action by
// Action. An unknown action answers 404 InvalidAction.NotFound "Specified
// api is not found, please check your url and method.".
//
// Every request is authenticated as Alibaba Cloud does it: the signature
// version 1.0 (HMAC-SHA1 over "METHOD&%2F&" + the percent-encoded, sorted
// query ∪ form parameters, keyed with secret + "&") is recomputed exactly as
// the SDK computes it. A key the server does not know answers 404
// InvalidAccessKeyId.NotFound; a wrong secret 400 SignatureDoesNotMatch with
// the server's string to sign (so the SDK's Recommend says
// "InvalidAccessKeySecret"). Credentials issued by this server's STS
// AssumeRole are accepted with their SecurityToken until they expire (400
// InvalidSecurityToken.Expired / .MismatchWithAccessKey otherwise) and act
// as the assumed role. Timestamps and nonces are not checked.
//
// Answers are JSON in the APIs' shapes (the SDK's response structs decode
// them) with a RequestId and an x-acs-request-id header; errors carry
// RequestId, HostId, Code, Message and Recommend, plus AccessDeniedDetail
// for RAM-native products.
//
// ROA ("resource-oriented") products such as Container Service (CS
// 2015-12-15) are routed by x-acs-version, method and path (GET
// /clusters/{ClusterId}); an unknown method or path answers 404
// InvalidAction.NotFound. Their "Authorization: acs <AccessKeyId>:<signature>"
// header is checked exactly as the SDK signs it (HMAC-SHA1, keyed with the
// bare secret, over the method, Accept, Content-MD5, Content-Type, Date, the
// sorted x-acs-* headers and the path with its sorted, unencoded query),
// x-acs-security-token standing in for SecurityToken. Their answers are the
// API's JSON body without a RequestId field. The SDK builds ROA URLs as
// scheme://Domain:Port/path, so a client Domain of "host:port" works for RPC
// only: PointAt aims a ROA request at the server (shared/collect does the
// same for its ROA calls). See roa.go.
//
// Log Service's data plane is REST/JSON on the same listener: requests
// carrying x-log-apiversion or signed "Authorization: LOG ..." are SLS's,
// routed by method and path (GET /logstores/{name}) with the project and
// region taken from the Host header (<project>.<region>.log.aliyuncs.com),
// verified with the LOG v1 signature exactly as aliyun-log-go-sdk computes
// it (401 SignatureNotMatch, 401 Unauthorized), answered and refused in
// SLS's JSON ({"errorCode", "errorMessage"}), counted as "Sls.<Action>".
// See sls.go.
//
// Object Storage Service is REST/XML on the same listener: requests
// signed "Authorization: OSS4-HMAC-SHA256 ..." are OSS's, path style
// (/<bucket>/?acl), verified with the V4 signature exactly as
// alibabacloud-oss-go-sdk-v2 computes it (403 SignatureDoesNotMatch,
// InvalidAccessKeyId), answered and refused in XML, counted as
// "Oss.<Operation>"; Server.OSSClient returns a ready client. See oss.go.
//
// # Products and actions
//
//	Ecs              DescribeRegions, DescribeInstances, DescribeSecurityGroups,
//	                 DescribeSecurityGroupAttribute, DescribeDisks, DescribeInstanceRamRole,
//	                 DescribeCloudAssistantStatus; writes AuthorizeSecurityGroup(Egress),
//	                 RevokeSecurityGroup(Egress), ModifyInstanceMetadataOptions;
//	                 Cloud Assistant RunCommand, CreateCommand, InvokeCommand,
//	                 DescribeInvocations, DescribeInvocationResults (product_ecs_assist.go:
//	                 a "cspm-probe" command on an instance Options.Assistant.Hosts maps
//	                 runs the baseline probe in-process against that directory)
//	Vpc              DescribeVpcs, DescribeVSwitches, DescribeRouteTableList,
//	                 DescribeFlowLogs, DescribeEipAddresses, DescribeNatGateways
//	Sts              AssumeRole (role exists, trust policy principal, sts:ExternalId), GetCallerIdentity
//	ResourceManager  CreateServiceLinkedRole (cspm.sas.aliyuncs.com → AliyunServiceRoleForSasCspm, ...)
//	Ram              ListUsers, GetUser, GetLoginProfile, ListAccessKeys, GetAccessKeyLastUsed,
//	                 GetUserMFAInfo, ListVirtualMFADevices, ListGroups, ListUsersForGroup,
//	                 ListGroupsForUser, ListRoles, GetRole, ListPolicies, GetPolicy,
//	                 GetPolicyVersion, ListPoliciesForUser/Group/Role, ListEntitiesForPolicy,
//	                 GetPasswordPolicy; writes Create/Update/DeleteLoginProfile,
//	                 UpdateAccessKey, DeleteAccessKey, AttachPolicyTo*/DetachPolicyFrom*
//	                 (User, Group, Role), SetPasswordPolicy
//	Ims              the user calls above by UserPrincipalName (ListUsers, GetUser, *LoginProfile,
//	                 ListAccessKeys, UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed,
//	                 GetUserMFAInfo), Get/SetPasswordPolicy, Get/SetSecurityPreference,
//	                 GetAccountSecurityPracticeReport (root access keys and MFA); no state of
//	                 its own: it shares global.ram with Ram
//	CS (ROA)         DescribeClustersV1, DescribeClusterDetail, DescribeClusterAddonsVersion,
//	                 DescribeClusterNodePools, GetClusterInspectConfig; writes ModifyCluster, InstallClusterAddons,
//	                 UnInstallClusterAddons
//	Sls              GetSlsService, DescribeApp, GetAlert; writes AnalyzeAppLog, EnableAlert,
//	                 DisableAlert (the Sls 2019-10-23 app API)
//	Sls data plane   REST/JSON with LOG signatures (sls.go, product_log.go), as
//	                 aliyun-log-go-sdk calls it: ListProject, GetProject, ListLogStores,
//	                 GetLogStore, ListAlerts, GetAlert; writes UpdateLogStore (ttl);
//	                 project and region from the Host header; Server.SLSClient returns
//	                 a ready client
//	Sas              DescribeVersionConfig, DescribeCloudCenterInstances, DescribeNoticeConfig,
//	                 DescribeVulConfig;
//	                 writes ModifyNoticeConfig, OperateAgentClientInstall
//	Oss              REST/XML with V4 signatures (oss.go, product_oss.go): ListBuckets,
//	                 GetBucketInfo, Get/PutBucketAcl, Get/Put/DeleteBucketPolicy,
//	                 Get/Put/DeleteBucketPublicAccessBlock, Get/Put/DeleteBucketLogging,
//	                 Get/Put/DeleteBucketEncryption, Get/PutBucketVersioning,
//	                 Get/Put/DeletePublicAccessBlock (account level)
//	Rds              DescribeDBInstances, DescribeDBInstanceAttribute, DescribeDBInstanceIPArrayList,
//	                 DescribeDBInstanceSSL, DescribeDBInstanceTDE, DescribeSQLCollectorPolicy,
//	                 DescribeSQLCollectorRetention, DescribeParameters; writes ModifySecurityIps,
//	                 ModifyDBInstanceSSL, ModifySQLCollectorPolicy, ModifySQLCollectorRetention
//	R-kvstore        DescribeInstances, DescribeSecurityIps, DescribeInstanceSSL,
//	                 DescribeInstanceTDEStatus; writes ModifySecurityIps (Redis / Tair)
//	Dds              DescribeDBInstances (replicate or sharding), DescribeSecurityIps,
//	                 DescribeDBInstanceSSL, DescribeDBInstanceTDEInfo; writes ModifySecurityIps (MongoDB)
//	polardb          DescribeDBClusters, DescribeDBClusterAccessWhitelist, DescribeDBClusterSSL,
//	                 DescribeDBClusterTDE; writes ModifyDBClusterAccessWhitelist
//	Slb              DescribeLoadBalancers, DescribeLoadBalancerAttribute,
//	                 DescribeLoadBalancerListeners, DescribeAccessControlLists,
//	                 DescribeAccessControlListAttribute; writes SetListenerAccessControlStatus,
//	                 SetLoadBalancer{TCP,UDP,HTTP,HTTPS}ListenerAttribute (ACL settings),
//	                 Add/RemoveAccessControlListEntry
//	Alb              ListLoadBalancers, ListListeners, GetListenerAttribute, ListAcls,
//	                 ListAclEntries, ListAclRelations; writes AssociateAclsWithListener,
//	                 DissociateAclsFromListener, AddEntriesToAcl
//	Nlb              ListLoadBalancers, ListListeners
//	Actiontrail      DescribeTrails (IncludeShadowTrails), GetTrailStatus; writes StartLogging,
//	                 StopLogging, UpdateTrail (account-level: trails have a home region)
//	Kms              ListKeys, DescribeKey, ListSecrets; writes UpdateRotationPolicy
//
// Write calls change the inventory, so a fix really changes what the next
// Describe returns. Each handler's doc comment lists the filters it honours
// and any behaviour chosen without a live confirmation.
//
// Lists page as documented, and sizes over the documented maximum are
// rejected (400 InvalidParameter) rather than clamped, so a collector that
// asks for more than production allows fails here too:
//
//	DescribeInstances               PageSize ≤ 100; NextToken + MaxResults ≤ 100
//	DescribeSecurityGroups          PageSize ≤ 50;  NextToken + MaxResults ≤ 100
//	DescribeSecurityGroupAttribute  all rules, or NextToken + MaxResults ≤ 1000
//	DescribeDisks                   PageSize ≤ 100; NextToken + MaxResults ≤ 500
//	DescribeCloudAssistantStatus    PageSize ≤ 50;  NextToken + MaxResults ≤ 50
//	DescribeInstanceRamRole         PageSize ≤ 50 (InstanceIds ≤ 100)
//	DescribeInvocation(Result)s     PageSize ≤ 50 (default 10), PageNumber
//	Vpc Describe*                   PageSize ≤ 50 (DescribeEipAddresses ≤ 100)
//	CS DescribeClustersV1           page_size ≤ 100 (page_number, page_info)
//	Sas DescribeCloudCenterInstances PageSize ≤ 100 (CurrentPage, PageInfo)
//	Rds DescribeDBInstances         PageSize ≤ 100 (default 30); NextToken + MaxResults ≤ 100
//	R-kvstore, Dds, polardb lists   PageSize ≤ 100 (documented 30, 50, 100; default 30)
//	Oss ListBuckets                 max-keys ≤ 1000 (default 100), marker paging
//	Ram/Ims List* (paged ones)      Marker + MaxItems ≤ 1000 (default 100; IMS ListUsers 1000),
//	                                answering IsTruncated and, when truncated, Marker
//	Slb DescribeLoadBalancers       PageSize ≤ 100; DescribeLoadBalancerListeners NextToken +
//	                                MaxResults ≤ 100 (default 20); DescribeAccessControlLists
//	                                PageSize ≤ 50; DescribeAccessControlListAttribute Page +
//	                                PageSize ≤ 50 over TotalAclEntry
//	Alb, Nlb List*                  NextToken + MaxResults ≤ 100 (default 20); ListAclRelations ≤ 5 ACLs
//	Kms ListKeys, ListSecrets       PageSize ≤ 100 (default 10)
//	Sls ListProject, ListLogStores  offset + size ≤ 500; ListAlerts size ≤ 200
//	Actiontrail DescribeTrails      no paging
//
// With NextToken or MaxResults present, PageNumber and PageSize are
// ignored. Answers carry TotalCount, PageNumber and PageSize (and NextToken
// for token-paged APIs; DescribeFlowLogs spells its counters as strings, as
// the real API does). RDS's DescribeDBInstances and PolarDB's
// DescribeDBClusters answer TotalRecordCount, PageRecordCount and
// PageNumber instead.
//
// # Accounts and identities
//
// The server holds one account (Options.Inventory). The access key pair
// belongs to Options.Principal, a RAM user in that account by default. A
// principal of another account sees an empty account: it must assume a
// role whose trust policy names it, as the CSPM platform does for tenants.
//
// # Faults and rate limits
//
// Options.Faults throttles (400 Throttling.User "Request was denied due to
// user flow control."), fails (503 ServiceUnavailable, 500 InternalError)
// or refuses (403 Forbidden.RAM, or NoPermission for RAM-native products)
// calls; the draws are deterministic for a seed (see Faults).
// Options.RateLimits meters "Product.Action" per account and region with a
// one-second token bucket, answering Throttling.User with HTTP 400, the
// status Alibaba documents for flow control. Options.Latency delays every
// answer. Calls counts calls per "Product.Action".
//
// # Inventory
//
// An Inventory keeps every resource as the JSON object its own
// Describe/List API returns, under regions.<region>.<product>.<Collection>
// (or global.<product> for RAM); INVENTORY.md documents the format and
// testdata/sample-account.md the hand-written sample account and its known
// misconfigurations. LoadInventory and ParseInventory reject a broken file
// naming the JSON path at fault. Generate builds accounts of any size.
//
// # Adding a product
//
// One file per product, product_<key>.go:
//
//  1. Declare var <key>Product = &product{name: "Rds", version:
//     "2014-08-15", key: "rds", collections: ..., actions: ...}. name is the
//     SDK's product name (the Calls and Faults prefix), version the API
//     version, key the inventory key. Set global for account-level products
//     and ramNative for products that refuse with NoPermission. A ROA
//     product also lists its routes ({"GET", "/clusters/{ClusterId}",
//     "DescribeClusterDetail"}); path parameters arrive as call parameters
//     and the JSON body as call.body.
//  2. List its collections. A collection is named after the field that
//     wraps the list in the Describe answer (Instances for
//     Instances.Instance[], RouterTableList for
//     RouterTableList.RouterTableListType[]); when that wrapper is generic
//     (RDS's Items.DBInstance[]), use the item's plural (DBInstances). id
//     is the identifying field, required the fields that must be non-empty
//     strings. Add a validate func for cross-checks.
//  3. Write one handler per action: func(c *call) (map[string]any,
//     *APIError). Read with c.objects / c.find, page with c.paginate and a
//     pageSpec holding the documented limits, change state with c.replace /
//     c.add (and mark the action write: true), and fail with Errorf or an
//     entry of the error table, using the product's real codes.
//  4. Add the product to the list in products.go, document its
//     collections in INVENTORY.md, add it to testdata/sample-account.json
//     (with any new known misconfiguration in sample-account.md), and test
//     it through the real SDK.
package cloudsim
