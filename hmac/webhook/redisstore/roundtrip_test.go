package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
	"github.com/relaykit/sinch-go/internal/redistest"
)

// tripCounter is a go-redis hook counting round trips: a command sent alone is one, a
// pipeline is one. Trips carrying the store's commands (SET, EVALSHA, EVAL) are counted apart
// from the connection set-up go-redis does on each new connection (HELLO, CLIENT SETINFO).
type tripCounter struct {
	store, setup, dials atomic.Int64
}

func (h *tripCounter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		h.dials.Add(1)
		return next(ctx, network, addr)
	}
}

func (h *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.count(cmd)
		return next(ctx, cmd)
	}
}

func (h *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.count(cmds...)
		return next(ctx, cmds)
	}
}

func (h *tripCounter) count(cmds ...redis.Cmder) {
	for _, c := range cmds {
		switch c.Name() {
		case "set", "evalsha", "eval":
			h.store.Add(1)
			return
		}
	}
	h.setup.Add(1)
}

func (h *tripCounter) reset() { h.store.Store(0); h.setup.Store(0); h.dials.Store(0) }

// countedClient is a client of srv whose round trips h counts.
func countedClient(t testing.TB, srv *redistest.Server) (*redis.Client, *tripCounter) {
	rdb := srv.Client(t)
	h := &tripCounter{}
	rdb.AddHook(h)
	return rdb, h
}

// countingHandler is a webhook handler deduplicating with store whose function only counts
// its runs.
func countingHandler(t *testing.T, store webhook.DedupStore) (*webhook.Handler, *atomic.Int64) {
	t.Helper()
	var runs atomic.Int64
	h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store),
		webhook.OnAny(func(context.Context, callback.Event) error { runs.Add(1); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	return h, &runs
}

// deliver posts the signed callbacks of ids through h (from workers goroutines) and fails on
// any answer but 200.
func deliver(t *testing.T, h http.Handler, ids []string, workers int) {
	t.Helper()
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(ids); i = int(next.Add(1) - 1) {
				if rec := signedPost(h, inbound(ids[i])); rec.Code != http.StatusOK {
					t.Errorf("callback %s: status %d", ids[i], rec.Code)
				}
			}
		})
	}
	wg.Wait()
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	return out
}

// everyKeyDone checks, through a client of its own, that every event of ids is done in Redis.
func everyKeyDone(t *testing.T, srv *redistest.Server, s *redisstore.Store, ids []string) {
	t.Helper()
	for _, id := range ids {
		key := string(callback.TriggerMessageInbound) + ":" + id
		if v := value(t, srv, s, key); v != "done" {
			t.Fatalf("event %s: key holds %q, want done", id, v)
		}
	}
}

// The handler's callbacks cost one Redis round trip each on the steady path: each Claim carries
// the completion of the callback before it. Counted with a go-redis hook over 300 callbacks
// through the real webhook handler, one after another, with a completion delay long enough
// that the timer never writes (so the count is exact): 300 round trips, then one more when
// Close writes the last completion; every event is then done in Redis.
func TestOneRoundTripPerCallback(t *testing.T) {
	srv := redistest.Start(t)
	rdb, trips := countedClient(t, srv)
	store, err := redisstore.New(rdb, redisstore.WithCompletionDelay(time.Hour), redisstore.WithLease(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	h, runs := countingHandler(t, store)
	deliver(t, h, []string{"01WARMUP"}, 1) // the connection and the script cache
	trips.reset()
	runs.Store(0)

	const n = 300
	events := ids("01SEQ", n)
	deliver(t, h, events, 1)
	if got := trips.store.Load(); got != n {
		t.Fatalf("%d callbacks took %d round trips, want %d (one each)", n, got, n)
	}
	if runs.Load() != n {
		t.Fatalf("%d runs, want %d", runs.Load(), n)
	}
	// Until written, the last completion keeps its claim: another replica sees it in progress.
	other := newStore(t, srv)
	claim(t, other, string(callback.TriggerMessageInbound)+":"+events[n-1], webhook.InProgress)
	claim(t, other, string(callback.TriggerMessageInbound)+":"+events[n-2], webhook.AlreadyDone)
	trips.reset()
	if err := store.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := trips.store.Load(); got != 1 {
		t.Fatalf("Close took %d round trips, want 1", got)
	}
	everyKeyDone(t, srv, store, append(events, "01WARMUP"))
	t.Logf("%d callbacks: %d round trips for the store, %d for connection set-up (%d dials)", n, n, trips.setup.Load(), trips.dials.Load())
}

// With the default completion delay (50 ms) and callbacks arriving concurrently, the store's
// round trips are at most one per callback plus one per completion delay of elapsed time (the
// timer's writes) plus Close's; and every event is done in Redis afterwards, with no goroutine
// left behind.
func TestRoundTripsPerCallbackConcurrent(t *testing.T) {
	srv := redistest.Start(t)
	rdb, trips := countedClient(t, srv)
	store, err := redisstore.New(rdb)
	if err != nil {
		t.Fatal(err)
	}
	h, runs := countingHandler(t, store)
	deliver(t, h, ids("01WARM", 8), 8)
	if err := store.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	trips.reset()
	runs.Store(0)

	const n = 1000
	events := ids("01PAR", n)
	began := time.Now()
	deliver(t, h, events, 8)
	elapsed := time.Since(began)
	during := trips.store.Load()
	if err := store.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	total := trips.store.Load()
	bound := n + int64(elapsed/redisstore.DefaultCompletionDelay) + 1
	t.Logf("%d callbacks from 8 goroutines in %v: %d round trips while delivering, %d with Close (%.3f per callback; bound %d); %d set-up trips (%d dials)",
		n, elapsed.Round(time.Millisecond), during, total, float64(total)/n, bound+1, trips.setup.Load(), trips.dials.Load())
	if total > bound+1 {
		t.Errorf("%d round trips for %d callbacks in %v, want at most %d (one per callback, one per 50 ms, one for Close)",
			total, n, elapsed, bound+1)
	}
	if during < n {
		t.Errorf("%d round trips for %d callbacks: some claim did not reach Redis", during, n)
	}
	if runs.Load() != n {
		t.Errorf("%d runs, want %d", runs.Load(), n)
	}
	everyKeyDone(t, srv, store, events)
}

// Close waits for a write the timer has started (here held up by a paused Redis), reports
// the completions it could not write, keeps them, and writes them on a later Close; no
// goroutine is left behind.
func TestCloseWaitsForTheTimerAndFlushes(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, srv, redisstore.WithTimeout(300*time.Millisecond), redisstore.WithCompletionDelay(20*time.Millisecond))
	claim(t, s, "a", webhook.Claimed)
	claim(t, s, "b", webhook.Claimed)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv.Pause()
	for _, k := range []string{"a", "b"} {
		if err := s.Complete(t.Context(), k); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // the timer has fired and waits for Redis
	err := s.Close(t.Context())
	if !errors.Is(err, redisstore.ErrUnavailable) {
		t.Fatalf("Close with Redis paused: %v, want ErrUnavailable", err)
	}
	t.Log(err)
	srv.Resume()
	claim(t, s, "a", webhook.AlreadyDone) // still known here
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		if v := value(t, srv, s, k); v != "done" {
			t.Fatalf("key %s holds %q after Close, want done", k, v)
		}
	}
	// Closed, the store writes completions at once.
	claim(t, s, "c", webhook.Claimed)
	if err := s.Complete(t.Context(), "c"); err != nil {
		t.Fatal(err)
	}
	if v := value(t, srv, s, "c"); v != "done" {
		t.Fatalf("after Close a completion was not written at once: %q", v)
	}
}

// Buffered completions the timer could not write (Redis paused) are written once Redis
// answers again, without any further call to the store.
func TestBufferedCompletionsSurviveAnOutage(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, srv, redisstore.WithTimeout(200*time.Millisecond))
	claim(t, s, "k", webhook.Claimed)
	srv.Pause()
	if err := s.Complete(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond) // at least two failed writes
	srv.Resume()
	deadline := time.Now().Add(5 * time.Second)
	for value(t, srv, s, "k") != "done" {
		if time.Now().After(deadline) {
			t.Fatal("the completion was not written within 5s of Redis answering again")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
