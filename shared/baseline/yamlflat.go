package baseline

import "strings"

// flattenYAML reads the block-mapping subset of YAML that service configs use
// (kubelet config, mongod.conf, elasticsearch.yml) into dotted keys → scalar
// values. Sequences are kept as their raw text; flow collections are not parsed.
func flattenYAML(text string) map[string]string {
	out := map[string]string{}
	type level struct {
		indent int
		key    string
	}
	var stack []level
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimRight(raw, " \t\r")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || t == "---" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		if strings.HasPrefix(t, "- ") {
			if len(stack) > 0 {
				k := stack[len(stack)-1].key
				out[k] = strings.TrimSpace(out[k] + " " + strings.TrimPrefix(t, "- "))
			}
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		if i := strings.Index(v, " #"); i >= 0 {
			v = v[:i]
		}
		k, v = strings.TrimSpace(k), unquote(strings.TrimSpace(v))
		full := k
		if len(stack) > 0 {
			full = stack[len(stack)-1].key + "." + k
		}
		if v == "" {
			stack = append(stack, level{indent, full})
			continue
		}
		out[full] = v
	}
	return out
}
