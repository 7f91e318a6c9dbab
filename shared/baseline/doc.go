// Package baseline is the host baseline engine: a probe that reads a root filesystem
// (and, on the live system, its listening ports, loaded modules and kernel settings)
// into a compact, versioned Facts document, and a catalogue of rules that evaluate
// those facts only. Rules therefore change without redeploying the probe.
//
// The probe tests passwords locally (system accounts in every crypt(3) scheme a Linux
// host uses, Redis, MySQL/MariaDB and PostgreSQL credentials) against a tiered
// dictionary under a time and memory cap, and records only the verdict ("weak,
// matched tier top"): no password or hash ever leaves it.
//
// Every item carries the same metadata as the config checks (ID, title, category,
// severity, frameworks, remediation, fix support) plus good and bad example root
// filesystems; a generic test runs each example through probe and rule. Items that
// allow it have a fix with a file-level before-image, a re-check and rollback.
//
// Run ties it together: probe, evaluate, and a Report that WriteReport renders as JSON
// (the shape of `cspm scan`: a findings array) or as a table.
package baseline
