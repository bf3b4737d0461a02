package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

// Through the SDK: a message breaking a channel rule fails that channel with BAD_REQUEST
// (not CHANNEL_REJECT, the reference's catch-all for a channel refusing a message), and an
// SMS over its SMS_MAX_NUMBER_OF_MESSAGE_PARTS fails with MESSAGE_SPLIT_REQUIRED.
func TestSDKChannelRuleReasonCodes(t *testing.T) {
	srv := start(t, emulator.Config{RateLimit: emulator.RateLimitOff})
	cv := client(t, srv).Conversation
	ctx := context.Background()
	app, err := cv.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "reasons", ChannelCredentials: []conversation.ChannelCredentials{
		{Channel: "RCS", StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "agent", Token: "t"}},
		{Channel: "SMS", StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "plan", Token: "t"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	trace := func(id string, n int) []string {
		var got []string
		for _, r := range waitForTrace(srv, id, func(tr emulator.MessageTrace) bool { return len(tr.Path) >= n }).Path {
			got = append(got, r.Channel+":"+r.Status+":"+r.Reason)
		}
		return got
	}
	card, err := cv.Messages.Send(ctx, conversation.SendMessageRequest{
		AppID:     app.ID,
		Recipient: recipient.Identity("RCS", "+15554440001"),
		Message:   message.Card(strings.Repeat("t", 201), "", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := trace(card.MessageID, 1); len(got) != 1 || got[0] != "RCS:FAILED:BAD_REQUEST" {
		t.Errorf("RCS card with a 201-character title: %v, want RCS:FAILED:BAD_REQUEST", got)
	}
	long, err := cv.Messages.Send(ctx, conversation.SendMessageRequest{
		AppID:             app.ID,
		Recipient:         recipient.Identity("SMS", "+15554440002"),
		Message:           message.Text(strings.Repeat("long text ", 40)),
		ChannelProperties: map[string]string{"SMS_MAX_NUMBER_OF_MESSAGE_PARTS": "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := trace(long.MessageID, 1); len(got) != 1 || got[0] != "SMS:FAILED:MESSAGE_SPLIT_REQUIRED" {
		t.Errorf("SMS over one part: %v, want SMS:FAILED:MESSAGE_SPLIT_REQUIRED", got)
	}
}

// waitForTrace polls the emulator's trace of a message until done accepts it, for 5 seconds at
// most, and returns the last trace read (the caller checks it).
func waitForTrace(srv *emulator.Server, messageID string, done func(emulator.MessageTrace) bool) emulator.MessageTrace {
	deadline := time.Now().Add(5 * time.Second)
	for {
		tr, _ := srv.MessageTrace("", messageID)
		if done(tr) || time.Now().After(deadline) {
			return tr
		}
		time.Sleep(5 * time.Millisecond)
	}
}
