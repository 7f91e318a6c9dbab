package otsim

import (
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// The benchmarks go through the real SDK over a loopback socket, so they
// measure the full request path (signing, HTTP, protobuf, PlainBuffer).

func BenchmarkPutRow(b *testing.B) {
	s := startServer(b, Options{})
	c := s.Client()
	createTable(b, c, "bench", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	columns := cols("sev", "high", "score", int64(7), "payload", "0123456789abcdef0123456789abcdef")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tryPut(c, "bench", key("id", int64(i)), columns, tablestore.RowExistenceExpectation_IGNORE, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkBatchWriteRow200(b *testing.B) {
	s := startServer(b, Options{})
	c := s.Client()
	createTable(b, c, "bench", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := &tablestore.BatchWriteRowRequest{}
		for j := 0; j < 200; j++ {
			req.AddRowChange(putChange("bench", key("id", int64(i*200+j)), tablestore.RowExistenceExpectation_IGNORE, "v", int64(j), "s", "value"))
		}
		resp, err := c.BatchWriteRow(req)
		if err != nil {
			b.Fatal(err)
		}
		if r := resp.TableToRowsResult["bench"]; len(r) != 200 || !r[199].IsSucceed {
			b.Fatalf("unexpected batch result: %d rows", len(r))
		}
	}
	b.ReportMetric(float64(200*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkGetRange(b *testing.B) {
	s := startServer(b, Options{})
	c := s.Client()
	createTable(b, c, "bench", pkCol{"id", tablestore.PrimaryKeyType_INTEGER})
	const n = 20000
	fillTable(b, c, "bench", n, intRow)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for i := 0; i < b.N; i++ {
		from := int64((i * 1000) % (n - 1000))
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: "bench", StartPrimaryKey: key("id", from), EndPrimaryKey: maxKey("id"),
			Direction: tablestore.FORWARD, MaxVersion: 1, Limit: 1000}})
		if err != nil {
			b.Fatal(err)
		}
		rows += len(resp.Rows)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
