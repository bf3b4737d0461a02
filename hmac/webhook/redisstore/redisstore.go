// Package redisstore is a [webhook.DedupStore] kept in Redis, so that webhook handlers running as
// several replicas behind a load balancer process each Sinch callback once between them.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	store, err := redisstore.New(rdb)
//	defer store.Close(context.Background()) // after the HTTP server has shut down
//	h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store), ...)
//
// Sinch retries a callback that was not answered 2xx, to whichever replica the load balancer
// picks. Each event's key goes through three states in Redis:
//
//   - Claim sets the event's key to a claim token with an expiry (the lease, five minutes by
//     default) unless the key exists, atomically (a Lua script). A delivery that finds a claim
//     is answered 503 by the handler, on any replica, so Sinch tries again later; one that finds
//     the key done is answered 200 without running anything. A replica that dies while holding
//     a claim does not block the event: the claim expires and the next retry is processed.
//   - Complete replaces the key with "done" for the TTL of completed keys (24 hours by default).
//   - Release, after your function failed, deletes the key if it still holds this replica's
//     claim (not another replica's later claim, not "done"), so Sinch's retry is processed.
//
// # One round trip per callback
//
// The handler calls Claim before your function and Complete after it. Claim is one round trip;
// Complete is none: the completed key is kept in the Store and written by the next Redis call
// this Store makes anyway, in the same pipeline as that call (the next Claim, or a Release).
// When no such call comes within the completion delay ([WithCompletionDelay], 50 ms by default)
// a timer writes the buffered completions on its own, in one pipeline. A steady stream of
// callbacks therefore costs one round trip each; a quiet replica pays one more round trip per
// delay at most. While a completion waits, the key still holds this replica's claim, so a copy
// of the event arriving at another replica is answered 503 (Sinch retries it later, and then
// it finds the key done), never processed again; a copy arriving at this replica is answered
// 200 at once. A completion whose claim is close to the end of its lease (a function that ran
// nearly as long as the lease) is written at once instead. [Store.Close] writes what is
// buffered and stops the timer; call it after the HTTP server has shut down.
//
// The price is a crash window: a replica that dies (killed, out of memory) with completions
// still buffered, at most the completion delay's worth, loses them. Their keys keep the dead
// replica's claims until the leases expire, and Sinch's retries are then processed again: such
// an event is processed at least once rather than exactly once, as it is when a replica dies
// while running your function. [WithCompletionDelay](0) writes each completion at once, a
// second round trip per callback, and narrows the window to the one between your function's
// return and that write.
//
// Keys are the prefix ("sinch:webhook:dedup:" by default) followed by the hex SHA-256 of the
// event's dedup key (128 bits), so nothing from a callback appears in Redis, and nothing from a
// callback is logged.
//
// # When Redis is down or slow
//
// Each operation is bounded by a timeout (one second by default; the request's context also
// bounds it). By default the store fails closed: Claim returns an error wrapping
// [ErrUnavailable], the handler answers 503 and runs nothing, and Sinch retries later. With
// [WithFailOpen] a Claim that cannot reach Redis reports Claimed, so the event is processed
// without a claim (and may then be processed twice if Sinch delivers it again). Buffered
// completions that could not be written are kept and written again (backing off to once a
// second) until Redis answers; their events are processed again only if Redis stays away
// longer than their leases.
//
// The Redis client must be created with ContextTimeoutEnabled: true, or go-redis ignores
// context deadlines and a stalled Redis holds each callback for its ReadTimeout; [New] refuses
// a client without it. A cancelled request returns at once with the context's error (even
// failing open, nothing is claimed or run for it).
package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/internal/rediscall"
)

// Defaults of [New].
const (
	DefaultPrefix          = "sinch:webhook:dedup:"
	DefaultTimeout         = time.Second
	DefaultCompletionDelay = 50 * time.Millisecond
)

// ErrUnavailable wraps the error of an operation that could not reach Redis (or not within the
// timeout): a Claim when the store fails closed, a Release, or a Close that could not write the
// buffered completions.
var ErrUnavailable = errors.New("redisstore: Redis unavailable")

// doneValue marks a completed key. Claim tokens never equal it.
const doneValue = "done"

const (
	// maxCarried bounds how many buffered completions one call carries, so that a backlog
	// left by an outage does not make one callback's round trip long.
	maxCarried = 256
	// maxBuffered bounds the buffer; past it completions are written at once.
	maxBuffered = 100_000
	// maxRetryDelay is the longest wait between two attempts to write buffered completions
	// while Redis does not answer.
	maxRetryDelay = time.Second
)

// claimScript returns the key's value if it exists, and otherwise sets it to the claim token
// with the lease and returns "".
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''
`)

// releaseScript deletes the key only while it holds the given claim token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Store is a [webhook.DedupStore] in Redis. It is safe for concurrent use; give each replica
// its own Store over the same Redis and prefix, and [Store.Close] it when the replica stops.
type Store struct {
	rdb      redis.UniversalClient
	prefix   string
	lease    time.Duration
	ttl      time.Duration
	timeout  time.Duration
	delay    time.Duration
	failOpen bool
	logger   *slog.Logger

	tokenPrefix string
	seq         atomic.Uint64

	mu       sync.Mutex
	held     map[string]hold      // redis key -> this Store's claim on it
	pending  map[string]time.Time // redis key -> when it was completed; not yet written
	timer    *time.Timer          // writes pending after the delay
	armed    bool                 // timer is set to fire
	retry    time.Duration        // wait before the next write while writes fail; 0 when they work
	closed   bool
	flushing sync.WaitGroup // timer writes under way
}

// hold is a claim this Store holds.
type hold struct {
	token string
	at    time.Time // before the claim was sent: its lease ends no earlier than at+lease
}

// completion is a buffered completion taken out to be written.
type completion struct {
	key string
	at  time.Time
}

// Option configures a [Store].
type Option func(*Store) error

// WithPrefix sets the prefix of the store's Redis keys (default DefaultPrefix). Replicas of one
// webhook must share it; different webhooks (or environments) on one Redis should not.
func WithPrefix(p string) Option {
	return func(s *Store) error {
		if p == "" {
			return errors.New("redisstore: empty key prefix")
		}
		s.prefix = p
		return nil
	}
}

// WithLease sets how long a claim lasts without Complete or Release (default
// webhook.DefaultDedupLease, five minutes): the longest your function may run, and how long
// an event waits after the replica processing it died. Make it longer than your slowest run.
func WithLease(d time.Duration) Option {
	return func(s *Store) error {
		if d < time.Millisecond {
			return fmt.Errorf("redisstore: lease %v is under a millisecond", d)
		}
		s.lease = d
		return nil
	}
}

// WithTTL sets how long a completed key is remembered (default webhook.DefaultDedupTTL,
// 24 hours): a retry arriving later is processed again.
func WithTTL(d time.Duration) Option {
	return func(s *Store) error {
		if d < time.Millisecond {
			return fmt.Errorf("redisstore: TTL %v is under a millisecond", d)
		}
		s.ttl = d
		return nil
	}
}

// WithTimeout bounds each Redis operation (default DefaultTimeout); past it Redis counts as
// unavailable.
func WithTimeout(d time.Duration) Option {
	return func(s *Store) error {
		if d <= 0 {
			return fmt.Errorf("redisstore: timeout %v is not positive", d)
		}
		s.timeout = d
		return nil
	}
}

// WithCompletionDelay sets how long a completion may wait in the Store for another Redis call
// to carry it before a timer writes it (default DefaultCompletionDelay, 50 ms). It is also how
// long, at most, a copy of a processed event arriving at another replica is still answered 503
// rather than 200, and what a crash of this replica can lose (see the package documentation).
// Zero writes every completion at once: two round trips per callback.
func WithCompletionDelay(d time.Duration) Option {
	return func(s *Store) error {
		if d < 0 {
			return fmt.Errorf("redisstore: completion delay %v is negative", d)
		}
		s.delay = d
		return nil
	}
}

// WithFailOpen makes a Claim that cannot reach Redis report Claimed, so that callbacks are
// processed (possibly twice) while Redis is down. The default is to fail closed: the handler
// answers 503 and Sinch retries later.
func WithFailOpen() Option {
	return func(s *Store) error { s.failOpen = true; return nil }
}

// WithLogger logs Redis failures (the operation and the error, never a key or anything from a
// callback).
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) error { s.logger = l; return nil }
}

// New returns a Store over rdb, which must have been created with ContextTimeoutEnabled: true.
// The Store does not close rdb.
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if err := rediscall.CheckClient(rdb); err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	var r [8]byte
	_, _ = rand.Read(r[:])
	s := &Store{
		rdb:         rdb,
		prefix:      DefaultPrefix,
		lease:       webhook.DefaultDedupLease,
		ttl:         webhook.DefaultDedupTTL,
		timeout:     DefaultTimeout,
		delay:       DefaultCompletionDelay,
		tokenPrefix: "claim:" + hex.EncodeToString(r[:]) + ":",
		held:        make(map[string]hold),
		pending:     make(map[string]time.Time),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Key returns the Redis key the store uses for a dedup key: the prefix and the first 128 bits
// of its SHA-256, in hex.
func (s *Store) Key(dedupKey string) string {
	sum := sha256.Sum256([]byte(dedupKey))
	return s.prefix + hex.EncodeToString(sum[:16])
}

// Claim implements [webhook.DedupStore] in one round trip, which also writes the completions
// buffered by [Store.Complete]. An event this Store completed and has not written yet is
// AlreadyDone without a round trip. With an error Claim also reports InProgress, so that a
// caller that looks at the result first still does not run the event.
func (s *Store) Claim(ctx context.Context, key string) (webhook.ClaimResult, error) {
	rk := s.Key(key)
	token := s.tokenPrefix + strconv.FormatUint(s.seq.Add(1), 36)
	s.mu.Lock()
	if _, done := s.pending[rk]; done {
		s.mu.Unlock()
		return webhook.AlreadyDone, nil
	}
	carried := s.takeLocked()
	s.mu.Unlock()
	at := time.Now()
	v, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (string, error) {
		return s.trip(ctx, carried, claimScript, rk, token, s.lease.Milliseconds()).Text()
	})
	s.carried(carried, err)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return webhook.InProgress, fmt.Errorf("redisstore: claim: %w", cerr) // the request went away
		}
		s.logFailure(ctx, "claim", err)
		if s.failOpen {
			return webhook.Claimed, nil
		}
		return webhook.InProgress, fmt.Errorf("%w: claim: %w", ErrUnavailable, err)
	}
	switch v {
	case "":
		s.mu.Lock()
		s.held[rk] = hold{token: token, at: at}
		s.mu.Unlock()
		return webhook.Claimed, nil
	case doneValue:
		return webhook.AlreadyDone, nil
	}
	return webhook.InProgress, nil
}

// Complete implements [webhook.DedupStore]. When this Store holds the event's claim, the
// completion is buffered and Complete returns at once: the next Claim or Release carries it to
// Redis, or the timer writes it after the completion delay, and the key keeps this Store's
// claim until then. Otherwise (a claim near the end of its lease, one taken failing open, a
// completion delay of zero, a closed Store) it writes the key at once, in one round trip.
// Either way the key becomes done for the TTL, whoever held it.
func (s *Store) Complete(ctx context.Context, key string) error {
	rk := s.Key(key)
	now := time.Now()
	s.mu.Lock()
	h, held := s.held[rk]
	delete(s.held, rk)
	if held && s.delay > 0 && !s.closed && len(s.pending) < maxBuffered &&
		now.Sub(h.at)+s.delay+s.timeout < s.lease {
		s.pending[rk] = now
		s.armLocked()
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	_, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (string, error) {
		return s.rdb.Set(ctx, rk, doneValue, s.ttl).Result()
	})
	if err != nil {
		s.logFailure(ctx, "complete", err)
		return fmt.Errorf("%w: complete: %w", ErrUnavailable, err)
	}
	return nil
}

// Release implements [webhook.DedupStore] in one round trip (which also writes buffered
// completions): the key is deleted if it still holds this store's claim. Without such a claim
// (a fail-open Claim, or none) it does nothing.
func (s *Store) Release(ctx context.Context, key string) error {
	rk := s.Key(key)
	s.mu.Lock()
	token := s.held[rk].token
	delete(s.held, rk)
	if token == "" {
		s.mu.Unlock()
		return nil
	}
	carried := s.takeLocked()
	s.mu.Unlock()
	_, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (any, error) {
		return s.trip(ctx, carried, releaseScript, rk, token).Result()
	})
	s.carried(carried, err)
	if err != nil {
		// The claim then lapses after the lease, and Sinch's retry is processed after that.
		s.logFailure(ctx, "release", err)
		return fmt.Errorf("%w: release: %w", ErrUnavailable, err)
	}
	return nil
}

// Flush writes the buffered completions now, in as few round trips as the backlog allows (one
// for up to 256), and reports an error wrapping [ErrUnavailable] when Redis did not take them;
// they stay buffered then.
func (s *Store) Flush(ctx context.Context) error {
	for {
		s.mu.Lock()
		batch := s.takeLocked()
		s.mu.Unlock()
		if len(batch) == 0 {
			return nil
		}
		_, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.write(ctx, batch)
		})
		s.carried(batch, err)
		if err != nil {
			s.logFailure(ctx, "complete", err)
			s.mu.Lock()
			n := len(s.pending)
			s.mu.Unlock()
			return fmt.Errorf("%w: %d completed events not recorded (they are processed again if their claims expire first): %w",
				ErrUnavailable, n, err)
		}
	}
}

// Close stops the timer, waits for a write it has started, and writes the buffered completions
// ([Store.Flush]). Call it when the replica stops, after the HTTP server has shut down, so that
// no goroutine outlives the Store and no completion is lost (a Store never closed holds no
// goroutine while idle, and its timer writes completions within the delay, but one buffered at
// exit is lost). Afterwards the Store still works, writing each completion at once. It does not
// close the Redis client.
func (s *Store) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
		s.armed = false
	}
	s.mu.Unlock()
	s.flushing.Wait()
	return s.Flush(ctx)
}

// trip sends one pipeline: a SET marking each carried key done, then script over key. It is
// one round trip; a second (EVAL) only when Redis has lost its script cache (after a restart).
// The result is script's; an error in any of the SETs is reported on it.
func (s *Store) trip(ctx context.Context, carried []completion, script *redis.Script, key string, args ...any) *redis.Cmd {
	keys := []string{key}
	sets := make([]*redis.StatusCmd, 0, len(carried))
	var cmd *redis.Cmd
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range carried {
			sets = append(sets, p.Set(ctx, c.key, doneValue, s.ttl))
		}
		cmd = script.EvalSha(ctx, p, keys, args...)
		return nil
	})
	for _, set := range sets {
		if err := set.Err(); err != nil {
			failed := redis.NewCmd(ctx)
			failed.SetErr(err)
			return failed
		}
	}
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd = script.Eval(ctx, s.rdb, keys, args...)
	}
	return cmd
}

// write marks batch done in one round trip.
func (s *Store) write(ctx context.Context, batch []completion) error {
	cmds, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range batch {
			p.Set(ctx, c.key, doneValue, s.ttl)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

// takeLocked takes up to maxCarried buffered completions out of the buffer. s.mu is held.
func (s *Store) takeLocked() []completion {
	if len(s.pending) == 0 {
		return nil
	}
	batch := make([]completion, 0, min(len(s.pending), maxCarried))
	for k, at := range s.pending {
		if len(batch) == maxCarried {
			break
		}
		batch = append(batch, completion{k, at})
		delete(s.pending, k)
	}
	if len(s.pending) == 0 && s.armed && s.timer.Stop() {
		s.armed = false
	}
	return batch
}

// carried settles the completions a call carried: written when err is nil, otherwise back in
// the buffer (a SET that did reach Redis is harmless to repeat). Those completed longer than the
// TTL ago are dropped: their mark would already have expired.
func (s *Store) carried(batch []completion, err error) {
	if len(batch) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.retry = 0
		return
	}
	s.retry = min(max(2*s.retry, s.delay, 10*time.Millisecond), maxRetryDelay)
	now := time.Now()
	for _, c := range batch {
		if now.Sub(c.at) < s.ttl {
			s.pending[c.key] = c.at
		}
	}
	s.armLocked()
}

// armLocked sets the timer, unless it is set already, nothing is buffered or the Store is
// closed. It fires after the completion delay, or the retry delay while writes fail.
func (s *Store) armLocked() {
	if s.armed || s.closed || len(s.pending) == 0 {
		return
	}
	d := max(s.delay, s.retry)
	s.armed = true
	if s.timer == nil {
		s.timer = time.AfterFunc(d, s.flushDue)
		return
	}
	s.timer.Reset(d)
}

// flushDue is the timer's function: it writes what is buffered, up to maxCarried at a time.
func (s *Store) flushDue() {
	s.mu.Lock()
	s.armed = false
	if s.closed {
		s.mu.Unlock()
		return
	}
	batch := s.takeLocked()
	if len(batch) == 0 {
		s.mu.Unlock()
		return
	}
	s.flushing.Add(1)
	s.mu.Unlock()
	defer s.flushing.Done()
	ctx := context.Background()
	_, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.write(ctx, batch)
	})
	if err != nil {
		s.logFailure(ctx, "complete", err)
	}
	s.carried(batch, err)
	s.mu.Lock()
	s.armLocked() // completions beyond maxCarried, or buffered meanwhile
	s.mu.Unlock()
}

func (s *Store) logFailure(ctx context.Context, op string, err error) {
	if s.logger != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "sinch webhook dedup: Redis operation failed",
			slog.String("op", op), slog.Bool("fail_open", s.failOpen), slog.String("error", err.Error()))
	}
}

var _ webhook.DedupStore = (*Store)(nil)
