package baseline_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/cspm-alibaba/cspm/shared/baseline"
)

// Example probes a tiny root filesystem and evaluates one SSH item.
func Example() {
	root := fstest.MapFS{
		"etc/os-release":                      {Data: []byte("ID=debian\nVERSION_ID=\"12\"\n")},
		"etc/ssh/sshd_config":                 {Data: []byte("Include /etc/ssh/sshd_config.d/*.conf\n")},
		"etc/ssh/sshd_config.d/50-cloud.conf": {Data: []byte("PermitRootLogin yes\n")},
	}
	r, err := baseline.Run(context.Background(), baseline.Options{
		FS: root, InstanceID: "i-example", Items: []string{"host.ssh.permit_root_login"},
		Passwords: baseline.PasswordOptions{Skip: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Findings {
		fmt.Println(f.ItemID, f.Status, f.Evidence[0])
	}
	// Output: host.ssh.permit_root_login NOT_PASS /etc/ssh/sshd_config.d/50-cloud.conf:1: PermitRootLogin yes
}
