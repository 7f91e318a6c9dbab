package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Bill is the metered usage of one tenant for one period on one site under one billing
// method, as the billing job (meter-quota) wrote it. The key is (TenantID, BillID);
// BillID is "<period>/<start>/<site>/<method>" (quota.Bill.ID).
type Bill struct {
	TenantID string
	BillID   string
	Period   string // hour, day or month
	Start    time.Time
	End      time.Time
	Site     string
	Method   string // subscription or payg
	Units    int64
	Records  int
	// Lines is the bill by operation and item, one JSON array.
	Lines string
	// Reconciled says how the billing job found the quota counter against the usage
	// records when it wrote the bill: "ok", or the mismatch.
	Reconciled string
	UpdatedAt  time.Time // set by PutBills
}

func (b Bill) key() []string { return []string{b.TenantID, b.BillID} }

// PutBills creates or replaces bills. A closed period's bill is written again when
// the job runs again (a usage record settled late changes it), so the last write
// wins. All bills are validated first; one bad bill fails the call with ErrInvalid and
// writes nothing.
func (s *Store) PutBills(ctx context.Context, bs []Bill) (WriteStats, error) {
	const op = "put bills"
	seen := make(map[[2]string]int, len(bs))
	for i, b := range bs {
		var c checker
		c.key("tenant_id", b.TenantID)
		c.key("bill_id", b.BillID)
		for _, x := range []struct{ name, v string }{
			{"period", b.Period}, {"site", b.Site}, {"method", b.Method}, {"reconciled", b.Reconciled},
		} {
			c.text(x.name, x.v)
		}
		c.json("lines", b.Lines)
		c.check(b.Units >= 0 && b.Records >= 0, "negative units %d or records %d", b.Units, b.Records)
		c.check(b.Start.Before(b.End), "start %s is not before end %s", b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339))
		k := [2]string{b.TenantID, b.BillID}
		if j, dup := seen[k]; dup {
			c.check(false, "same key as bill %d", j)
		}
		seen[k] = i
		if err := c.err(op, fmt.Sprintf("bill %d %s", i, keyPath(b.key()...))); err != nil {
			return WriteStats{}, err
		}
	}
	now := millis(s.now())
	ops := make([]*writeOp, len(bs))
	for i, b := range bs {
		cols := []col{
			{"period", b.Period}, {"start", millis(b.Start)}, {"end", millis(b.End)}, {"site", b.Site},
			{"method", b.Method}, {"units", b.Units}, {"records", int64(b.Records)}, {"lines", b.Lines},
			{"reconciled", b.Reconciled}, {"updated_at", now},
		}
		ops[i] = &writeOp{
			key:    keyPath(b.key()...),
			change: s.putChange(billsTable, b.key(), cols, tablestore.RowExistenceExpectation_IGNORE),
			size:   opSize(b.key(), cols),
		}
	}
	if len(ops) == 0 {
		return WriteStats{}, nil
	}
	return s.writeBatch(ctx, op, ops)
}

// ListBills returns a tenant's bills in key order (period, then start, site, method).
func (s *Store) ListBills(ctx context.Context, tenantID string) ([]Bill, error) {
	const op = "list bills"
	var c checker
	c.key("tenant_id", tenantID)
	if err := c.err(op, tenantID); err != nil {
		return nil, err
	}
	var out []Bill
	err := s.scan(ctx, billsTable, []string{tenantID}, nil, func(r row) error {
		out = append(out, Bill{
			TenantID: r.str("tenant_id"), BillID: r.str("bill_id"), Period: r.str("period"),
			Start: r.time("start"), End: r.time("end"), Site: r.str("site"), Method: r.str("method"),
			Units: r.int("units"), Records: int(r.int("records")), Lines: r.str("lines"),
			Reconciled: r.str("reconciled"), UpdatedAt: r.time("updated_at"),
		})
		return nil
	})
	if err != nil {
		return nil, fail(op+" "+tenantID, err)
	}
	return out, nil
}
