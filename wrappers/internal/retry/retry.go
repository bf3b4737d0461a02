// Package retry decides whether and when an HTTP call to Sinch is tried again: which statuses
// and errors qualify, how long to wait (exponential backoff with full jitter, or the server's
// Retry-After), and how to replay the request body.
package retry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy shapes the waits between attempts.
type Policy struct {
	// BaseDelay is the ceiling of the first backoff wait; each later wait doubles the ceiling.
	BaseDelay time.Duration
	// MaxDelay caps the backoff ceiling.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for. A longer one ends the
	// retries, and the answer goes back to the caller.
	MaxRetryAfter time.Duration
}

// DefaultPolicy is used when the client is given no policy.
var DefaultPolicy = Policy{BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, MaxRetryAfter: time.Minute}

// Backoff returns the wait before retry number n (0 for the first retry): a uniformly random
// duration in [0, min(MaxDelay, BaseDelay·2ⁿ)] ("full jitter").
func (p Policy) Backoff(n int) time.Duration {
	ceil := p.MaxDelay
	if n < 62 {
		if c := p.BaseDelay << n; c > 0 && c < ceil {
			ceil = c
		}
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// RetryableStatus reports whether an HTTP status is worth retrying: 429 and 500, 502, 503, 504.
func RetryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Idempotent reports whether repeating a request with this method has the same effect as sending
// it once (RFC 9110 §9.2.2). POST and PATCH are not.
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return false
}

// NotSent reports whether err shows that the request never reached the server, so that even a
// non-idempotent request (messages:send) can be tried again without risk of a duplicate: DNS
// failures, refused or failed connections, and a server that does not speak TLS.
func NotSent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var rh tls.RecordHeaderError
	return errors.As(err, &rh)
}

// permanentError marks an error that Do must not retry.
type permanentError struct{ err error }

// Error returns the wrapped error's text.
func (e *permanentError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e *permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that Do returns it at once instead of retrying; Do unwraps it.
func Permanent(err error) error { return &permanentError{err} }

// RetryableError reports whether a transport error for a request with this method may be retried:
// always when the request cannot have been processed, otherwise only for idempotent methods.
// Context cancellation is never retried.
func RetryableError(method string, err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return NotSent(err) || Idempotent(method)
}

// RetryAfter parses a Retry-After header, in delay-seconds or HTTP-date form, relative to now. It
// reports false when the header is absent or malformed. A date in the past gives 0.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// Attempt describes one retry about to happen, for logging.
type Attempt struct {
	Retry  int           // 1 for the first retry
	Wait   time.Duration // how long the client waits before it
	Status int           // the answer's status, 0 after a transport error
	Err    error         // the transport error, if any
}

// Do sends req with send and retries it up to maxRetries times under p. Before each retry it
// closes the previous answer's body, waits (stopping early if req's context ends) and replays
// the body with req.GetBody; a request whose body cannot be replayed is not retried. onRetry, if
// not nil, is called before each wait. The last answer or error is returned.
func Do(req *http.Request, p Policy, maxRetries int, send func(*http.Request) (*http.Response, error), onRetry func(Attempt)) (*http.Response, error) {
	ctx := req.Context()
	cur := req
	for n := 0; ; n++ {
		resp, err := send(cur)
		if n >= maxRetries {
			var perm *permanentError
			if errors.As(err, &perm) {
				err = perm.err
			}
			return resp, err
		}
		var wait time.Duration
		status := 0
		if err != nil {
			var perm *permanentError
			if errors.As(err, &perm) {
				return resp, perm.err
			}
			if !RetryableError(req.Method, err) {
				return resp, err
			}
			wait = p.Backoff(n)
		} else {
			status = resp.StatusCode
			if !RetryableStatus(status) {
				return resp, nil
			}
			wait = p.Backoff(n)
			if ra, ok := RetryAfter(resp.Header, time.Now()); ok {
				if ra > p.MaxRetryAfter {
					return resp, nil
				}
				wait = ra
			}
		}
		next, rerr := Rewind(req)
		if rerr != nil {
			return resp, err
		}
		if resp != nil {
			Drain(resp)
		}
		if onRetry != nil {
			onRetry(Attempt{Retry: n + 1, Wait: wait, Status: status, Err: err})
		}
		if werr := sleep(ctx, wait); werr != nil {
			if err == nil {
				err = fmt.Errorf("retry wait after HTTP %d: %w", status, werr)
			} else {
				err = fmt.Errorf("retry wait after %w: %w", err, werr)
			}
			return nil, err
		}
		cur = next
	}
}

// errNoReplay is returned by Rewind when a body was sent but cannot be produced again.
var errNoReplay = errors.New("retry: request body cannot be replayed")

// Rewind returns a copy of req, with the same context, ready to be sent again: its body is
// produced afresh by GetBody. It fails when a body was sent and GetBody is nil.
func Rewind(req *http.Request) (*http.Request, error) {
	next := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return next, nil
	}
	if req.GetBody == nil {
		return nil, errNoReplay
	}
	b, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	next.Body = b
	return next, nil
}

// Drain reads a little of an abandoned answer so the connection can be reused, then closes it.
func Drain(resp *http.Response) {
	if resp.Body != nil {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		_ = resp.Body.Close()
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
