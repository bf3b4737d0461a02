package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
	"github.com/relaykit/sinch-go/internal/redistest"
)

const envCompleting = "SINCH_TEST_REDISSTORE_COMPLETING"

// The crash window the package documents: a replica (a separate process) processes an event,
// answers 200, and is killed (SIGKILL) while its completion is still buffered. The key keeps
// its claim, so a copy of the event delivered to another replica is answered 503 and not run;
// once the lease has expired the copy is processed again (at least once, not exactly once),
// and after that it is done for everyone.
func TestKilledReplicaLosesBufferedCompletion(t *testing.T) {
	rs := redistest.Start(t)
	const lease = 4 * time.Second
	cmd, next := startReplica(t, "TestCompletingReplicaProcess", envCompleting, rs, lease)
	replicaA := next("LISTENING ")

	body := inbound("01CRASHWINDOW")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, replicaA, bytes.NewReader(body))
	hmac.SignRequest(req, secret, body, time.Now())
	sent := time.Now() // A's claim is set after this
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("replica A answered %d, want 200", resp.StatusCode)
	}
	if err := cmd.Process.Kill(); err != nil { // within A's 3 s completion delay
		t.Fatal(err)
	}
	_ = cmd.Wait()

	b := newStore(t, rs)
	h, runs := countingHandler(t, b)
	if v := value(t, rs, b, "MESSAGE_INBOUND:01CRASHWINDOW"); !strings.HasPrefix(v, "claim:") {
		t.Fatalf("after A was killed the key holds %q, want A's claim (its completion was buffered)", v)
	}
	var first503 bool
	for {
		rec := signedPost(h, body)
		if rec.Code == http.StatusOK {
			break
		}
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("replica B answered %d, want 503 or 200", rec.Code)
		}
		first503 = true
		if time.Since(sent) > lease+10*time.Second {
			t.Fatal("replica B never processed the copy")
		}
		time.Sleep(100 * time.Millisecond)
	}
	processed := time.Since(sent)
	if !first503 || runs.Load() != 1 {
		t.Fatalf("B: answered 503 first %v, runs %d; want 503s while A's claim lived, then one run", first503, runs.Load())
	}
	if processed < lease-100*time.Millisecond {
		t.Fatalf("B processed the copy %v after A's claim, before its %v lease expired", processed, lease)
	}
	if rec := signedPost(h, body); rec.Code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("a later copy: status %d, runs %d; want 200 without a run", rec.Code, runs.Load())
	}
	t.Logf("processed by A, then again by B %v after A's claim (lease %v)", processed.Round(time.Millisecond), lease)
}

// TestCompletingReplicaProcess is replica A of TestKilledReplicaLosesBufferedCompletion, run in
// its own process; run directly it returns at once.
func TestCompletingReplicaProcess(t *testing.T) {
	if os.Getenv(envCompleting) != "1" {
		return
	}
	rdb, lease := replicaSetting()
	store, err := redisstore.New(rdb, redisstore.WithLease(lease), redisstore.WithCompletionDelay(3*time.Second),
		redisstore.WithTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store),
		webhook.OnAny(func(context.Context, callback.Event) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("LISTENING http://" + ln.Addr().String())
	_ = srv.Serve(ln)
}
