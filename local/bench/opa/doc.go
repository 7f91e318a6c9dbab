// Package opa benchmarks the check engine against Open Policy Agent: five
// items written both as shared/checks rules and in Rego, evaluated over the
// same collected inventory. It is its own module so that OPA stays out of the
// product's go.mod; run it with `make bench` or `go test -bench . -cpu 1`
// here.
package opa
