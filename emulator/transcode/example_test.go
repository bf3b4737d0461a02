package transcode_test

import (
	"fmt"

	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// A choice message on SMS is sent as text listing its choices; on WhatsApp it becomes reply
// buttons.
func ExampleTranscode() {
	msg := conversation.AppMessage{ChoiceMessage: conversation.ChoiceMessage{
		TextMessage: conversation.TextMessage{Text: "Keep your 10:15 appointment?"},
		Choices: []conversation.Choice{
			{TextMessage: conversation.TextMessage{Text: "Keep it"}},
			{TextMessage: conversation.TextMessage{Text: "Cancel"}},
		},
	}}
	sms, err := transcode.Transcode(transcode.SMS, msg, transcode.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sms.Text)
	fmt.Println(sms.SMS.Encoding, sms.SMS.Parts, "part(s)")

	wa, _ := transcode.Transcode(transcode.WhatsApp, msg, transcode.Options{})
	fmt.Println(wa.Native, wa.Form)
	// Output:
	// Keep your 10:15 appointment?
	// 1. Keep it
	// 2. Cancel
	// GSM-7 1 part(s)
	// true buttons
}

// CountSMS says how a text travels as SMS: one emoji makes the whole text UCS-2.
func ExampleCountSMS() {
	fmt.Printf("%+v\n", transcode.CountSMS("Your code is 4471"))
	fmt.Printf("%+v\n", transcode.CountSMS("Your code is 4471 🔑"))
	// Output:
	// {Encoding:GSM-7 Units:17 Parts:1 MaxParts:0}
	// {Encoding:UCS-2 Units:20 Parts:1 MaxParts:0}
}

// A message over SMS_MAX_NUMBER_OF_MESSAGE_PARTS fails on SMS with the reason code the API
// reports.
func ExampleResult_Failure() {
	long := make([]byte, 400)
	for i := range long {
		long[i] = 'a'
	}
	msg := conversation.AppMessage{TextMessage: conversation.TextMessage{Text: string(long)}}
	r, _ := transcode.Transcode(transcode.SMS, msg, transcode.Options{ChannelProperties: map[string]string{"SMS_MAX_NUMBER_OF_MESSAGE_PARTS": "2"}})
	if v, failed := r.Failure(); failed {
		fmt.Println(v.Reason, v.Actual, "parts >", v.Limit)
	}
	// Output:
	// MESSAGE_SPLIT_REQUIRED 3 parts > 2
}
