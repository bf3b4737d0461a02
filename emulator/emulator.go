// Package emulator is a local, stateful stand-in for the Sinch Conversation API v1, the
// Template Management API v2 and the Conversation Batch API, with the OAuth2 token endpoint.
//
// Unlike a mock that echoes a specification, the emulator keeps state (apps, contacts,
// conversations, messages, events, webhooks, templates, project settings, consents, batches),
// validates every request against this module's OpenAPI documents, sends HMAC-signed callbacks
// to the webhooks an application registers, and simulates delivery, including channel fallback
// and failures, by documented deterministic rules. Applications and SDKs can be tested end to
// end without network access or credentials.
//
// Start it inside a test the way httptest is used:
//
//	srv, err := emulator.Start(ctx, emulator.Config{})
//	if err != nil { ... }
//	defer srv.Close()
//	// point the client at srv.ConversationURL(), srv.TemplateURL(), srv.BatchURL(), srv.TokenURL()
//
// # Delivery rules
//
// After messages:send the emulator posts MESSAGE_SUBMIT, then a MESSAGE_DELIVERY report with
// status QUEUED_ON_CHANNEL and then DELIVERED for the channel that delivers the message. The
// channels are tried in the order of channel_priority_order or, without it, the order of the
// recipient's channel identities (for a contact_id recipient: the contact's channel_priority,
// else the order of its identities).
//
// Each channel is checked in turn, by the rules below; a channel that cannot take the message
// hands over to the next with SWITCHING_CHANNEL (carrying that channel's reason), and when no
// channel is left the last report is FAILED: with the channel's own reason when only one
// channel was tried, NO_CHANNELS_LEFT (its description naming the last channel's reason)
// otherwise. Failures marked "at once" come without QUEUED_ON_CHANNEL (the API refuses before
// the channel sees the message); the others follow QUEUED_ON_CHANNEL. On WhatsApp, RCS,
// Messenger, Instagram, Viber Business and Apple Messages, DELIVERED is followed by READ
// (Config.DisableReadReceipts turns that off); SMS and MMS report no reads.
//
// # Reason codes
//
// The reason codes the emulator reports, and how to reach each (the condition the API
// documents for it; failures.go cites the page of each rule):
//
//	CHANNEL_CONFIGURATION_MISSING              at once: the app has no channel_credentials for the channel
//	TEMPLATE_NOT_FOUND                         at once: omni_template names no template of the template store
//	                                           (or only other channels have a channel_template)
//	TEMPLATE_NON_EXISTING_LANGUAGE_OR_VERSION  at once: the template has no translation with that
//	                                           language_code and version ("latest" or empty: any)
//	TEMPLATE_INSUFFICIENT_PARAMETERS           at once: parameters lacks a variable of the translation
//	OUTSIDE_ALLOWED_SENDING_WINDOW             at once: a WhatsApp message other than a template, more than
//	                                           24 hours (emulator clock) after the contact last wrote on
//	                                           WhatsApp to the app (or when it never wrote)
//	RECIPIENT_INVALID_CHANNEL_IDENTITY         at once: not an international phone number on SMS, MMS,
//	                                           WhatsApp, RCS or Viber Business (for example "+1 555 123 4567"),
//	                                           or any identity ending in 9999
//	RECIPIENT_NOT_OPTED_IN                     at once: the identity is on the app's OPT_OUT_ALL consent list,
//	                                           or on OPT_OUT_MARKETING / OPT_OUT_NOTIFICATION for a message
//	                                           with that message_content_type
//	MEDIA_TYPE_UNSUPPORTED                     at once: a media URL whose file type MMS or RCS does not take
//	                                           (for example .docx on RCS)
//	MEDIA_NOT_REACHABLE                        at once: a media URL on a host under .invalid
//	MESSAGE_SPLIT_REQUIRED                     at once: an SMS needing more parts than its
//	                                           SMS_MAX_NUMBER_OF_MESSAGE_PARTS (the SMS docs: not delivered)
//	BAD_REQUEST                                at once: a channel rule emulator/transcode's package doc lists
//	                                           (WhatsApp text over 4096 characters, RCS card title over 200, ...):
//	                                           the reference's code for a request that fails the channel-specific
//	                                           validation done while the message is processed (a template
//	                                           message meets these limits with its content and parameters)
//	RECIPIENT_NOT_REACHABLE                    queued: a test number (below) or Config.Undeliverable
//	MESSAGE_EXPIRED                            queued: the ttl ran out before delivery (a test number ending in
//	                                           4444, or a message waiting in the ingress queue); no fallback
//	NO_CHANNELS_LEFT                           every channel of the order failed
//	any other code                             queued: Config.Failures returns it for the channel and identity
//
// MESSAGE_SPLIT_REQUIRED and MESSAGE_EXPIRED are not in the reference's table of 27 codes
// (https://developers.sinch.com/docs/conversation/callbacks; the Java SDK's ReasonCode, generated
// from the same document, has the same 27); they are in the official Node SDK's ReasonCode
// (https://developers.sinch.com/sdk/sinch-sdk-node/1.5.0/types/Conversation.ReasonCode.html)
// and name these two conditions, for which the table has no code of its own.
//
// The remaining codes (UNKNOWN, INTERNAL_ERROR, RATE_LIMITED,
// CHANNEL_FAILURE, CHANNEL_REJECT, CHANNEL_BAD_CONFIGURATION, MEDIA_TOO_LARGE, DELIVERY_TIMED_OUT,
// DELIVERY_REJECTED_DUE_TO_POLICY, UNKNOWN_APP, NO_PERMISSION, NO_PROFILE_AVAILABLE,
// UNSUPPORTED_OPERATION, INACTIVE_CREDENTIAL, DELIVERY_REPORT_TIME_OUT) depend on the channel's or Sinch's side (a carrier's policy, a
// file's size on a server, an outage): they are reached through Config.Failures.
//
// CONTACT_NOT_FOUND and NO_CHANNEL_IDENTITY_FOR_CONTACT have causes the emulator sees when the
// request arrives, and it answers them then: a send to a contact_id that does not exist is
// 404 NOT_FOUND, and a recipient with no channel identity (none at all, or none on a channel of
// channel_priority_order) is 400 INVALID_ARGUMENT. The reference lists both codes without
// saying whether the API answers them at once or as a FAILED report; this is our reading, and
// Config.Failures gives them as reports for code that must handle that form. Requests the
// API refuses outright stay 400 INVALID_ARGUMENT: a template_message with neither
// omni_template nor channel_template, a choice carrying two kinds, an invalid ttl.
//
// Test numbers choose a failure by their last four digits, per channel, so that one number
// can fail on one channel and succeed on the next:
//
//	...0000  off the mobile network: SMS and MMS report RECIPIENT_NOT_REACHABLE, other channels
//	         deliver (SMS -> WhatsApp fallback with one number)
//	...3333  no RCS on the handset: RCS reports RECIPIENT_NOT_REACHABLE (RCS -> SMS fallback)
//	...4040  unreachable on every channel (NO_CHANNELS_LEFT after fallback)
//	...4444  switched off: QUEUED_ON_CHANNEL and never delivered; FAILED MESSAGE_EXPIRED when its
//	         ttl runs out
//	...9999  invalid on every channel (RECIPIENT_INVALID_CHANNEL_IDENTITY)
//
// Events (events:send) follow the channel rules (credentials, identities, opt-outs, test
// numbers), without fallback and without the WhatsApp window: EVENT_DELIVERY reports
// DELIVERED or FAILED.
//
// # Clock
//
// One clock drives token expiry, the WhatsApp window, ttl, batch send_after, the ingress queue
// and the spacing of delivery reports: Config.Clock (the system clock by default) plus what
// Server.Advance (or POST /_emulator/clock/advance) added. Advancing it wakes every wait that
// the new time ends: a test can close a WhatsApp window, expire a token or a ttl, or release a
// scheduled batch without sleeping. Server.Now reads it.
//
// # Regions
//
// Each region is served under a path prefix of both listeners: ConversationURL()+"/eu" is the
// EU Conversation and Template APIs, BatchURL()+"/eu" the EU Batch API (Server.RegionURLs,
// Server.Info). An app lives in the region whose URL created it; a request naming it (path,
// query or body app_id) on another region's URL answers 404, as the API does. Each region keeps
// its own data: messages, conversations, events and webhooks of an app, and contacts,
// templates, consents, batches and project settings made on a region's URL, are found (and
// listed) on that region's URLs only; elsewhere they are 404 (the emulator's 404 message names
// the region that holds the id; the API's does not). An inbound message injected
// through the control endpoints goes to its app's region. The un-prefixed URLs serve
// Config.DefaultRegion (us).
//
// # Ingress queue
//
// Each app's messages leave its ingress queue towards the channels at Config.IngressRate per
// second (20, as documented; IngressUnlimited for load tests); the queue holds
// Config.IngressQueue messages (500,000) and past that messages:send answers 429
// RESOURCE_EXHAUSTED. A message is stored, and listed, as soon as it is accepted; only its
// delivery reports wait. The pacing follows the emulator clock. An app's queue_stats
// (outbound_size, outbound_limit) show its queue.
//
// A message sent with callback_url has its delivery reports posted there instead of to the
// webhooks, signed with the app's callback_settings.secret_for_overridden_callback_urls when
// it has one. In CONVERSATION mode a send to identities that no contact holds creates the
// contact (CONTACT_CREATE) and, without an active conversation, a conversation
// (CONVERSATION_START); DISPATCH mode (or processing_strategy DISPATCH_ONLY) creates neither.
//
// Delivery reports are StepDelay apart (CallbackConfig). Callbacks to one webhook (or to one
// message callback_url target) are sent in order, one at a time, at most RatePerApp per
// second per app; a failed or timed-out attempt (no 2xx answer) is retried after
// InitialBackoff, doubling up to MaxBackoff, MaxAttempts times in all. Delivery never blocks
// the API: a target that hangs only delays its own queue. Server.Callbacks keeps the most
// recent callbacks (20,000, or fewer when their bodies pass 64 MiB).
//
// # Rate limit and faults
//
// Each project may make Config.RateLimit requests per second (DefaultRateLimit, 800, by
// default; RateLimitOff turns the limit off); past it the answer is 429 RESOURCE_EXHAUSTED
// with a Retry-After header. Config.Faults answers a share of requests 429 or 503, drops a
// share of connections, or adds latency. Neither applies to the token or control endpoints.
//
// # Batches
//
// sendBatchMessage takes 1 to 1000 recipients. Each gets its own message, with ${key}
// replaced by its parameters (unknown keys are left as they are) and `_batch_id` added to its
// JSON message metadata; a recipient that cannot be sent to gets a FAILED delivery report
// carrying batch_id and message_index. A send_after in the past is refused, as is one more
// than 7 days ahead; more than a minute ahead it is rounded up to the next 5 minutes, as the
// API does. Statuses: READY (being sent), SCHEDULED, PROCESSED, CANCELLED (only a scheduled
// batch can be cancelled); each change is posted as BATCH_STATUS_UPDATE. Scheduled batches
// follow the emulator clock, so Server.Advance releases them.
//
// # Web inbox
//
// The Conversation listener serves a web page at "/" (package inbox): every conversation as a
// phone-like thread drawn as each channel shows it, each message's delivery path, replies as
// the contact, the callback log with its attempts, and the controls below. Open
// ConversationURL() in a browser.
//
// # Control endpoints
//
// Under the prefix /_emulator (which no Sinch path uses), on the Conversation listener:
//
//	POST /_emulator/projects/{project_id}/inbound/messages   a contact sends a message (MESSAGE_INBOUND)
//	POST /_emulator/projects/{project_id}/inbound/events     a contact sends an event (EVENT_INBOUND)
//	GET  /_emulator/callbacks                                 callbacks sent, with their delivery attempts
//	POST /_emulator/callbacks/{id}/resend                     send a recorded callback again
//	GET  /_emulator/faults, PUT /_emulator/faults             the injected faults, changed at run time
//	GET  /_emulator/unreachable, PUT /_emulator/unreachable   identities made unreachable at run time
//	POST /_emulator/reset                                     forget all state and callbacks
//	GET  /_emulator/info                                      per region (us, eu, br) its conversation_url,
//	                                                          template_url and batch_url; token_url;
//	                                                          default_region
//	GET  /_emulator/clock                                     {"now": "<RFC 3339>"}, the emulator's time
//	POST /_emulator/clock/advance                             {"duration": "25h"} moves the clock; answers
//	                                                          the new time as GET /_emulator/clock does
//	GET  /_emulator/messages/{message_id}                     a message's delivery path (every report) and
//	                                                          its transcoded form per channel tried (a
//	                                                          template message: the template's content
//	                                                          with the message's parameters)
//
// The same operations are available in Go: Server.InjectInbound, Server.InjectInboundEvent,
// Server.Callbacks, Server.ResendCallback, Server.SetFaults, Server.SetUnreachable,
// Server.Reset, Server.Info, Server.Now, Server.Advance and Server.MessageTrace. The CLI wraps
// them: sinch emulator inject, sinch emulator callbacks [--follow], sinch emulator clock
// [advance 25h].
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// DefaultRateLimit is the API's documented per-project request rate, in requests per second.
const DefaultRateLimit = 800

// DefaultReadTimeout is how long the emulator waits for one request, headers and body, by
// default.
const DefaultReadTimeout = 30 * time.Second

// httpServer returns a server of h with the emulator's timeouts: the headers within 10s (or
// ReadTimeout when shorter), the whole request within ReadTimeout, an idle connection kept
// as long. There is no write timeout: the control endpoints may stream.
func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, s.cfg.ReadTimeout),
		ReadTimeout:       s.cfg.ReadTimeout,
		IdleTimeout:       s.cfg.ReadTimeout,
		ErrorLog:          slogErrorLog(s.log),
	}
}

// DefaultMaxStored is the default of Config.MaxStored.
const DefaultMaxStored = 200_000

// RateLimitOff turns the emulator's request rate limit off when set in Config.RateLimit.
const RateLimitOff = -1

// Clock tells the emulator the time. Tests can pass a fake clock to control timestamps,
// token expiry and batch scheduling. Callback signatures carry its time too, so a receiver
// that checks timestamps against the real time needs the same clock.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Credential is an access key the emulator accepts when credentials are pinned.
type Credential struct {
	// KeyID is the access key's id, the HTTP Basic user name.
	KeyID string
	// KeySecret is the access key's secret, the HTTP Basic password. It is never logged.
	KeySecret string
}

// Faults injects failures into API answers, for resilience tests. Rates are fractions of
// requests, between 0 and 1. Faults apply to the three APIs, not to the token endpoint or the
// control endpoints.
type Faults struct {
	// Rate429 answers this share of requests 429 RESOURCE_EXHAUSTED with Retry-After: 1.
	Rate429 float64
	// Rate503 answers this share of requests 503 UNAVAILABLE.
	Rate503 float64
	// DropRate closes this share of connections without any answer.
	DropRate float64
	// Latency is added before every answer.
	Latency time.Duration
}

// CallbackConfig tunes callback delivery and the delivery simulation.
type CallbackConfig struct {
	// RatePerApp is the maximum number of callbacks per second sent for one app (default 25,
	// the API's default).
	RatePerApp float64
	// MaxAttempts is how many times one callback is tried before it is given up (default 6).
	MaxAttempts int
	// InitialBackoff is the wait after the first failed attempt; it doubles after each
	// further failure up to MaxBackoff (defaults 250ms and 10s).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// Timeout bounds one delivery attempt (default 5s). A timed-out attempt is retried.
	Timeout time.Duration
	// StepDelay is the simulated time between successive delivery reports of one message
	// (default 20ms).
	StepDelay time.Duration
	// HTTPClient sends the callbacks (default: a client with Timeout).
	HTTPClient *http.Client
	// InFlight is how many callbacks may be on their way to one target at once (default 4).
	// The callbacks of one message (its MESSAGE_SUBMIT and delivery reports) still arrive in
	// order: one of them is sent only once the one before it is done.
	InFlight int
	// MaxQueued bounds the callbacks waiting for one target (default 10,000). A callback
	// that finds the queue full is not sent: its record in Server.Callbacks says FAILED,
	// with the reason, and a warning is logged.
	MaxQueued int
}

// Config configures an emulator. The zero value is usable: both listeners on 127.0.0.1 with
// ports chosen by the system, any project and key accepted, the API's rate limit.
type Config struct {
	// Addr is where the Conversation API, the Template Management API, the token endpoint and
	// the control endpoints are served (default "127.0.0.1:0").
	Addr string
	// BatchAddr is where the Batch API is served (default "127.0.0.1:0"). Its paths collide
	// with the Conversation API's, so it has its own listener.
	BatchAddr string
	// Credentials, when not empty, pins the access keys: the token endpoint and HTTP Basic
	// accept only these, and Bearer tokens must have been issued by this emulator. When
	// empty, any key and any Bearer token are accepted.
	Credentials []Credential
	// Projects, when not empty, pins the project ids; others answer 403.
	Projects []string
	// RateLimit is the per-project request rate in requests per second: 0 means
	// DefaultRateLimit, RateLimitOff (or any negative value) turns limiting off. Past the
	// limit the answer is 429 with a Retry-After header.
	RateLimit int
	// Faults injects failures.
	Faults Faults
	// Callbacks tunes callback delivery.
	Callbacks CallbackConfig
	// Undeliverable, when set, decides which identities cannot be reached on a channel
	// (RECIPIENT_NOT_REACHABLE), in addition to the built-in test identities.
	Undeliverable func(channel, identity string) bool
	// Failures, when set, may fail a channel with any reason code: it returns the code (for
	// example "DELIVERY_REJECTED_DUE_TO_POLICY") for an identity on a channel, or "" to leave
	// it to the other rules. The channel reports QUEUED_ON_CHANNEL, then fails with that code
	// and the message falls back to its next channel.
	Failures func(channel, identity string) string
	// DisableReadReceipts stops the READ reports that channels reporting reads (WhatsApp,
	// RCS, Messenger, Instagram, Viber Business, Apple Messages) send after DELIVERED.
	DisableReadReceipts bool
	// IngressRate is how many messages per second leave each app's ingress queue towards the
	// channels: 0 means DefaultIngressRate (20, as documented), IngressUnlimited (or any
	// negative value) drains without pacing. Messages are stored when accepted; only their
	// delivery waits.
	IngressRate float64
	// IngressQueue bounds each app's ingress queue: past it messages:send answers 429
	// (0 means DefaultIngressQueue, 500,000).
	IngressQueue int
	// DefaultRegion is the region the un-prefixed URLs serve: us (the default), eu or br.
	DefaultRegion string
	// MaxStored bounds the messages, and separately the events, kept per project: past it
	// the oldest are forgotten, so that a long load test runs in bounded memory. 0 means
	// DefaultMaxStored; a negative value keeps everything.
	MaxStored int
	// ReadTimeout bounds the reading of one request, body included (default
	// DefaultReadTimeout), so that a client that stops sending halfway does not hold its
	// connection forever; a keep-alive connection may idle as long between requests.
	ReadTimeout time.Duration
	// TokenTTL is the lifetime of issued access tokens (default 1h).
	TokenTTL time.Duration
	// Clock gives the time (default the system clock).
	Clock Clock
	// Logger receives one line per request and per callback attempt (default: discard).
	// Secrets, tokens and signatures are never logged.
	Logger *slog.Logger
	// DisableValidation skips request validation against the specs.
	DisableValidation bool
	// Specs, when set, replaces the embedded documents used for validation (for tests of the
	// validation itself). Nil entries keep the embedded ones.
	Specs *Specs
}

// Specs holds the OpenAPI documents requests are validated against.
type Specs struct {
	// Conversation is validated on the Conversation listener (Conversation API v1).
	Conversation *openapi3.T
	// Templates is validated on the Conversation listener too (Template Management API v2).
	Templates *openapi3.T
	// Batch is validated on the Batch listener.
	Batch *openapi3.T
}

// Server is a running emulator.
type Server struct {
	cfg    Config
	clock  *emuClock
	log    *slog.Logger
	store  *store
	ids    idGen
	tokens *tokenStore
	limits *rateLimits
	faults *faultInjector
	cb     *dispatcher
	feed   *inboxFeed // what the web inbox follows
	// deliveries runs the delivery simulations of the messages sent.
	deliveries *deliveries
	sched      *scheduler
	convIx     *specIndex
	rules      *exactlyOneRules

	bgMu     sync.Mutex // guards bgClosed and additions to wg after start
	bgClosed bool
	batchIx  *specIndex

	conv, batch       *http.Server
	convLn, batchLn   net.Listener
	convURL, batchURL string
	ctx               context.Context
	cancel            context.CancelFunc
	wg                sync.WaitGroup
	closeOnce         sync.Once
	closeErr          error

	// cbTransport is the callback client's transport when the emulator made it (no
	// CallbackConfig.HTTPClient); Close ends its idle connections.
	cbTransport *http.Transport

	// checkResponse, set by tests, sees every validated operation's answer.
	windows windowTracker // WhatsApp customer-service windows
	ingress *ingress      // per-app ingress queues
	traces  *traceLog     // what happened to each message (GET /_emulator/messages/{id})
	regions appRegions    // the region of each app

	checkResponse func(route *routers.Route, r *http.Request, params map[string]string, status int, h http.Header, body []byte)
}

// Start starts an emulator and returns once both listeners accept connections. ctx bounds
// the start only; stop the server with Close or Shutdown.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.listen(ctx); err != nil {
		return nil, err
	}
	s.log.Info("emulator started", "conversation", s.convURL, "batch", s.batchURL)
	return s, nil
}

// listen opens both listeners and serves them.
func (s *Server) listen(ctx context.Context) error {
	var err error
	var lc net.ListenConfig
	s.convLn, err = lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		s.cancel()
		return fmt.Errorf("emulator: listen on %s: %w", s.cfg.Addr, err)
	}
	s.batchLn, err = lc.Listen(ctx, "tcp", s.cfg.BatchAddr)
	if err != nil {
		s.convLn.Close()
		s.cancel()
		return fmt.Errorf("emulator: listen on %s: %w", s.cfg.BatchAddr, err)
	}
	s.convURL = "http://" + s.convLn.Addr().String()
	s.batchURL = "http://" + s.batchLn.Addr().String()
	s.conv = s.httpServer(s.ConversationHandler())
	s.batch = s.httpServer(s.BatchHandler())
	for _, pair := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{s.conv, s.convLn}, {s.batch, s.batchLn}} {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := pair.srv.Serve(pair.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("emulator listener stopped", "addr", pair.ln.Addr().String(), "err", err)
			}
		}()
	}
	return nil
}

// New builds an emulator without listening, for use with ConversationHandler and
// BatchHandler inside a server of the caller's (for example httptest.NewServer). Call Close
// to stop its background work.
func New(cfg Config) (*Server, error) { return newServer(cfg) }

func newServer(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.BatchAddr == "" {
		cfg.BatchAddr = "127.0.0.1:0"
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.MaxStored == 0 {
		cfg.MaxStored = DefaultMaxStored
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.DefaultRegion == "" {
		cfg.DefaultRegion = DefaultRegion
	}
	if !contains(Regions, cfg.DefaultRegion) {
		return nil, fmt.Errorf("emulator: DefaultRegion %q is not a region (want us, eu or br)", cfg.DefaultRegion)
	}
	switch {
	case cfg.IngressRate == 0:
		cfg.IngressRate = DefaultIngressRate
	case cfg.IngressRate < 0:
		cfg.IngressRate = 0 // unlimited
	}
	if cfg.IngressQueue <= 0 {
		cfg.IngressQueue = DefaultIngressQueue
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := cfg.Faults.check(); err != nil {
		return nil, err
	}
	for _, c := range cfg.Credentials {
		if c.KeyID == "" || c.KeySecret == "" {
			return nil, errors.New("emulator: a pinned credential needs both a key id and a key secret")
		}
	}
	cb := &cfg.Callbacks
	if cb.RatePerApp <= 0 {
		cb.RatePerApp = 25
	}
	if cb.MaxAttempts <= 0 {
		cb.MaxAttempts = 6
	}
	if cb.InitialBackoff <= 0 {
		cb.InitialBackoff = 250 * time.Millisecond
	}
	if cb.MaxBackoff <= 0 {
		cb.MaxBackoff = 10 * time.Second
	}
	if cb.Timeout <= 0 {
		cb.Timeout = 5 * time.Second
	}
	if cb.StepDelay <= 0 {
		cb.StepDelay = 20 * time.Millisecond
	}
	if cb.InFlight <= 0 {
		cb.InFlight = 4
	}
	if cb.MaxQueued <= 0 {
		cb.MaxQueued = 10_000
	}
	var ownTransport *http.Transport
	if cb.HTTPClient == nil {
		// A transport of its own, so that Close can end its keep-alive connections without
		// touching the process's http.DefaultTransport.
		ownTransport = http.DefaultTransport.(*http.Transport).Clone()
		ownTransport.MaxIdleConnsPerHost = 64 // several callbacks in flight per target
		cb.HTTPClient = &http.Client{Timeout: cb.Timeout, Transport: ownTransport}
	}

	s := &Server{cfg: cfg, clock: newEmuClock(cfg.Clock), log: cfg.Logger, store: newStore(cfg.DefaultRegion), cbTransport: ownTransport}
	s.ingress = newIngress(s, cfg.IngressRate, cfg.IngressQueue)
	s.deliveries = newDeliveries(s)
	s.traces = newTraceLog(cfg.MaxStored)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.tokens = newTokenStore()
	s.limits = newRateLimits(cfg.RateLimit)
	s.faults = newFaultInjector(cfg.Faults)
	s.cb = newDispatcher(s)
	s.feed = newInboxFeed()
	s.sched = newScheduler(s)

	if !cfg.DisableValidation {
		sp, rules, err := loadSpecs(cfg.Specs)
		if err != nil {
			s.cancel()
			return nil, err
		}
		s.rules = rules
		s.convIx = newSpecIndex(sp.Conversation, sp.Templates)
		s.batchIx = newSpecIndex(sp.Batch)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.sched.run(s.ctx)
	}()
	return s, nil
}

// ConversationURL is the base URL of the Conversation API (no trailing slash), for example
// http://127.0.0.1:41234. Paths start at /v1/projects/....
func (s *Server) ConversationURL() string { return s.convURL }

// TemplateURL is the base URL of the Template Management API; it shares the Conversation
// listener (paths start at /v2/projects/...).
func (s *Server) TemplateURL() string { return s.convURL }

// BatchURL is the base URL of the Batch API, on its own listener.
func (s *Server) BatchURL() string { return s.batchURL }

// AuthURL is the base URL of the authentication service: the token endpoint is
// AuthURL()+"/oauth2/token".
func (s *Server) AuthURL() string { return s.convURL }

// TokenURL is the full URL of the OAuth2 token endpoint.
func (s *Server) TokenURL() string { return s.convURL + "/oauth2/token" }

// ControlURL is the base URL of the control endpoints (/_emulator/...).
func (s *Server) ControlURL() string { return s.convURL + "/_emulator" }

// Close stops the emulator at once: listeners, pending callbacks and scheduled batches. When
// it returns, no goroutine of the emulator is left (a CallbackConfig.HTTPClient given by the
// caller keeps its own idle connections; close them with its CloseIdleConnections).
func (s *Server) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return s.shutdown(ctx, true)
}

// Shutdown stops accepting requests and waits, until ctx is done, for requests in flight to
// finish; pending callbacks are abandoned.
func (s *Server) Shutdown(ctx context.Context) error { return s.shutdown(ctx, false) }

func (s *Server) shutdown(ctx context.Context, force bool) error {
	s.closeOnce.Do(func() {
		s.feed.close() // ends the inbox's event streams, which Shutdown would wait for
		var errs []error
		for _, srv := range []*http.Server{s.conv, s.batch} {
			if srv == nil {
				continue
			}
			var err error
			if force {
				err = srv.Close()
			} else {
				err = srv.Shutdown(ctx)
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				errs = append(errs, err)
			}
		}
		s.bgMu.Lock()
		s.bgClosed = true
		s.bgMu.Unlock()
		s.cancel()
		s.cb.stop()
		s.wg.Wait()
		if s.cbTransport != nil {
			s.cbTransport.CloseIdleConnections()
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// background runs f in its own goroutine unless the emulator is stopping; Close and Shutdown
// wait for it.
func (s *Server) background(f func()) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgClosed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

func (s *Server) now() time.Time { return s.clock.Now().UTC() }

func (s *Server) newID() string { return s.ids.next(s.clock.Now()) }

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
