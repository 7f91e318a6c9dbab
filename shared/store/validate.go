package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyBytes is the longest key (tenant id, task id, item id, …) the store accepts.
const MaxKeyBytes = 255

// maxValueBytes bounds one string column; Tablestore's limit is 2 MB.
const maxValueBytes = 2 << 20

// checker collects what is wrong with one input row, naming each field.
type checker struct{ errs []error }

func (c *checker) key(field, v string) {
	switch {
	case v == "":
		c.errs = append(c.errs, fmt.Errorf("%s is empty", field))
	case len(v) > MaxKeyBytes:
		c.errs = append(c.errs, fmt.Errorf("%s is %d bytes; at most %d", field, len(v), MaxKeyBytes))
	case strings.IndexByte(v, 0) >= 0:
		c.errs = append(c.errs, fmt.Errorf("%s %q contains NUL", field, v))
	case !utf8.ValidString(v):
		c.errs = append(c.errs, fmt.Errorf("%s %q is not UTF-8", field, v))
	}
}

func (c *checker) text(field, v string) {
	switch {
	case len(v) > maxValueBytes:
		c.errs = append(c.errs, fmt.Errorf("%s is %d bytes; at most %d", field, len(v), maxValueBytes))
	case !utf8.ValidString(v):
		c.errs = append(c.errs, fmt.Errorf("%s is not UTF-8", field))
	}
}

// required is text that must not be empty.
func (c *checker) required(field, v string) {
	if v == "" {
		c.errs = append(c.errs, fmt.Errorf("%s is empty", field))
		return
	}
	c.text(field, v)
}

// json is text that, when set, must be one valid JSON value.
func (c *checker) json(field, v string) {
	c.text(field, v)
	if v != "" && !json.Valid([]byte(v)) {
		c.errs = append(c.errs, fmt.Errorf("%s is not valid JSON", field))
	}
}

func (c *checker) check(ok bool, format string, args ...any) {
	if !ok {
		c.errs = append(c.errs, fmt.Errorf(format, args...))
	}
}

// err returns nil or "store: <op>: invalid: <what>: <problem>; <problem>".
func (c *checker) err(op, what string) error {
	if len(c.errs) == 0 {
		return nil
	}
	msgs := make([]string, len(c.errs))
	for i, e := range c.errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("store: %s: %w: %s: %s", op, ErrInvalid, what, strings.Join(msgs, "; "))
}

// keyPath joins row key parts for messages: "t1/task1/s3". A part that is not
// printable UTF-8 is quoted, so a bad key cannot garble a log line.
func keyPath(parts ...string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p
		if !utf8.ValidString(p) || strings.IndexFunc(p, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			out[i] = strconv.Quote(p)
		}
	}
	return strings.Join(out, "/")
}

func itoa(i int) string { return fmt.Sprint(i) }
