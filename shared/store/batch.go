package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Batch limits: Tablestore takes at most 200 rows and 4 MB per BatchWriteRow. Chunks
// stay under 3 MB of estimated row data to leave room for framing.
const (
	maxBatchRows  = 200
	maxBatchBytes = 3 << 20
	maxRetryWait  = time.Second
	maxFlips      = 3
)

// WriteStats says what one batch write did.
type WriteStats struct {
	Written  int // rows written
	Skipped  int // rows left as they were: create-only writes of rows that already exist
	Requests int // BatchWriteRow requests sent (not counting the SDK's own transparent resends)
	Retried  int // rows that failed inside a batch and were retried alone
}

func (w *WriteStats) add(o WriteStats) {
	w.Written += o.Written
	w.Skipped += o.Skipped
	w.Requests += o.Requests
	w.Retried += o.Retried
}

// writeOp is one row of a batch write.
type writeOp struct {
	key    string // "tenant/…" for messages
	change tablestore.RowChange
	size   int
	// onCondition says what a failed row condition means: it returns the change to
	// write instead (in the next pass), or nil to count the row as skipped. When
	// onCondition itself is nil, a failed condition is an error.
	onCondition func() tablestore.RowChange
	flips       int
	// result and err are what became of the row: done, skipped or failed.
	result outcome
	err    error
}

// outcome of one row after a batch.
type outcome int

const (
	done outcome = iota
	skipped
	again  // write op.change in the next pass
	alone  // retry alone
	failed // final error
)

// requestError is the error of a BatchWriteRow request that failed as a whole (after
// its resends), given to each of its rows.
type requestError struct{ err error }

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// rowFailure is a row that was not written.
type rowFailure struct {
	key string
	err error
}

// writeBatch writes ops in BatchWriteRow requests of at most 200 rows, several in
// flight. Rows that fail for a transient reason are retried alone with bounded
// backoff; rows whose condition failed are handled by their onCondition, re-batched.
// The error names how many rows were not written and the first of them.
func (s *Store) writeBatch(ctx context.Context, op string, ops []*writeOp) (WriteStats, error) {
	var (
		stats WriteStats
		fails []rowFailure
	)
	pending := ops
	for len(pending) > 0 {
		chunks := chunk(pending)
		results := make([][]error, len(chunks))
		var mu sync.Mutex
		s.parallel(len(chunks), func(i int) {
			errs, reqs := s.sendChunk(ctx, chunks[i])
			results[i] = errs
			mu.Lock()
			stats.Requests += reqs
			mu.Unlock()
		})
		var next, lone []*writeOp
		for i, c := range chunks {
			for j, w := range c {
				o, err := s.settle(w, results[i][j])
				w.result, w.err = o, err
				switch o {
				case done:
					stats.Written++
				case skipped:
					stats.Skipped++
				case again:
					next = append(next, w)
				case alone:
					lone = append(lone, w)
				case failed:
					fails = append(fails, rowFailure{w.key, err})
				}
			}
		}
		stats.Retried += len(lone)
		loneErr := make([]error, len(lone))
		loneOut := make([]outcome, len(lone))
		s.parallel(len(lone), func(i int) { loneOut[i], loneErr[i] = s.writeAlone(ctx, lone[i]) })
		for i, w := range lone {
			w.result, w.err = loneOut[i], loneErr[i]
			switch loneOut[i] {
			case done:
				stats.Written++
			case skipped:
				stats.Skipped++
			default:
				fails = append(fails, rowFailure{w.key, loneErr[i]})
			}
		}
		pending = next
	}
	if len(fails) > 0 {
		return stats, fail(fmt.Sprintf("%s: %d of %d rows not written; first %s", op, len(fails), len(ops), fails[0].key), fails[0].err)
	}
	return stats, nil
}

// settle decides what happens next to a row given its error in a batch.
func (s *Store) settle(w *writeOp, err error) (outcome, error) {
	switch {
	case err == nil:
		return done, nil
	case errors.As(err, new(*requestError)):
		return failed, err // the whole request kept failing: no point sending each row alone
	case isConditionFailed(err) && w.onCondition != nil:
		if w.flips >= maxFlips {
			return failed, err
		}
		w.flips++
		c := w.onCondition()
		if c == nil {
			return skipped, nil
		}
		w.change = c
		return again, nil
	case retryable(err):
		return alone, err
	default:
		return failed, err
	}
}

// writeAlone retries one row in its own request with backoff, at most MaxRowRetries
// times.
func (s *Store) writeAlone(ctx context.Context, w *writeOp) (outcome, error) {
	var err error
	for attempt := 0; attempt < s.opts.MaxRowRetries; attempt++ {
		if err := sleep(ctx, backoff(s.opts.RetryBackoff, maxRetryWait, attempt)); err != nil {
			return failed, err
		}
		err = s.writeOne(ctx, w.change)
		o, err2 := s.settle(w, err)
		switch o {
		case done, skipped, failed:
			return o, err2
		}
		// again (the change flipped) or alone (transient): go round.
	}
	return failed, fmt.Errorf("gave up after %d retries: %w", s.opts.MaxRowRetries, err)
}

// writeOne sends one row change in its own request.
func (s *Store) writeOne(ctx context.Context, c tablestore.RowChange) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var err error
	switch c := c.(type) {
	case *tablestore.PutRowChange:
		_, err = s.client.PutRow(&tablestore.PutRowRequest{PutRowChange: c})
	case *tablestore.UpdateRowChange:
		_, err = s.client.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: c})
	case *tablestore.DeleteRowChange:
		_, err = s.client.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: c})
	default:
		err = fmt.Errorf("unsupported row change %T", c)
	}
	return err
}

// sendChunk sends one BatchWriteRow and returns each row's error (nil = written) and
// the number of requests sent. A request that fails as a whole for a transient reason
// is resent with backoff; if it keeps failing, every row gets its error.
func (s *Store) sendChunk(ctx context.Context, ops []*writeOp) (errs []error, requests int) {
	errs = make([]error, len(ops))
	var err error
	var resp *tablestore.BatchWriteRowResponse
	for attempt := 0; ; attempt++ {
		if err = ctx.Err(); err != nil {
			break
		}
		req := &tablestore.BatchWriteRowRequest{}
		for _, w := range ops {
			req.AddRowChange(w.change)
		}
		requests++
		resp, err = s.client.BatchWriteRow(req)
		if err == nil || !retryable(err) || attempt >= s.opts.MaxRowRetries {
			break
		}
		if err = sleep(ctx, backoff(s.opts.RetryBackoff, maxRetryWait, attempt)); err != nil {
			break
		}
	}
	if err != nil {
		for i := range errs {
			errs[i] = &requestError{err}
		}
		return errs, requests
	}
	// Results come per table, indexed in the order rows were added for that table.
	next := map[string]int{}
	for i, w := range ops {
		name := w.change.GetTableName()
		idx := next[name]
		next[name]++
		results := resp.TableToRowsResult[name]
		var res *tablestore.RowResult
		for k := range results {
			if int(results[k].Index) == idx {
				res = &results[k]
				break
			}
		}
		switch {
		case res == nil:
			errs[i] = fmt.Errorf("no result for row %d of table %s in the BatchWriteRow response", idx, name)
		case !res.IsSucceed:
			errs[i] = rowError(res.Error)
		}
	}
	return errs, requests
}

// chunk splits ops into batches of at most maxBatchRows rows and maxBatchBytes bytes.
func chunk(ops []*writeOp) [][]*writeOp {
	var out [][]*writeOp
	start, bytes := 0, 0
	for i, w := range ops {
		if i > start && (i-start >= maxBatchRows || bytes+w.size > maxBatchBytes) {
			out = append(out, ops[start:i])
			start, bytes = i, 0
		}
		bytes += w.size
	}
	if start < len(ops) {
		out = append(out, ops[start:])
	}
	return out
}

// parallel runs fn(0..n-1) with at most BatchConcurrency calls at once and waits.
func (s *Store) parallel(n int, fn func(i int)) {
	if n == 1 {
		fn(0)
		return
	}
	sem := make(chan struct{}, s.opts.BatchConcurrency)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

// opSize estimates a row's bytes on the wire for chunking.
func opSize(key []string, cols []col) int {
	n := 64
	for _, k := range key {
		n += len(k) + 16
	}
	for _, c := range cols {
		n += c.size()
	}
	return n
}
