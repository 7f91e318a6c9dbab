package collect

import "testing"

func TestDBEndpoint(t *testing.T) {
	c := New(Config{})
	defer c.Close()
	tests := []struct{ product, region, want string }{
		{"Rds", "cn-hangzhou", "rds.aliyuncs.com"},
		{"R-kvstore", "cn-shanghai", "r-kvstore.aliyuncs.com"},
		{"Dds", "cn-hangzhou", "mongodb.aliyuncs.com"},
		{"Dds", "ap-southeast-1", "mongodb.ap-southeast-1.aliyuncs.com"},
		{"Dds", "xx-nowhere-9", "mongodb.xx-nowhere-9.aliyuncs.com"},
		{"polardb", "cn-hangzhou", "polardb.aliyuncs.com"},
		{"polardb", "xx-nowhere-9", "polardb.xx-nowhere-9.aliyuncs.com"},
	}
	for _, tt := range tests {
		if got := c.endpointFor(tt.product, tt.region); got != tt.want {
			t.Errorf("endpointFor(%s, %s) = %s; want %s", tt.product, tt.region, got, tt.want)
		}
	}
}

func TestDBWhitelistOpen(t *testing.T) {
	tests := []struct {
		entry string
		open  bool
	}{
		{"0.0.0.0/0", true}, {"0.0.0.0", true}, {"::/0", true}, {"%", true}, {" 0.0.0.0/0 ", true},
		{"0.0.0.0/1", false}, {"10.0.0.0/8", false}, {"127.0.0.1", false}, {"2001:db8::/32", false}, {"", false},
	}
	for _, tt := range tests {
		if got := (DBWhitelist{Entries: []string{tt.entry}}).OpenToInternet(); got != tt.open {
			t.Errorf("whitelist [%q] open = %v; want %v", tt.entry, got, tt.open)
		}
	}
	for word, want := range map[string]bool{"Yes": true, "on": true, "Enable": true, "Enabled": true, "Open": true, "1": true,
		"No": false, "off": false, "Disable": false, "Disabled": false, "Closed": false, "0": false, "": false} {
		if got := enabledWord(word); got != want {
			t.Errorf("enabledWord(%q) = %v; want %v", word, got, want)
		}
	}
}
