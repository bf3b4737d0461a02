package emulator_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// Through the SDK: a list asked for more than its documented page_size maximum fails with a
// 400 INVALID_ARGUMENT (the API refuses it rather than clamping); the maximum itself lists.
func TestSDKPageSizeOverMaximumIsRefused(t *testing.T) {
	for _, validation := range []bool{true, false} {
		srv := start(t, emulator.Config{RateLimit: emulator.RateLimitOff, DisableValidation: !validation})
		cv := client(t, srv).Conversation
		ctx := context.Background()
		var ae *sinch.APIError
		for _, err := range cv.Contacts.List(ctx, conversation.ListContactsParams{PageSize: ptr(int32(21))}) {
			if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Status != "INVALID_ARGUMENT" {
				t.Errorf("validation %v: contacts page_size=21: %v, want a 400 INVALID_ARGUMENT", validation, err)
			}
			break
		}
		for _, err := range cv.Events.List(ctx, conversation.ListEventsParams{PageSize: ptr(int32(21))}) {
			if !errors.As(err, &ae) || ae.StatusCode != 400 {
				t.Errorf("validation %v: events page_size=21: %v, want a 400", validation, err)
			}
			break
		}
		_, err := cv.Messages.FetchLast(ctx, conversation.FetchLastMessageRequest{ChannelIdentities: []string{"+15550001111"}, PageSize: 1001})
		if !errors.As(err, &ae) || ae.StatusCode != 400 {
			t.Errorf("validation %v: fetch-last-message page_size=1001: %v, want a 400", validation, err)
		}
		for _, err := range cv.Contacts.List(ctx, conversation.ListContactsParams{PageSize: ptr(int32(20))}) {
			t.Errorf("validation %v: contacts page_size=20 on an empty project yielded %v", validation, err)
		}
	}
}
