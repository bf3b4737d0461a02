package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

// Through the SDK: a template message sent with its parameters shows, in the emulator's
// delivery trace (Server.MessageTrace), the template's text with those parameters filled.
func TestSDKTemplateMessageTraceShowsItsText(t *testing.T) {
	srv := start(t, emulator.Config{RateLimit: emulator.RateLimitOff})
	c := client(t, srv)
	ctx := context.Background()
	app, err := c.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "tpl", ChannelCredentials: []conversation.ChannelCredentials{
		{Channel: "SMS", StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan", Token: "t"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tp, err := c.Templates.Create(ctx, templates.CreateTemplateRequest{DefaultTranslation: "en", Translations: []templates.TemplateTranslation{
		{LanguageCode: "en", TextMessage: conversation.TextMessage{Text: "Your code is ${code}"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := c.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{AppID: app.ID, Recipient: recipient.Identity("SMS", "+15556660002"),
		Message: message.Template(message.TemplateRef(tp.ID, "", "en", map[string]string{"code": "8133"}))})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		tr, ok := srv.MessageTrace("", sent.MessageID)
		if ok && len(tr.Channels) == 1 && tr.Channels[0].Text == "Your code is 8133" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace %+v: want one SMS channel with the text %q", tr, "Your code is 8133")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
