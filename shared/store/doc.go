// Package store keeps the service's state in Tablestore: tenants, scan tasks and their
// shards, findings, usage records, quota counters, assets and whitelist rules.
//
// A [Store] is a concrete type with business methods over the Tablestore Go SDK
// (github.com/aliyun/aliyun-tablestore-go-sdk v1.7.17). It is built from a real
// *tablestore.TableStoreClient, pointed at a Tablestore instance in production or at
// the local/otsim emulator in tests and demos:
//
//	st := store.New(client, nil)
//	created, err := st.RecordUsage(ctx, store.Usage{TenantID: "t1", Key: "task1/s3/ecs-001/i-1/scan", Operation: "scan"})
//
// The tables and their primary keys are defined once, in infra/tablestore/tables.json
// (see infra.Tables); [Store.CreateTables] creates them and is idempotent. Every table
// is partitioned by tenant_id, so a tenant's rows sit together and never mix.
//
// # Concurrency
//
// Shard claims and quota reservations are conditional writes, correct under any number
// of concurrent callers against the real service:
//
//   - A shard moves queued → running → done or failed. [Store.ClaimShard] succeeds if
//     the shard is queued, or running with an expired lease; it counts the attempt and
//     hands out a new lease id. Only the holder of the current lease may complete, fail
//     or release the shard, so a redelivered job cannot run a shard twice at once.
//   - [Store.ReserveQuota] adds to a counter only if the result stays within the cap,
//     by optimistic concurrency: it reads the counter and its version, writes the new
//     value on condition that the version is unchanged, and retries when it changed.
//   - [Store.RecordUsage] writes a usage record only if its idempotency key is new; a
//     duplicate is reported, not written twice.
//
// # Batches
//
// [Store.PutFindings], [Store.PutShards] and [Store.PutAssets] write at most 200 rows
// per BatchWriteRow request (the service's limit). A row that fails inside a batch for
// a transient reason is retried alone with bounded backoff; a row that fails for good
// is reported by key in the error. Input is validated as a whole before anything is
// written: a call with one bad row writes nothing.
//
// # Errors
//
// Errors are wrapped once with the operation and the row key
// ("store: claim shard t1/task1/s3: conflict: ...") and carry one of a small set of
// codes, tested with errors.Is: [ErrNotFound], [ErrConflict], [ErrInvalid] and
// [ErrExhausted]. When the cause is a service error, the SDK's *tablestore.OtsError is
// reachable with errors.As. The store never logs, and it never stores or reports
// credentials.
//
// The Tablestore SDK takes no context; methods check ctx before every request and
// between pages and retries, so cancellation stops a long call at the next request.
//
// The conformance suite in package storetest exercises every method; it runs against
// otsim by default and against a real instance when credentials are given.
package store
