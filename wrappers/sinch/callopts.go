package sinch

import (
	"context"
	"net/http"
	"time"
)

// CallOption adjusts one call.
type CallOption func(*callState)

// callState carries a call's options down to the pipeline, and its error back up.
type callState struct {
	retries int // -1: the client's setting
	headers http.Header
	capture **http.Response
	timeout time.Duration
	err     *APIError
	resp    *http.Response
}

type callKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callKey{}).(*callState)
	return st
}

// WithCallRetries sets how many times this call is retried; 0 disables retries for it.
func WithCallRetries(n int) CallOption { return func(s *callState) { s.retries = max(n, 0) } }

// WithHeader adds a header to this call's request (for example a tracing header).
func WithHeader(key, value string) CallOption {
	return func(s *callState) {
		if s.headers == nil {
			s.headers = http.Header{}
		}
		s.headers.Add(key, value)
	}
}

// WithResponseInto stores the call's final *http.Response (after retries) in *dst, for its
// status and headers. Its body has already been read.
func WithResponseInto(dst **http.Response) CallOption { return func(s *callState) { s.capture = dst } }

// WithCallTimeout bounds this call, retries included, overriding WithTimeout.
func WithCallTimeout(d time.Duration) CallOption { return func(s *callState) { s.timeout = d } }

// invoke runs one generated-client call with the call options and the client's timeout, and
// returns the *APIError the pipeline recorded for a non-2xx answer.
func invoke[W any](ctx context.Context, c *Client, opts []CallOption, call func(context.Context) (W, error)) (W, *callState, error) {
	st := &callState{retries: -1}
	for _, o := range opts {
		if o != nil {
			o(st)
		}
	}
	ctx = context.WithValue(ctx, callKey{}, st)
	timeout := c.cfg.timeout
	if st.timeout > 0 {
		timeout = st.timeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	w, err := call(ctx)
	if st.err != nil {
		var zero W
		return zero, st, st.err
	}
	if err != nil {
		var zero W
		return zero, st, err
	}
	return w, st, nil
}
