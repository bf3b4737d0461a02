package sinch

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/relaykit/sinch-go/wrappers/internal/retry"
)

// Doer sends one HTTP request. *http.Client satisfies it; so does any instrumented client.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// MiddlewareNext sends the request on to the next middleware, or to the network.
type MiddlewareNext func(*http.Request) (*http.Response, error)

// Middleware sees every HTTP attempt (retries included) after the client has set its headers,
// and may change the request, the answer, or both. It runs inside the retry loop.
type Middleware func(req *http.Request, next MiddlewareNext) (*http.Response, error)

// Limiter paces requests: Wait blocks until one more request may be sent, or returns an error
// when ctx ends first. *rate.Limiter (golang.org/x/time/rate) satisfies it; a limiter shared
// between processes (for example one kept in Redis, for Sinch's per-project limit) can too.
type Limiter interface {
	Wait(ctx context.Context) error
}

// RetryPolicy shapes the waits between retries. Zero fields take the defaults (0.5 s, 8 s, 60 s).
type RetryPolicy struct {
	// BaseDelay is the ceiling of the first wait; each retry doubles it. Waits are drawn
	// uniformly between zero and the ceiling (full jitter).
	BaseDelay time.Duration
	// MaxDelay caps the ceiling.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After header the client honours; an answer asking for
	// a longer wait is returned to the caller as an *APIError with RetryAfter set.
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) internal() retry.Policy {
	out := retry.DefaultPolicy
	if p.BaseDelay > 0 {
		out.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		out.MaxDelay = p.MaxDelay
	}
	if p.MaxRetryAfter > 0 {
		out.MaxRetryAfter = p.MaxRetryAfter
	}
	return out
}

// DefaultMaxRetries is how many times a call is retried when WithMaxRetries is not given.
const DefaultMaxRetries = 3

type authKind int

const (
	authNone authKind = iota
	authOAuth2
	authBasic
	authBearer
)

// String names the authentication method.
func (k authKind) String() string {
	switch k {
	case authOAuth2:
		return "oauth2"
	case authBasic:
		return "basic"
	case authBearer:
		return "bearer"
	}
	return "none"
}

// config is what options set. The client keeps one; a call with options works on a copy of it,
// so every option that makes sense for one call (retries, timeout, headers, app id, ...) can be
// given either to NewClient or to a method.
type config struct {
	projectID string
	region    Region
	regionSet bool

	auth      authKind
	keyID     string
	keySecret string
	bearer    string

	conversationURL string
	templateURL     string
	batchURL        string
	authURL         string
	templateAuthURL string

	doer       Doer
	middleware []Middleware
	logger     *slog.Logger
	userAgent  string
	timeout    time.Duration
	maxRetries int
	policy     retry.Policy
	rateLimit  float64
	limiter    Limiter

	headers http.Header
	capture **http.Response

	appID     string
	smsSender string

	// onCall is set while a call's options are applied: options that only make sense for a
	// client record an error instead of taking effect.
	onCall bool
	errs   []error
}

// Option configures a Client when given to NewClient or NewClientFromEnv, or one call when given
// to a service method or Do. Later options override earlier ones; a call's options override the
// client's for that call only. Options that shape the client itself (project-wide credentials,
// region, URLs, HTTP client, rate limit) make a call fail with a clear error when given to it;
// WithResponseInto is for calls only.
type Option func(*config)

// clientOnly wraps an option that cannot change for a single call.
func clientOnly(name string, set func(*config)) Option {
	return func(c *config) {
		if c.onCall {
			c.errs = append(c.errs, fmt.Errorf("sinch: %s configures a client; give it to NewClient, not to a call", name))
			return
		}
		set(c)
	}
}

// WithProjectID sets the Sinch project every call is scoped to. Required on the client; given to
// a call, it addresses another project with the same credentials.
func WithProjectID(id string) Option { return func(c *config) { c.projectID = id } }

// WithRegion selects the region whose hosts serve the APIs. Required unless every API's URL is
// overridden (WithConversationURL, WithTemplateURL and WithBatchURL). An unknown value makes
// NewClient fail.
func WithRegion(r Region) Option {
	return clientOnly("WithRegion", func(c *config) { c.region, c.regionSet = r, true })
}

// WithOAuth2 authenticates with OAuth2 client credentials: the access key's id and secret are
// exchanged for a bearer token at the auth URL, cached and shared by all calls, and refreshed
// before it expires. This is the recommended method.
func WithOAuth2(keyID, keySecret string) Option {
	return clientOnly("WithOAuth2", func(c *config) { c.auth, c.keyID, c.keySecret = authOAuth2, keyID, keySecret })
}

// WithBasicAuth sends the access key's id and secret with every request (HTTP Basic). Sinch
// rate-limits Basic authentication heavily: use it for quick tests only, never in production.
func WithBasicAuth(keyID, keySecret string) Option {
	return clientOnly("WithBasicAuth", func(c *config) { c.auth, c.keyID, c.keySecret = authBasic, keyID, keySecret })
}

// WithBearerToken sends a token obtained elsewhere. It is not refreshed: when it expires, calls
// fail with an *APIError for which IsUnauthorized is true.
func WithBearerToken(token string) Option {
	return clientOnly("WithBearerToken", func(c *config) { c.auth, c.bearer = authBearer, token })
}

// WithConversationURL overrides the Conversation API's base URL (an emulator, a proxy).
func WithConversationURL(u string) Option {
	return clientOnly("WithConversationURL", func(c *config) { c.conversationURL = u })
}

// WithTemplateURL overrides the Template Management API's base URL.
func WithTemplateURL(u string) Option {
	return clientOnly("WithTemplateURL", func(c *config) { c.templateURL = u })
}

// WithBatchURL overrides the Batch API's base URL.
func WithBatchURL(u string) Option {
	return clientOnly("WithBatchURL", func(c *config) { c.batchURL = u })
}

// WithAuthURL overrides the OAuth2 token endpoint (default DefaultAuthURL).
func WithAuthURL(u string) Option {
	return clientOnly("WithAuthURL", func(c *config) { c.authURL = u })
}

// WithTemplateAuthURL gives the Template Management API its own OAuth2 token endpoint and token
// (for example https://eu.auth.sinch.com/oauth2/token). Sinch's older Template API reference
// says its tokens are bound to the region of the auth host that issued them, while the official
// SDKs use the global endpoint for templates too; by default this client does the same as the
// SDKs. Use this option if template calls fail with 401 while Conversation calls succeed.
func WithTemplateAuthURL(u string) Option {
	return clientOnly("WithTemplateAuthURL", func(c *config) { c.templateAuthURL = u })
}

// WithHTTPClient sets what sends the requests, an *http.Client or any Doer. The default is an
// *http.Client whose transport keeps up to 100 idle connections per host and waits at most
// DefaultResponseHeaderTimeout for an answer. Token requests go through it too.
func WithHTTPClient(d Doer) Option {
	return clientOnly("WithHTTPClient", func(c *config) { c.doer = d })
}

// WithMiddleware adds middleware; the first added is the outermost. Given to a call, it wraps
// that call's attempts inside the client's middleware.
func WithMiddleware(m ...Middleware) Option {
	return func(c *config) {
		// A call's copy of the config shares the client's slice: never append into it in place.
		c.middleware = append(c.middleware[:len(c.middleware):len(c.middleware)], m...)
	}
}

// WithLogger logs each call (method, host, path, status, duration, retries) at Debug level and
// each retry at Info level. Credentials, tokens, headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithUserAgent puts an application name in front of the SDK's own User-Agent.
func WithUserAgent(ua string) Option {
	return clientOnly("WithUserAgent", func(c *config) { c.userAgent = ua })
}

// WithTimeout bounds each call, retries and waits included. Zero (the default) leaves it to the
// caller's context. Given to a call, it replaces the client's timeout for that call.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithMaxRetries sets how many times a failed call is retried (default DefaultMaxRetries); 0
// disables retries. Retried: 429, 500, 502, 503 and 504 answers, and connection failures where
// the request cannot have been processed or its method is idempotent. Given to a call, it
// applies to that call only.
func WithMaxRetries(n int) Option { return func(c *config) { c.maxRetries = max(n, 0) } }

// WithRetryPolicy sets the waits between retries.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *config) { c.policy = p.internal() } }

// WithRateLimit paces the client's requests (retries included) to at most requestsPerSecond,
// allowing bursts of a tenth of a second's worth. Zero or less removes the limit. Sinch allows
// 800 requests per second per project.
func WithRateLimit(requestsPerSecond float64) Option {
	return clientOnly("WithRateLimit", func(c *config) { c.rateLimit, c.limiter = requestsPerSecond, nil })
}

// WithLimiter paces the client's requests (retries included) with l, for example a limiter
// shared by every process of a project. It replaces WithRateLimit; nil removes the limit.
func WithLimiter(l Limiter) Option {
	return clientOnly("WithLimiter", func(c *config) { c.limiter, c.rateLimit = l, 0 })
}

// WithHeader adds a header to every request of the client, or of one call (for example a
// tracing header). Authorization and User-Agent are set by the client and cannot be replaced.
func WithHeader(key, value string) Option {
	return func(c *config) {
		h := make(http.Header, len(c.headers)+1)
		for k, vs := range c.headers { // copy: a call must not change the client's headers
			h[k] = vs
		}
		key = http.CanonicalHeaderKey(key)
		h[key] = append(h[key][:len(h[key]):len(h[key])], value)
		c.headers = h
	}
}

// WithResponseInto stores the call's final *http.Response (after retries) in *dst, for its
// status and headers. Its body has already been read. For calls only.
func WithResponseInto(dst **http.Response) Option {
	return func(c *config) {
		if !c.onCall {
			c.errs = append(c.errs, fmt.Errorf("sinch: WithResponseInto is for one call; give it to a method, not to NewClient"))
			return
		}
		c.capture = dst
	}
}

// WithAppID sets the default Conversation API app: Messages.Send, Events.Send and Batch.Send
// fill it into requests whose app_id is empty.
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithSMSSender sets the default SMS sender id (a number or alphanumeric sender): Messages.Send
// adds it as the SMS_SENDER channel property to every request that sets none (channels other
// than SMS ignore the property).
func WithSMSSender(sender string) Option { return func(c *config) { c.smsSender = sender } }
