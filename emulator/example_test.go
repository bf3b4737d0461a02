package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

// Start an emulator inside a test or program, point the SDK client at its URLs, send a text
// over SMS with a WhatsApp fallback, and watch the delivery reports arrive at a webhook.
func ExampleStart() {
	ctx := context.Background()
	srv, err := emulator.Start(ctx, emulator.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// A client for the emulator: its URLs, the project emulator.TestProject, any key (the
	// emulator accepts any unless Config.Credentials pins them).
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}

	// A webhook receiver that prints each delivery status.
	statuses := make(chan string, 8)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var cb struct {
			Report struct {
				Status          string `json:"status"`
				ChannelIdentity struct {
					Channel string `json:"channel"`
				} `json:"channel_identity"`
			} `json:"message_delivery_report"`
		}
		_ = json.Unmarshal(body, &cb)
		statuses <- cb.Report.ChannelIdentity.Channel + " " + cb.Report.Status
	}))
	defer hook.Close()

	// The app sends on the channels it has credentials for.
	app, err := client.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "Shop", ChannelCredentials: []conversation.ChannelCredentials{
		{Channel: conversation.ConversationChannel("SMS"), StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan-id", Token: "sms-token"}},
		{Channel: conversation.ConversationChannel("WHATSAPP"), StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "sender-id", Token: "wa-token"}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	// The customer wrote on WhatsApp, which opens its 24-hour window for free-form messages.
	_, err = srv.InjectInbound(ctx, emulator.InboundMessage{ProjectID: emulator.TestProject, AppID: app.ID, Channel: "WHATSAPP", Identity: "+15550100000",
		ContactMessage: json.RawMessage(`{"text_message": {"text": "Where is my order?"}}`)})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{
		AppID: app.ID, Target: hook.URL,
		Triggers: []conversation.WebhookTrigger{conversation.WebhookTriggerMessageDelivery},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Numbers ending in 0000 are off the mobile network in the emulator: SMS fails over to
	// WhatsApp, which delivers, and reports the read.
	to := recipient.Fallback(recipient.SMS("+15550100000"), recipient.WhatsApp("+15550100000"))
	_, err = client.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{
		AppID: app.ID, Recipient: to, Message: message.Text("Your order has shipped"),
	})
	if err != nil {
		log.Fatal(err)
	}
	for range 5 {
		select {
		case s := <-statuses:
			fmt.Println(s)
		case <-time.After(5 * time.Second):
			log.Fatal("no callback")
		}
	}
	// Output:
	// SMS QUEUED_ON_CHANNEL
	// SMS SWITCHING_CHANNEL
	// WHATSAPP QUEUED_ON_CHANNEL
	// WHATSAPP DELIVERED
	// WHATSAPP READ
}

// Make a contact reply, to test two-way flows: the app's webhooks receive MESSAGE_INBOUND.
func ExampleServer_InjectInbound() {
	ctx := context.Background()
	srv, err := emulator.Start(ctx, emulator.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	app, err := client.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{
		DisplayName: "Support", ProcessingMode: conversation.ProcessingModeConversation, ChannelCredentials: []conversation.ChannelCredentials{},
	})
	if err != nil {
		log.Fatal(err)
	}
	id, err := srv.InjectInbound(ctx, emulator.InboundMessage{
		ProjectID: emulator.TestProject, AppID: app.ID, Channel: "WHATSAPP", Identity: "+15550100001",
		ContactMessage: json.RawMessage(`{"text_message": {"text": "Can it come after 5 pm?"}}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	msg, err := client.Conversation.Messages.Get(ctx, id, conversation.GetMessageParams{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.Direction == conversation.ConversationDirectionToApp, msg.ContactMessage.TextMessage.Text)
	// Output: true Can it come after 5 pm?
}
