package cloudsim

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Helpers for API objects kept as raw JSON.

// jsonString returns a JSON string's value, or "" for anything else.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// fields decodes the top level of an object; nil if raw is not an object.
func fields(raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// fieldString returns a top-level string field of an object ("" if absent
// or not a string). Numbers are returned in their JSON spelling.
func fieldString(raw json.RawMessage, name string) string {
	v := fields(raw)[name]
	if len(v) > 0 && v[0] != '"' && v[0] != '{' && v[0] != '[' && !bytes.Equal(v, []byte("null")) {
		return string(v)
	}
	return jsonString(v)
}

// decodeInto decodes raw into v, ignoring errors: the inventory was
// validated, and a field of an unexpected type simply stays zero.
func decodeInto(raw json.RawMessage, v any) { _ = json.Unmarshal(raw, v) }

// patch decodes an object, lets fn change it and re-encodes it. Numbers keep
// their exact spelling.
func patch(raw json.RawMessage, fn func(m map[string]any)) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		m = map[string]any{}
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

// without returns the object minus the named top-level fields, or raw itself
// when none of them is present.
func without(raw json.RawMessage, names ...string) json.RawMessage {
	m := fields(raw)
	found := false
	for _, n := range names {
		if _, ok := m[n]; ok {
			delete(m, n)
			found = true
		}
	}
	if !found {
		return raw
	}
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

// list is the {"<Item>": [...]} wrapper Alibaba APIs put around arrays.
func list(item string, objs []json.RawMessage) map[string][]json.RawMessage {
	if objs == nil {
		objs = []json.RawMessage{}
	}
	return map[string][]json.RawMessage{item: objs}
}

// jsonIDList parses a parameter holding a JSON array of strings, as
// InstanceIds and DiskIds are sent ("[\"i-1\",\"i-2\"]").
func jsonIDList(s string) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil, false
	}
	return out, true
}

func itoa(i int) string { return strconv.Itoa(i) }
