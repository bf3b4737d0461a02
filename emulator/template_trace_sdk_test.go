package emulator_test

import (
	"context"
	"strings"
	"testing"

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
	const want = "Your code is 8133"
	ok := func(tr emulator.MessageTrace) bool { return len(tr.Channels) == 1 && tr.Channels[0].Text == want }
	if tr := waitForTrace(srv, sent.MessageID, ok); !ok(tr) {
		t.Fatalf("trace %+v: want one SMS channel with the text %q", tr, want)
	}
	// The SMS part limit applies to that content: a parameter of 200 characters makes the
	// message two parts, over a limit of one.
	long := strings.Repeat("8", 200)
	sent, err = c.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{AppID: app.ID, Recipient: recipient.Identity("SMS", "+15556660002"),
		Message:           message.Template(message.TemplateRef(tp.ID, "", "en", map[string]string{"code": long})),
		ChannelProperties: map[string]string{"SMS_MAX_NUMBER_OF_MESSAGE_PARTS": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	failed := func(tr emulator.MessageTrace) bool { return len(tr.Path) > 0 }
	if tr := waitForTrace(srv, sent.MessageID, failed); len(tr.Path) == 0 || tr.Path[0].Reason != "MESSAGE_SPLIT_REQUIRED" {
		t.Fatalf("a two-part template under a one-part limit: %+v, want FAILED MESSAGE_SPLIT_REQUIRED", tr.Path)
	}
}
