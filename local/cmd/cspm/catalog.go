package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cspm-alibaba/cspm/shared/catalog"
	"github.com/cspm-alibaba/cspm/shared/checks"
	"github.com/cspm-alibaba/cspm/shared/report"
)

// runCatalog lists the check items: cspm catalog [--framework F] [--product P]
// [--policy ID] [--format json|table|csv].
func runCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("catalog", stderr)
	framework := fs.String("framework", "", "only items mapped to this framework (cis-v2, cis-v1, mlps2-l3) or requirement (cis-v2:4.3)")
	product := fs.String("product", "", "only items of this product (ecs, oss, ram, ...)")
	policy := fs.String("policy", "", "only the items of this built-in policy (cis-v2, cis-v1, mlps-l3, all, free)")
	format := fs.String("format", "table", "output format: json, table or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + fs.Arg(0)}
	}
	f, err := report.ParseFormat(*format, report.JSON, report.Table, report.CSV)
	if err != nil {
		return usageError{err.Error()}
	}
	cat := checks.Catalog()
	items := cat.Items()
	if *policy != "" {
		p, err := cat.Policy(*policy)
		if err != nil {
			return usageError{err.Error()}
		}
		items = keep(items, func(it *catalog.Item) bool { return slices.Contains(p.Items, it.ID) })
	}
	if *framework != "" {
		fw, req, hasReq := strings.Cut(*framework, ":")
		if _, ok := catalog.FrameworkByID(fw); !ok {
			return usageError{fmt.Sprintf("unknown framework %q (want %s, %s or %s)", fw, catalog.CISv2, catalog.CISv1, catalog.MLPS3)}
		}
		if hasReq {
			if _, _, err := catalog.ParseRef(*framework); err != nil {
				return usageError{err.Error()}
			}
		}
		items = keep(items, func(it *catalog.Item) bool {
			refs := it.RefsTo(fw)
			return len(refs) > 0 && (!hasReq || slices.Contains(refs, req))
		})
	}
	if *product != "" {
		if !slices.Contains(catalog.Products, *product) {
			return usageError{fmt.Sprintf("unknown product %q (want one of %s)", *product, strings.Join(catalog.Products, ", "))}
		}
		items = keep(items, func(it *catalog.Item) bool { return it.Product == *product })
	}
	return report.Catalog(stdout, f, items)
}

func keep(items []catalog.Item, ok func(*catalog.Item) bool) []catalog.Item {
	var out []catalog.Item
	for i := range items {
		if ok(&items[i]) {
			out = append(out, items[i])
		}
	}
	return out
}
