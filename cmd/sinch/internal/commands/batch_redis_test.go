package commands

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/internal/redistest"
)

// Two `batch send` runs with --redis share --rate: 2 × 150 recipients at 100/s in batches of 50
// (the first batch free) take at least (300-50)/100 = 2.5 s together, where each alone at its
// own 100/s would finish in 1 s. Without Redis the run stops, and a bad URL is a usage error
// that does not echo the URL.
func TestBatchSendSharesRateThroughRedis(t *testing.T) {
	rs := redistest.Start(t)
	srv := startEmulator(t, emulator.Config{})
	env := emuEnv(srv)
	env["SINCH_APP_ID"] = createApp(t, env)
	csv := func(from int) string {
		var b strings.Builder
		b.WriteString("phone\n")
		for i := range 150 {
			fmt.Fprintf(&b, "+1555%07d\n", from+i)
		}
		return writeCSV(t, b.String())
	}
	files := []string{csv(0), csv(1000)}
	start := time.Now()
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Go(func() {
			var sum batchSummary
			okJSON(t, env, &sum, "batch", "send", "--csv", f, "--message", "x", "--chunk-size", "50", "--rate", "100", "--redis", rs.URL())
			if sum.Recipients != 150 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d < 2400*time.Millisecond {
		t.Fatalf("two runs sharing 100 recipients/s sent 300 in %v: not shared (want at least 2.5 s)", d)
	}

	rs.Stop()
	res := run(t, env, "batch", "send", "--csv", files[0], "--message", "x", "--redis", rs.URL())
	if res.code == 0 || !strings.Contains(res.stderr, "Redis unavailable") {
		t.Fatalf("Redis down: exit %d, stderr %q", res.code, res.stderr)
	}
	fails(t, env, 2, []string{"--redis"}, "batch", "send", "--csv", files[0], "--message", "x", "--redis", "http://user:hunter2@x")
	if res := run(t, env, "batch", "send", "--csv", files[0], "--message", "x", "--redis", "http://user:hunter2@x"); strings.Contains(res.stderr, "hunter2") {
		t.Fatalf("the password was echoed: %q", res.stderr)
	}
}
