package sinch

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

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
	// Conversation calls the Conversation API, one service per resource: Messages, Contacts,
	// Conversations, Apps, Webhooks, Events, Capability, ProjectSettings, Consents.
	Conversation *ConversationService
	// Templates calls the Template Management API (v2).
	Templates *TemplatesService
	// Batch calls the Batch API (one message to up to 1,000 recipients).
	Batch *BatchService

	cfg  config
	apis [numAPIs]endpoint
}

// NewClient builds a Client. It fails with a clear error when the project id, the region (unless
// every API URL is overridden) or the credentials are missing, or a URL is malformed.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{maxRetries: DefaultMaxRetries, authURL: DefaultAuthURL, policy: retry.DefaultPolicy}
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
	if cfg.limiter == nil && cfg.rateLimit > 0 && !math.IsInf(cfg.rateLimit, 1) {
		cfg.limiter = rate.NewLimiter(rate.Limit(cfg.rateLimit), max(1, int(cfg.rateLimit/10)))
	}
	c := &Client{cfg: cfg}
	pipe := newPipeline(&c.cfg, cfg.authURL)
	templatePipe := pipe
	if cfg.auth == authOAuth2 && cfg.templateAuthURL != "" {
		templatePipe = newPipeline(&c.cfg, cfg.templateAuthURL)
	}
	bases := [numAPIs]string{apiConversation: cfg.conversationURL, apiTemplates: cfg.templateURL, apiBatch: cfg.batchURL}
	for api, base := range bases {
		p := pipe
		if apiID(api) == apiTemplates {
			p = templatePipe
		}
		ep, err := newEndpoint(base, p)
		if err != nil {
			return nil, fmt.Errorf("sinch: %s API URL: %w", apiID(api), err)
		}
		c.apis[api] = ep
	}
	c.Conversation = newConversationService(c)
	c.Templates = newTemplatesService(c)
	c.Batch = newBatchService(c)
	return c, nil
}

// resolve validates the configuration and derives the base URLs from the region.
func (c *config) resolve() error {
	errs := append([]error(nil), c.errs...) // options that do not apply to a client
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

// TokenFetches reports how many requests the client has sent to the OAuth2 token endpoint (0
// for other authentication methods).
func (c *Client) TokenFetches() int64 {
	var n int64
	if p := c.apis[apiConversation].pipe; p != nil && p.tokens != nil {
		n += p.tokens.Fetches()
	}
	if p := c.apis[apiTemplates].pipe; p != nil && p.tokens != nil && p != c.apis[apiConversation].pipe {
		n += p.tokens.Fetches()
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
