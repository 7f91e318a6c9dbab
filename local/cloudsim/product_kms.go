package cloudsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// kmsProduct is Key Management Service (Kms 2016-01-20).
//
// Inventory (regions.<region>.kms):
//
//	Keys        DescribeKey's KeyMetadata objects (KeyId, KeySpec, KeyState, Origin,
//	            AutomaticRotation, RotationInterval, Creator, ProtectionLevel, ...);
//	            ListKeys answers {KeyId, KeyArn} for each, KeyArn being Arn
//	SecretList  ListSecrets' SecretList.Secret[] items
var kmsProduct = &product{
	name:    "Kms",
	version: "2016-01-20",
	key:     "kms",
	collections: []collection{
		{name: "Keys", id: "KeyId"},
		{name: "SecretList", id: "SecretName"},
	},
	actions: map[string]action{
		"ListKeys":             {fn: kmsListKeys},
		"DescribeKey":          {fn: kmsDescribeKey},
		"ListSecrets":          {fn: kmsListSecrets},
		"UpdateRotationPolicy": {fn: kmsUpdateRotationPolicy, write: true},
	},
}

// kmsPages: PageSize 1–100, 10 by default, for ListKeys and ListSecrets.
var kmsPages = pageSpec{defaultSize: 10, maxSize: 100}

// Errors of the KMS API.
var (
	errKMSKeyNotFound = &APIError{Status: http.StatusNotFound, Code: "Forbidden.KeyNotFound",
		Message: "The specified Key is not found."}
	// errKMSUnsupported answers rotation for keys that cannot rotate
	// (imported material, asymmetric keys); code not confirmed live.
	errKMSUnsupported = &APIError{Status: http.StatusBadRequest, Code: "UnsupportedOperation",
		Message: "This action is not supported for the specified key."}
)

// kmsArn returns a key's Arn, defaulting to acs:kms:<region>:<account>:key/<id>.
func kmsArn(c *call, raw json.RawMessage) string {
	if a := fieldString(raw, "Arn"); a != "" {
		return a
	}
	return "acs:kms:" + c.region + ":" + c.st.inv.AccountID + ":key/" + fieldString(raw, "KeyId")
}

// kmsListKeys lists key IDs and ARNs. Filters is a JSON array of
// {"Key": KeyState|KeySpec|KeyUsage|ProtectionLevel, "Values": [...]}.
func kmsListKeys(c *call) (map[string]any, *APIError) {
	objs := c.objects("kms", "Keys")
	if s := c.param("Filters"); s != "" {
		var filters []struct {
			Key    string
			Values []string
		}
		if err := json.Unmarshal([]byte(s), &filters); err != nil {
			return nil, errInvalid("Filters")
		}
		for _, f := range filters {
			switch f.Key {
			case "KeyState", "KeySpec", "KeyUsage", "ProtectionLevel":
			default:
				return nil, errInvalid("Filters")
			}
			want := map[string]bool{}
			for _, v := range f.Values {
				want[strings.ToLower(v)] = true
			}
			var kept []json.RawMessage
			for _, raw := range objs {
				if want[strings.ToLower(fieldString(raw, f.Key))] {
					kept = append(kept, raw)
				}
			}
			objs = kept
		}
	}
	p, err := c.paginate(objs, kmsPages)
	if err != nil {
		return nil, err
	}
	keys := make([]map[string]string, len(p.items))
	for i, raw := range p.items {
		keys[i] = map[string]string{"KeyId": fieldString(raw, "KeyId"), "KeyArn": kmsArn(c, raw)}
	}
	resp := map[string]any{"Keys": map[string]any{"Key": keys}}
	p.fill(resp, kmsPages)
	return resp, nil
}

// kmsFindKey finds a key by ID or ARN.
func kmsFindKey(c *call) (int, json.RawMessage, *APIError) {
	id := c.param("KeyId")
	if id == "" {
		return -1, nil, errMissing("KeyId")
	}
	if _, rest, ok := strings.Cut(id, ":key/"); ok && strings.HasPrefix(id, "acs:kms:") {
		id = rest
	}
	i, raw, ok := c.find("kms", "Keys", id)
	if !ok {
		return -1, nil, errKMSKeyNotFound
	}
	return i, raw, nil
}

// kmsDescribeKey answers a key's metadata (KeyId or its ARN; aliases are
// not emulated).
func kmsDescribeKey(c *call) (map[string]any, *APIError) {
	_, raw, aerr := kmsFindKey(c)
	if aerr != nil {
		return nil, aerr
	}
	meta := patch(raw, func(m map[string]any) {
		if _, ok := m["Arn"]; !ok {
			m["Arn"] = kmsArn(c, raw)
		}
	})
	return map[string]any{"KeyMetadata": meta}, nil
}

// kmsListSecrets lists secrets (FetchTags and Filters are accepted and
// ignored).
func kmsListSecrets(c *call) (map[string]any, *APIError) {
	p, err := c.paginate(c.objects("kms", "SecretList"), kmsPages)
	if err != nil {
		return nil, err
	}
	resp := map[string]any{"SecretList": list("Secret", p.items)}
	p.fill(resp, kmsPages)
	return resp, nil
}

// kmsRotationInterval parses "365d", "8760h", "525600m" or "31536000s";
// KMS accepts 7 to 365 days.
func kmsRotationInterval(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, false
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}[s[len(s)-1]]
	if unit == 0 {
		return 0, false
	}
	d := time.Duration(n) * unit
	return d, d >= 7*24*time.Hour && d <= 365*24*time.Hour
}

// kmsUpdateRotationPolicy turns automatic rotation on (with
// RotationInterval) or off. On: AutomaticRotation "Enabled",
// RotationInterval in seconds ("31536000s"), NextRotationDate now +
// interval. Off: AutomaticRotation "Disabled", no NextRotationDate. Keys
// with imported material (Origin EXTERNAL) or asymmetric specs answer
// UnsupportedOperation.
func kmsUpdateRotationPolicy(c *call) (map[string]any, *APIError) {
	enable := strings.ToLower(c.param("EnableAutomaticRotation"))
	if enable == "" {
		return nil, errMissing("EnableAutomaticRotation")
	}
	if enable != "true" && enable != "false" {
		return nil, errInvalid("EnableAutomaticRotation")
	}
	var interval time.Duration
	if enable == "true" {
		if c.param("RotationInterval") == "" {
			return nil, errMissing("RotationInterval")
		}
		d, ok := kmsRotationInterval(c.param("RotationInterval"))
		if !ok {
			return nil, errInvalid("RotationInterval")
		}
		interval = d
	}
	i, raw, aerr := kmsFindKey(c)
	if aerr != nil {
		return nil, aerr
	}
	spec := fieldString(raw, "KeySpec")
	if !strings.EqualFold(orDefault(fieldString(raw, "Origin"), "Aliyun_KMS"), "Aliyun_KMS") ||
		(spec != "" && spec != "Aliyun_AES_256" && spec != "Aliyun_SM4") {
		return nil, errKMSUnsupported
	}
	c.replace("kms", "Keys", i, patch(raw, func(m map[string]any) {
		if enable == "true" {
			m["AutomaticRotation"] = "Enabled"
			m["RotationInterval"] = strconv.Itoa(int(interval/time.Second)) + "s"
			m["NextRotationDate"] = timestamp(c.now.Add(interval))
		} else {
			m["AutomaticRotation"] = "Disabled"
			delete(m, "NextRotationDate")
		}
	}))
	return map[string]any{}, nil
}
