package message_test

import (
	"encoding/json"
	"fmt"

	"github.com/relaykit/sinch-go/wrappers/message"
)

// A choice message with two reply buttons and a link, as JSON.
func ExampleChoices() {
	m := message.Choices("Deliver on Tuesday?",
		message.TextChoice("Yes", "deliver=yes"),
		message.TextChoice("No", "deliver=no"),
		message.URLChoice("Pick another day", "https://example.com/reschedule"),
	)
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
	// Output: {"choice_message":{"choices":[{"postback_data":"deliver=yes","text_message":{"text":"Yes"}},{"postback_data":"deliver=no","text_message":{"text":"No"}},{"url_message":{"title":"Pick another day","url":"https://example.com/reschedule"}}],"text_message":{"text":"Deliver on Tuesday?"}}}
}
