package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// jsonField reads a field of an SDK answer through its JSON form (so that the test does not
// depend on whether the generated models hold pointers or values).
func jsonField(t *testing.T, v any, key string) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[key].(string)
	return s
}

// waitPath waits until the emulator has sent n delivery reports for the message and returns
// them as CHANNEL:STATUS[:REASON].
func waitPath(t *testing.T, srv *emulator.Server, project, id string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		tr, _ := srv.MessageTrace(project, id)
		var out []string
		for _, r := range tr.Path {
			s := r.Channel + ":" + r.Status
			if r.Reason != "" {
				s += ":" + r.Reason
			}
			out = append(out, s)
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s: %v, want %d reports", id, out, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The production gotchas of the source document, met one after the other offline through the
// SDK: region mismatch, rich messages as text on SMS, WhatsApp's 24-hour window, channel
// fallback, token expiry, the ingress queue and its 429, callbacks retried with backoff, and
// the documented delivery failures.
func TestScenarioSeedGotchas(t *testing.T) {
	ctx := context.Background()
	const project = "gotchas"
	srv := start(t, emulator.Config{
		Credentials:  []emulator.Credential{{KeyID: "key-id", KeySecret: "key-secret"}},
		IngressQueue: 50,
		Callbacks:    emulator.CallbackConfig{StepDelay: time.Millisecond, InitialBackoff: 5 * time.Millisecond},
	})
	eu, us := regionalClient(t, srv, project, "eu"), regionalClient(t, srv, project, "us")
	ch := func(c string) conversation.ConversationChannel { return conversation.ConversationChannel(c) }
	bearer := func(c, id string) conversation.ChannelCredentials {
		return conversation.ChannelCredentials{Channel: ch(c), StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: id, Token: "tok"}}
	}
	app, err := eu.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "Shop (EU)",
		ChannelCredentials: []conversation.ChannelCredentials{bearer("SMS", "plan"), bearer("WHATSAPP", "waba")}})
	if err != nil {
		t.Fatal(err)
	}
	appID := jsonField(t, app, "id")
	send := func(c *sinch.Client, req conversation.SendMessageRequest) (string, error) {
		req.AppID = appID
		res, err := c.Conversation.Messages.Send(ctx, req)
		if err != nil {
			return "", err
		}
		return jsonField(t, res, "message_id"), nil
	}
	mustSend := func(req conversation.SendMessageRequest) string {
		t.Helper()
		id, err := send(eu, req)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	// A Viber Business Messages credential is its claimed identity alone.
	if _, err := eu.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "Viber",
		ChannelCredentials: []conversation.ChannelCredentials{{Channel: ch("VIBERBM"), StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "viber-service-id"}}}}); err != nil {
		t.Fatalf("VIBERBM with claimed_identity alone: %v", err)
	}

	// 1. Region mismatch: the EU app does not exist on the US URL (404), as in production.
	_, err = us.Conversation.Apps.Get(ctx, appID)
	var apiErr *sinch.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("EU app read on the US URL: %v, want a 404 APIError", err)
	}
	if _, err := send(us, conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS("+15551230000")), Message: message.Text("x")}); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("send for the EU app on the US URL: %v, want 404", err)
	}

	// 2. WhatsApp free-form outside the 24-hour window fails; a template goes out.
	const customer = "+15551230000" // off the mobile network: SMS cannot reach it
	id := mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.WhatsApp(customer)), Message: message.Text("Your order shipped")})
	if got := waitPath(t, srv, project, id, 1); got[0] != "WHATSAPP:FAILED:OUTSIDE_ALLOWED_SENDING_WINDOW" {
		t.Fatalf("WhatsApp text before the customer wrote: %v", got)
	}
	tmpl, err := eu.Templates.Create(ctx, templateV2Request(t))
	if err != nil {
		t.Fatal(err)
	}
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.WhatsApp(customer)),
		Message: message.Template(message.TemplateRef(jsonField(t, tmpl, "id"), "1", "en-US", map[string]string{"order": "4711"}))})
	if got := waitPath(t, srv, project, id, 3); strings.Join(got, ",") != "WHATSAPP:QUEUED_ON_CHANNEL,WHATSAPP:DELIVERED,WHATSAPP:READ" {
		t.Fatalf("WhatsApp template outside the window: %v", got)
	}

	// 3. Channel fallback with one number: SMS cannot reach it, WhatsApp can once the customer
	// wrote; the trace shows both channels tried.
	if _, err := srv.InjectInbound(ctx, emulator.InboundMessage{ProjectID: project, AppID: appID, Channel: "WHATSAPP", Identity: customer,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"Where is it?"}}`)}); err != nil {
		t.Fatal(err)
	}
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS(customer), recipient.WhatsApp(customer)), Message: message.Text("Today")})
	if got := waitPath(t, srv, project, id, 5); strings.Join(got, ",") != "SMS:QUEUED_ON_CHANNEL,SMS:SWITCHING_CHANNEL:RECIPIENT_NOT_REACHABLE,WHATSAPP:QUEUED_ON_CHANNEL,WHATSAPP:DELIVERED,WHATSAPP:READ" {
		t.Fatalf("SMS -> WhatsApp: %v", got)
	}

	// A message holding only explicit_channel_message is accepted, as the API accepts it.
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.WhatsApp(customer)),
		Message: conversation.AppMessage{ExplicitChannelMessage: map[string]string{"WHATSAPP": `{"type":"text","text":{"body":"raw"}}`}}})
	if got := waitPath(t, srv, project, id, 2); got[1] != "WHATSAPP:DELIVERED" {
		t.Fatalf("explicit_channel_message alone: %v", got)
	}

	// 4. Rich messages are transcoded to text on channels without them: a card on SMS shows
	// its title and media URL as text.
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS("+15551231111")),
		Message: message.Card("Spring sale", "New arrivals", "https://example.com/spring.jpg")})
	waitPath(t, srv, project, id, 2)
	tr, _ := srv.MessageTrace(project, id)
	if len(tr.Channels) != 1 || tr.Channels[0].Form != "text" || !strings.Contains(tr.Channels[0].Text, "Spring sale") || !strings.Contains(tr.Channels[0].Text, "https://example.com/spring.jpg") {
		t.Fatalf("card on SMS: %+v", tr.Channels)
	}

	// 5. The window closes 24 hours after the customer wrote; tokens (1 hour) expire on the
	// same clock, and the SDK gets a new one.
	if _, err := srv.Advance(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.WhatsApp(customer)), Message: message.Text("Still there?")})
	if got := waitPath(t, srv, project, id, 1); got[0] != "WHATSAPP:FAILED:OUTSIDE_ALLOWED_SENDING_WINDOW" {
		t.Fatalf("WhatsApp text 25 hours later: %v", got)
	}

	// 6. Documented failures: no credentials for the channel, an invalid phone number.
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.RCS("+15551232222")), Message: message.Text("x")})
	if got := waitPath(t, srv, project, id, 1); got[0] != "RCS:FAILED:CHANNEL_CONFIGURATION_MISSING" {
		t.Fatalf("RCS without credentials: %v", got)
	}
	id = mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS("+1 555 123 4567")), Message: message.Text("x")})
	if got := waitPath(t, srv, project, id, 1); got[0] != "SMS:FAILED:RECIPIENT_INVALID_CHANNEL_IDENTITY" {
		t.Fatalf("phone number with spaces: %v", got)
	}

	// 7. Callbacks are retried with backoff: a webhook that fails first gets the same signed
	// callback again.
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer hook.Close()
	if _, err := eu.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{AppID: appID, Target: hook.URL,
		Triggers: []conversation.WebhookTrigger{conversation.WebhookTriggerMessageSubmit}}); err != nil {
		t.Fatal(err)
	}
	mustSend(conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS("+15551233333")), Message: message.Text("x")})
	deadline := time.Now().Add(5 * time.Second)
	for {
		recs := srv.Callbacks(emulator.CallbackFilter{ProjectID: project, Trigger: "MESSAGE_SUBMIT"})
		if len(recs) == 1 && recs[0].State == emulator.CallbackDelivered && len(recs[0].Attempts) == 2 && recs[0].Attempts[0].StatusCode == 503 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("callback records: %+v", recs)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// 8. The per-app ingress queue drains at 20 messages/s; past its size (here 50) the API
	// answers 429, which the SDK reports as an APIError.
	var full error
	for i := 0; i < 200 && full == nil; i++ {
		_, full = send(eu, conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS("+15551234567")), Message: message.Text("bulk")})
	}
	if !errors.As(full, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a full ingress queue: %v, want 429", full)
	}
}

// templateV2Request is a Template Management v2 template with one variable.
func templateV2Request(t *testing.T) (req templates.CreateTemplateRequest) {
	t.Helper()
	raw := `{"description":"Order update","default_translation":"en-US","translations":[{"language_code":"en-US",
		"text_message":{"text":"Order ${order} is on its way"},"variables":[{"key":"order","preview_value":"1"}]}]}`
	if err := json.Unmarshal([]byte(raw), &req); err != nil {
		t.Fatal(err)
	}
	return req
}
