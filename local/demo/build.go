package demo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Functions are the five functions, by their s.yaml resource key and functions/ directory.
var Functions = []string{"authorize", "schedule-scan", "run-check-shard", "remediate", "meter-quota"}

// BuildFunctions builds the five function binaries into dir from the module rooted at
// root, for tests that start them as processes (make build does the same for people).
func BuildFunctions(root, dir string) error {
	for _, n := range Functions {
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, n), "./functions/"+n)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", n, err, out)
		}
	}
	return nil
}
