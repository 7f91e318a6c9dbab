package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/cspm-alibaba/cspm/infra"
	"github.com/cspm-alibaba/cspm/local/otsim"
	"github.com/cspm-alibaba/cspm/shared/store"
	"github.com/cspm-alibaba/cspm/shared/store/storetest"
	"github.com/golang/protobuf/proto"
)

// faults is a RoundTripper between the SDK and otsim that injects the failures real
// Tablestore produces under load: per-row errors inside a BatchWriteRow response,
// errors on single-row writes, and whole batch requests refused.
type faults struct {
	base http.RoundTripper
	faultConfig

	mu      sync.Mutex
	batches int // BatchWriteRow requests seen
	singles int // PutRow/UpdateRow requests seen
}

func (f *faults) RoundTrip(req *http.Request) (*http.Response, error) {
	path := req.URL.Path
	f.mu.Lock()
	switch path {
	case "/BatchWriteRow":
		f.batches++
	case "/PutRow", "/UpdateRow":
		f.singles++
	}
	refuse := path == "/BatchWriteRow" && f.batches <= f.refuse
	f.mu.Unlock()
	if refuse {
		return otsErrorResponse(req, http.StatusServiceUnavailable, "OTSServerUnavailable")
	}
	if (path == "/PutRow" || path == "/UpdateRow") && f.singleCode != "" {
		return otsErrorResponse(req, http.StatusInternalServerError, f.singleCode)
	}
	resp, err := f.base.RoundTrip(req)
	if err != nil || path != "/BatchWriteRow" || f.rowCode == "" || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var m otsprotocol.BatchWriteRowResponse
	if err := proto.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	for _, tb := range m.Tables {
		if len(tb.Rows) < f.every {
			continue // a resend of the failed rows by the SDK: let it through
		}
		for i, r := range tb.Rows {
			if i%f.every == 0 {
				r.IsOk = proto.Bool(false)
				r.Error = &otsprotocol.Error{Code: proto.String(f.rowCode), Message: proto.String("injected")}
				r.Row = nil
			}
		}
	}
	out, err := proto.Marshal(&m)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
	return resp, nil
}

func otsErrorResponse(req *http.Request, status int, code string) (*http.Response, error) {
	b, err := proto.Marshal(&otsprotocol.Error{Code: proto.String(code), Message: proto.String("injected")})
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: status, Header: http.Header{"X-Ots-Requestid": {"injected"}},
		Body: io.NopCloser(bytes.NewReader(b)), ContentLength: int64(len(b)), Request: req}, nil
}

func (f *faults) counts() (batches, singles int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.batches, f.singles
}

// faultConfig says which failures to inject.
type faultConfig struct {
	rowCode    string // injected into BatchWriteRow responses of at least `every` rows, for rows with index%every == 0
	every      int
	singleCode string // answered to every single-row PutRow/UpdateRow instead of forwarding it
	refuse     int    // the first `refuse` BatchWriteRow requests are answered 503 OTSServerUnavailable
}

// TestBatchFaults checks how PutFindings handles failures inside and around batches:
// transient row failures are retried alone, permanent ones reported, retries bounded.
func TestBatchFaults(t *testing.T) {
	cases := []struct {
		name        string
		f           faultConfig
		want        store.WriteStats
		wantErr     error  // code; nil for success
		wantMsg     string // in the error
		wantSingles int    // single-row requests sent
		wantOts     string // the OtsError code reachable from the error
	}{
		{name: "transient row failures are retried alone",
			f:    faultConfig{rowCode: "OTSInternalServerError", every: 50},
			want: store.WriteStats{Written: 450, Requests: 3, Retried: 9}, wantSingles: 9},
		{name: "row failures the SDK resends itself",
			f:    faultConfig{rowCode: "OTSServerBusy", every: 50},
			want: store.WriteStats{Written: 450, Requests: 3}},
		{name: "permanent row failures are reported, not retried",
			f:       faultConfig{rowCode: "OTSParameterInvalid", every: 50},
			want:    store.WriteStats{Written: 441, Requests: 3},
			wantErr: store.ErrInvalid, wantMsg: "9 of 450 rows not written", wantOts: "OTSParameterInvalid"},
		{name: "a row that keeps failing is given up",
			f:       faultConfig{rowCode: "OTSInternalServerError", every: 50, singleCode: "OTSInternalServerError"},
			want:    store.WriteStats{Written: 441, Requests: 3, Retried: 9},
			wantMsg: "gave up after 3 retries", wantSingles: 27, wantOts: "OTSInternalServerError"},
		{name: "a refused batch request is resent",
			f:    faultConfig{refuse: 2},
			want: store.WriteStats{Written: 450, Requests: 5}},
		{name: "a batch request refused every time is given up, rows not sent alone",
			f:       faultConfig{refuse: 1000},
			want:    store.WriteStats{Requests: 12},
			wantMsg: "450 of 450 rows not written", wantOts: "OTSServerUnavailable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, err := otsim.NewServer(otsim.Options{Listen: "127.0.0.1:0"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			f := &faults{base: http.DefaultTransport, faultConfig: c.f}
			cfg := tablestore.NewDefaultTableStoreConfig()
			cfg.Transport = f
			cfg.MaxRetryTime = 2 * time.Second
			client := tablestore.NewClientWithConfig(srv.URL(), otsim.DefaultInstance, otsim.DefaultAccessKeyID, otsim.DefaultAccessKeySecret, "", cfg)
			clock := storetest.NewClock()
			st := storetest.NewStore(t, client, &store.Options{Now: clock.Now, MaxRowRetries: 3, RetryBackoff: time.Millisecond, BatchConcurrency: 1}, "cspm_findings")
			f.mu.Lock()
			f.batches, f.singles = 0, 0 // table setup does not count
			f.mu.Unlock()

			fs := findings(450, clock.Now())
			stats, err := st.PutFindings(context.Background(), fs)
			if stats != c.want {
				t.Errorf("PutFindings(450) stats = %+v; want %+v", stats, c.want)
			}
			switch {
			case c.wantErr == nil && c.wantMsg == "" && err != nil:
				t.Fatalf("PutFindings(450) = %v; want no error", err)
			case c.wantErr != nil && !errors.Is(err, c.wantErr):
				t.Fatalf("PutFindings(450) = %v; want %v", err, c.wantErr)
			case c.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), c.wantMsg)):
				t.Fatalf("PutFindings(450) = %v; want an error containing %q", err, c.wantMsg)
			}
			if err != nil {
				var oe *tablestore.OtsError
				if !errors.As(err, &oe) || oe.Code != c.wantOts {
					t.Errorf("PutFindings error %v: want *tablestore.OtsError %s reachable with errors.As", err, c.wantOts)
				}
			}
			if _, singles := f.counts(); singles != c.wantSingles {
				t.Errorf("single-row requests = %d; want %d", singles, c.wantSingles)
			}
		})
	}
}

// findings returns n findings of tenant acme seen at `at`.
func findings(n int, at time.Time) []store.Finding {
	out := make([]store.Finding, n)
	for i := range out {
		out[i] = store.Finding{TenantID: "acme", ItemID: "ecs-" + strconv.Itoa(1000+i%37), InstanceID: "i-" + strconv.Itoa(100000+i),
			Site: "cn", Region: "cn-hangzhou", Product: "ecs", Status: "fail", Severity: "medium", Category: "network",
			Title: "Security group allows 0.0.0.0/0", Evidence: `{"port":22}`, FirstSeen: at, LastSeen: at, TaskID: "task1"}
	}
	return out
}

// TestCreateAllTables: CreateTables creates every table of infra.Tables() with its TTL
// and max versions, and a second call changes nothing.
func TestCreateAllTables(t *testing.T) {
	client := newOtsim(t)
	st := storetest.NewStore(t, client, nil)
	tables, err := infra.Tables()
	if err != nil {
		t.Fatal(err)
	}
	list, err := client.ListTable()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range list.TableNames {
		have[n] = true
	}
	for _, tb := range tables {
		if !have[st.TableName(tb.Name)] {
			t.Errorf("table %s was not created", st.TableName(tb.Name))
		}
		desc, err := client.DescribeTable(&tablestore.DescribeTableRequest{TableName: st.TableName(tb.Name)})
		if err != nil {
			t.Fatalf("DescribeTable(%s): %v", tb.Name, err)
		}
		if desc.TableOption.TimeToAlive != tb.TTLSeconds || desc.TableOption.MaxVersion != tb.MaxVersions {
			t.Errorf("table %s: TTL %d, max versions %d; want %d, %d", tb.Name, desc.TableOption.TimeToAlive,
				desc.TableOption.MaxVersion, tb.TTLSeconds, tb.MaxVersions)
		}
	}
	if err := st.CreateTables(context.Background(), tables); err != nil {
		t.Errorf("CreateTables a second time = %v; want nil (idempotent)", err)
	}
}
