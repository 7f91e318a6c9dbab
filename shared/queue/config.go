package queue

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvEndpoint        = "MNS_ENDPOINT"
	EnvDialAddr        = "MNS_DIAL_ADDR"
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// Config says where the queues are and which credentials sign the requests.
type Config struct {
	// Endpoint is the MNS account endpoint, http://<uid>.mns.<region>.aliyuncs.com
	// (https and the "-internal" / "-internal-vpc" region suffixes are accepted).
	Endpoint string
	// AccessKeyID and AccessKeySecret sign every request.
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is the STS token that goes with temporary credentials; optional.
	SecurityToken string
	// DialAddr, when set ("127.0.0.1:PORT"), sends every connection to that address
	// instead of resolving Endpoint. It is for local emulators and is empty in production.
	DialAddr string
}

// ConfigFromEnv reads MNS_ENDPOINT and MNS_DIAL_ADDR, and the credentials from
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_SECURITY_TOKEN (optional). The error names every missing variable.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Endpoint:        strings.TrimSpace(os.Getenv(EnvEndpoint)),
		DialAddr:        strings.TrimSpace(os.Getenv(EnvDialAddr)),
		AccessKeyID:     strings.TrimSpace(os.Getenv(EnvAccessKeyID)),
		AccessKeySecret: strings.TrimSpace(os.Getenv(EnvAccessKeySecret)),
		SecurityToken:   strings.TrimSpace(os.Getenv(EnvSecurityToken)),
	}
	var missing []string
	if c.Endpoint == "" {
		missing = append(missing, EnvEndpoint)
	}
	if c.AccessKeyID == "" {
		missing = append(missing, EnvAccessKeyID)
	}
	if c.AccessKeySecret == "" {
		missing = append(missing, EnvAccessKeySecret)
	}
	if len(missing) > 0 {
		return Config{}, fmt.Errorf("queue: missing environment variable(s) %s", strings.Join(missing, ", "))
	}
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// WithCredentials returns a copy of c that signs with the given credentials
// (token may be empty). FC passes per-invocation credentials this way.
func (c Config) WithCredentials(id, secret, token string) Config {
	c.AccessKeyID = id
	c.AccessKeySecret = secret
	c.SecurityToken = token
	return c
}

// validate checks the fields New needs.
func (c Config) validate() error {
	if err := validateEndpoint(c.Endpoint); err != nil {
		return err
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return errors.New("queue: config: AccessKeyID and AccessKeySecret are required")
	}
	if c.DialAddr != "" {
		if _, _, err := net.SplitHostPort(c.DialAddr); err != nil {
			return fmt.Errorf("queue: config: DialAddr %q is not host:port: %v", c.DialAddr, err)
		}
	}
	return nil
}

// validateEndpoint checks the shape the SDK insists on: exactly
// http(s)://<uid>.mns.<region>.aliyuncs.com with no port, path or query.
// (The SDK splits the whole URL on "." and panics unless there are five parts.)
func validateEndpoint(ep string) error {
	const want = "want http://<uid>.mns.<region>.aliyuncs.com"
	if ep == "" {
		return fmt.Errorf("queue: config: empty MNS endpoint (%s)", want)
	}
	u, err := url.Parse(ep)
	if err != nil {
		return fmt.Errorf("queue: config: MNS endpoint %q does not parse: %v (%s)", ep, err, want)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("queue: config: MNS endpoint %q: scheme must be http or https (%s)", ep, want)
	}
	parts := strings.Split(u.Hostname(), ".")
	if len(parts) != 5 || parts[0] == "" || parts[1] != "mns" || parts[2] == "" || parts[3] != "aliyuncs" || parts[4] != "com" {
		return fmt.Errorf("queue: config: MNS endpoint %q has the wrong shape (%s; to reach a local emulator keep such an endpoint and set DialAddr)", ep, want)
	}
	if u.Port() != "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("queue: config: MNS endpoint %q must be scheme and host only, no port or path (%s)", ep, want)
	}
	return nil
}
