package cloudsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// ossProduct is Object Storage Service (REST/XML, V4 signatures; the wire
// is in oss.go). Its API version, 2019-05-17 (OSS's in the OpenAPI
// portal), is only used to count RPC calls that name it: OSS operations
// are routed by method, path and sub-resource, not by Action.
//
// Inventory (regions.<region>.oss):
//
//	Buckets  GetBucketInfo's Bucket object, plus the bucket policy as
//	         GetBucketPolicy returns it ("Policy", a JSON string). The
//	         object holds every other sub-resource the operations serve:
//	         AccessControlList.Grant (GetBucketAcl), BlockPublicAccess
//	         (GetBucketPublicAccessBlock), BucketPolicy.LogBucket/LogPrefix
//	         (GetBucketLogging), ServerSideEncryptionRule (GetBucketEncryption),
//	         Versioning (GetBucketVersioning).
//
// and global.ossaccount.PublicAccessBlock: at most one
// PublicAccessBlockConfiguration object ({"BlockPublicAccess": true}),
// the account-level setting of GetPublicAccessBlock.
//
// Operations (path style, "/<bucket>/?<sub-resource>"):
//
//	GET    /                    ListBuckets (prefix, marker, max-keys ≤ 1000, default 100; every region's buckets)
//	GET    /?publicAccessBlock  GetPublicAccessBlock;   PUT: PutPublicAccessBlock
//	GET    /b/?bucketInfo       GetBucketInfo (from any region's endpoint)
//	GET    /b/?acl              GetBucketAcl;           PUT (x-oss-acl): PutBucketAcl
//	GET    /b/?policy           GetBucketPolicy (404 NoSuchBucketPolicy when none); PUT, DELETE
//	GET    /b/?publicAccessBlock GetBucketPublicAccessBlock; PUT
//	GET    /b/?logging          GetBucketLogging;       PUT, DELETE
//	GET    /b/?encryption       GetBucketEncryption (404 NoSuchServerSideEncryptionRule when none); PUT, DELETE
//	GET    /b/?versioning       GetBucketVersioning;    PUT
//
// Bucket operations other than GetBucketInfo must be signed for the
// bucket's region (the emulator's stand-in for its endpoint), or they
// answer 403 AccessDenied naming the right endpoint.
var ossProduct = &product{
	name:    "Oss",
	version: "2019-05-17",
	key:     "oss",
	collections: []collection{
		{name: "Buckets", id: "Name"},
	},
	validate: validateOSS,
}

// ossAccountProduct holds OSS's account-level settings: Block Public
// Access for the whole account. It shares the Oss name, so Calls, Faults
// and RateLimits keys are "Oss.GetPublicAccessBlock".
var ossAccountProduct = &product{
	name:    "Oss",
	version: "2019-05-17",
	key:     "ossaccount",
	global:  true,
	collections: []collection{
		{name: "PublicAccessBlock"},
	},
	validate: validateOSSAccount,
}

var (
	ossServiceOperations = map[string]ossOperation{
		"GET ":                     {name: "ListBuckets", fn: ossListBuckets},
		"GET publicAccessBlock":    {name: "GetPublicAccessBlock", fn: ossGetPublicAccessBlock},
		"PUT publicAccessBlock":    {name: "PutPublicAccessBlock", fn: ossPutPublicAccessBlock, write: true},
		"DELETE publicAccessBlock": {name: "DeletePublicAccessBlock", fn: ossDeletePublicAccessBlock, write: true},
	}
	ossBucketOperations = map[string]ossOperation{
		"GET bucketInfo":           {name: "GetBucketInfo", fn: ossGetBucketInfo},
		"GET acl":                  {name: "GetBucketAcl", fn: ossGetBucketAcl},
		"PUT acl":                  {name: "PutBucketAcl", fn: ossPutBucketAcl, write: true},
		"GET policy":               {name: "GetBucketPolicy", fn: ossGetBucketPolicy},
		"PUT policy":               {name: "PutBucketPolicy", fn: ossPutBucketPolicy, write: true},
		"DELETE policy":            {name: "DeleteBucketPolicy", fn: ossDeleteBucketPolicy, write: true},
		"GET publicAccessBlock":    {name: "GetBucketPublicAccessBlock", fn: ossGetBucketPublicAccessBlock},
		"PUT publicAccessBlock":    {name: "PutBucketPublicAccessBlock", fn: ossPutBucketPublicAccessBlock, write: true},
		"GET logging":              {name: "GetBucketLogging", fn: ossGetBucketLogging},
		"PUT logging":              {name: "PutBucketLogging", fn: ossPutBucketLogging, write: true},
		"DELETE logging":           {name: "DeleteBucketLogging", fn: ossDeleteBucketLogging, write: true},
		"GET encryption":           {name: "GetBucketEncryption", fn: ossGetBucketEncryption},
		"PUT encryption":           {name: "PutBucketEncryption", fn: ossPutBucketEncryption, write: true},
		"DELETE encryption":        {name: "DeleteBucketEncryption", fn: ossDeleteBucketEncryption, write: true},
		"GET versioning":           {name: "GetBucketVersioning", fn: ossGetBucketVersioning},
		"PUT versioning":           {name: "PutBucketVersioning", fn: ossPutBucketVersioning, write: true},
		"DELETE publicAccessBlock": {name: "DeleteBucketPublicAccessBlock", fn: ossDeleteBucketPublicAccessBlock, write: true},
	}
)

// Errors of the OSS API.
var (
	errOSSNoSuchBucketPolicy = &ossError{status: http.StatusNotFound, code: "NoSuchBucketPolicy",
		message: "The bucket policy does not exist."}
	errOSSNoSuchEncryption = &ossError{status: http.StatusNotFound, code: "NoSuchServerSideEncryptionRule",
		message: "The server side encryption configuration was not found."}
	errOSSBadACL = &ossError{status: http.StatusBadRequest, code: "InvalidArgument",
		message: "no such bucket access control exists"}
	// Refusals while Block Public Access is on; the message was chosen
	// without a live confirmation.
	errOSSPublicBlocked = &ossError{status: http.StatusForbidden, code: "AccessDenied",
		message: "Public access is blocked: Block Public Access is enabled for the bucket or the account."}
	errOSSBadLoggingTarget = &ossError{status: http.StatusBadRequest, code: "InvalidTargetBucketForLogging",
		message: "The target bucket for logging does not exist, is not owned by you, or is not in the same region as the source bucket."}
	errOSSBadAlgorithm = &ossError{status: http.StatusBadRequest, code: "InvalidEncryptionAlgorithmError",
		message: "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4."}
)

// ossACLs are the bucket ACLs.
var ossACLs = map[string]bool{"private": true, "public-read": true, "public-read-write": true}

// ossBucket is the part of a bucket object the operations read.
type ossBucket struct {
	Name              string
	AccessControlList struct{ Grant string }
	BlockPublicAccess bool
	BucketPolicy      struct{ LogBucket, LogPrefix string }
	Versioning        string
	Policy            string

	ServerSideEncryptionRule struct {
		SSEAlgorithm, KMSMasterKeyID, KMSDataEncryption string
	}
}

func decodeBucket(raw json.RawMessage) ossBucket {
	var b ossBucket
	decodeInto(raw, &b)
	return b
}

// encrypted reports a default encryption rule other than "None".
func (b ossBucket) encrypted() bool {
	a := b.ServerSideEncryptionRule.SSEAlgorithm
	return a != "" && a != "None"
}

func validateOSS(v *validation, path string, cols Collections) {
	region := strings.TrimSuffix(strings.TrimPrefix(path, "regions."), ".oss")
	names := ids(cols["Buckets"], "Name")
	for i, raw := range cols["Buckets"] {
		at := fmt.Sprintf("%s.Buckets[%d]", path, i)
		m := fields(raw)
		b := decodeBucket(raw)
		if b.Name != "" && !validBucketName(b.Name) {
			v.add(at+".Name", fmt.Sprintf("%q is not a bucket name (3-63 lower-case letters, digits and hyphens)", b.Name))
		}
		if l, ok := m["Location"]; ok && jsonString(l) != "oss-"+region {
			v.add(at+".Location", fmt.Sprintf("%s does not match region %s (want oss-%s)", l, region, region))
		}
		if _, ok := m["AccessControlList"]; ok && !ossACLs[b.AccessControlList.Grant] {
			v.add(at+".AccessControlList.Grant", fmt.Sprintf("%q is not private, public-read or public-read-write", b.AccessControlList.Grant))
		}
		if bpa, ok := m["BlockPublicAccess"]; ok && kind(bpa) != "boolean" {
			v.add(at+".BlockPublicAccess", "want true or false, got "+string(bpa))
		}
		switch b.Versioning {
		case "", "Enabled", "Suspended":
		default:
			v.add(at+".Versioning", fmt.Sprintf("%q is not Enabled or Suspended", b.Versioning))
		}
		sse := b.ServerSideEncryptionRule
		switch sse.SSEAlgorithm {
		case "", "None", "AES256", "KMS", "SM4":
		default:
			v.add(at+".ServerSideEncryptionRule.SSEAlgorithm", fmt.Sprintf("%q is not None, AES256, KMS or SM4", sse.SSEAlgorithm))
		}
		if sse.KMSMasterKeyID != "" && sse.KMSMasterKeyID != "None" && sse.SSEAlgorithm != "KMS" {
			v.add(at+".ServerSideEncryptionRule.KMSMasterKeyID", "set without SSEAlgorithm KMS")
		}
		if t := b.BucketPolicy.LogBucket; t != "" && !names[t] {
			v.add(at+".BucketPolicy.LogBucket", fmt.Sprintf("unknown bucket %q (logs go to a bucket of the same region, in %s.Buckets)", t, path))
		}
		if p, ok := m["Policy"]; ok {
			if kind(p) != "string" {
				v.add(at+".Policy", "want the policy document as a JSON string, got JSON "+kind(p))
			} else if err := checkOSSPolicy(jsonString(p)); err != nil {
				v.add(at+".Policy", "not a bucket policy: "+err.Error())
			}
		}
	}
}

func validateOSSAccount(v *validation, path string, cols Collections) {
	objs := cols["PublicAccessBlock"]
	if len(objs) > 1 {
		v.add(path+".PublicAccessBlock", fmt.Sprintf("%d objects; the account has one setting", len(objs)))
	}
	for i, raw := range objs {
		if bpa, ok := fields(raw)["BlockPublicAccess"]; !ok || kind(bpa) != "boolean" {
			v.add(fmt.Sprintf("%s.PublicAccessBlock[%d].BlockPublicAccess", path, i), "want true or false")
		}
	}
}

// validBucketName applies OSS's naming rules.
func validBucketName(n string) bool {
	if len(n) < 3 || len(n) > 63 || n[0] == '-' || n[len(n)-1] == '-' {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ossPolicy is a bucket policy document.
type ossPolicy struct {
	Version   string
	Statement []struct {
		Effect    string
		Action    json.RawMessage
		Principal json.RawMessage
		Resource  json.RawMessage
		Condition map[string]map[string]json.RawMessage
	}
}

// strings of a policy field spelled as a string or a list of strings.
func policyStrings(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// checkOSSPolicy checks what PutBucketPolicy checks: a JSON object with a
// Version and Statements, each with an Effect, Actions, Principals and
// Resources.
func checkOSSPolicy(doc string) error {
	var p ossPolicy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return err
	}
	if p.Version == "" {
		return fmt.Errorf("Version missing")
	}
	if len(p.Statement) == 0 {
		return fmt.Errorf("no Statement")
	}
	for i, st := range p.Statement {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return fmt.Errorf("Statement[%d].Effect %q is not Allow or Deny", i, st.Effect)
		}
		for name, f := range map[string]json.RawMessage{"Action": st.Action, "Principal": st.Principal, "Resource": st.Resource} {
			if len(policyStrings(f)) == 0 {
				return fmt.Errorf("Statement[%d].%s missing", i, name)
			}
		}
	}
	return nil
}

// ossPolicyPublic reports an unconditional Allow to every principal ("*"),
// which Block Public Access refuses.
func ossPolicyPublic(doc string) bool {
	var p ossPolicy
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	for _, st := range p.Statement {
		if st.Effect != "Allow" || len(st.Condition) > 0 {
			continue
		}
		for _, pr := range policyStrings(st.Principal) {
			if pr == "*" {
				return true
			}
		}
	}
	return false
}

// ossBucketInfo is GetBucketInfo's Bucket object for a stored bucket:
// the object with the policy taken out and the fields it leaves out filled
// with OSS's defaults (private ACL, no encryption, no logging, Block
// Public Access off, Standard LRS storage, the region's endpoints, the
// account as owner).
func ossBucketInfo(region, account string, raw json.RawMessage) json.RawMessage {
	return patch(raw, func(m map[string]any) {
		delete(m, "Policy")
		def := func(k string, v any) {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
		def("Location", "oss-"+region)
		def("CreationDate", "2024-01-15T08:00:00.000Z")
		def("ExtranetEndpoint", "oss-"+region+".aliyuncs.com")
		def("IntranetEndpoint", "oss-"+region+"-internal.aliyuncs.com")
		def("StorageClass", "Standard")
		def("DataRedundancyType", "LRS")
		def("AccessMonitor", "Disabled")
		def("TransferAcceleration", "Disabled")
		def("CrossRegionReplication", "Disabled")
		def("ResourceGroupId", "rg-default-id")
		def("Comment", "")
		def("Owner", map[string]any{"ID": account, "DisplayName": account})
		def("AccessControlList", map[string]any{"Grant": "private"})
		def("ServerSideEncryptionRule", map[string]any{"SSEAlgorithm": "None"})
		def("BucketPolicy", map[string]any{"LogBucket": "", "LogPrefix": ""})
		def("BlockPublicAccess", false)
	})
}

// bucket finds the call's bucket in its region (serveOSS has checked that
// it exists there).
func (c *ossCall) bucketObject() (int, json.RawMessage, *ossError) {
	i, raw, ok := c.find(ossProduct.key, "Buckets", c.bucket)
	if !ok {
		return 0, nil, errOSSNoSuchBucket.with("BucketName", c.bucket)
	}
	return i, raw, nil
}

// update changes the call's bucket.
func (c *ossCall) update(fn func(m map[string]any)) *ossError {
	i, raw, oerr := c.bucketObject()
	if oerr != nil {
		return oerr
	}
	c.replace(ossProduct.key, "Buckets", i, patch(raw, fn))
	return nil
}

// accountBlocksPublic reports the account-level Block Public Access.
func (c *ossCall) accountBlocksPublic() bool {
	objs := c.objects(ossAccountProduct.key, "PublicAccessBlock")
	return len(objs) > 0 && fieldString(objs[0], "BlockPublicAccess") == "true"
}

func xmlReply(x *xmlDoc) (*ossReply, *ossError) { return &ossReply{body: x.bytes()}, nil }

func noContent() (*ossReply, *ossError) { return &ossReply{status: http.StatusNoContent}, nil }

// ossListBuckets lists the account's buckets of every region in name
// order, filtered by prefix, after marker, max-keys at a time (1-1000,
// default 100). Prefix, Marker, MaxKeys, IsTruncated and NextMarker are
// only in the answer when it does not hold every remaining bucket, as
// documented.
func ossListBuckets(c *ossCall) (*ossReply, *ossError) {
	prefix, marker := c.param("prefix"), c.param("marker")
	maxKeys := 100
	if s := c.param("max-keys"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return nil, ossErrorf(http.StatusBadRequest, "InvalidArgument", "Argument max-keys must be an integer between 1 and 1000.")
		}
		maxKeys = n
	}
	type entry struct {
		name, region string
		raw          json.RawMessage
	}
	var all []entry
	for _, region := range c.st.inv.RegionIDs() {
		for _, raw := range c.st.objects(region, ossProduct.key, "Buckets") {
			n := fieldString(raw, "Name")
			if strings.HasPrefix(n, prefix) && n > marker {
				all = append(all, entry{n, region, raw})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	page := all[:min(maxKeys, len(all))]
	truncated := len(all) > len(page)

	x := newXMLDoc()
	x.open("ListAllMyBucketsResult")
	if truncated {
		x.leaf("Prefix", prefix)
		x.leaf("Marker", marker)
		x.leaf("MaxKeys", strconv.Itoa(maxKeys))
		x.leaf("IsTruncated", "true")
		x.leaf("NextMarker", page[len(page)-1].name)
	}
	x.open("Owner")
	x.leaf("ID", c.caller.accountID)
	x.leaf("DisplayName", c.caller.accountID)
	x.close("Owner")
	x.open("Buckets")
	for _, e := range page {
		info := fields(ossBucketInfo(e.region, c.caller.accountID, e.raw))
		x.open("Bucket")
		for _, f := range []string{"Comment", "CreationDate", "ExtranetEndpoint", "IntranetEndpoint", "Location", "Name", "ResourceGroupId", "StorageClass"} {
			x.json(f, info[f])
		}
		x.leaf("Region", e.region)
		x.close("Bucket")
	}
	x.close("Buckets")
	x.close("ListAllMyBucketsResult")
	return xmlReply(x)
}

// ossGetPublicAccessBlock answers the account-level setting (off unless
// set).
func ossGetPublicAccessBlock(c *ossCall) (*ossReply, *ossError) {
	return pabReply(c.accountBlocksPublic())
}

func pabReply(on bool) (*ossReply, *ossError) {
	x := newXMLDoc()
	x.open("PublicAccessBlockConfiguration")
	x.leaf("BlockPublicAccess", strconv.FormatBool(on))
	x.close("PublicAccessBlockConfiguration")
	return xmlReply(x)
}

// readPAB decodes a PublicAccessBlockConfiguration body.
func readPAB(body []byte) (bool, *ossError) {
	var cfg struct {
		BlockPublicAccess *bool
	}
	if oerr := decodeXMLBody(body, "PublicAccessBlockConfiguration", &cfg); oerr != nil {
		return false, oerr
	}
	if cfg.BlockPublicAccess == nil {
		return false, errOSSMalformedXML
	}
	return *cfg.BlockPublicAccess, nil
}

func ossPutPublicAccessBlock(c *ossCall) (*ossReply, *ossError) {
	on, oerr := readPAB(c.body)
	if oerr != nil {
		return nil, oerr
	}
	setAccountPAB(c, on)
	return &ossReply{}, nil
}

func ossDeletePublicAccessBlock(c *ossCall) (*ossReply, *ossError) {
	setAccountPAB(c, false)
	return noContent()
}

func setAccountPAB(c *ossCall, on bool) {
	obj, _ := json.Marshal(map[string]bool{"BlockPublicAccess": on}) // a map of bools always marshals
	if len(c.objects(ossAccountProduct.key, "PublicAccessBlock")) == 0 {
		c.add(ossAccountProduct.key, "PublicAccessBlock", obj)
		return
	}
	c.replace(ossAccountProduct.key, "PublicAccessBlock", 0, obj)
}

func ossGetBucketInfo(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	x := newXMLDoc()
	x.open("BucketInfo")
	x.json("Bucket", ossBucketInfo(c.region, c.caller.accountID, raw))
	x.close("BucketInfo")
	return xmlReply(x)
}

func ossGetBucketAcl(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	info := fields(ossBucketInfo(c.region, c.caller.accountID, raw))
	x := newXMLDoc()
	x.open("AccessControlPolicy")
	x.json("Owner", info["Owner"])
	x.json("AccessControlList", info["AccessControlList"])
	x.close("AccessControlPolicy")
	return xmlReply(x)
}

// ossPutBucketAcl sets the ACL from the x-oss-acl header. A public ACL is
// refused while Block Public Access is on for the bucket or the account.
func ossPutBucketAcl(c *ossCall) (*ossReply, *ossError) {
	acl := c.header.Get("x-oss-acl")
	if !ossACLs[acl] {
		return nil, errOSSBadACL
	}
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	if acl != "private" && (decodeBucket(raw).BlockPublicAccess || c.accountBlocksPublic()) {
		return nil, errOSSPublicBlocked
	}
	if oerr := c.update(func(m map[string]any) { m["AccessControlList"] = map[string]any{"Grant": acl} }); oerr != nil {
		return nil, oerr
	}
	return &ossReply{}, nil
}

func ossGetBucketPolicy(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	doc := decodeBucket(raw).Policy
	if doc == "" {
		return nil, errOSSNoSuchBucketPolicy.with("BucketName", c.bucket)
	}
	return &ossReply{contentType: "application/json", body: []byte(doc)}, nil
}

// ossPutBucketPolicy stores a policy document (at most 16 KB, checked as
// checkOSSPolicy says). A policy granting every principal access is
// refused while Block Public Access is on.
func ossPutBucketPolicy(c *ossCall) (*ossReply, *ossError) {
	doc := string(c.body)
	if len(doc) > 16*1024 {
		return nil, ossErrorf(http.StatusBadRequest, "InvalidPolicyDocument", "The policy document is larger than 16 KB.")
	}
	if err := checkOSSPolicy(doc); err != nil {
		return nil, ossErrorf(http.StatusBadRequest, "InvalidPolicyDocument", "Invalid policy document: %v.", err)
	}
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	if ossPolicyPublic(doc) && (decodeBucket(raw).BlockPublicAccess || c.accountBlocksPublic()) {
		return nil, errOSSPublicBlocked
	}
	if oerr := c.update(func(m map[string]any) { m["Policy"] = doc }); oerr != nil {
		return nil, oerr
	}
	return &ossReply{}, nil
}

func ossDeleteBucketPolicy(c *ossCall) (*ossReply, *ossError) {
	if oerr := c.update(func(m map[string]any) { delete(m, "Policy") }); oerr != nil {
		return nil, oerr
	}
	return noContent()
}

// ossGetBucketPublicAccessBlock answers the bucket's setting (off unless
// set).
func ossGetBucketPublicAccessBlock(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	return pabReply(decodeBucket(raw).BlockPublicAccess)
}

func ossPutBucketPublicAccessBlock(c *ossCall) (*ossReply, *ossError) {
	on, oerr := readPAB(c.body)
	if oerr != nil {
		return nil, oerr
	}
	if oerr := c.update(func(m map[string]any) { m["BlockPublicAccess"] = on }); oerr != nil {
		return nil, oerr
	}
	return &ossReply{}, nil
}

func ossDeleteBucketPublicAccessBlock(c *ossCall) (*ossReply, *ossError) {
	if oerr := c.update(func(m map[string]any) { m["BlockPublicAccess"] = false }); oerr != nil {
		return nil, oerr
	}
	return noContent()
}

// ossGetBucketLogging answers BucketLoggingStatus, with LoggingEnabled
// only when logging is on.
func ossGetBucketLogging(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	lp := decodeBucket(raw).BucketPolicy
	x := newXMLDoc()
	x.open("BucketLoggingStatus")
	if lp.LogBucket != "" {
		x.open("LoggingEnabled")
		x.leaf("TargetBucket", lp.LogBucket)
		x.leaf("TargetPrefix", lp.LogPrefix)
		x.close("LoggingEnabled")
	}
	x.close("BucketLoggingStatus")
	return xmlReply(x)
}

// ossPutBucketLogging turns logging on into a bucket of the same region
// and account (the bucket itself included); a BucketLoggingStatus without
// LoggingEnabled turns it off.
func ossPutBucketLogging(c *ossCall) (*ossReply, *ossError) {
	var st struct {
		LoggingEnabled *struct {
			TargetBucket string
			TargetPrefix string
		}
	}
	if oerr := decodeXMLBody(c.body, "BucketLoggingStatus", &st); oerr != nil {
		return nil, oerr
	}
	target, prefix := "", ""
	if le := st.LoggingEnabled; le != nil {
		if le.TargetBucket == "" {
			return nil, errOSSMalformedXML
		}
		if _, _, ok := c.find(ossProduct.key, "Buckets", le.TargetBucket); !ok {
			return nil, errOSSBadLoggingTarget.with("BucketName", le.TargetBucket)
		}
		target, prefix = le.TargetBucket, le.TargetPrefix
	}
	if oerr := c.update(func(m map[string]any) {
		m["BucketPolicy"] = map[string]any{"LogBucket": target, "LogPrefix": prefix}
	}); oerr != nil {
		return nil, oerr
	}
	return &ossReply{}, nil
}

func ossDeleteBucketLogging(c *ossCall) (*ossReply, *ossError) {
	if oerr := c.update(func(m map[string]any) {
		m["BucketPolicy"] = map[string]any{"LogBucket": "", "LogPrefix": ""}
	}); oerr != nil {
		return nil, oerr
	}
	return noContent()
}

func ossGetBucketEncryption(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	b := decodeBucket(raw)
	if !b.encrypted() {
		return nil, errOSSNoSuchEncryption.with("BucketName", c.bucket)
	}
	sse := b.ServerSideEncryptionRule
	x := newXMLDoc()
	x.open("ServerSideEncryptionRule")
	x.open("ApplyServerSideEncryptionByDefault")
	x.leaf("SSEAlgorithm", sse.SSEAlgorithm)
	if sse.KMSMasterKeyID != "" && sse.KMSMasterKeyID != "None" {
		x.leaf("KMSMasterKeyID", sse.KMSMasterKeyID)
	}
	if sse.KMSDataEncryption != "" && sse.KMSDataEncryption != "None" {
		x.leaf("KMSDataEncryption", sse.KMSDataEncryption)
	}
	x.close("ApplyServerSideEncryptionByDefault")
	x.close("ServerSideEncryptionRule")
	return xmlReply(x)
}

// ossPutBucketEncryption sets the default encryption: AES256, SM4, or KMS
// with an optional customer key (KMSMasterKeyID, KMS only) and data
// algorithm (KMSDataEncryption SM4, KMS only).
func ossPutBucketEncryption(c *ossCall) (*ossReply, *ossError) {
	var rule struct {
		ApplyServerSideEncryptionByDefault *struct {
			SSEAlgorithm      string
			KMSMasterKeyID    string
			KMSDataEncryption string
		}
	}
	if oerr := decodeXMLBody(c.body, "ServerSideEncryptionRule", &rule); oerr != nil {
		return nil, oerr
	}
	d := rule.ApplyServerSideEncryptionByDefault
	if d == nil {
		return nil, errOSSMalformedXML
	}
	switch d.SSEAlgorithm {
	case "AES256", "SM4", "KMS":
	default:
		return nil, errOSSBadAlgorithm
	}
	if d.SSEAlgorithm != "KMS" && (d.KMSMasterKeyID != "" || d.KMSDataEncryption != "") {
		return nil, ossErrorf(http.StatusBadRequest, "InvalidArgument",
			"KMSMasterKeyID and KMSDataEncryption are only allowed when SSEAlgorithm is KMS.")
	}
	if d.KMSDataEncryption != "" && d.KMSDataEncryption != "SM4" {
		return nil, ossErrorf(http.StatusBadRequest, "InvalidArgument", "KMSDataEncryption must be SM4.")
	}
	sse := map[string]any{"SSEAlgorithm": d.SSEAlgorithm}
	if d.KMSMasterKeyID != "" {
		sse["KMSMasterKeyID"] = d.KMSMasterKeyID
	}
	if d.KMSDataEncryption != "" {
		sse["KMSDataEncryption"] = d.KMSDataEncryption
	}
	if oerr := c.update(func(m map[string]any) { m["ServerSideEncryptionRule"] = sse }); oerr != nil {
		return nil, oerr
	}
	return &ossReply{}, nil
}

func ossDeleteBucketEncryption(c *ossCall) (*ossReply, *ossError) {
	if oerr := c.update(func(m map[string]any) {
		m["ServerSideEncryptionRule"] = map[string]any{"SSEAlgorithm": "None"}
	}); oerr != nil {
		return nil, oerr
	}
	return noContent()
}

// ossGetBucketVersioning answers VersioningConfiguration, with Status only
// once versioning was ever enabled.
func ossGetBucketVersioning(c *ossCall) (*ossReply, *ossError) {
	_, raw, oerr := c.bucketObject()
	if oerr != nil {
		return nil, oerr
	}
	x := newXMLDoc()
	x.open("VersioningConfiguration")
	if v := decodeBucket(raw).Versioning; v != "" {
		x.leaf("Status", v)
	}
	x.close("VersioningConfiguration")
	return xmlReply(x)
}

func ossPutBucketVersioning(c *ossCall) (*ossReply, *ossError) {
	var cfg struct{ Status string }
	if oerr := decodeXMLBody(c.body, "VersioningConfiguration", &cfg); oerr != nil {
		return nil, oerr
	}
	if cfg.Status != "Enabled" && cfg.Status != "Suspended" {
		return nil, errOSSMalformedXML
	}
	if oerr := c.update(func(m map[string]any) { m["Versioning"] = cfg.Status }); oerr != nil {
		return nil, oerr
	}
	return &ossReply{}, nil
}
