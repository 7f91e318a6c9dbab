// Package event holds the typed events of the CSPM functions on Function
// Compute: what the triggers deliver and the jobs the functions pass to each
// other through MNS queues.
//
// Trigger payloads:
//   - Timer: FC's timer trigger ({"triggerTime","triggerName","payload"}).
//   - CloudEvent: the EventBridge CloudEvents 1.0 envelope. MNS queue
//     triggers deliver a JSON array of them in event-streaming mode and a
//     single object in event mode; DecodeCloudEvents accepts both.
//   - MNSMessage: the data of an "mns:Queue:SendMessage" CloudEvent. Its
//     Body is JSON, or base64 of JSON when the trigger does not decode it.
//   - ActionTrail: an ActionTrail write event delivered through EventBridge
//     ("actiontrail:ActionTrail:ApiCall", "oss:ActionTrail:ApiCall", ...).
//
// The product's own messages:
//   - ShardJob (schedule-scan → run-check-shard) and FixJob
//     (run-check-shard or the CLI → remediate), sent as MNS message bodies.
//     ShardJobs and FixJobs decode a whole trigger delivery down to jobs.
//   - ScanRequest: an on-demand scan. DecodeScheduleInput tells a timer, an
//     ActionTrail change and a scan request apart.
//
// Decoding is strict: a malformed or unexpected event is an error that names
// the problem (the field, and the index in a batch: see BatchError), never a
// silent no-op. The strictness depends on who owns the format:
//   - Formats this product owns (ShardJob, FixJob, ScanRequest) and the timer
//     payload: member names must match exactly (case-sensitive), unknown and
//     duplicate members are errors, and every field is validated.
//   - Formats Alibaba Cloud owns (the CloudEvent envelope, MNS data,
//     ActionTrail data): required members are checked and types enforced,
//     but additions the format allows are tolerated, so a new field from
//     Alibaba Cloud cannot stop the product. For the envelope that means
//     legal CloudEvents extension attributes (kept in Extensions). For data,
//     members not modelled here are ignored (they stay in CloudEvent.Data).
//
// Payloads over MaxAsyncPayload (FC's 128 KiB async limit) are refused.
// Timestamps from Alibaba Cloud are kept as the strings it sent, because
// they are not always RFC 3339 (EventBridge has been seen to send
// "2020-11-19T21:04:42.179PRC").
//
// NewMNSCloudEvents and NewTimer build the same payloads, for the local FC
// emulator and for tests. Sample payloads live in the repository's events/
// directory.
package event
