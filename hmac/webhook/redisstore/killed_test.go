package redisstore_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
	"github.com/relaykit/sinch-go/internal/redistest"
)

const envReplica = "SINCH_TEST_REDISSTORE_REPLICA"

// A replica killed (SIGKILL, a separate process) while it holds an event's claim: the emulator's
// retries reach the other replica, which answers 503 while the claim lives, then processes the
// event once the claim's lease has expired.
func TestKilledReplicasClaimExpires(t *testing.T) {
	rs := redistest.Start(t)
	emu, err := emulator.Start(t.Context(), emulator.Config{RateLimit: emulator.RateLimitOff, Callbacks: emulator.CallbackConfig{
		MaxAttempts: 100, InitialBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Timeout: 30 * time.Second,
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	const lease = 1500 * time.Millisecond

	// Replica A: a child process whose function announces the claim and never returns.
	cmd, next := startReplica(t, "TestReplicaHandlerProcess", envReplica, rs, lease)
	replicaA := next("LISTENING ")

	// Replica B, in this process.
	store, err := redisstore.New(rs.Client(t), redisstore.WithLease(lease))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	var mu sync.Mutex
	var processedAt []time.Time
	h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store),
		webhook.OnAny(func(context.Context, callback.Event) error {
			mu.Lock()
			processedAt = append(processedAt, time.Now())
			mu.Unlock()
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	replicaB := httptest.NewServer(h)
	t.Cleanup(replicaB.Close)

	lb := roundRobin(t, replicaA, replicaB.URL) // the first delivery goes to A
	appID := setUp(t, emu, lb.URL, 1)
	inject(t, emu, appID, 1)
	next("CLAIMED")
	claimedAt := time.Now()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	recs := waitDelivered(t, emu, 1, 30*time.Second)

	mu.Lock()
	defer mu.Unlock()
	if len(processedAt) != 1 {
		t.Fatalf("replica B processed the event %d times, want once", len(processedAt))
	}
	// The claim was set before A printed; allow for that and for timer granularity.
	if waited := processedAt[0].Sub(claimedAt); waited < lease-200*time.Millisecond {
		t.Fatalf("replica B processed the event %v after A's claim, before the %v lease expired", waited, lease)
	}
	inProgress := 0
	for _, a := range recs[0].Attempts {
		if a.StatusCode == http.StatusServiceUnavailable {
			inProgress++
		}
	}
	if recs[0].State != emulator.CallbackDelivered || inProgress == 0 {
		t.Fatalf("callback %s after %d attempts (%d answered 503 while A's claim lived); want delivered after some 503s",
			recs[0].State, len(recs[0].Attempts), inProgress)
	}
}

// TestReplicaHandlerProcess is replica A of TestKilledReplicasClaimExpires, run in its own
// process; run directly it returns at once.
func TestReplicaHandlerProcess(t *testing.T) {
	if os.Getenv(envReplica) != "1" {
		return
	}
	rdb, lease := replicaSetting()
	store, err := redisstore.New(rdb, redisstore.WithLease(lease))
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store),
		webhook.OnAny(func(ctx context.Context, _ callback.Event) error {
			fmt.Println("CLAIMED")
			select {} // until killed
		}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	fmt.Println("LISTENING " + srv.URL)
	select {}
}

// startReplica runs the test function name, replica A of a test, in a child process (its
// environment variable env set to 1, the Redis server's address and the lease passed on), and
// returns the process and a function that waits for the next line A prints starting with a
// prefix and returns the rest of that line.
func startReplica(t *testing.T, name, env string, rs *redistest.Server, lease time.Duration) (*exec.Cmd, func(prefix string) string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$")
	cmd.Env = append(os.Environ(), env+"=1", "SINCH_TEST_REDIS_ADDR="+rs.Addr(), "SINCH_TEST_LEASE="+lease.String())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(prefix string) string {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("replica A exited before %s", prefix)
				}
				if v, found := strings.CutPrefix(l, prefix); found {
					return v
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("replica A did not print %s", prefix)
			}
		}
	}
	return cmd, next
}

// replicaSetting is, in a replica's child process, a client of the Redis server and the lease
// startReplica passed on.
func replicaSetting() (*redis.Client, time.Duration) {
	lease, _ := time.ParseDuration(os.Getenv("SINCH_TEST_LEASE"))
	return redis.NewClient(redistest.Options(os.Getenv("SINCH_TEST_REDIS_ADDR"))), lease
}
