package sinch

import (
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
	policy     RetryPolicy
	rateLimit  float64
	limiter    Limiter // WithLimiter; takes the place of rateLimit

	appID     string
	smsSender string
}

// Option configures a Client. Later options override earlier ones, and options given to
// NewClientFromEnv override the environment.
type Option func(*config)

// WithProjectID sets the Sinch project every call is scoped to. Required.
func WithProjectID(id string) Option { return func(c *config) { c.projectID = id } }

// WithRegion selects the region whose hosts serve the APIs. Required unless every API's URL is
// overridden (WithConversationURL, WithTemplateURL and WithBatchURL). An unknown value makes
// NewClient fail.
func WithRegion(r Region) Option { return func(c *config) { c.region, c.regionSet = r, true } }

// WithOAuth2 authenticates with OAuth2 client credentials: the access key's id and secret are
// exchanged for a bearer token at the auth URL, cached and shared by all calls, and refreshed
// before it expires. This is the recommended method.
func WithOAuth2(keyID, keySecret string) Option {
	return func(c *config) { c.auth, c.keyID, c.keySecret = authOAuth2, keyID, keySecret }
}

// WithBasicAuth sends the access key's id and secret with every request (HTTP Basic). Sinch
// rate-limits Basic authentication heavily: use it for quick tests only, never in production.
func WithBasicAuth(keyID, keySecret string) Option {
	return func(c *config) { c.auth, c.keyID, c.keySecret = authBasic, keyID, keySecret }
}

// WithBearerToken sends a token obtained elsewhere. It is not refreshed: when it expires, calls
// fail with an *APIError for which IsUnauthorized is true.
func WithBearerToken(token string) Option {
	return func(c *config) { c.auth, c.bearer = authBearer, token }
}

// WithConversationURL overrides the Conversation API's base URL (an emulator, a proxy).
func WithConversationURL(u string) Option { return func(c *config) { c.conversationURL = u } }

// WithTemplateURL overrides the Template Management API's base URL.
func WithTemplateURL(u string) Option { return func(c *config) { c.templateURL = u } }

// WithBatchURL overrides the Batch API's base URL.
func WithBatchURL(u string) Option { return func(c *config) { c.batchURL = u } }

// WithAuthURL overrides the OAuth2 token endpoint (default DefaultAuthURL).
func WithAuthURL(u string) Option { return func(c *config) { c.authURL = u } }

// WithTemplateAuthURL gives the Template Management API its own OAuth2 token endpoint and token
// (for example https://eu.auth.sinch.com/oauth2/token). Sinch's older Template API reference
// says its tokens are bound to the region of the auth host that issued them, while the official
// SDKs use the global endpoint for templates too; by default this client does the same as the
// SDKs. Use this option if template calls fail with 401 while Conversation calls succeed.
func WithTemplateAuthURL(u string) Option { return func(c *config) { c.templateAuthURL = u } }

// WithHTTPClient sets what sends the requests, an *http.Client or any Doer. The default is an
// *http.Client whose transport keeps up to 100 idle connections per host and waits at most
// DefaultResponseHeaderTimeout for an answer. Token requests go through it too.
func WithHTTPClient(d Doer) Option { return func(c *config) { c.doer = d } }

// WithMiddleware adds middleware; the first added is the outermost.
func WithMiddleware(m ...Middleware) Option {
	return func(c *config) { c.middleware = append(c.middleware, m...) }
}

// WithLogger logs each call (method, host, path, status, duration, retries) at Debug level and
// each retry at Info level. Credentials, tokens, headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithUserAgent puts an application name in front of the SDK's own User-Agent.
func WithUserAgent(ua string) Option { return func(c *config) { c.userAgent = ua } }

// WithTimeout bounds each call, retries and waits included. Zero (the default) leaves it to the
// caller's context.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithMaxRetries sets how many times a failed call is retried (default DefaultMaxRetries); 0
// disables retries. Retried: 429, 500, 502, 503 and 504 answers, and connection failures where
// the request cannot have been processed or its method is idempotent.
func WithMaxRetries(n int) Option { return func(c *config) { c.maxRetries = max(n, 0) } }

// WithRetryPolicy sets the waits between retries.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *config) { c.policy = p } }

// WithRateLimit paces the client's requests (retries included) to at most requestsPerSecond,
// allowing bursts of a tenth of a second's worth, with a limiter in this process. Zero or less
// removes the limit. Replicas sharing the project's rate need a shared Limiter (WithLimiter).
func WithRateLimit(requestsPerSecond float64) Option {
	return func(c *config) { c.rateLimit, c.limiter = requestsPerSecond, nil }
}

// WithAppID sets the default Conversation API app: SendMessage and SendEvent fill it into
// requests whose app_id is empty.
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithSMSSender sets the default SMS sender id (a number or alphanumeric sender): SendMessage adds
// it as the SMS_SENDER channel property to every request that sets none (channels other than SMS
// ignore the property).
func WithSMSSender(sender string) Option { return func(c *config) { c.smsSender = sender } }
