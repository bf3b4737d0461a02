package emulator_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// Through the SDK, with one client per region: a message and a contact made on the EU URL are
// found with the EU client and are not found (404, sinch.IsNotFound) or listed with the US
// client, as with separate regional deployments.
func TestSDKRegionsKeepTheirOwnData(t *testing.T) {
	srv := start(t, emulator.Config{RateLimit: emulator.RateLimitOff})
	eu, us := regionalClient(t, srv, "regions", "eu").Conversation, regionalClient(t, srv, "regions", "us").Conversation
	ctx := context.Background()
	app, err := eu.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "EU", ChannelCredentials: []conversation.ChannelCredentials{
		{Channel: "SMS", StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan", Token: "t"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := eu.Messages.Send(ctx, conversation.SendMessageRequest{AppID: app.ID, Recipient: recipient.Identity("SMS", "+15558880001"), Message: message.Text("hej")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eu.Messages.Get(ctx, sent.MessageID, conversation.GetMessageParams{}); err != nil {
		t.Fatalf("EU message on the EU URL: %v", err)
	}
	var ae *sinch.APIError
	if _, err := us.Messages.Get(ctx, sent.MessageID, conversation.GetMessageParams{}); !errors.As(err, &ae) || ae.StatusCode != 404 || !sinch.IsNotFound(err) || !strings.Contains(ae.Message, "it is in region eu") {
		t.Errorf("EU message on the US URL: %v, want a 404", err)
	}
	ct, err := eu.Contacts.Create(ctx, conversation.ContactCreateRequest{
		ChannelIdentities: []conversation.ChannelIdentity{{Channel: "SMS", Identity: "+15558880002"}}, Language: conversation.ContactLanguageENUS,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := us.Contacts.Get(ctx, ct.ID); !sinch.IsNotFound(err) {
		t.Errorf("EU contact on the US URL: %v, want a 404", err)
	}
	for c, err := range us.Contacts.List(ctx, conversation.ListContactsParams{}) {
		t.Errorf("the US URL lists contact %s (err %v); the EU contacts are not there", c.ID, err)
	}
	n := 0
	for _, err := range eu.Contacts.List(ctx, conversation.ListContactsParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("the EU URL lists %d contacts, want 1", n)
	}
}

// regionalClient returns an SDK client of the project for one region of the emulator, with
// that region's URLs from Server.Info and OAuth2 through the emulator's token endpoint.
func regionalClient(t *testing.T, srv *emulator.Server, project, region string) *sinch.Client {
	t.Helper()
	info := srv.Info()
	r := info.Regions[region]
	c, err := sinch.NewClient(sinch.WithProjectID(project), sinch.WithOAuth2("key-id", "key-secret"),
		sinch.WithConversationURL(r.ConversationURL), sinch.WithTemplateURL(r.TemplateURL), sinch.WithBatchURL(r.BatchURL),
		sinch.WithAuthURL(info.TokenURL), sinch.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
