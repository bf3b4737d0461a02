package commands

import (
	"context"
	"fmt"
	"math"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/relaykit/sinch-go/wrappers/redislimit"
)

// batchRecipientPrefix starts the Redis key of `batch send --redis`: the recipients per second
// of one project, shared by every `sinch batch send` that names the same Redis.
const batchRecipientPrefix = "sinch:batch-recipients:"

// recipientPacer paces `batch send`: n recipients may go when WaitN returns nil.
type recipientPacer interface {
	WaitN(ctx context.Context, n int) error
}

// newRecipientPacer returns the pacer of `batch send`: in-process, or, with a Redis URL, shared
// through Redis by every run for the project (GCRA, package wrappers/redislimit). The first
// batch goes at once, each next one when its recipients fit under the rate. The returned
// function closes the Redis client.
func newRecipientPacer(redisURL, projectID string, perSecond float64, chunk int) (recipientPacer, func(), error) {
	if redisURL == "" {
		return rate.NewLimiter(rate.Limit(perSecond), chunk), func() {}, nil
	}
	if perSecond < 1 || perSecond != math.Trunc(perSecond) {
		return nil, nil, usagef("--rate must be a whole number of recipients per second with --redis")
	}
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		// The URL may hold a password: it is not repeated.
		return nil, nil, usagef("--redis: not a redis:// or rediss:// URL (redis://[:password@]host:port/db)")
	}
	opts.ContextTimeoutEnabled = true
	rdb := redis.NewClient(opts)
	lim, err := redislimit.New(rdb, projectID, redislimit.WithPrefix(batchRecipientPrefix),
		redislimit.WithRate(int(perSecond)), redislimit.WithBurst(chunk))
	if err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("--redis: %w", err)
	}
	return lim, func() { _ = rdb.Close() }, nil
}
