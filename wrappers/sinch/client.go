package sinch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/time/rate"

	"github.com/relaykit/sinch-go/wrappers/internal/auth"
	"github.com/relaykit/sinch-go/wrappers/internal/retry"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultResponseHeaderTimeout is how long the default HTTP client waits for an answer's
// headers once a request is sent, so that a stalled connection cannot hang a call without a
// deadline. A timed-out messages:send is not retried (it may have been processed).
const DefaultResponseHeaderTimeout = 60 * time.Second

// Client calls the Sinch APIs for one project. It is safe for concurrent use; create one and
// share it.
type Client struct {
	// Conversation calls the Conversation API (apps, contacts, conversations, messages, events,
	// capability, webhooks, project settings).
	Conversation *ConversationService
	// Templates calls the Template Management API (v2).
	Templates *TemplatesService
	// Batch calls the Batch API.
	Batch *BatchService

	cfg          config
	pipe         *pipeline
	templatePipe *pipeline // only with WithTemplateAuthURL
}

// NewClient builds a Client. It fails with a clear error when the project id, the region (unless
// every API URL is overridden) or the credentials are missing, or a URL is malformed.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{maxRetries: DefaultMaxRetries, authURL: DefaultAuthURL}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if err := cfg.resolve(); err != nil {
		return nil, err
	}
	if cfg.doer == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 100
		t.ResponseHeaderTimeout = DefaultResponseHeaderTimeout
		cfg.doer = &http.Client{Transport: t}
	}
	limiter := cfg.limiter
	if limiter == nil && cfg.rateLimit > 0 && !math.IsInf(cfg.rateLimit, 1) {
		limiter = rate.NewLimiter(rate.Limit(cfg.rateLimit), max(1, int(cfg.rateLimit/10)))
	}
	c := &Client{cfg: cfg, pipe: newPipeline(&cfg, limiter, cfg.authURL)}
	if cfg.auth == authOAuth2 && cfg.templateAuthURL != "" {
		c.templatePipe = newPipeline(&cfg, limiter, cfg.templateAuthURL)
	}
	if err := c.initServices(); err != nil {
		return nil, err
	}
	return c, nil
}

// resolve validates the configuration and derives the base URLs from the region.
func (c *config) resolve() error {
	var errs []error
	if strings.TrimSpace(c.projectID) == "" {
		errs = append(errs, errors.New("a project id is required (WithProjectID or "+EnvProjectID+")"))
	}
	if c.regionSet && !c.region.Valid() {
		errs = append(errs, fmt.Errorf("unknown region %q: want sinch.RegionUS, RegionEU or RegionBR", string(c.region)))
	}
	if !c.regionSet && c.conversationURL == "" && c.templateURL == "" && c.batchURL == "" {
		errs = append(errs, fmt.Errorf("a region is required (WithRegion or %s: us, eu or br); the library never guesses one", EnvRegion))
	}
	need := func(override *string, derive func(Region) string, what string) {
		if *override != "" {
			if err := checkURL(*override); err != nil {
				errs = append(errs, fmt.Errorf("%s URL: %w", what, err))
			}
			*override = strings.TrimRight(*override, "/")
			return
		}
		if !c.regionSet {
			if c.conversationURL == "" && c.templateURL == "" && c.batchURL == "" {
				return // reported once above
			}
			errs = append(errs, fmt.Errorf("a region is required for the %s API (WithRegion or %s: us, eu or br); the library never guesses one", what, EnvRegion))
			return
		}
		if c.region.Valid() {
			*override = derive(c.region)
		}
	}
	need(&c.conversationURL, Region.ConversationURL, "Conversation")
	need(&c.templateURL, Region.TemplateURL, "Template")
	need(&c.batchURL, Region.BatchURL, "Batch")
	switch c.auth {
	case authNone:
		errs = append(errs, errors.New("credentials are required: WithOAuth2 (or "+EnvKeyID+" and "+EnvKeySecret+"), WithBasicAuth or WithBearerToken"))
	case authOAuth2, authBasic:
		if c.keyID == "" || c.keySecret == "" {
			errs = append(errs, errors.New("the access key id and secret must both be non-empty"))
		}
		if c.auth == authOAuth2 {
			if err := checkURL(c.authURL); err != nil {
				errs = append(errs, fmt.Errorf("auth URL: %w", err))
			}
			if c.templateAuthURL != "" {
				if err := checkURL(c.templateAuthURL); err != nil {
					errs = append(errs, fmt.Errorf("template auth URL: %w", err))
				}
			}
		}
	case authBearer:
		if c.bearer == "" {
			errs = append(errs, errors.New("the bearer token is empty"))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("sinch: invalid configuration: %w", errors.Join(errs...))
	}
	return nil
}

// checkURL reports whether s is an absolute http(s) URL without user information. Its errors
// never quote a password the URL may carry.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return errors.New("the value is not a URL")
		}
		return fmt.Errorf("%q is not a URL", s)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", u.Redacted())
	}
	if u.User != nil {
		return errors.New("the URL must not carry user information")
	}
	return nil
}

// ProjectID returns the project the client is scoped to.
func (c *Client) ProjectID() string { return c.cfg.projectID }

// Region returns the configured region ("" when every URL is overridden and none was given).
func (c *Client) Region() Region { return c.cfg.region }

// AppID returns the default app id set with WithAppID or SINCH_APP_ID.
func (c *Client) AppID() string { return c.cfg.appID }

// SMSSender returns the default SMS sender set with WithSMSSender or SINCH_SMS_SENDER_ID.
func (c *Client) SMSSender() string { return c.cfg.smsSender }

// ConversationURL, TemplateURL and BatchURL return the base URLs in use.
func (c *Client) ConversationURL() string { return c.cfg.conversationURL }

// TemplateURL returns the Template Management API's base URL in use.
func (c *Client) TemplateURL() string { return c.cfg.templateURL }

// BatchURL returns the Batch API's base URL in use.
func (c *Client) BatchURL() string { return c.cfg.batchURL }

// Doer returns the client's request pipeline (authentication, retries, pacing, logging,
// middleware) as a Doer, for calling the generated clients directly:
//
//	gen, _ := conversation.NewClientWithResponses(c.ConversationURL(), conversation.WithHTTPClient(c.Doer()))
//
// Non-2xx answers are returned as they are, not as errors; reading a 2xx body past 64 MiB fails
// with ErrResponseTooLarge.
func (c *Client) Doer() Doer { return c.pipe }

// TokenFetches reports how many requests the client has sent to the OAuth2 token endpoint (0
// for other authentication methods).
func (c *Client) TokenFetches() int64 {
	var n int64
	for _, p := range []*pipeline{c.pipe, c.templatePipe} {
		if p != nil && p.tokens != nil {
			n += p.tokens.Fetches()
		}
	}
	return n
}

// String describes the client by its project, region and base URLs. It never includes the
// credentials, so a client printed with %v or %+v (or logged) leaks no key secret or token. It has
// a value receiver so that printing a dereferenced Client is covered too.
func (c Client) String() string {
	return fmt.Sprintf("sinch.Client{project: %q, region: %q, auth: %s, conversation: %q, template: %q, batch: %q}",
		c.cfg.projectID, string(c.cfg.region), c.cfg.auth, c.cfg.conversationURL, c.cfg.templateURL, c.cfg.batchURL)
}

// GoString is String, so that %#v does not print the credentials either.
func (c Client) GoString() string { return c.String() }

// LogValue gives slog the client's project, region, authentication method and base URLs, never
// its credentials.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("project_id", c.cfg.projectID),
		slog.String("region", string(c.cfg.region)),
		slog.String("auth", c.cfg.auth.String()),
		slog.String("conversation_url", c.cfg.conversationURL),
		slog.String("template_url", c.cfg.templateURL),
		slog.String("batch_url", c.cfg.batchURL),
	)
}

// String names the pipeline without its credentials (it is what Client.Doer returns).
func (p *pipeline) String() string {
	return fmt.Sprintf("sinch.Doer{auth: %s, region: %q, max retries: %d}", p.auth, string(p.region), p.maxRetries)
}

// GoString is String, so that %#v does not print the credentials either.
func (p *pipeline) GoString() string { return p.String() }

// LogValue gives slog the pipeline's description, never its credentials.
func (p *pipeline) LogValue() slog.Value { return slog.StringValue(p.String()) }

// pipeline is the Doer the generated clients use. Per call: headers, then the retry loop; per
// attempt: pacing, authentication (with one refresh on 401), middleware, the network.
type pipeline struct {
	base       Doer
	send       MiddlewareNext
	tokens     *auth.Cache
	auth       authKind
	keyID      string
	keySecret  string
	bearer     string
	limiter    Limiter
	logger     *slog.Logger
	userAgent  string
	maxRetries int
	policy     retry.Policy
	region     Region

	uaHeader     []string
	bearerHeader []string
	lastAuth     atomic.Pointer[authHeader]
}

// authHeader caches the Authorization value built for the current OAuth2 token.
type authHeader struct {
	token string
	value []string
}

var acceptJSON = []string{"application/json"}

func (p *pipeline) authHeader(tok string) []string {
	if h := p.lastAuth.Load(); h != nil && h.token == tok {
		return h.value
	}
	h := &authHeader{token: tok, value: []string{"Bearer " + tok}}
	p.lastAuth.Store(h)
	return h.value
}

func newPipeline(cfg *config, limiter Limiter, authURL string) *pipeline {
	p := &pipeline{
		base:       cfg.doer,
		auth:       cfg.auth,
		keyID:      cfg.keyID,
		keySecret:  cfg.keySecret,
		bearer:     cfg.bearer,
		logger:     cfg.logger,
		maxRetries: cfg.maxRetries,
		policy:     cfg.policy.internal(),
		region:     cfg.region,
		limiter:    limiter,
	}
	p.userAgent = fmt.Sprintf("sinch-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if cfg.userAgent != "" {
		p.userAgent = cfg.userAgent + " " + p.userAgent
	}
	p.uaHeader = []string{p.userAgent}
	p.bearerHeader = []string{"Bearer " + cfg.bearer}
	send := p.base.Do
	for i := len(cfg.middleware) - 1; i >= 0; i-- {
		m, next := cfg.middleware[i], send
		if m == nil {
			continue
		}
		send = func(r *http.Request) (*http.Response, error) { return m(r, next) }
	}
	p.send = send
	if cfg.auth == authOAuth2 {
		cc := &clientcredentials.Config{
			ClientID:     cfg.keyID,
			ClientSecret: cfg.keySecret,
			TokenURL:     authURL,
			AuthStyle:    oauth2.AuthStyleInHeader,
		}
		hc, ok := p.base.(*http.Client)
		if !ok {
			hc = &http.Client{Transport: doerTransport{p.base}}
		}
		logger := cfg.logger
		p.tokens = auth.New(func(ctx context.Context) (*oauth2.Token, error) {
			start := time.Now()
			tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, hc))
			if logger != nil {
				// The token itself is never logged.
				if err != nil {
					logger.LogAttrs(ctx, slog.LevelWarn, "sinch: token request failed", slog.String("error", newAuthError(err).Error()))
				} else {
					logger.LogAttrs(ctx, slog.LevelDebug, "sinch: token obtained", slog.Duration("duration", time.Since(start)),
						slog.Time("expiry", tok.Expiry))
				}
			}
			return tok, err
		})
	}
	return p
}

// doerTransport lets a Doer that is not an *http.Client carry the token requests.
type doerTransport struct{ d Doer }

// RoundTrip sends r with the Doer.
func (t doerTransport) RoundTrip(r *http.Request) (*http.Response, error) { return t.d.Do(r) }

// Do sends req through the pipeline.
func (p *pipeline) Do(req *http.Request) (*http.Response, error) {
	st := stateFrom(req.Context())
	if req.Header == nil { // a hand-built request given to Doer
		req.Header = make(http.Header, 4)
	}
	// Shared, never-mutated value slices: no allocation per call.
	req.Header["User-Agent"] = p.uaHeader
	if _, ok := req.Header["Accept"]; !ok {
		req.Header["Accept"] = acceptJSON
	}
	maxRetries := p.maxRetries
	if st != nil {
		for k, vs := range st.headers {
			req.Header[k] = vs
		}
		if st.retries >= 0 {
			maxRetries = st.retries
		}
	}
	start := time.Now()
	retries := 0
	resp, err := retry.Do(req, p.policy, maxRetries, p.attempt, func(a retry.Attempt) {
		retries = a.Retry
		if p.logger != nil {
			attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.Path),
				slog.Int("retry", a.Retry), slog.Duration("wait", a.Wait)}
			if a.Err != nil {
				attrs = append(attrs, slog.String("error", a.Err.Error()))
			} else {
				attrs = append(attrs, slog.Int("status", a.Status))
			}
			p.logger.LogAttrs(req.Context(), slog.LevelInfo, "sinch: retrying", attrs...)
		}
	})
	if p.logger != nil && p.logger.Enabled(req.Context(), slog.LevelDebug) {
		attrs := []slog.Attr{slog.String("method", req.Method), slog.String("host", req.URL.Host),
			slog.String("path", req.URL.Path), slog.Duration("duration", time.Since(start)), slog.Int("retries", retries)}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		} else {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		p.logger.LogAttrs(req.Context(), slog.LevelDebug, "sinch: call", attrs...)
	}
	if err != nil {
		return nil, err
	}
	if st != nil {
		st.resp = resp
		if st.capture != nil {
			*st.capture = resp
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(req, resp, p.region)
		if st != nil {
			st.err = apiErr
		}
	} else if resp.Body != nil && resp.Body != http.NoBody {
		resp.Body = &limitedBody{rc: resp.Body, left: maxResponseBody}
	}
	return resp, nil
}

// maxResponseBody bounds how much of a successful answer the client reads (the generated
// clients read whole bodies). The largest real answers, full pages of messages, are a few MiB.
var maxResponseBody int64 = 64 << 20

// ErrResponseTooLarge is returned when a successful answer's body exceeds the client's limit
// (64 MiB), rather than letting a broken proxy or server exhaust memory.
var ErrResponseTooLarge = errors.New("sinch: response body exceeds the client's 64 MiB limit")

// limitedBody reads at most left bytes of rc, then fails with ErrResponseTooLarge if more
// remain.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

// Read reads from the answer until the limit, then reports ErrResponseTooLarge if the body
// goes on.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, ErrResponseTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close closes the answer's body.
func (b *limitedBody) Close() error { return b.rc.Close() }

// attempt sends one try: it waits for the rate limiter, authenticates, and on a 401 with an
// OAuth2 token drops that token and tries once more with a fresh one.
func (p *pipeline) attempt(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if p.limiter != nil {
		if err := p.limiter.Wait(ctx); err != nil {
			return nil, retry.Permanent(fmt.Errorf("sinch: rate limiter: %w", err))
		}
	}
	tok, err := p.authorize(req)
	if err != nil {
		return nil, err
	}
	resp, err := p.send(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || p.tokens == nil {
		return resp, err
	}
	again, rerr := retry.Rewind(req)
	if rerr != nil {
		return resp, nil
	}
	p.tokens.Invalidate(tok)
	if _, err := p.authorize(again); err != nil {
		return resp, nil // keep the 401: it says more than the token failure
	}
	retry.Drain(resp)
	return p.send(again)
}

// authorize sets the Authorization header and returns the bearer token used, if any.
func (p *pipeline) authorize(req *http.Request) (string, error) {
	switch p.auth {
	case authBasic:
		req.SetBasicAuth(p.keyID, p.keySecret)
	case authBearer:
		req.Header["Authorization"] = p.bearerHeader
		return p.bearer, nil
	case authOAuth2:
		tok, err := p.tokens.Token(req.Context())
		if err != nil {
			return "", retry.Permanent(newAuthError(err))
		}
		req.Header["Authorization"] = p.authHeader(tok)
		return tok, nil
	}
	return "", nil
}
