package event

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxIDLen is the longest identifier (tenant, task, shard, finding, check
// item, queue...) accepted in a job, in bytes.
const MaxIDLen = 128

// maxRefLen bounds free-form references (resource ids, which may be ARNs,
// and requester names).
const maxRefLen = 256

// maxTextLen bounds human-written text such as a scan request's reason.
const maxTextLen = 1024

// short quotes v for an error message, cutting it when long.
func short(v string) string {
	const n = 40
	if len(v) <= n {
		return fmt.Sprintf("%q", v)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", v[:cut])
}

// checkChars rejects invalid UTF-8, U+FFFD, control characters, invisible
// format characters (bidi overrides, zero-width...) and surrounding space.
func checkChars(name, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s %s is not valid UTF-8", name, short(v))
	}
	for i, r := range v {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%s %s contains control character %U at byte %d", name, short(v), r, i)
		}
		if r == utf8.RuneError {
			return fmt.Errorf("%s %s contains U+FFFD at byte %d (mangled encoding?)", name, short(v), i)
		}
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Errorf("%s %s has leading or trailing space", name, short(v))
	}
	return nil
}

// checkID validates a required identifier that may end up in storage keys,
// object paths or log lines: non-empty, at most MaxIDLen bytes, no control
// characters, no path separators, not "." or "..".
func checkID(name, v string) error {
	if v == "" {
		return fmt.Errorf("missing %s", name)
	}
	if len(v) > MaxIDLen {
		return fmt.Errorf("%s is %d bytes, over the %d-byte limit", name, len(v), MaxIDLen)
	}
	if err := checkChars(name, v); err != nil {
		return err
	}
	if v == "." || v == ".." {
		return fmt.Errorf("%s %q is a path element", name, v)
	}
	for i, r := range v {
		if r == '/' || r == '\\' {
			return fmt.Errorf("%s %s contains a path separator %q at byte %d", name, short(v), r, i)
		}
	}
	return nil
}

// checkRef validates a required reference that may legitimately contain '/'
// (an ARN such as acs:ram::123:role/x, a RAM user path): non-empty, at most
// maxRefLen bytes, no control characters.
func checkRef(name, v string) error {
	if v == "" {
		return fmt.Errorf("missing %s", name)
	}
	if len(v) > maxRefLen {
		return fmt.Errorf("%s is %d bytes, over the %d-byte limit", name, len(v), maxRefLen)
	}
	return checkChars(name, v)
}

// checkText validates optional human-written text.
func checkText(name, v string) error {
	if v == "" {
		return nil
	}
	if len(v) > maxTextLen {
		return fmt.Errorf("%s is %d bytes, over the %d-byte limit", name, len(v), maxTextLen)
	}
	return checkChars(name, v)
}

// checkSlug validates a lower-case token such as a region id ("cn-hangzhou",
// "ap-southeast-1") or a product code ("ecs", "oss"): a-z, 0-9, '-' and '_',
// starting with a letter or digit, at most 64 bytes.
func checkSlug(name, v string) error {
	if v == "" {
		return fmt.Errorf("missing %s", name)
	}
	if len(v) > 64 {
		return fmt.Errorf("%s is %d bytes, over the 64-byte limit", name, len(v))
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '-' || c == '_'))
		if !ok {
			return fmt.Errorf("%s %s: want lower-case letters, digits, '-' or '_'", name, short(v))
		}
	}
	return nil
}

// checkTime validates a required RFC 3339 timestamp written by this product.
// (Timestamps written by Alibaba Cloud are kept verbatim and not parsed: some
// are not RFC 3339, e.g. "2020-11-19T21:04:42.179PRC".)
func checkTime(name, v string) error {
	if v == "" {
		return fmt.Errorf("missing %s", name)
	}
	if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
		return fmt.Errorf("%s %s is not an RFC 3339 time", name, short(v))
	}
	return nil
}
