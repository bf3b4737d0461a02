package recipient_test

import (
	"encoding/json"
	"fmt"

	"github.com/relaykit/sinch-go/wrappers/recipient"
)

// Try RCS first, then SMS.
func ExampleFallback() {
	to := recipient.Fallback(recipient.RCS("+46701234567"), recipient.SMS("+46701234567"))
	b, _ := json.Marshal(to)
	fmt.Println(string(b))
	// Output:
	// {"identified_by":{"channel_identities":[{"channel":"RCS","identity":"+46701234567"},{"channel":"SMS","identity":"+46701234567"}]}}
}
