package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
)

// cis maps CIS recommendations to both benchmark versions (their IDs are the
// same; only 1.13 differs, and its two items use cisV2/cisV1).
func cis(ids ...string) []string {
	out := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		out = append(out, catalog.CISv2+":"+id)
	}
	for _, id := range ids {
		out = append(out, catalog.CISv1+":"+id)
	}
	return out
}

func cisV2(id string) []string { return []string{catalog.CISv2 + ":" + id} }
func cisV1(id string) []string { return []string{catalog.CISv1 + ":" + id} }

// mlps maps MLPS 2.0 level 3 clauses ("8.1.4.1 a)").
func mlps(clauses ...string) []string {
	out := make([]string, len(clauses))
	for i, c := range clauses {
		out[i] = catalog.MLPS3 + ":" + c
	}
	return out
}

// refs joins reference groups.
func refs(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
