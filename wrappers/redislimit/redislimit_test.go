package redislimit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/relaykit/sinch-go/internal/redistest"
	"github.com/relaykit/sinch-go/wrappers/redislimit"
)

func newLimiter(t testing.TB, rdb redis.UniversalClient, project string, opts ...redislimit.Option) *redislimit.Limiter {
	t.Helper()
	l, err := redislimit.New(rdb, project, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// admitted runs workers goroutines that each call Wait in a loop for d and counts the grants.
func admitted(ctx context.Context, d time.Duration, workers int, limiters ...*redislimit.Limiter) (granted int64, errs []error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var n atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, l := range limiters {
		for range workers {
			wg.Go(func() {
				for {
					err := l.Wait(ctx)
					if ctx.Err() != nil || err != nil && time.Until(deadline) < 100*time.Millisecond {
						return // the run is over (a limiter may refuse a wait that would pass the deadline)
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					n.Add(1)
				}
			})
		}
	}
	wg.Wait()
	return n.Load(), errs
}

// Two limiters (two replicas) over one key share one budget; another project has its own.
func TestReplicasShareOneBudget(t *testing.T) {
	srv := redistest.Start(t)
	a := newLimiter(t, srv.Client(t), "p1", redislimit.WithRate(200), redislimit.WithBurst(10))
	b := newLimiter(t, srv.Client(t), "p1", redislimit.WithRate(200), redislimit.WithBurst(10))
	other := newLimiter(t, srv.Client(t), "p2", redislimit.WithRate(200), redislimit.WithBurst(10))
	got, errs := admitted(t.Context(), time.Second, 4, a, b)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// At most rate*1s + burst (the guarantee); at least half the rate, a sanity floor only (on
	// a loaded machine the test process stalls; TestFourReplicasShare800PerSecond measures).
	if got > 200+10+2 || got < 100 {
		t.Fatalf("two replicas admitted %d in 1s at 200/s (burst 10), want 100..212", got)
	}
	if err := other.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := srv.Client(t).Exists(t.Context(), a.Key(), other.Key()).Val(); n != 2 {
		t.Fatalf("%d keys, want one per project", n)
	}
}

// Redis stopped mid-run: without a fallback every Wait fails with ErrUnavailable within the
// timeout; with WithLocalFallback(replicas) the process goes on at rate/replicas; when Redis is
// back the shared budget is used again. The loss and the recovery are logged once each.
func TestRedisStoppedMidRun(t *testing.T) {
	srv := redistest.Start(t)
	var logs bytes.Buffer
	lg := slog.New(slog.NewTextHandler(&logs, nil))
	common := []redislimit.Option{redislimit.WithRate(400), redislimit.WithBurst(4),
		redislimit.WithRetryAfter(200 * time.Millisecond), redislimit.WithTimeout(time.Second), redislimit.WithLogger(lg)}
	strict := newLimiter(t, srv.Client(t), "p", common...)
	local := newLimiter(t, srv.Client(t), "p", append(common, redislimit.WithLocalFallback(4))...)
	if got, errs := admitted(t.Context(), 500*time.Millisecond, 4, strict, local); len(errs) > 0 || got == 0 || got > 200+4+2 {
		t.Fatalf("Redis up: %d admitted, errors %v", got, errs)
	}

	srv.Stop()
	began := time.Now()
	err := strict.Wait(t.Context())
	if !errors.Is(err, redislimit.ErrUnavailable) || time.Since(began) > 2*time.Second {
		t.Fatalf("Redis down, no fallback: %v after %v; want ErrUnavailable within the timeout", err, time.Since(began))
	}
	if err := strict.Wait(t.Context()); !errors.Is(err, redislimit.ErrUnavailable) {
		t.Fatalf("Redis down, no fallback, second call: %v", err)
	}
	if err := local.Wait(t.Context()); err != nil { // the first failure costs up to the timeout
		t.Fatal(err)
	}
	got, errs := admitted(t.Context(), 2*time.Second, 4, local)
	if len(errs) > 0 {
		t.Fatalf("Redis down, local fallback: %v", errs)
	}
	// 400/4 = 100/s for 2s, burst 1: at most 201; at least half (a sanity floor, as above).
	if got > 201 || got < 100 {
		t.Fatalf("Redis down, local fallback admitted %d in 2s, want about 200 (100/s)", got)
	}

	srv.Restart()
	time.Sleep(250 * time.Millisecond) // past WithRetryAfter
	got, errs = admitted(t.Context(), time.Second, 4, strict, local)
	// Shared 400/s with a fresh bucket (burst 4), plus what the fallback paced locally (100/s)
	// while the first probe of Redis was in flight.
	if len(errs) > 0 || got > 400+4+2+15 || got < 200 || srv.Client(t).Exists(t.Context(), strict.Key()).Val() != 1 {
		t.Fatalf("Redis back: %d admitted in 1s at 400/s, errors %v", got, errs)
	}
	out := logs.String()
	if strings.Count(out, "Redis unavailable") != 2 || strings.Count(out, "Redis available again") != 2 {
		t.Fatalf("want one loss and one recovery logged per limiter:\n%s", out)
	}
}

// A Redis that stops answering (SIGSTOP) costs a waiter the timeout, not the client's
// ReadTimeout; the fallback then paces.
func TestPausedRedisFallsBackWithinTheTimeout(t *testing.T) {
	srv := redistest.Start(t)
	l := newLimiter(t, srv.Client(t), "p", redislimit.WithTimeout(100*time.Millisecond), redislimit.WithLocalFallback(2))
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.Pause()
	defer srv.Resume()
	began := time.Now()
	if err := l.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d > 600*time.Millisecond {
		t.Fatalf("Wait took %v with Redis paused, want about the 100ms timeout", d)
	}
}

// Cancellation ends a wait at once, both a waiter sleeping for its slot and one queued behind
// it, and no goroutine is left behind, even when Redis is paused mid-call.
func TestWaitHonoursContextWithoutLeaks(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	l := newLimiter(t, rdb, "p", redislimit.WithRate(1), redislimit.WithBurst(1), redislimit.WithTimeout(300*time.Millisecond))
	if err := l.Wait(t.Context()); err != nil { // takes the only slot for a second
		t.Fatal(err)
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 2)
	for range 2 {
		go func() { errc <- l.Wait(ctx) }()
	}
	time.Sleep(50 * time.Millisecond)
	began := time.Now()
	cancel()
	for range 2 {
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait after cancel: %v", err)
		}
	}
	if d := time.Since(began); d > 200*time.Millisecond {
		t.Fatalf("cancelled waits returned after %v", d)
	}

	// A deadline before the next slot ends the wait at the deadline.
	dctx, dcancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer dcancel()
	if err := l.Wait(dctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with a short deadline: %v", err)
	}

	// Cancelled during the Redis call itself (Redis paused): Wait returns the context's error
	// at once; the call's goroutine ends with the Redis timeout.
	srv.Pause()
	ctx2, cancel2 := context.WithCancel(t.Context())
	time.AfterFunc(30*time.Millisecond, cancel2)
	began = time.Now()
	if err := l.Wait(ctx2); !errors.Is(err, context.Canceled) || time.Since(began) > 200*time.Millisecond {
		t.Fatalf("Wait cancelled during a Redis call: %v after %v", err, time.Since(began))
	}
	srv.Resume()
	time.Sleep(400 * time.Millisecond) // the abandoned call's timeout
}

func TestNewAndWaitNCheckArguments(t *testing.T) {
	plain := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer plain.Close()
	if _, err := redislimit.New(plain, "p"); err == nil || !strings.Contains(err.Error(), "ContextTimeoutEnabled") {
		t.Fatalf("a client ignoring context deadlines: %v", err)
	}
	ok := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer ok.Close()
	if _, err := redislimit.New(ok, ""); err == nil {
		t.Error("empty project accepted")
	}
	for name, opt := range map[string]redislimit.Option{
		"rate": redislimit.WithRate(0), "burst": redislimit.WithBurst(-1), "timeout": redislimit.WithTimeout(0),
		"retry": redislimit.WithRetryAfter(0), "replicas": redislimit.WithLocalFallback(0),
	} {
		if _, err := redislimit.New(ok, "p", opt); err == nil {
			t.Errorf("%s: invalid value accepted", name)
		}
	}
	l, err := redislimit.New(ok, "p", redislimit.WithRate(10), redislimit.WithBurst(5))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.WaitN(t.Context(), 6); err == nil || !strings.Contains(err.Error(), "burst") {
		t.Fatalf("WaitN above the burst: %v", err)
	}
}
