// Package catalog describes the cloud configuration check items: their metadata
// (Item), the compliance frameworks they map to (CIS Alibaba Cloud Foundations
// Benchmark v1.0.0 and v2.0.0, MLPS 2.0 level 3), and the policies that select
// items and schedule them (Policy, Due).
//
// The package is data only. The items themselves are declared beside their rules
// in shared/checks, one file each, and checks.Catalog assembles them with New,
// which validates every item (ID shape, product, category, severity, title
// length, framework references) and builds the built-in policies:
//
//	cis-v2   every item mapped to a CIS v2.0.0 recommendation
//	cis-v1   every item mapped to a CIS v1.0.0 recommendation
//	mlps-l3  every item mapped to an MLPS 2.0 level 3 clause
//	all      every item
//	free     every free item
//
// Item IDs are stable and never reused: "<product>_<short_code>" in lower-case
// snake case, the same as the name of the file that declares the item
// (ecs_sg_ssh_internet.go declares ecs_sg_ssh_internet).
package catalog
