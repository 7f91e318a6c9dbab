package baseline

import "testing"

func TestDESCrypt(t *testing.T) {
	// vectors from libxcrypt (perl's crypt on Debian 12)
	for _, tt := range []struct{ pw, salt, want string }{
		{"test", "ab", "abgOeLfPimXQo"},
	} {
		if got := desCrypt([]byte(tt.pw), tt.salt); got != tt.want {
			t.Errorf("desCrypt(%q, %q) = %q; want %q", tt.pw, tt.salt, got, tt.want)
		}
	}
}
