package entitlement

// RecommendedFactor is the documents' advice: buy 20 quota units per instance, so that
// scans, verifications and fixes do not run out.
const RecommendedFactor = 20

// Units returns the quota one operation over every instance with every item consumes:
// one instance × one check item × one operation = one unit. The documents' example: 10
// products × 15 instances each, scanned with 5 items, is Units(150, 5) = 750.
// Negative counts count as zero.
func Units(instances, items int) int64 {
	return int64(max(instances, 0)) * int64(max(items, 0))
}

// RecommendedPurchase returns the subscription quota the documents recommend for a
// number of instances: 20 × instances (10 products × 15 instances → 3,000).
func RecommendedPurchase(instances int) int64 {
	return RecommendedFactor * int64(max(instances, 0))
}
