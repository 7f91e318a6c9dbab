package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// MaxAsyncPayload is Function Compute's limit on an asynchronous invocation
// payload (128 KiB); timer payloads share it. Every event this product
// handles is far smaller, so the Decode functions refuse bigger input rather
// than parse it.
const MaxAsyncPayload = 128 << 10

// ErrTooLarge is returned (wrapped) for input over MaxAsyncPayload.
var ErrTooLarge = errors.New("payload too large")

// ErrEmptyBatch is returned (wrapped) for an event-streaming batch with no events.
var ErrEmptyBatch = errors.New("empty batch")

// checkSize refuses payloads over MaxAsyncPayload.
func checkSize(b []byte) error {
	if len(b) > MaxAsyncPayload {
		return fmt.Errorf("%w: %d bytes, over the %d-byte Function Compute async limit (MaxAsyncPayload)",
			ErrTooLarge, len(b), MaxAsyncPayload)
	}
	return nil
}

// member is one name/value pair of a JSON object, in document order.
type member struct {
	key string
	raw json.RawMessage
}

// jsonKind names the kind of the JSON value b starts with, for messages.
func jsonKind(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return "invalid JSON"
}

// isNull reports whether raw is absent or the JSON literal null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// syntaxError turns errors from encoding/json's decoder into a message that
// says where the input went wrong.
func syntaxError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("invalid JSON: unexpected end of input (truncated?)")
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return describeJSONError(err)
}

// describeJSONError rewrites encoding/json type errors so they name the
// field by its JSON name and say what was expected.
func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		want := "a " + te.Type.String()
		switch te.Type.Kind() {
		case reflect.String:
			want = "a string"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			want = "an integer"
		case reflect.Bool:
			want = "a boolean"
		case reflect.Slice, reflect.Array:
			want = "an array"
		case reflect.Map, reflect.Struct:
			want = "an object"
		}
		if te.Field == "" {
			return fmt.Errorf("got JSON %s, want %s", te.Value, want)
		}
		return fmt.Errorf("field %q: got JSON %s, want %s", te.Field, te.Value, want)
	case errors.As(err, &se):
		return syntaxError(err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return syntaxError(err)
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// objectMembers splits b, which must hold exactly one JSON object and nothing
// after it, into its members. Duplicate names are an error: encoding/json
// would silently keep the last one, which hides smuggled values.
func objectMembers(b []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty payload, want a JSON object")
	}
	if err != nil {
		return nil, syntaxError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("got %s, want a JSON object", jsonKind(b))
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err)
		}
		key, ok := tok.(string)
		if !ok { // unreachable: the decoder rejects non-string keys itself
			return nil, fmt.Errorf("invalid JSON: object key is %v", tok)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(err)
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate field %q", key)
		}
		seen[key] = true
		out = append(out, member{key: key, raw: raw})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxError(err)
	}
	if err := expectEOF(dec); err != nil {
		return nil, err
	}
	return out, nil
}

// arrayElements splits b, which must hold exactly one JSON array and nothing
// after it, into its elements.
func arrayElements(b []byte) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty payload, want a JSON array")
	}
	if err != nil {
		return nil, syntaxError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("got %s, want a JSON array", jsonKind(b))
	}
	var out []json.RawMessage
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(err)
		}
		out = append(out, raw)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, syntaxError(err)
	}
	if err := expectEOF(dec); err != nil {
		return nil, err
	}
	return out, nil
}

func expectEOF(dec *json.Decoder) error {
	off := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("invalid JSON: unexpected data after the value at byte %d", off)
	}
	return nil
}

// jsonNames lists the JSON member names of struct type t (from its json tags).
var jsonNames sync.Map // reflect.Type -> []string

func fieldNames(t reflect.Type) []string {
	if v, ok := jsonNames.Load(t); ok {
		return v.([]string)
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	jsonNames.Store(t, names)
	return names
}

// decodeStrict decodes one JSON object from b into v (a pointer to struct).
// Member names must match v's json tags exactly (encoding/json alone would
// accept "TENANT_ID" for "tenant_id"), unknown and duplicate members are
// errors, and nothing may follow the object.
func decodeStrict(b []byte, v any) error {
	members, err := objectMembers(b)
	if err != nil {
		return err
	}
	known := fieldNames(reflect.TypeOf(v).Elem())
	for _, m := range members {
		if !slices.Contains(known, m.key) {
			return fmt.Errorf("unknown field %q (known fields: %s)", m.key, strings.Join(known, ", "))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err)
	}
	return nil
}

// decodeLoose decodes one JSON object from b into v (a pointer to struct),
// ignoring members v does not model. Used for data owned by Alibaba Cloud,
// which gains fields over time. The object must still be well formed and
// free of duplicate names, and only exact (case-sensitive) names are used:
// encoding/json alone would let "EventName" fill eventName.
func decodeLoose(b []byte, v any) error {
	members, err := objectMembers(b)
	if err != nil {
		return err
	}
	known := fieldNames(reflect.TypeOf(v).Elem())
	var buf bytes.Buffer
	buf.WriteByte('{')
	for _, m := range members {
		if !slices.Contains(known, m.key) {
			continue
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(m.raw)
	}
	buf.WriteByte('}')
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return describeJSONError(err)
	}
	return nil
}
