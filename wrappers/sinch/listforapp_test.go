package sinch_test

import (
	"testing"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// A DISPATCH-mode app's messages are not in the default store: List misses what was just sent,
// ListForApp finds it.
func TestListForAppFindsWhatADispatchAppSent(t *testing.T) {
	_, client := emulator.NewTest(t)
	ctx := t.Context()
	mode := conversation.ProcessingModeDispatch
	sms := conversation.ConversationChannelSMS
	app, err := client.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "dispatch", ProcessingMode: mode,
		ChannelCredentials: []conversation.ChannelCredentials{{Channel: sms, StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "p", Token: "t"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{
		Recipient: sinch.To(sinch.SMS("+15551230001")), Message: sinch.Text("hi"),
	}, sinch.WithAppID(app.ID))
	if err != nil {
		t.Fatal(err)
	}
	count := func(seq func(func(sinch.Message, error) bool)) (n int, found bool) {
		for m, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			n++
			found = found || (m.ID != "" && m.ID == sent.MessageID)
		}
		return n, found
	}
	if _, found := count(client.Conversation.Messages.List(ctx, sinch.ListMessagesParams{AppID: &app.ID})); found {
		t.Fatal("List (CONVERSATION_SOURCE) found a DISPATCH app's message: the test no longer shows the trap")
	}
	if _, found := count(client.Conversation.Messages.ListForApp(ctx, sinch.ListMessagesParams{}, sinch.WithAppID(app.ID))); !found {
		t.Fatal("ListForApp did not find the message just sent")
	}
	// The test app (CONVERSATION mode) lists from the default store.
	if _, err := client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{Recipient: sinch.To(sinch.SMS("+15551230002")), Message: sinch.Text("x")}); err != nil {
		t.Fatal(err)
	}
	if n, _ := count(client.Conversation.Messages.ListForApp(ctx, sinch.ListMessagesParams{})); n != 1 {
		t.Fatalf("the conversation app lists %d messages, want 1", n)
	}
}
