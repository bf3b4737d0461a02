package sinch

import "context"

// Limiter paces the client's requests. Wait blocks until one more request may be sent and
// returns nil, or returns an error (the context's, or the limiter's own) and the request is not
// sent: the call fails with that error, wrapped, and is not retried.
//
// *rate.Limiter from golang.org/x/time/rate satisfies it (WithRateLimit uses one, in-process);
// package wrappers/redislimit provides one that every replica of a service shares through
// Redis, so that together they stay under the project's rate.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter paces every request (retries included) through l, replacing the in-process
// limiter of WithRateLimit; of the two options the later one given wins. A nil l removes
// pacing.
func WithLimiter(l Limiter) Option {
	return func(c *config) { c.limiter, c.rateLimit = l, 0 }
}
