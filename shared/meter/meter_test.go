package meter

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLastClosed(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 5, 0, 0, time.UTC)
	tests := []struct {
		p          Period
		start, end string
	}{
		{Hour, "2026-02-28T23:00:00Z", "2026-03-01T00:00:00Z"},
		{Day, "2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z"},
		{Month, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"},
	}
	for _, tt := range tests {
		w := LastClosed(tt.p, at)
		if w.Start != tt.start || w.End != tt.end {
			t.Errorf("LastClosed(%s, %s) = [%s, %s); want [%s, %s)", tt.p, at, w.Start, w.End, tt.start, tt.end)
		}
	}
}

func TestHandle(t *testing.T) {
	tests := []struct {
		name, body string
		windows    int
		wantErr    string
	}{
		{"all periods", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"periods\":[\"hour\",\"day\",\"month\"]}"}`, 3, ""},
		{"empty payload means all", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":""}`, 3, ""},
		{"one period", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"periods\":[\"day\"]}"}`, 1, ""},
		{"unknown period", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"periods\":[\"week\"]}"}`, 0, `unknown period "week"`},
		{"bad payload", `{"triggerTime":"2026-11-24T08:05:00Z","triggerName":"hourly-meter","payload":"{\"period\":1}"}`, 0, "payload"},
		{"bad time", `{"triggerTime":"yesterday","triggerName":"hourly-meter","payload":""}`, 0, "RFC 3339"},
		{"not a timer", `{"tenant_id":"acme"}`, 0, "meter-quota"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := (&Handler{}).Handle(context.Background(), []byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(res.Windows) != tt.windows {
				t.Fatalf("Handle = %+v, %v; want %d windows", res, err, tt.windows)
			}
		})
	}
}
