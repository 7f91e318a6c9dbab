// Package fcsim plays Alibaba Cloud Function Compute 3.0 on one machine.
//
// It reads the Serverless Devs deployment file (s.yaml, component fc3) with [LoadSpec] and
// runs every function resource the way FC's custom runtime does:
//
//   - each function binary (Options.BinDir/<resource key>) runs as its own process, listening on
//     FC_CUSTOM_LISTEN_PORT, and receives POST /initialize once, POST /invoke per event and
//     GET /pre-stop before it is stopped, with FC's x-fc-* request headers;
//   - at most instanceConcurrency invocations are in flight per function;
//   - a process that dies is replaced by a new instance on the next invocation;
//   - timer triggers fire on their cron schedule (6 fields, UTC unless CRON_TZ= is given) or on
//     demand through [Sim.Fire], with FC's timer payload;
//   - MNS queue triggers (EventBridge event-streaming) are polled through a [QueueClient]:
//     messages are batched by count and time window, delivered as a JSON array of CloudEvents,
//     deleted on success, retried with backoff on failure and, after the last retry, moved to the
//     dead-letter queue ("parked") and deleted from the source queue. A message is never dropped:
//     when it cannot be parked it stays in its source queue.
//
// [Sim.Handler] exposes a small HTTP control API (fire a timer, invoke a function) for tools
// and demos. Every delivery attempt is reported through Options.Hop.
//
// Not modelled: FC's asynchronous-invocation retries and destinations (asyncInvokeConfig),
// EventBridge triggers other than MNS queues (they are parsed and listed, not delivered), HTTP
// triggers, and scaling out to more than one instance per function.
package fcsim
