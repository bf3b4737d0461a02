package commands

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// The demo's fixed cast. The first number cannot be reached over SMS in the emulator (see
// demoUndeliverable), so the text to it falls back to WhatsApp.
const (
	demoProject   = "demo-project"
	demoCustomer  = "+15551230100"
	demoCardPhone = "+15551230101"
)

var demoBatchPhones = []string{"+15551230201", "+15551230202", "+15551230203"}

func demoUndeliverable(channel, identity string) bool {
	return channel == "SMS" && identity == demoCustomer
}

func (a *app) demoCommand() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole flow offline: emulator, webhook receiver, app, fallback, card, batch, inbound reply",
		Long: `demo needs no credentials and nothing else running. It starts the emulator in this process
and a local webhook receiver built on the hmac/webhook handler, then, through the SDK client:
creates an app and a webhook with a secret; sends a text over SMS with a WhatsApp fallback, which
the emulator makes fall back; sends a card over RCS and a batch to three recipients; injects a
reply from the customer through the emulator's control endpoint; and waits for every callback,
each verified against the webhook secret. It prints a timeline (or JSON lines with --json) and
exits 0, or non-zero with the step that failed.`,
		Example: "  sinch demo\n  go run ./cmd/sinch demo --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			err := a.runDemo(ctx)
			if errors.Is(err, context.DeadlineExceeded) && cmd.Context().Err() == nil {
				return fmt.Errorf("demo: did not finish within %s: %w", timeout, err)
			}
			return err
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 14*time.Second, "give up after this long")
	return cmd
}

// timeline collects the demo's steps and the callbacks the receiver accepted, prints them as
// they happen, and lets the demo wait for a callback.
type timeline struct {
	a      *app
	start  time.Time
	mu     sync.Mutex
	events []eventSummary
	notify chan struct{}
	// refused counts callbacks the receiver did not accept (bad signature, bad body...).
	refused int
	// gate holds callbacks back while an API call and the line announcing it are in progress,
	// so that the timeline reads in causal order (a callback can beat the API's answer).
	gate sync.Mutex
}

// do runs an API call and, if it succeeds, prints its step line before any callback it caused.
func (t *timeline) do(call func() error, name string, detail func() string) error {
	t.gate.Lock()
	defer t.gate.Unlock()
	if err := call(); err != nil {
		return err
	}
	t.step(name, "%s", detail())
	return nil
}

type timelineEntry struct {
	At      string          `json:"at"`
	Kind    string          `json:"kind"` // "step" or "callback"
	Step    string          `json:"step,omitempty"`
	Detail  string          `json:"detail,omitempty"`
	Trigger string          `json:"trigger,omitempty"`
	Event   *eventSummary   `json:"event,omitempty"`
	Raw     json.RawMessage `json:"-"`
}

func (t *timeline) since() string { return fmt.Sprintf("+%6.3fs", time.Since(t.start).Seconds()) }

func (t *timeline) step(name, format string, args ...any) {
	detail := fmt.Sprintf(format, args...)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.a.json {
		_ = t.a.printJSONLine(timelineEntry{At: t.since(), Kind: "step", Step: name, Detail: detail})
		return
	}
	t.a.printf("%s  %-18s %s\n", t.since(), name, detail)
}

// human names a callback the way the timeline reads.
func human(s eventSummary) (string, string) {
	switch s.Trigger {
	case "MESSAGE_SUBMIT":
		return "submitted", fmt.Sprintf("message %s on %s", s.MessageID, s.Channel)
	case "MESSAGE_DELIVERY":
		name := map[string]string{"QUEUED_ON_CHANNEL": "queued", "SWITCHING_CHANNEL": "switching channel", "DELIVERED": "delivered", "FAILED": "failed", "READ": "read"}[s.Status]
		if name == "" {
			name = s.Status
		}
		d := fmt.Sprintf("message %s on %s %s", s.MessageID, s.Channel, s.Identity)
		if s.Reason != "" {
			code, _, _ := strings.Cut(s.Reason, ":")
			d += " (" + code + ")"
		}
		if s.BatchID != "" {
			d += " [batch " + s.BatchID + "]"
		}
		return name, d
	case "MESSAGE_INBOUND":
		return "inbound", fmt.Sprintf("%s from %s %s (message %s)", s.Text, s.Channel, s.Identity, s.MessageID)
	case "CONTACT_CREATE":
		return "contact created", "contact " + s.ContactID
	case "BATCH_STATUS_UPDATE":
		return "batch " + strings.ToLower(s.Status), "batch " + s.BatchID
	}
	return s.Trigger, ""
}

func (t *timeline) callback(ev callback.Event) {
	t.gate.Lock()
	defer t.gate.Unlock()
	s := summarizeEvent(ev, time.Now())
	t.mu.Lock()
	t.events = append(t.events, s)
	name, detail := human(s)
	if t.a.json {
		_ = t.a.printJSONLine(timelineEntry{At: t.since(), Kind: "callback", Trigger: s.Trigger, Event: &s})
	} else {
		t.a.printf("%s  %-18s %s  ✓ signature\n", t.since(), name, detail)
	}
	close(t.notify)
	t.notify = make(chan struct{})
	t.mu.Unlock()
}

// waitFor blocks until n callbacks satisfy match, or ctx ends.
func (t *timeline) waitFor(ctx context.Context, what string, n int, match func(eventSummary) bool) error {
	for {
		t.mu.Lock()
		count := 0
		for _, e := range t.events {
			if match(e) {
				count++
			}
		}
		ch := t.notify
		t.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s (%d of %d arrived): %w", what, count, n, ctx.Err())
		}
	}
}

func (a *app) runDemo(ctx context.Context) (err error) {
	tl := &timeline{a: a, start: time.Now(), notify: make(chan struct{})}
	fail := func(step string, err error) error { return fmt.Errorf("demo step %q failed: %w", step, err) }

	// 1. The emulator, in process.
	srv, err := emulator.Start(ctx, emulator.Config{Undeliverable: demoUndeliverable})
	if err != nil {
		return fail("start the emulator", err)
	}
	defer srv.Close()
	tl.step("emulator", "Conversation API %s, Batch API %s", srv.ConversationURL(), srv.BatchURL())

	// 2. The webhook receiver: the hmac/webhook handler with a fresh secret.
	secretBytes := make([]byte, 16)
	_, _ = rand.Read(secretBytes)
	secret := hex.EncodeToString(secretBytes)
	h, err := webhook.New(webhook.WithSecrets(secret), webhook.OnAny(func(_ context.Context, ev callback.Event) error {
		tl.callback(ev)
		return nil
	}))
	if err != nil {
		return fail("build the webhook handler", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fail("start the webhook receiver", err)
	}
	receiver := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		if rec.status >= 300 {
			tl.mu.Lock()
			tl.refused++
			tl.mu.Unlock()
			a.errorf("demo: the receiver refused a callback: %d %s", rec.status, http.StatusText(rec.status))
		}
	})}
	go func() { _ = receiver.Serve(ln) }()
	defer receiver.Close()
	target := "http://" + ln.Addr().String() + "/callbacks"
	tl.step("receiver", "%s (verifying HMAC signatures)", target)

	// 3. The SDK client, pointed at the emulator.
	c, err := sinch.NewClient(
		sinch.WithProjectID(demoProject),
		sinch.WithOAuth2("demo-key", "demo-secret"),
		sinch.WithConversationURL(srv.ConversationURL()),
		sinch.WithTemplateURL(srv.TemplateURL()),
		sinch.WithBatchURL(srv.BatchURL()),
		sinch.WithAuthURL(srv.TokenURL()),
		sinch.WithLogger(a.logger()),
	)
	if err != nil {
		return fail("build the client", err)
	}

	// 4. An app with SMS, WhatsApp and RCS, and a webhook.
	mode := conversation.ProcessingMode("CONVERSATION")
	var creds []conversation.ChannelCredentials
	for _, ch := range []conversation.ConversationChannel{"SMS", "WHATSAPP", "RCS"} {
		ch := ch
		creds = append(creds, conversation.ChannelCredentials{Channel: ch, StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "demo-" + string(ch), Token: "demo-token"}})
	}
	ap, err := c.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "Demo app", ProcessingMode: mode, ChannelCredentials: creds})
	if err != nil {
		return fail("create the app", err)
	}
	appID := string(ap.ID)
	tl.step("app created", "%s (CONVERSATION mode; SMS, WHATSAPP, RCS)", appID)
	wh, err := c.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{AppID: appID, Target: target, Secret: secret,
		Triggers: []conversation.WebhookTrigger{"MESSAGE_SUBMIT", "MESSAGE_DELIVERY", "MESSAGE_INBOUND", "BATCH_STATUS_UPDATE"}})
	if err != nil {
		return fail("create the webhook", err)
	}
	tl.step("webhook created", "%s for MESSAGE_SUBMIT, MESSAGE_DELIVERY, MESSAGE_INBOUND, BATCH_STATUS_UPDATE", string(wh.ID))

	delivered := func(id, channel string) func(eventSummary) bool {
		return func(e eventSummary) bool {
			return e.Trigger == "MESSAGE_DELIVERY" && e.MessageID == id && e.Status == "DELIVERED" && (channel == "" || e.Channel == channel)
		}
	}

	// 5. The customer asked on WhatsApp, which opens WhatsApp's 24-hour window for free-form
	// messages (outside it only templates go out); the answer is a text over SMS with a
	// WhatsApp fallback, and the emulator cannot reach the number by SMS.
	if _, err := srv.InjectInbound(ctx, emulator.InboundMessage{ProjectID: demoProject, AppID: appID, Channel: "WHATSAPP", Identity: demoCustomer,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"Where is my order?"}}`)}); err != nil {
		return fail("inject the question", err)
	}
	tl.step("customer wrote", "%s over WhatsApp: the 24-hour window for free-form messages is open", demoCustomer)
	rcpt := recipient.Fallback(recipient.SMS(demoCustomer), recipient.WhatsApp(demoCustomer))
	var textID string
	if err := tl.do(func() error {
		sent, err := c.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{AppID: appID, Recipient: rcpt,
			Message: message.Text("Your order #4711 ships today. Reply to change the delivery time.")})
		if err == nil {
			textID = string(sent.MessageID)
		}
		return err
	}, "sent", func() string {
		return fmt.Sprintf("text %s to %s: SMS first, WhatsApp as fallback", textID, demoCustomer)
	}); err != nil {
		return fail("send the text", err)
	}
	if err := tl.waitFor(ctx, "the switch away from SMS", 1, func(e eventSummary) bool {
		return e.MessageID == textID && e.Status == "SWITCHING_CHANNEL"
	}); err != nil {
		return fail("fall back to WhatsApp", err)
	}
	if err := tl.waitFor(ctx, "delivery over WhatsApp", 1, delivered(textID, "WHATSAPP")); err != nil {
		return fail("fall back to WhatsApp", err)
	}

	// 6. A card over RCS.
	var cardID string
	if err := tl.do(func() error {
		sent, err := c.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{AppID: appID, Recipient: recipient.Identity("RCS", demoCardPhone),
			Message: message.Card("Spring collection", "New arrivals are in.", "https://example.com/spring.jpg",
				message.TextChoice("Show me", "show"), message.TextChoice("Later", "later"))})
		if err == nil {
			cardID = string(sent.MessageID)
		}
		return err
	}, "sent", func() string { return fmt.Sprintf("card %s to %s over RCS", cardID, demoCardPhone) }); err != nil {
		return fail("send the card", err)
	}
	if err := tl.waitFor(ctx, "the card's delivery", 1, delivered(cardID, "RCS")); err != nil {
		return fail("deliver the card", err)
	}

	// 7. A batch to three recipients, with a parameter each.
	breq := batch.SendBatchMessageRequest{AppID: appID, Message: message.Text("Hi ${name}, your table is booked.")}
	for i, p := range demoBatchPhones {
		breq.RecipientAndParams = append(breq.RecipientAndParams, batch.BatchRecipient{Recipient: recipient.Identity("SMS", p),
			Parameters: map[string]string{"name": []string{"Ada", "Grace", "Linus"}[i]}})
	}
	var batchID string
	if err := tl.do(func() error {
		bresp, err := c.Batch.Send(ctx, breq)
		if err == nil {
			batchID = string(bresp.BatchID)
		}
		return err
	}, "batch sent", func() string { return fmt.Sprintf("%s to %d recipients", batchID, len(demoBatchPhones)) }); err != nil {
		return fail("send the batch", err)
	}
	if err := tl.waitFor(ctx, "the batch's deliveries", len(demoBatchPhones), func(e eventSummary) bool {
		return e.Trigger == "MESSAGE_DELIVERY" && e.Status == "DELIVERED" && (e.BatchID == batchID || containsBatch(e.Metadata, batchID))
	}); err != nil {
		return fail("deliver the batch", err)
	}
	if err := tl.waitFor(ctx, "the batch's PROCESSED status", 1, func(e eventSummary) bool {
		return e.Trigger == "BATCH_STATUS_UPDATE" && e.BatchID == batchID && e.Status == "PROCESSED"
	}); err != nil {
		return fail("process the batch", err)
	}

	// 8. The customer replies: injected through the emulator's control endpoint.
	body, _ := json.Marshal(emulator.InboundMessage{AppID: appID, Channel: "WHATSAPP", Identity: demoCustomer,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"Can it come after 5 pm?"}}`)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.ControlURL()+"/projects/"+demoProject+"/inbound/messages", bytes.NewReader(body))
	if err != nil {
		return fail("inject the reply", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := tl.do(func() error {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("the control endpoint answered %d", resp.StatusCode)
		}
		return nil
	}, "reply injected", func() string { return fmt.Sprintf("from %s over WhatsApp (emulator control endpoint)", demoCustomer) }); err != nil {
		return fail("inject the reply", err)
	}
	if err := tl.waitFor(ctx, "the inbound message", 1, func(e eventSummary) bool {
		return e.Trigger == "MESSAGE_INBOUND" && e.Identity == demoCustomer
	}); err != nil {
		return fail("receive the reply", err)
	}

	// 9. Every callback the emulator sent was accepted, so every signature verified.
	deadline := time.Now().Add(2 * time.Second)
	for {
		recs := srv.Callbacks(emulator.CallbackFilter{ProjectID: demoProject, AppID: appID})
		tl.mu.Lock()
		got, refused := len(tl.events), tl.refused
		tl.mu.Unlock()
		if refused > 0 {
			return fail("verify the callbacks", fmt.Errorf("the receiver refused %d callbacks", refused))
		}
		if got >= len(recs) {
			tl.step("done", "%d callbacks received, every signature verified; %d refused", got, refused)
			return nil
		}
		if time.Now().After(deadline) {
			return fail("verify the callbacks", fmt.Errorf("the emulator sent %d callbacks but the receiver accepted %d", len(recs), got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// containsBatch reports whether delivery-report metadata carries the batch id (as _batch_id).
func containsBatch(metadata, batchID string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(metadata), &m) != nil {
		return false
	}
	return m["_batch_id"] == batchID
}
