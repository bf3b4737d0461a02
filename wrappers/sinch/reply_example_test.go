package sinch_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// T2: a webhook handler that answers an inbound text on the channel it came in on. It imports
// hmac/webhook and wrappers/sinch, and reads the callback through accessors (Text, ReplyTo):
// no nil checks, whatever the message holds.
func Example_replyToInbound() {
	srv, client, stop := newClient(emulator.Config{})
	defer stop()
	ctx := context.Background()

	h, err := webhook.New(webhook.WithSecrets("my-webhook-secret"),
		webhook.On(func(ctx context.Context, ev *sinch.MessageInboundEvent) error {
			_, err := client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{Recipient: ev.ReplyTo(), Message: sinch.Text("You said: " + ev.Text())})
			return err
		}))
	if err != nil {
		log.Fatal(err)
	}

	// Serve the handler and register it as the app's webhook; then the contact writes over SMS.
	hook := httptest.NewServer(h)
	defer hook.Close()
	if _, err := client.Conversation.Webhooks.Create(ctx, sinch.CreateWebhookRequest{AppID: client.AppID(), Target: hook.URL,
		Secret: "my-webhook-secret", Triggers: []sinch.WebhookTrigger{"MESSAGE_INBOUND"}}); err != nil {
		log.Fatal(err)
	}
	if _, err := srv.InjectInbound(ctx, emulator.InboundMessage{ProjectID: client.ProjectID(), AppID: client.AppID(), Channel: "SMS",
		Identity: "+15551230001", ContactMessage: []byte(`{"text_message":{"text":"Where is my order?"}}`)}); err != nil {
		log.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rec, err := srv.WaitCallback(wait, emulator.CallbackFilter{Trigger: "MESSAGE_DELIVERY"}, func(r emulator.CallbackRecord) bool {
		return bytes.Contains(r.Body, []byte(`"DELIVERED"`))
	})
	if err != nil {
		log.Fatal(err)
	}
	ev, err := rec.Event()
	if err != nil {
		log.Fatal(err)
	}
	report := ev.(*sinch.MessageDeliveryEvent).MessageDeliveryReport
	msg, err := client.Conversation.Messages.Get(ctx, report.MessageID, sinch.GetMessageParams{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.ChannelIdentity.Channel, msg.ChannelIdentity.Identity, msg.AppMessage.TextMessage.Text)
	// Output: SMS +15551230001 You said: Where is my order?
}
