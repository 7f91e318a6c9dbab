package remediate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHandle(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		body    []byte
		wantNA  bool
		wantSub string
	}{
		{"direct job", read("fix-job.json"), true, "fix"},
		{"queue batch", read("mns-fix-batch.json"), true, "fix"},
		{"unknown field", []byte(`{"version":1,"tenant_id":"acme","oops":1}`), false, "oops"},
		{"shard batch is not a fix", read("mns-shard-batch.json"), false, "remediate"},
		{"empty batch", []byte(`[]`), false, "empty batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := (&Handler{}).Handle(context.Background(), tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.wantSub) {
				t.Fatalf("Handle = %v; want an error mentioning %q", err, tt.wantSub)
			}
			if got := errors.Is(err, ErrNotAvailable); got != tt.wantNA {
				t.Errorf("errors.Is(err, ErrNotAvailable) = %v; want %v (err %v)", got, tt.wantNA, err)
			}
		})
	}
}
