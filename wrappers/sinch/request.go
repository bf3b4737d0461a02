package sinch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/relaykit/sinch-go/wrappers/internal/retry"
)

// apiID names one of the three APIs a client calls.
type apiID int

const (
	apiConversation apiID = iota
	apiTemplates
	apiBatch
	numAPIs
)

// String names the API.
func (a apiID) String() string {
	switch a {
	case apiConversation:
		return "Conversation"
	case apiTemplates:
		return "Template"
	case apiBatch:
		return "Batch"
	}
	return "unknown"
}

// endpoint is one API's base URL, parsed once, and the pipeline that carries its requests.
type endpoint struct {
	scheme, host, path string
	pipe               *pipeline
}

func newEndpoint(base string, p *pipeline) (endpoint, error) {
	u, err := url.Parse(base)
	if err != nil {
		return endpoint{}, err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return endpoint{}, fmt.Errorf("%q: a base URL has no query or fragment", u.Redacted())
	}
	return endpoint{scheme: u.Scheme, host: u.Host, path: strings.TrimRight(u.Path, "/"), pipe: p}, nil
}

// callConfig returns the configuration of one call: the client's own when the call has no
// options, otherwise a copy with the call's options applied.
func (c *Client) callConfig(opts []Option) (*config, error) {
	if len(opts) == 0 {
		return &c.cfg, nil
	}
	cfg := new(config)
	*cfg = c.cfg
	cfg.onCall, cfg.errs = true, nil
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	if len(cfg.errs) > 0 {
		return nil, errors.Join(cfg.errs...)
	}
	return cfg, nil
}

// pathProject is the project id as it goes into a request path.
func (cfg *config) pathProject() string { return url.PathEscape(cfg.projectID) }

// exec sends one API call through the pipeline and decodes a 2xx answer into out (a pointer to
// the expected type; nil to ignore the body; *[]byte or *json.RawMessage for the raw body).
// path is the escaped path below the API's base URL; rawQuery is already encoded. A non-2xx
// answer is an *APIError; a failure to get an answer is a *TransportError (ErrMaybeSent or
// ErrNotSent), except the client's own failures before sending (*AuthError, bad options).
func (c *Client) exec(ctx context.Context, cfg *config, api apiID, method, path, rawQuery string, in, out any) error {
	ep := &c.apis[api]
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	var body []byte
	switch v := in.(type) {
	case nil:
	case []byte:
		body = v
	case json.RawMessage:
		body = v
	default:
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("sinch: encoding the %s %s request: %w", method, path, err)
		}
		body = b
	}
	// An empty URL parses without work; the real one is filled in from the parsed base URL.
	req, err := http.NewRequestWithContext(ctx, method, "", nil)
	if err != nil {
		return fmt.Errorf("sinch: %w", err)
	}
	u := req.URL
	u.Scheme, u.Host, u.RawQuery = ep.scheme, ep.host, rawQuery
	if strings.IndexByte(path, '%') >= 0 {
		u.RawPath = ep.path + path
		if u.Path, err = url.PathUnescape(u.RawPath); err != nil {
			return fmt.Errorf("sinch: request path %q: %w", path, err)
		}
	} else {
		u.Path = ep.path + path
	}
	req.Host = ep.host
	h := req.Header
	p := ep.pipe
	h["User-Agent"] = p.uaHeader
	h["Accept"] = acceptJSON
	for k, vs := range cfg.headers {
		if k != "Authorization" && k != "User-Agent" {
			h[k] = vs
		}
	}
	a := &attempt{p: p, cfg: cfg, send: p.send, req: req}
	if body != nil {
		// io.NopCloser over a *bytes.Reader is a body net/http knows to be in memory: it writes
		// the headers and the body in one write instead of flushing the headers first.
		a.body.Reset(body)
		req.Body = io.NopCloser(&a.body)
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		h["Content-Type"] = contentTypeJSON
	}
	if len(cfg.middleware) > len(c.cfg.middleware) { // the call added middleware
		a.send = chain(p.send, cfg.middleware[len(c.cfg.middleware):])
	}
	var onRetry func(retry.Attempt)
	if cfg.logger != nil {
		onRetry = a.onRetry
	}
	var start time.Time
	debug := cfg.logger != nil && cfg.logger.Enabled(ctx, slog.LevelDebug)
	if debug {
		start = time.Now()
	}
	resp, err := retry.Do(req, cfg.policy, cfg.maxRetries, a.try, onRetry)
	if debug {
		attrs := []slog.Attr{slog.String("method", method), slog.String("host", ep.host),
			slog.String("path", u.Path), slog.Duration("duration", time.Since(start)), slog.Int("retries", a.retries)}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		} else {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		cfg.logger.LogAttrs(ctx, slog.LevelDebug, "sinch: call", attrs...)
	}
	if err != nil {
		var ae *AuthError
		if errors.As(err, &ae) {
			return err
		}
		return &TransportError{Method: method, Path: u.Path, MaybeSent: a.reached && !a.answer && !retry.NotSent(err),
			CorrelationID: correlationID(in), err: err}
	}
	if cfg.capture != nil {
		*cfg.capture = resp
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(req, resp, p.region)
	}
	return decode(resp, out)
}

// bodyPool recycles the buffers answers are read into (they are decoded, then dropped).
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// decode reads a 2xx answer (at most maxResponseBody bytes) and decodes it into out.
func decode(resp *http.Response, out any) error {
	defer resp.Body.Close()
	if out == nil {
		retry.Drain(resp)
		return nil
	}
	bp := bodyPool.Get().(*[]byte)
	b := (*bp)[:0]
	defer func() {
		if cap(b) <= 1<<20 {
			*bp = b[:0]
			bodyPool.Put(bp)
		}
	}()
	if n := resp.ContentLength; n > int64(cap(b)) && n <= maxResponseBody {
		b = make([]byte, 0, n+1) // +1: room to see EOF without growing
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > maxResponseBody {
			return ErrResponseTooLarge
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("sinch: reading the answer: %w", err)
		}
	}
	switch o := out.(type) {
	case *[]byte:
		*o = bytes.Clone(b)
		return nil
	case *json.RawMessage:
		*o = bytes.Clone(b)
		return nil
	}
	ct := resp.Header.Get("Content-Type")
	if len(b) == 0 || !strings.Contains(ct, "json") || json.Unmarshal(b, out) != nil {
		return &UnexpectedResponseError{StatusCode: resp.StatusCode, ContentType: ct, Body: bytes.Clone(b)}
	}
	return nil
}

// maxResponseBody bounds how much of a successful answer the client reads. The largest real
// answers, full pages of messages, are a few MiB.
var maxResponseBody int64 = 64 << 20

// ErrResponseTooLarge is returned when a successful answer's body exceeds the client's limit
// (64 MiB), rather than letting a broken proxy or server exhaust memory.
var ErrResponseTooLarge = errors.New("sinch: response body exceeds the client's 64 MiB limit")

// do is Do for one API: path is below the API's base URL, may contain {project_id} and a query.
func (c *Client) do(ctx context.Context, api apiID, method, path string, in, out any, opts []Option) error {
	cfg, err := c.callConfig(opts)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("sinch: Do: the path %q must start with / (for example /v1/projects/{project_id}/apps)", path)
	}
	rawQuery := ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, rawQuery = path[:i], path[i+1:]
	}
	path = strings.ReplaceAll(path, "{project_id}", cfg.pathProject())
	return c.exec(ctx, cfg, api, method, path, rawQuery, in, out)
}

// Do sends any request to the Conversation API with the client's authentication, retries,
// pacing, middleware and errors, for an operation or field this SDK does not know yet. path is
// below the API's base URL and may carry a query string; {project_id} in it is replaced by the
// client's project. in is nil, a []byte or json.RawMessage sent as it is, or any value sent as
// JSON; out is nil (the answer is discarded), a *[]byte or *json.RawMessage for the raw answer, or
// a pointer a JSON answer is decoded into. A non-2xx answer is an *APIError.
func (c *Client) Do(ctx context.Context, method, path string, in, out any, opts ...Option) error {
	return c.do(ctx, apiConversation, method, path, in, out, opts)
}

// Do is Client.Do for the Conversation API.
func (s *ConversationService) Do(ctx context.Context, method, path string, in, out any, opts ...Option) error {
	return s.c.do(ctx, apiConversation, method, path, in, out, opts)
}

// Do is Client.Do for the Template Management API (paths start with /v2/projects/{project_id}).
func (s *TemplatesService) Do(ctx context.Context, method, path string, in, out any, opts ...Option) error {
	return s.c.do(ctx, apiTemplates, method, path, in, out, opts)
}

// Do is Client.Do for the Batch API.
func (s *BatchService) Do(ctx context.Context, method, path string, in, out any, opts ...Option) error {
	return s.c.do(ctx, apiBatch, method, path, in, out, opts)
}
