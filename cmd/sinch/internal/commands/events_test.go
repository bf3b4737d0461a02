package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/samples"
	"github.com/relaykit/sinch-go/hmac/callback"
)

// Every sample callback gives a line with its trigger and app, and the ids its kind carries.
func TestEventLines(t *testing.T) {
	want := map[string][]string{
		"MESSAGE_DELIVERY":    {"status=", "message=", "channel="},
		"MESSAGE_SUBMIT":      {"message=", "channel="},
		"MESSAGE_INBOUND":     {"message=", "text=", "identity="},
		"EVENT_INBOUND":       {"event="},
		"BATCH_STATUS_UPDATE": {"batch=", "status="},
		"CONTACT_CREATE":      {"contact="},
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, trig := range samples.Triggers() {
		body, err := samples.Body(trig, "APPX", "P", now)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := callback.Parse(body)
		if err != nil {
			t.Fatalf("%s: %v", trig, err)
		}
		line := summarizeEvent(ev, now).line()
		if !strings.HasPrefix(line, "10:00:00.000 "+trig) || !strings.Contains(line, "app=APPX") {
			t.Errorf("%s: line %q", trig, line)
		}
		for _, w := range want[trig] {
			if !strings.Contains(line, w) {
				t.Errorf("%s: line %q lacks %q", trig, line, w)
			}
		}
	}
}
