package emulator_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/message"
)

// TestTranscodeThroughSDK: the SDK's TranscodeMessage gets the transcoder's payloads: a card
// on SMS shows its title, description, media URL and choices; on RCS it is a rich card.
func TestTranscodeThroughSDK(t *testing.T) {
	srv := start(t, emulator.Config{RateLimit: emulator.RateLimitOff, Credentials: []emulator.Credential{{KeyID: "key-id", KeySecret: "key-secret"}}})
	sc := client(t, srv)
	ctx := context.Background()
	app, err := sc.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "transcode", ChannelCredentials: []conversation.ChannelCredentials{}})
	if err != nil {
		t.Fatal(err)
	}
	card := message.Card("Lemon tart", "Today only", "https://cdn.example.test/tart.jpg", message.TextChoice("Order", "order-tart"))
	tr, err := sc.Conversation.Messages.Transcode(ctx, conversation.TranscodeMessageRequest{
		AppID: app.ID, AppMessage: card, Channels: []conversation.ConversationChannel{"SMS", "RCS"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var sms struct{ Body string }
	if err := json.Unmarshal([]byte(tr.TranscodedMessage["SMS"]), &sms); err != nil {
		t.Fatal(err)
	}
	if want := "Lemon tart\nToday only\nhttps://cdn.example.test/tart.jpg\n1. Order"; sms.Body != want {
		t.Errorf("SMS body %q, want %q", sms.Body, want)
	}
	var rcs struct {
		ContentMessage struct {
			RichCard struct {
				StandaloneCard struct {
					CardContent struct{ Title string } `json:"cardContent"`
				} `json:"standaloneCard"`
			} `json:"richCard"`
		} `json:"contentMessage"`
	}
	if err := json.Unmarshal([]byte(tr.TranscodedMessage["RCS"]), &rcs); err != nil {
		t.Fatal(err)
	}
	if rcs.ContentMessage.RichCard.StandaloneCard.CardContent.Title != "Lemon tart" {
		t.Errorf("RCS payload %s is not a rich card titled Lemon tart", tr.TranscodedMessage["RCS"])
	}
}
