// Package otsim is an in-process emulator of Alibaba Cloud Tablestore (OTS)
// wide-column tables. It serves the real wire protocol (POST + protobuf bodies
// from tablestore/otsprotocol, rows in PlainBuffer) over HTTP, so the
// unmodified Go SDK talks to it:
//
//	srv, err := otsim.NewServer(otsim.Options{})
//	...
//	defer srv.Close()
//	client := srv.Client() // or tablestore.NewClient(srv.URL(), "cspm-local", "cspm-local-ak", "cspm-local-secret")
//
// # Supported
//
// Table operations: CreateTable (1–4 primary key columns of type INTEGER,
// STRING or BINARY; defined columns; TTL, max versions and reserved
// throughput are stored and returned), DescribeTable, ListTable, DeleteTable
// and UpdateTable (TTL, max versions, deviation, reserved throughput).
//
// Row operations: PutRow, GetRow, UpdateRow (PUT, DELETE_ONE, DELETE_ALL and
// INCREMENT; RT_PK and RT_AFTER_MODIFY return content), DeleteRow,
// BatchWriteRow (≤200 rows, per-row results and conditions, is_atomic as
// all-or-nothing), BatchGetRow (≤100 rows, per-row results) and GetRange
// (FORWARD/BACKWARD, INF_MIN/INF_MAX bounds, limit, next_start_primary_key,
// pages capped at 5,000 rows or 4 MB). Reads support columns_to_get,
// time_range, start/end column, and filters (single/composite, plus a
// top-level column pagination filter). As on the service, a read filter sees
// only the projected columns: a filter column left out of columns_to_get
// counts as missing. A row none of whose requested attribute columns exist
// is not returned.
//
// Conditions: row existence IGNORE / EXPECT_EXIST / EXPECT_NOT_EXIST plus a
// column condition built from single-column filters (all six comparators,
// filter_if_missing) combined with NOT/AND/OR. A failed condition answers
// 403 OTSConditionCheckFail "Condition check failed." A column condition may
// be combined with increments in one UpdateRow, which makes capped counters
// (quotas) linearizable: every row write runs under one lock.
//
// Values: INTEGER, DOUBLE, BOOLEAN, STRING and BINARY. Only the latest
// version of each cell is kept; timestamps are milliseconds. INCREMENT treats
// a missing column as 0 and rejects non-INTEGER columns and overflow with
// OTSParameterInvalid.
//
// Errors follow the service: protobuf otsprotocol.Error bodies with
// OTSObjectNotExist (404), OTSObjectAlreadyExist (409), OTSParameterInvalid
// (400), OTSConditionCheckFail (403), OTSAuthFailed (403: unknown access key,
// wrong instance, body MD5 mismatch, bad signature), OTSUnsupportOperation
// (400, unimplemented URIs), OTSQuotaExhausted (403, more than 64 tables),
// OTSMethodNotAllowed (405, non-POST) and OTSRequestBodyTooLarge (413, bodies
// over 8 MB). Every response carries x-ots-requestid.
//
// Limits mirror the service: BatchWriteRow ≤200 rows (duplicate keys in one
// batch are rejected), BatchGetRow ≤100 rows, GetRange pages ≤5,000 rows or
// 4 MB, primary key values ≤1 KB, attribute values ≤2 MB, ≤1,024 columns per
// write, TTL -1 or ≥86,400 s.
//
// Requests are authenticated like the service does: the signature is
// base64(HMAC-SHA1(secret, path + "\nPOST\n\n" + the sorted x-ots-* headers
// other than x-ots-signature as "name:value\n")) and x-ots-contentmd5 must
// match the body. x-ots-date is signed but not parsed, because the SDK formats
// it with a broken layout. The SDK does not verify response signatures, so
// none is sent.
//
// PlainBuffer input is decoded by a bounds-checked decoder that verifies the
// CRC-8 checksums; malformed input answers OTSParameterInvalid and writes
// nothing. Output carries correct checksums.
//
// With Options.DataFile the state is loaded at start and saved atomically
// (gob behind an "otsim-data" header, written to a temporary file and renamed)
// 100 ms after writes and on Close.
//
// # Not supported
//
// Search indexes, secondary indexes, SQL, streams, tunnels, local
// transactions, timeseries tables, AUTO_INCREMENT primary keys, multiple
// versions per cell (max_versions is stored but one version is kept), TTL
// expiry, value_trans_rule (regex) filters, range tokens and
// return_entire_primary_keys=false (the whole key is always returned).
package otsim
