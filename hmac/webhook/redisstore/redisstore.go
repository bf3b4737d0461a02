// Package redisstore is a [webhook.DedupStore] kept in Redis, so that webhook handlers running as
// several replicas behind a load balancer process each Sinch callback once between them.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	store, err := redisstore.New(rdb)
//	h, err := webhook.New(webhook.WithSecrets(secret), webhook.WithDedupStore(store), ...)
//
// Sinch retries a callback that was not answered 2xx, to whichever replica the load balancer
// picks. Every store operation is one Redis round trip:
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
// The handler therefore adds one round trip before your function runs (Claim) and one after it
// (Complete, or Release when it failed).
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
// without a claim (and may then be processed twice if Sinch delivers it again).
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
	DefaultPrefix  = "sinch:webhook:dedup:"
	DefaultTimeout = time.Second
)

// ErrUnavailable wraps the error of a Claim that could not reach Redis (or not within the
// timeout) when the store fails closed.
var ErrUnavailable = errors.New("redisstore: Redis unavailable")

// doneValue marks a completed key. Claim tokens never equal it.
const doneValue = "done"

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
// its own Store over the same Redis and prefix.
type Store struct {
	rdb      redis.UniversalClient
	prefix   string
	lease    time.Duration
	ttl      time.Duration
	timeout  time.Duration
	failOpen bool
	logger   *slog.Logger

	tokenPrefix string
	seq         atomic.Uint64
	mu          sync.Mutex
	held        map[string]string // redis key -> claim token, for claims this Store holds
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
		tokenPrefix: "claim:" + hex.EncodeToString(r[:]) + ":",
		held:        make(map[string]string),
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

// Claim implements [webhook.DedupStore] in one round trip. With an error it also reports
// InProgress, so that a caller that looks at the result first still does not run the event.
func (s *Store) Claim(ctx context.Context, key string) (webhook.ClaimResult, error) {
	rk := s.Key(key)
	token := s.tokenPrefix + strconv.FormatUint(s.seq.Add(1), 36)
	v, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (string, error) {
		return claimScript.Run(ctx, s.rdb, []string{rk}, token, s.lease.Milliseconds()).Text()
	})
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
		s.held[rk] = token
		s.mu.Unlock()
		return webhook.Claimed, nil
	case doneValue:
		return webhook.AlreadyDone, nil
	}
	return webhook.InProgress, nil
}

// Complete implements [webhook.DedupStore] in one round trip: the key becomes done for the TTL,
// whoever held it.
func (s *Store) Complete(ctx context.Context, key string) error {
	rk := s.Key(key)
	s.forget(rk)
	_, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (string, error) {
		return s.rdb.Set(ctx, rk, doneValue, s.ttl).Result()
	})
	if err != nil {
		s.logFailure(ctx, "complete", err)
		return fmt.Errorf("%w: complete: %w", ErrUnavailable, err)
	}
	return nil
}

// Release implements [webhook.DedupStore] in one round trip: the key is deleted if it still
// holds this store's claim. Without such a claim (a fail-open Claim, or none) it does nothing.
func (s *Store) Release(ctx context.Context, key string) error {
	rk := s.Key(key)
	token := s.forget(rk)
	if token == "" {
		return nil
	}
	_, err := rediscall.Do(ctx, s.timeout, func(ctx context.Context) (any, error) {
		return releaseScript.Run(ctx, s.rdb, []string{rk}, token).Result()
	})
	if err != nil {
		// The claim then lapses after the lease, and Sinch's retry is processed after that.
		s.logFailure(ctx, "release", err)
		return fmt.Errorf("%w: release: %w", ErrUnavailable, err)
	}
	return nil
}

func (s *Store) forget(rk string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	token := s.held[rk]
	delete(s.held, rk)
	return token
}

func (s *Store) logFailure(ctx context.Context, op string, err error) {
	if s.logger != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "sinch webhook dedup: Redis operation failed",
			slog.String("op", op), slog.Bool("fail_open", s.failOpen), slog.String("error", err.Error()))
	}
}

var _ webhook.DedupStore = (*Store)(nil)
