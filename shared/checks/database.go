package checks

import (
	"strings"

	"github.com/cspm-alibaba/cspm/shared/collect"
)

// openWhitelist returns the first whitelist group admitting the whole
// internet (0.0.0.0/0, ::/0, 0.0.0.0 or %) and its open entries.
func openWhitelist(ws []collect.DBWhitelist) (*collect.DBWhitelist, []string) {
	for i := range ws {
		if open := ws[i].OpenEntries(); len(open) > 0 {
			return &ws[i], open
		}
	}
	return nil, nil
}

// whitelistVerdict is the verdict of the "not open to the world" items.
func whitelistVerdict(ws []collect.DBWhitelist) verdict {
	if w, open := openWhitelist(ws); w != nil {
		return failf("whitelist group %q admits %s", w.Name, strings.Join(open, ", ")).evidence(w.Raw)
	}
	return pass("no whitelist group admits the whole internet")
}

// on reports whether a database parameter value means on.
func on(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "1", "true", "yes", "enable", "enabled":
		return true
	}
	return false
}
