package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/kms"
)

// KMSInventory is one region's Key Management Service inventory.
type KMSInventory struct {
	Region  string
	Keys    []KMSKey
	Secrets []KMSSecret
}

// KMSKey is a key's DescribeKey metadata.
type KMSKey struct {
	ID              string
	ARN             string
	Description     string
	Spec            string // "Aliyun_AES_256", "Aliyun_SM4", "RSA_2048", "EC_P256", ...
	Usage           string // "ENCRYPT/DECRYPT", "SIGN/VERIFY"
	State           string // "Enabled", "Disabled", "PendingDeletion", "PendingImport"
	Origin          string // "Aliyun_KMS" or "EXTERNAL" (imported material)
	ProtectionLevel string // "SOFTWARE" or "HSM"
	Creator         string // the account UID, or the cloud service that created the key
	CreationDate    string
	// AutomaticRotation is "Enabled", "Disabled" or "Suspended";
	// RotationEnabled is it being "Enabled".
	AutomaticRotation string
	RotationEnabled   bool
	RotationInterval  time.Duration // 0 when not rotating
	LastRotationDate  string
	NextRotationDate  string
	// DeletionProtection is DeletionProtection "Enabled".
	DeletionProtection bool
	Raw                json.RawMessage // the KeyMetadata object
}

// Rotatable reports whether KMS can rotate the key automatically:
// symmetric keys with KMS-generated material. Checks on rotation apply to
// these only.
func (k KMSKey) Rotatable() bool {
	return (k.Spec == "Aliyun_AES_256" || k.Spec == "Aliyun_SM4" || k.Spec == "") && (k.Origin == "Aliyun_KMS" || k.Origin == "")
}

// KMSSecret is a ListSecrets item.
type KMSSecret struct {
	ID                string // the secret's name, its identifier
	Name              string
	Type              string // "Generic", "Rds", "RAMCredentials", "ECS", ...
	CreateTime        string
	UpdateTime        string
	PlannedDeleteTime string
	Raw               json.RawMessage
}

// KMS collects one region's keys and secrets, once per Collector: ListKeys
// (PageSize 100, pages after the first concurrently), DescribeKey once per
// key as each page arrives, and ListSecrets (PageSize 100). A key deleted
// between ListKeys and DescribeKey (Forbidden.KeyNotFound) is left out.
func (c *Collector) KMS(ctx context.Context, account, region string) (*KMSInventory, error) {
	return regional(ctx, c, "kms", account, region, c.collectKMS)
}

func (c *Collector) collectKMS(ctx context.Context, account, region string) (*KMSInventory, error) {
	var (
		keys    []KMSKey
		secrets pages[KMSSecret]
	)
	g := newGroup(ctx)
	g.run(func(ctx context.Context) (err error) {
		keys, err = listDescribe(ctx, c, account, region, 100, func(n int) requests.AcsRequest {
			r := kms.CreateListKeysRequest()
			r.PageSize = requests.NewInteger(100)
			r.PageNumber = requests.NewInteger(n)
			return r
		}, func(body []byte) (int, []*KMSKey, error) {
			total, items, err := countedPage(body, "TotalCount", "Keys", "Key")
			if err != nil {
				return 0, nil, err
			}
			page := make([]*KMSKey, 0, len(items))
			for _, raw := range items {
				var a struct{ KeyId string }
				if err := decodeItem(raw, &a, "Keys.Key", func() string { return a.KeyId }); err != nil {
					return 0, nil, err
				}
				page = append(page, &KMSKey{ID: a.KeyId})
			}
			return total, page, nil
		}, func(ctx context.Context, key *KMSKey) error {
			k, ok, err := c.kmsKey(ctx, account, region, key.ID)
			if err != nil {
				return err
			}
			if !ok {
				return errGone
			}
			*key = k
			return nil
		})
		return err
	})
	g.run(func(ctx context.Context) error {
		return c.byNumber(ctx, account, region, 100, func(n int) requests.AcsRequest {
			r := kms.CreateListSecretsRequest()
			r.PageSize = requests.NewInteger(100)
			r.PageNumber = requests.NewInteger(n)
			return r
		}, func(n int, body []byte) (int, error) {
			total, items, err := countedPage(body, "TotalCount", "SecretList", "Secret")
			if err != nil {
				return 0, err
			}
			page := make([]KMSSecret, 0, len(items))
			for _, raw := range items {
				var a struct{ SecretName, SecretType, CreateTime, UpdateTime, PlannedDeleteTime string }
				if err := decodeItem(raw, &a, "SecretList.Secret", func() string { return a.SecretName }); err != nil {
					return 0, err
				}
				page = append(page, KMSSecret{ID: a.SecretName, Name: a.SecretName, Type: a.SecretType, CreateTime: a.CreateTime,
					UpdateTime: a.UpdateTime, PlannedDeleteTime: a.PlannedDeleteTime, Raw: raw})
			}
			secrets.put(n, page)
			return total, nil
		})
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	return &KMSInventory{Region: region, Keys: keys, Secrets: secrets.all()}, nil
}

// kmsKey describes one key; ok is false for a key that no longer exists.
func (c *Collector) kmsKey(ctx context.Context, account, region, id string) (KMSKey, bool, error) {
	r := kms.CreateDescribeKeyRequest()
	r.KeyId = id
	body, err := c.do(ctx, account, region, r)
	if err != nil {
		var se *sdkerrors.ServerError
		if errors.As(err, &se) && se.ErrorCode() == "Forbidden.KeyNotFound" {
			return KMSKey{}, false, nil // deleted since ListKeys
		}
		return KMSKey{}, false, err
	}
	var env struct{ KeyMetadata json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		return KMSKey{}, false, malformed(r, region, err)
	}
	if len(env.KeyMetadata) == 0 || string(env.KeyMetadata) == "null" {
		return KMSKey{}, false, malformed(r, region, fmt.Errorf("KeyMetadata missing"))
	}
	var a struct {
		KeyId, Arn, Description, KeySpec, KeyUsage, KeyState, Origin, ProtectionLevel, Creator, CreationDate string
		AutomaticRotation, RotationInterval, LastRotationDate, NextRotationDate, DeletionProtection          string
	}
	if err := decodeItem(env.KeyMetadata, &a, "KeyMetadata", func() string { return a.KeyId }); err != nil {
		return KMSKey{}, false, malformed(r, region, err)
	}
	return KMSKey{ID: a.KeyId, ARN: a.Arn, Description: a.Description, Spec: a.KeySpec, Usage: a.KeyUsage, State: a.KeyState,
		Origin: a.Origin, ProtectionLevel: a.ProtectionLevel, Creator: a.Creator, CreationDate: a.CreationDate,
		AutomaticRotation: a.AutomaticRotation, RotationEnabled: strings.EqualFold(a.AutomaticRotation, "Enabled"),
		RotationInterval: kmsInterval(a.RotationInterval), LastRotationDate: a.LastRotationDate, NextRotationDate: a.NextRotationDate,
		DeletionProtection: strings.EqualFold(a.DeletionProtection, "Enabled"), Raw: env.KeyMetadata}, true, nil
}

// kmsInterval parses a RotationInterval as KMS answers it ("31536000s");
// anything else is 0.
func kmsInterval(s string) time.Duration {
	n, err := strconv.ParseInt(strings.TrimSuffix(s, "s"), 10, 64)
	if err != nil || n <= 0 || !strings.HasSuffix(s, "s") {
		return 0
	}
	return time.Duration(n) * time.Second
}
