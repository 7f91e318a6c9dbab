package functions_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// coldStartEvent is a valid event for each function that needs no other service.
var coldStartEvent = map[string]string{
	"authorize":       "", // any answer counts: the first answered /invoke is what is timed
	"schedule-scan":   "timer.json",
	"run-check-shard": "mns-shard-batch.json",
	"remediate":       "fix-job.json",
	"meter-quota":     "timer.json",
}

// BenchmarkColdStart measures, per function binary, the time from process start to the
// first answered POST /invoke under the custom runtime, and reports the binary's size.
// Target: first answer under 50 ms.
func BenchmarkColdStart(b *testing.B) {
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(binDir, name)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			body := []byte(`{}`)
			if ev := coldStartEvent[name]; ev != "" {
				body = readEvent(b, ev)
			}
			env, _ := mnsEnv(b) // functions check their store and queue settings at start
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			var total time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				port := freePort(b)
				cmd := exec.Command(path)
				cmd.Env = append([]string{"FC_CUSTOM_LISTEN_PORT=" + port}, env...)
				t0 := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				for {
					resp, err := client.Post("http://127.0.0.1:"+port+"/invoke", "application/octet-stream", bytes.NewReader(body))
					if err == nil {
						resp.Body.Close()
						break
					}
					if time.Since(t0) > 5*time.Second {
						b.Fatalf("%s never answered /invoke in 5 s: %v", name, err)
					}
					time.Sleep(time.Millisecond)
				}
				total += time.Since(t0)
				_ = cmd.Process.Kill() // measured; reap it below
				_ = cmd.Wait()
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/first-answer")
			b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
		})
	}
}
