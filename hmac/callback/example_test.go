package callback_test

import (
	"fmt"
	"io"
	"os"

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
	printEvent(os.Stdout, ev)
	fmt.Println(ev.DedupKey())
	// Output:
	// MESSAGE_DELIVERY 01W4FFL35P4NC4K35CONVAPP001 14:10:02 checkout-4711
	// 01W4FFL35P4NC4K35MSG00002 FAILED OUTSIDE_ALLOWED_SENDING_WINDOW
	// MESSAGE_DELIVERY:01W4FFL35P4NC4K35MSG00002:FAILED:WHATSAPP
}

// printEvent switches on the event type; the accessors and value fields need no nil checks.
func printEvent(w io.Writer, ev callback.Event) {
	env := ev.Envelope()
	fmt.Fprintln(w, ev.Trigger(), env.AppID, env.AcceptedTime.Format("15:04:05"), env.CorrelationID)

	switch e := ev.(type) {
	case *callback.MessageDeliveryEvent:
		r := e.MessageDeliveryReport
		fmt.Fprintln(w, r.MessageID, r.Status, e.Reason().Code)
	case *callback.MessageInboundEvent:
		fmt.Fprintln(w, e.Kind(), "from", e.Message.ChannelIdentity.Identity, e.Text(), e.MediaURL())
	case *callback.UnknownEvent:
		fmt.Fprintln(w, "a trigger this SDK does not know yet:", e.Keys)
	}
}
