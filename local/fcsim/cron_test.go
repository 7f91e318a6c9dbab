package fcsim

import (
	"testing"
	"time"
)

func TestParseCron(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return tm
	}
	tests := []struct {
		expr  string
		after string
		want  []string // successive activations, RFC 3339 UTC
	}{
		{"0 5 * * * *", "2025-03-01T10:06:00Z", []string{"2025-03-01T11:05:00Z", "2025-03-01T12:05:00Z"}},
		{"0 0 2 * * *", "2025-03-01T01:59:59Z", []string{"2025-03-01T02:00:00Z", "2025-03-02T02:00:00Z"}},
		// 02:00 in Shanghai (UTC+8) is 18:00 UTC the previous day.
		{"CRON_TZ=Asia/Shanghai 0 0 2 * * *", "2025-03-01T12:00:00Z", []string{"2025-03-01T18:00:00Z", "2025-03-02T18:00:00Z"}},
		{"TZ=Asia/Shanghai 0 0 4 1 * *", "2025-03-01T00:00:00Z", []string{"2025-03-31T20:00:00Z", "2025-04-30T20:00:00Z"}},
		{"30 */15 * * * *", "2025-03-01T10:00:31Z", []string{"2025-03-01T10:15:30Z", "2025-03-01T10:30:30Z"}},
		{"0 0 9 * * MON", "2025-03-01T00:00:00Z", []string{"2025-03-03T09:00:00Z", "2025-03-10T09:00:00Z"}},
		{"@every 5m", "2025-03-01T10:00:00Z", []string{"2025-03-01T10:05:00Z", "2025-03-01T10:10:00Z"}},
		{"@daily", "2025-03-01T10:00:00Z", []string{"2025-03-02T00:00:00Z", "2025-03-03T00:00:00Z"}},
	}
	for _, tc := range tests {
		s, err := ParseCron(tc.expr)
		if err != nil {
			t.Errorf("ParseCron(%q): %v", tc.expr, err)
			continue
		}
		at := utc(tc.after)
		for _, w := range tc.want {
			at = s.Next(at)
			if !at.Equal(utc(w)) {
				t.Errorf("ParseCron(%q).Next = %s; want %s", tc.expr, at.UTC().Format(time.RFC3339), w)
				break
			}
		}
	}

	// Without a zone the expression is UTC whatever the zone of the time passed in.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseCron("0 0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Next(time.Date(2025, 3, 1, 12, 0, 0, 0, shanghai)) // 04:00 UTC
	if want := utc("2025-03-02T02:00:00Z"); !got.Equal(want) {
		t.Errorf("UTC schedule from a Shanghai time: Next = %s; want %s", got.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
	}

	for _, bad := range []string{"", "* * * * *", "0 0 2 * * * *", "CRON_TZ=Asia/Shanghai", "CRON_TZ=No/Where 0 0 2 * * *", "@every banana", "0 61 * * * *"} {
		if _, err := ParseCron(bad); err == nil {
			t.Errorf("ParseCron(%q) = nil error; want an error", bad)
		}
	}
}
