package emulator

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// TestProject is the project id of the clients Server.Client and NewTest hand back, unless
// Config.Projects pins others (then the first of those) or an option says otherwise.
const TestProject = "test-project"

// Client returns an SDK client for this emulator, the way fake-gcs-server's Server.Client does:
// every API URL and the token endpoint point here, the project is TestProject (or the first of
// Config.Projects), the credentials are the first of Config.Credentials (or any key, which the
// emulator then accepts). opts are applied last, so they override any of that (WithAppID,
// WithMaxRetries, WithLogger, ...).
func (s *Server) Client(opts ...sinch.Option) (*sinch.Client, error) {
	project := TestProject
	if len(s.cfg.Projects) > 0 {
		project = s.cfg.Projects[0]
	}
	keyID, secret := "emulator-key", "emulator-secret"
	if len(s.cfg.Credentials) > 0 {
		keyID, secret = s.cfg.Credentials[0].KeyID, s.cfg.Credentials[0].KeySecret
	}
	base := []sinch.Option{
		sinch.WithProjectID(project),
		sinch.WithOAuth2(keyID, secret),
		sinch.WithConversationURL(s.ConversationURL()),
		sinch.WithTemplateURL(s.TemplateURL()),
		sinch.WithBatchURL(s.BatchURL()),
		sinch.WithAuthURL(s.TokenURL()),
	}
	return sinch.NewClient(append(base, opts...)...)
}

// TB is the part of testing.TB that NewTest uses (so that this package does not import
// testing).
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Context() context.Context
}

// testChannels are the channels of the app NewTest creates: the app can send on each.
var testChannels = []conversation.ConversationChannel{
	conversation.ConversationChannelSMS, conversation.ConversationChannelWhatsApp,
	conversation.ConversationChannelRCS, conversation.ConversationChannelMMS,
	conversation.ConversationChannelMessenger, conversation.ConversationChannelViberBM,
	conversation.ConversationChannelTelegram, conversation.ConversationChannelInstagram,
}

// allTriggers are the webhook triggers of the test app's webhook.
var allTriggers = []conversation.WebhookTrigger{
	callback.TriggerMessageDelivery, callback.TriggerMessageSubmit, callback.TriggerMessageInbound,
	callback.TriggerEventDelivery, callback.TriggerEventInbound, callback.TriggerConversationStart,
	callback.TriggerConversationStop, callback.TriggerConversationDelete, callback.TriggerContactCreate,
	callback.TriggerContactDelete, callback.TriggerContactMerge, callback.TriggerContactUpdate,
	callback.TriggerContactIdentitiesDuplication, callback.TriggerOptIn, callback.TriggerOptOut,
	callback.TriggerChannelEvent, callback.TriggerCapability, callback.TriggerUnsupported,
}

// NewTest starts an emulator with the zero Config for one test and returns it with a ready
// client: see NewTestWith.
func NewTest(t TB, opts ...sinch.Option) (*Server, *sinch.Client) {
	t.Helper()
	return NewTestWith(t, Config{}, opts...)
}

// NewTestWith starts an emulator with cfg for one test, stops it when the test ends
// (t.Cleanup), creates an app that has credentials on the common channels (SMS, WhatsApp, RCS,
// MMS, Messenger, Viber Business, Telegram, Instagram) with a webhook for every trigger (whose
// receiver, stopped with the test, accepts everything, so that WaitCallback sees every
// callback), and returns a client (Server.Client) whose default app is that app, so that
// Messages.Send works at once. When opts set an app (WithAppID), no app is created. Failures
// end the test.
func NewTestWith(t TB, cfg Config, opts ...sinch.Option) (*Server, *sinch.Client) {
	t.Helper()
	ctx := t.Context()
	srv, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("emulator: start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := srv.Client(opts...)
	if err != nil {
		t.Fatalf("emulator: client: %v", err)
	}
	if c.AppID() != "" { // the caller chose an app
		return srv, c
	}
	req := conversation.CreateAppRequest{DisplayName: "Test app"}
	for _, ch := range testChannels {
		req.ChannelCredentials = append(req.ChannelCredentials, conversation.ChannelCredentials{
			Channel:      ch,
			StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "emulator-" + string(ch), Token: "emulator-token"},
		})
	}
	app, err := c.Conversation.Apps.Create(ctx, req)
	if err != nil {
		t.Fatalf("emulator: create the test app: %v", err)
	}
	// A webhook for every trigger, answered 200 by a receiver of the test's own, so that every
	// callback is recorded (WaitCallback, Callbacks) without the test running a server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("emulator: callback receiver: %v", err)
	}
	sink := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	})}
	go func() { _ = sink.Serve(ln) }()
	t.Cleanup(func() { _ = sink.Close() })
	_, err = c.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{
		AppID: app.ID, Target: "http://" + ln.Addr().String() + "/callbacks", Triggers: allTriggers,
	})
	if err != nil {
		t.Fatalf("emulator: create the test webhook: %v", err)
	}
	if c, err = srv.Client(append([]sinch.Option{sinch.WithAppID(app.ID)}, opts...)...); err != nil {
		t.Fatalf("emulator: client: %v", err)
	}
	return srv, c
}

// WaitCallback returns the first callback in the history (Callbacks) that matches f and every
// match function, waiting for one to be sent if none has been yet, until ctx ends. A callback is
// recorded when it is queued for a webhook, whether or not its target accepts it, so a test needs
// no receiver of its own to see what would have been sent.
func (s *Server) WaitCallback(ctx context.Context, f CallbackFilter, match ...func(CallbackRecord) bool) (CallbackRecord, error) {
	wait := time.Millisecond
	for {
		recs := s.Callbacks(f)
	next:
		for _, r := range recs {
			for _, m := range match {
				if !m(r) {
					continue next
				}
			}
			return r, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return CallbackRecord{}, fmt.Errorf("emulator: no callback matching %+v among the %d recorded: %w", f, len(recs), ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
}

// Event parses the callback's body as a webhook handler would (hmac/callback.Parse).
func (r CallbackRecord) Event() (callback.Event, error) { return callback.Parse(r.Body) }
