// Package redislimit is a [sinch.Limiter] shared through Redis: every replica of a service that
// sends with one Sinch project paces its requests against one budget, so that together they stay
// under the project's rate (800 requests per second by default) instead of each sending at it.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	lim, err := redislimit.New(rdb, projectID, redislimit.WithLocalFallback(4))
//	client, err := sinch.NewClient(..., sinch.WithLimiter(lim))
//
// The algorithm is GCRA (the generic cell rate algorithm), as implemented by
// github.com/go-redis/redis_rate over one Redis key per project, with Redis's own clock: each
// acquisition is one round trip (a Lua script). A request that may not go yet sleeps until the
// time Redis names, then asks again. Within one process the waiters queue and one goroutine
// asks Redis for several of them at once (as many slots as wait, up to a sixteenth of the burst),
// so that it makes fewer Redis calls than requests. One replica alone can therefore reach
// burst/16 slots per round trip: at 800/s with the default burst of 80 (5 slots a round trip)
// that holds while the round trip to Redis stays under about 6 ms; with a slower Redis, raise
// the burst or run more replicas.
//
// # When Redis is down or slow
//
// Each Redis call is bounded by a timeout (250 ms by default). When it fails, the limiter either
// fails the call with an error wrapping [ErrUnavailable] (the default: never exceed the project's
// rate), or, with [WithLocalFallback](replicas), paces this process alone at its share of the
// rate (rate / replicas) with an in-process limiter. Either way it tries Redis again after
// [WithRetryAfter] (one second by default) and goes back to the shared budget when Redis answers.
// Waiting honours the context: a cancelled or expired context ends the wait at once, with its
// error, and no goroutine outlives the wait by more than the Redis timeout.
//
// The Redis client must be created with ContextTimeoutEnabled: true; [New] refuses one without.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/relaykit/sinch-go/internal/rediscall"
)

// Defaults of [New].
const (
	// DefaultRate is the Conversation API's documented rate per project, in requests per second.
	DefaultRate = 800
	// DefaultPrefix starts the Redis key; the project id ends it.
	DefaultPrefix = "sinch:ratelimit:"
	// DefaultTimeout bounds one Redis call.
	DefaultTimeout = 250 * time.Millisecond
	// DefaultRetryAfter is how long the limiter stays on its fallback after Redis failed.
	DefaultRetryAfter = time.Second
)

// ErrUnavailable wraps the Redis error when the limiter cannot reach Redis and has no local
// fallback. The SDK client returns it (wrapped) from the call, which is not sent.
var ErrUnavailable = errors.New("redislimit: Redis unavailable; request not sent")

// Limiter paces requests against a budget shared through Redis. It implements [sinch.Limiter]
// and is safe for concurrent use.
//
// [sinch.Limiter]: https://pkg.go.dev/github.com/relaykit/sinch-go/wrappers/sinch#Limiter
type Limiter struct {
	rdb        redis.UniversalClient
	gcra       *redis_rate.Limiter
	key        string
	limit      redis_rate.Limit
	timeout    time.Duration
	retryAfter time.Duration
	replicas   int // > 0: fall back to a local limiter at rate/replicas
	logger     *slog.Logger
	prefix     string
	now        func() time.Time

	local *rate.Limiter // the fallback, or nil
	kick  chan struct{} // wakes a sleeping poller when the queue empties

	qmu      sync.Mutex
	queue    []*waiter
	polling  bool      // the poller goroutine runs
	probing  bool      // the poller is asking Redis whether it is back
	downTill time.Time // while now is before it, Redis is not asked; zero while Redis works
}

// Option configures a [Limiter].
type Option func(*Limiter) error

// WithRate sets the shared rate in requests per second (default DefaultRate).
func WithRate(perSecond int) Option {
	return func(l *Limiter) error {
		if perSecond <= 0 {
			return fmt.Errorf("redislimit: rate %d is not positive", perSecond)
		}
		l.limit.Rate = perSecond
		return nil
	}
}

// WithBurst sets how many requests may go at once after a quiet period (default a tenth of a
// second's worth, at least 1, as the SDK's in-process limiter), and the most one WaitN takes.
func WithBurst(n int) Option {
	return func(l *Limiter) error {
		if n <= 0 {
			return fmt.Errorf("redislimit: burst %d is not positive", n)
		}
		l.limit.Burst = n
		return nil
	}
}

// WithPrefix sets the start of the Redis key (default DefaultPrefix); the project id follows.
func WithPrefix(p string) Option {
	return func(l *Limiter) error { l.prefix = p; return nil }
}

// WithTimeout bounds each Redis call (default DefaultTimeout); a slower answer counts as Redis
// being unavailable.
func WithTimeout(d time.Duration) Option {
	return func(l *Limiter) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: timeout %v is not positive", d)
		}
		l.timeout = d
		return nil
	}
}

// WithRetryAfter sets how long after a Redis failure the limiter keeps to its fallback before
// asking Redis again (default DefaultRetryAfter).
func WithRetryAfter(d time.Duration) Option {
	return func(l *Limiter) error {
		if d <= 0 {
			return fmt.Errorf("redislimit: retry interval %v is not positive", d)
		}
		l.retryAfter = d
		return nil
	}
}

// WithLocalFallback makes the limiter, while Redis is unavailable, pace this process alone at
// rate/replicas (and burst/replicas) in-process, instead of failing calls. replicas is the number
// of processes sharing the project's rate; with the right number they stay under it together.
func WithLocalFallback(replicas int) Option {
	return func(l *Limiter) error {
		if replicas <= 0 {
			return fmt.Errorf("redislimit: %d replicas: want 1 or more", replicas)
		}
		l.replicas = replicas
		return nil
	}
}

// WithFailCalls makes the limiter fail calls with ErrUnavailable while Redis is unavailable (the
// default), undoing WithLocalFallback.
func WithFailCalls() Option {
	return func(l *Limiter) error { l.replicas = 0; return nil }
}

// WithLogger logs when the limiter loses Redis (with the error) and when it gets it back.
func WithLogger(lg *slog.Logger) Option {
	return func(l *Limiter) error { l.logger = lg; return nil }
}

// New returns a Limiter over rdb (created with ContextTimeoutEnabled: true) for one Sinch
// project. Every replica must use the same project id, prefix, rate and burst.
func New(rdb redis.UniversalClient, projectID string, opts ...Option) (*Limiter, error) {
	if err := rediscall.CheckClient(rdb); err != nil {
		return nil, fmt.Errorf("redislimit: %w", err)
	}
	if projectID == "" {
		return nil, errors.New("redislimit: empty project id")
	}
	l := &Limiter{
		rdb:        rdb,
		gcra:       redis_rate.NewLimiter(rdb),
		limit:      redis_rate.Limit{Rate: DefaultRate, Period: time.Second},
		timeout:    DefaultTimeout,
		retryAfter: DefaultRetryAfter,
		prefix:     DefaultPrefix,
		now:        time.Now,
		kick:       make(chan struct{}, 1),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(l); err != nil {
			return nil, err
		}
	}
	if l.limit.Burst == 0 {
		l.limit.Burst = max(1, l.limit.Rate/10)
	}
	l.key = l.prefix + projectID
	if l.replicas > 0 {
		r := float64(l.limit.Rate) / float64(l.replicas)
		l.local = rate.NewLimiter(rate.Limit(r), max(1, l.limit.Burst/l.replicas))
	}
	return l, nil
}

// Wait blocks until one request may be sent: see WaitN.
func (l *Limiter) Wait(ctx context.Context) error { return l.WaitN(ctx, 1) }

// waiter is one WaitN queued for the poller.
type waiter struct {
	n     int
	ready chan error // buffered; nil: granted; otherwise Redis failed (use the fallback)
}

// WaitN blocks until n requests (or units, such as a batch's recipients) may be sent, and
// returns nil; or returns ctx's error when it is cancelled or expires first, or an error
// wrapping ErrUnavailable when Redis cannot be reached and there is no local fallback. n must
// not exceed the burst.
//
// Waiters queue in order; while any wait, one goroutine of the Limiter asks Redis for as many
// slots as there are waiters (up to a sixteenth of the burst, halving the ask after each
// refusal) and hands them out, so that a replica makes fewer Redis calls than requests (see
// the package documentation for the rate one replica can reach). It ends when no one waits.
func (l *Limiter) WaitN(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	if n > l.limit.Burst {
		return fmt.Errorf("redislimit: %d at once exceeds the burst of %d", n, l.limit.Burst)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &waiter{n: n, ready: make(chan error, 1)}
	l.qmu.Lock()
	if l.skipRedisLocked() {
		l.qmu.Unlock()
		return l.fallback(ctx, n, nil)
	}
	l.queue = append(l.queue, w)
	start := !l.polling
	l.polling = true
	l.qmu.Unlock()
	if start {
		go l.poll()
	}
	select {
	case err := <-w.ready:
		if err != nil {
			return l.fallback(ctx, n, err)
		}
		return nil
	case <-ctx.Done():
	}
	l.qmu.Lock()
	removed := false
	for i, q := range l.queue {
		if q == w {
			l.queue = append(l.queue[:i], l.queue[i+1:]...)
			removed = true
			break
		}
	}
	empty := len(l.queue) == 0
	l.qmu.Unlock()
	if empty {
		select { // let a sleeping poller see that no one waits any more
		case l.kick <- struct{}{}:
		default:
		}
	}
	if !removed {
		<-w.ready // granted (the slot is spent) or failed meanwhile
	}
	return ctx.Err()
}

// poll serves the queue until it is empty.
func (l *Limiter) poll() {
	// Asking for up to a sixteenth of the burst keeps a replica fast (at 800/s with the default
	// burst of 80, five slots a round trip) without waiting until the shared bucket is nearly
	// full: a poller that wakes late would then let slots overflow and be lost.
	maxAsk := max(1, l.limit.Burst/16)
	ask := maxAsk
	for {
		l.qmu.Lock()
		if len(l.queue) == 0 {
			l.polling, l.probing = false, false
			l.qmu.Unlock()
			return
		}
		units := l.queue[0].n
		if units == 1 { // several single waiters: ask for up to `ask` slots at once
			units = 0
			for _, q := range l.queue {
				if q.n != 1 || units == ask {
					break
				}
				units++
			}
		}
		l.probing = !l.downTill.IsZero()
		l.qmu.Unlock()

		res, err := rediscall.Do(context.Background(), l.timeout, func(ctx context.Context) (*redis_rate.Result, error) {
			return l.gcra.AllowN(ctx, l.key, l.limit, units)
		})
		if err != nil {
			l.markDown(err)
			l.qmu.Lock()
			for _, q := range l.queue {
				q.ready <- err
			}
			l.queue = nil
			l.polling, l.probing = false, false
			l.qmu.Unlock()
			return
		}
		l.markUp()
		if res.Allowed > 0 {
			l.qmu.Lock()
			left := res.Allowed
			for len(l.queue) > 0 && l.queue[0].n <= left {
				left -= l.queue[0].n
				l.queue[0].ready <- nil
				l.queue = l.queue[1:]
			}
			l.qmu.Unlock()
			ask = min(ask*2, maxAsk)
			continue
		}
		ask = max(1, units/2) // others got the slots first: ask for fewer, sooner
		wait := res.RetryAfter
		if wait <= 0 { // -1 means "now"; keep a floor so that a clock quirk cannot spin
			wait = time.Microsecond
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-l.kick:
			t.Stop()
		}
	}
}

// fallback paces with the local limiter, or fails.
func (l *Limiter) fallback(ctx context.Context, n int, cause error) error {
	if l.local == nil {
		if cause == nil {
			return fmt.Errorf("%w (Redis failed less than %v ago)", ErrUnavailable, l.retryAfter)
		}
		return fmt.Errorf("%w: %w", ErrUnavailable, cause)
	}
	return l.local.WaitN(ctx, n)
}

// skipRedisLocked reports whether a new wait should not queue for Redis: Redis failed less
// than retryAfter ago, or, with a local fallback, the poller is asking it whether it is back
// (without a fallback new waiters queue behind that probe rather than fail). l.qmu is held.
func (l *Limiter) skipRedisLocked() bool {
	if l.downTill.IsZero() {
		return false
	}
	return l.now().Before(l.downTill) || (l.probing && l.local != nil)
}

func (l *Limiter) markDown(err error) {
	l.qmu.Lock()
	first := l.downTill.IsZero()
	l.downTill = l.now().Add(l.retryAfter)
	l.qmu.Unlock()
	ctx := context.Background()
	if first && l.logger != nil {
		mode := "failing calls"
		if l.local != nil {
			mode = fmt.Sprintf("pacing locally at %.4g/s", float64(l.local.Limit()))
		}
		l.logger.LogAttrs(ctx, slog.LevelWarn, "sinch rate limiter: Redis unavailable, "+mode,
			slog.String("error", err.Error()), slog.Duration("retry_after", l.retryAfter))
	}
}

func (l *Limiter) markUp() {
	l.qmu.Lock()
	was := !l.downTill.IsZero()
	l.downTill = time.Time{}
	l.qmu.Unlock()
	ctx := context.Background()
	if was && l.logger != nil {
		l.logger.LogAttrs(ctx, slog.LevelInfo, "sinch rate limiter: Redis available again, pacing shared")
	}
}

// Key returns the Redis key of the shared budget, for monitoring (redis_rate prefixes it with
// "rate:").
func (l *Limiter) Key() string { return "rate:" + l.key }
