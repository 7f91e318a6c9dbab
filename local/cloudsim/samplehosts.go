package cloudsim

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// sampleHosts are the root filesystems of the sample account's hosts
// (testdata/hosts/README.md says what is wrong on them and how the password
// hashes were made).
//
//go:embed testdata/hosts/i-*
var sampleHosts embed.FS

// SampleHosts writes the sample account's host roots under dir and returns
// them as AssistantOptions.Hosts: instance ID → root. Files are written mode
// 0644 and directories 0755 whatever the checkout's umask, so the findings
// on them are the same everywhere (/etc/shadow readable by all is one of the
// misconfigurations).
func SampleHosts(dir string) (map[string]string, error) {
	hosts := map[string]string{}
	err := fs.WalkDir(sampleHosts, "testdata/hosts", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/hosts", filepath.FromSlash(p))
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			if filepath.Dir(rel) == "." && rel != "." {
				hosts[rel] = dst
			}
			return os.MkdirAll(dst, 0o755)
		}
		b, err := sampleHosts.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
		return os.Chmod(dst, 0o644) // whatever the umask
	})
	if err != nil {
		return nil, fmt.Errorf("sample hosts: %w", err)
	}
	return hosts, nil
}
