package baseline

import (
	"sort"
	"time"
)

var timeNow = time.Now

func sortStrings(s []string) { sort.Strings(s) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func nowUnix() int64 { return timeNow().Unix() }
