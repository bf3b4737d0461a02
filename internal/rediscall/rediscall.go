// Package rediscall holds what the SDK's Redis-backed packages (hmac/webhook/redisstore and
// wrappers/redislimit) share: the client check and a bounded, cancellable call.
package rediscall

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrContextTimeoutDisabled is returned by CheckClient for a client that ignores context
// deadlines.
var ErrContextTimeoutDisabled = errors.New("the Redis client must be created with ContextTimeoutEnabled: true, " +
	"or go-redis ignores context deadlines and a stalled Redis holds every call for its ReadTimeout " +
	"(set redis.Options.ContextTimeoutEnabled, also after redis.ParseURL)")

// CheckClient reports ErrContextTimeoutDisabled when rdb is a *redis.Client,
// *redis.ClusterClient or *redis.Ring created without ContextTimeoutEnabled. Other
// implementations of redis.UniversalClient are trusted.
func CheckClient(rdb redis.UniversalClient) error {
	enabled := true
	switch c := rdb.(type) {
	case nil:
		return errors.New("nil Redis client")
	case *redis.Client:
		enabled = c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		enabled = c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		enabled = c.Options().ContextTimeoutEnabled
	}
	if !enabled {
		return ErrContextTimeoutDisabled
	}
	return nil
}

// Do runs fn with a context that ends after the timeout, or at ctx's deadline if earlier (which go-redis turns into the socket
// deadline) and returns as soon as ctx is cancelled, reporting ctx's error: go-redis reacts to
// deadlines but not to cancellation, so a call to a Redis that stopped answering would otherwise
// ignore a cancelled caller until its timeout. After such an early return fn's goroutine still
// finishes within the timeout; fn must then not write anything the caller reads.
func Do[T any](ctx context.Context, timeout time.Duration, fn func(context.Context) (T, error)) (T, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	opCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	if ctx.Done() == nil { // never cancelled: no goroutine needed
		defer cancel()
		return fn(opCtx)
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer cancel()
		v, err := fn(opCtx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
