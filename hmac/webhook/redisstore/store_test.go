package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
	"github.com/relaykit/sinch-go/internal/redistest"
)

const secret = "whsec-redis-test-0123456789"

func newStore(t testing.TB, srv *redistest.Server, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(srv.Client(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	// Before the client closes (cleanups run last first); a stopped Redis fails it, harmlessly.
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// value is the key's value in Redis ("" when it has none).
func value(t testing.TB, srv *redistest.Server, s *redisstore.Store, key string) string {
	t.Helper()
	v, err := srv.Client(t).Get(context.Background(), s.Key(key)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		t.Fatal(err)
	}
	return v
}

func claim(t *testing.T, s *redisstore.Store, key string, want webhook.ClaimResult) {
	t.Helper()
	got, err := s.Claim(t.Context(), key)
	if err != nil || got != want {
		t.Fatalf("Claim(%q) = %v, %v; want %v", key, got, err, want)
	}
}

// Two stores over one Redis are two replicas: a claim held by one is in progress for the
// other; once completed it is done for both, for the TTL. The completion is buffered: until the
// timer writes it (within the completion delay) the key keeps a's claim, so b still sees it in
// progress, never free, while a knows it is done.
func TestClaimCompleteAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	const delay = time.Second // long enough that the checks below run before the write
	a := newStore(t, srv, redisstore.WithTTL(time.Hour), redisstore.WithCompletionDelay(delay))
	b := newStore(t, srv, redisstore.WithTTL(time.Hour))
	claim(t, a, "MESSAGE_INBOUND:01A", webhook.Claimed)
	claim(t, b, "MESSAGE_INBOUND:01A", webhook.InProgress)
	claim(t, a, "MESSAGE_INBOUND:01A", webhook.InProgress)
	if err := a.Complete(t.Context(), "MESSAGE_INBOUND:01A"); err != nil {
		t.Fatal(err)
	}
	completed := time.Now()
	claim(t, a, "MESSAGE_INBOUND:01A", webhook.AlreadyDone) // a knows, without asking Redis
	if v := value(t, srv, a, "MESSAGE_INBOUND:01A"); !strings.HasPrefix(v, "claim:") {
		t.Fatalf("right after Complete the key holds %q, want a's claim (the completion is buffered)", v)
	}
	claim(t, b, "MESSAGE_INBOUND:01A", webhook.InProgress)
	for value(t, srv, a, "MESSAGE_INBOUND:01A") != "done" {
		if time.Since(completed) > delay+5*time.Second {
			t.Fatalf("the buffered completion was not written within 5s of the %v completion delay", delay)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("completion written %v after Complete (completion delay %v)", time.Since(completed).Round(time.Millisecond), delay)
	claim(t, b, "MESSAGE_INBOUND:01A", webhook.AlreadyDone)
	claim(t, a, "MESSAGE_INBOUND:01A", webhook.AlreadyDone)
	ttl := srv.Client(t).PTTL(t.Context(), a.Key("MESSAGE_INBOUND:01A")).Val()
	if ttl <= 59*time.Minute || ttl > time.Hour {
		t.Fatalf("done key TTL %v, want about 1h", ttl)
	}
	claim(t, b, "MESSAGE_INBOUND:01B", webhook.Claimed) // other keys are independent
}

// With a completion delay of zero Complete writes at once: the other replica sees the key
// done as soon as Complete returns.
func TestCompletionDelayZeroWritesAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	a := newStore(t, srv, redisstore.WithCompletionDelay(0))
	b := newStore(t, srv)
	claim(t, a, "k", webhook.Claimed)
	if err := a.Complete(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	claim(t, b, "k", webhook.AlreadyDone)
}

// A claim close to the end of its lease is completed at once: buffered, its lease could run
// out before the write and let another replica claim the event again. One completed early in
// its lease is buffered (the other replica sees it in progress until the write).
func TestCompletionNearLeaseEndIsWrittenAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	a := newStore(t, srv, redisstore.WithLease(3*time.Second), redisstore.WithTimeout(200*time.Millisecond),
		redisstore.WithCompletionDelay(time.Second))
	b := newStore(t, srv)
	claim(t, a, "early", webhook.Claimed)
	claim(t, a, "late", webhook.Claimed)
	if err := a.Complete(t.Context(), "early"); err != nil {
		t.Fatal(err)
	}
	if v := value(t, srv, a, "early"); v == "done" {
		t.Fatal("a completion early in its lease was written at once, want buffered")
	}
	time.Sleep(2 * time.Second) // 2 s + 1 s (delay) + 200 ms (timeout) > 3 s (lease)
	if err := a.Complete(t.Context(), "late"); err != nil {
		t.Fatal(err)
	}
	claim(t, b, "late", webhook.AlreadyDone)
}

// Release after a failed run lets the retry, on any replica, claim the event again.
func TestReleaseLetsTheRetryRun(t *testing.T) {
	srv := redistest.Start(t)
	a, b := newStore(t, srv), newStore(t, srv)
	claim(t, a, "k", webhook.Claimed)
	if err := a.Release(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	claim(t, b, "k", webhook.Claimed)
}

// A claim whose holder died lapses after the lease; the holder's late Release then leaves the
// new holder's claim alone, and a late Complete marks the event done.
func TestClaimLeaseExpiresAndReleaseIsOwnerOnly(t *testing.T) {
	srv := redistest.Start(t)
	lease := 150 * time.Millisecond
	a := newStore(t, srv, redisstore.WithLease(lease))
	b := newStore(t, srv, redisstore.WithLease(time.Minute))
	c := newStore(t, srv)
	claim(t, a, "k", webhook.Claimed)
	pttl := srv.Client(t).PTTL(t.Context(), a.Key("k")).Val()
	if pttl <= 0 || pttl > lease {
		t.Fatalf("claim TTL %v, want (0, %v]", pttl, lease)
	}
	claim(t, b, "k", webhook.InProgress)
	time.Sleep(lease + 50*time.Millisecond)
	claim(t, b, "k", webhook.Claimed)
	if err := a.Release(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	claim(t, c, "k", webhook.InProgress) // b's claim survived a's release
	if err := b.Complete(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.Release(t.Context(), "k"); err != nil { // nothing held any more
		t.Fatal(err)
	}
	claim(t, c, "k", webhook.AlreadyDone) // releasing never undoes done
}

// Of many concurrent claims of one key from several replicas exactly one wins.
func TestConcurrentClaimsHaveOneWinner(t *testing.T) {
	srv := redistest.Start(t)
	stores := []*redisstore.Store{newStore(t, srv), newStore(t, srv), newStore(t, srv), newStore(t, srv)}
	for round := range 20 {
		key := fmt.Sprintf("EVENT:%d", round)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 32 {
			wg.Go(func() {
				res, err := stores[i%len(stores)].Claim(context.Background(), key)
				if err != nil {
					t.Error(err)
				}
				if res == webhook.Claimed {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d claims won, want 1", round, wins.Load())
		}
	}
}

// Keys are the prefix and a hash: nothing of the event's key (ids from the body) is stored.
func TestKeysHoldNoEventData(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, srv, redisstore.WithPrefix("app1:dedup:"))
	key := "MESSAGE_INBOUND:01SECRETMESSAGEID"
	claim(t, s, key, webhook.Claimed)
	if err := s.Complete(t.Context(), key); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if v := value(t, srv, s, key); v != "done" {
		t.Fatalf("value %q, want done", v)
	}
	keys := srv.Client(t).Keys(t.Context(), "*").Val()
	if len(keys) != 1 || !regexp.MustCompile(`^app1:dedup:[0-9a-f]{32}$`).MatchString(keys[0]) {
		t.Fatalf("keys %q, want one app1:dedup:<32 hex>", keys)
	}
	if strings.Contains(keys[0], "SECRET") {
		t.Fatal("the event key leaked into Redis")
	}
}

func TestNewChecksItsArguments(t *testing.T) {
	plain := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer plain.Close()
	if _, err := redisstore.New(plain); err == nil || !strings.Contains(err.Error(), "ContextTimeoutEnabled") {
		t.Fatalf("a client ignoring context deadlines: err %v", err)
	}
	ok := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer ok.Close()
	for name, opt := range map[string]redisstore.Option{
		"prefix": redisstore.WithPrefix(""), "lease": redisstore.WithLease(0),
		"ttl": redisstore.WithTTL(-time.Second), "timeout": redisstore.WithTimeout(0),
	} {
		if _, err := redisstore.New(ok, opt); err == nil {
			t.Errorf("%s: invalid value accepted", name)
		}
	}
	if _, err := redisstore.New(nil); err == nil {
		t.Error("nil client accepted")
	}
}

// signedPost sends body through h, signed now.
func signedPost(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(body))
	hmac.SignRequest(req, secret, body, time.Now())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func inbound(id string) []byte {
	return fmt.Appendf(nil, `{"app_id":"APP","project_id":"P","accepted_time":"2026-01-01T00:00:00Z",`+
		`"message":{"id":%q,"direction":"TO_APP","contact_message":{"text_message":{"text":"private words"}},`+
		`"channel_identity":{"channel":"SMS","identity":"+15550001111","app_id":"APP"},"contact_id":"C"}}`, id)
}

// Redis stopped, then paused (accepting nothing, like an overloaded Redis): failing closed,
// the handler answers 503 within the timeout and does not run the function; failing open it
// runs it; with Redis back, deduplication works again. Nothing from the body is logged.
func TestRedisDownFailsClosedOrOpen(t *testing.T) {
	srv := redistest.Start(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	var runs atomic.Int32
	fn := webhook.OnAny(func(context.Context, callback.Event) error { runs.Add(1); return nil })
	timeout := 200 * time.Millisecond
	closedStore := newStore(t, srv, redisstore.WithTimeout(timeout), redisstore.WithLogger(logger))
	openStore := newStore(t, srv, redisstore.WithTimeout(timeout), redisstore.WithFailOpen(), redisstore.WithLogger(logger))
	closed, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(closedStore), fn)
	if err != nil {
		t.Fatal(err)
	}
	open, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(openStore), fn)
	if err != nil {
		t.Fatal(err)
	}
	if rec := signedPost(closed, inbound("01BEFORE")); rec.Code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("Redis up: status %d, runs %d", rec.Code, runs.Load())
	}

	for _, outage := range []struct {
		name        string
		start, stop func()
	}{
		{"stopped", srv.Stop, srv.Restart},
		{"paused", srv.Pause, srv.Resume},
	} {
		outage.start()
		runs.Store(0)
		began := time.Now()
		rec := signedPost(closed, inbound("01DURING"+outage.name))
		took := time.Since(began)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || runs.Load() != 0 {
			t.Fatalf("%s, fail closed: status %d, runs %d; want 503 with Retry-After and no run", outage.name, rec.Code, runs.Load())
		}
		if took > timeout+time.Second {
			t.Fatalf("%s, fail closed: answered after %v, want about the %v timeout", outage.name, took, timeout)
		}
		if rec := signedPost(open, inbound("01DURING"+outage.name)); rec.Code != http.StatusOK || runs.Load() != 1 {
			t.Fatalf("%s, fail open: status %d, runs %d; want 200 and one run", outage.name, rec.Code, runs.Load())
		}
		outage.stop()
	}

	runs.Store(0)
	for range 2 {
		if rec := signedPost(closed, inbound("01AFTER")); rec.Code != http.StatusOK {
			t.Fatalf("Redis back: status %d", rec.Code)
		}
	}
	if runs.Load() != 1 {
		t.Fatalf("Redis back: a duplicate ran %d times, want once", runs.Load())
	}
	if !strings.Contains(logs.String(), "Redis operation failed") {
		t.Fatalf("the outage was not logged: %s", logs.String())
	}
	for _, leak := range []string{"private words", "01DURING", "+1555"} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("log contains %q from the body: %s", leak, logs.String())
		}
	}
}

// A request that goes away while claiming gets the context's error at once, even failing open:
// the event is neither claimed nor run, and no goroutine outlives the Redis timeout.
func TestClaimHonoursCancellation(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, srv, redisstore.WithFailOpen(), redisstore.WithTimeout(300*time.Millisecond))
	if _, err := s.Claim(t.Context(), "warm"); err != nil { // the pool's connection exists
		t.Fatal(err)
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // the abandoned call ends with its timeout
	srv.Pause()
	defer srv.Resume()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	began := time.Now()
	res, err := s.Claim(ctx, "k")
	if !errors.Is(err, context.Canceled) || res == webhook.Claimed {
		t.Fatalf("Claim = %v, %v; want context.Canceled", res, err)
	}
	if d := time.Since(began); d > 500*time.Millisecond {
		t.Fatalf("Claim returned %v after the cancellation", d)
	}
}
