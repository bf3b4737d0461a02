package callback_test

import (
	"fmt"

	"github.com/relaykit/sinch-go/hmac/callback"
)

// Parse a verified body and switch on the event type.
func ExampleParse() {
	body := []byte(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","project_id":"p-1","accepted_time":"2026-11-25T14:10:02.905Z",
		"correlation_id":"checkout-4711",
		"message_delivery_report":{"message_id":"01W4FFL35P4NC4K35MSG00002","status":"FAILED",
		"channel_identity":{"channel":"WHATSAPP","identity":"46701234567"},
		"reason":{"code":"OUTSIDE_ALLOWED_SENDING_WINDOW"}}}`)

	ev, err := callback.Parse(body)
	if err != nil {
		fmt.Println("bad callback:", err)
		return
	}
	env := ev.Envelope()
	fmt.Println(ev.Trigger(), env.AppID, env.AcceptedTime.Format("15:04:05"), env.CorrelationID)

	switch e := ev.(type) {
	case *callback.MessageDeliveryEvent:
		r := e.MessageDeliveryReport
		fmt.Println(r.MessageID, r.Status, r.Reason.Code)
	case *callback.MessageInboundEvent:
		fmt.Println("from", e.Message.ChannelIdentity.Identity)
	case *callback.UnknownEvent:
		fmt.Println("a trigger this SDK does not know yet:", e.Keys)
	}
	fmt.Println(ev.DedupKey())
	// Output:
	// MESSAGE_DELIVERY 01W4FFL35P4NC4K35CONVAPP001 14:10:02 checkout-4711
	// 01W4FFL35P4NC4K35MSG00002 FAILED OUTSIDE_ALLOWED_SENDING_WINDOW
	// MESSAGE_DELIVERY:01W4FFL35P4NC4K35MSG00002:FAILED:WHATSAPP
}
