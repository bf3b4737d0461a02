package samples

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac/callback"
)

// Every sample must parse into the typed event of its own trigger, with the ids swapped in.
func TestSamplesParseAsTheirTrigger(t *testing.T) {
	trigs := Triggers()
	if len(trigs) < 22 {
		t.Fatalf("only %d samples", len(trigs))
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tr := range trigs {
		body, err := Body(tr, "APP1", "PROJ1", now)
		if err != nil {
			t.Fatalf("%s: %v", tr, err)
		}
		ev, err := callback.Parse(body)
		if err != nil {
			t.Fatalf("%s: parse: %v", tr, err)
		}
		if _, unknown := ev.(*callback.UnknownEvent); unknown {
			t.Errorf("%s: parsed as an unknown event", tr)
			continue
		}
		if got := fmt.Sprint(ev.Trigger()); got != tr {
			t.Errorf("%s: parsed as %s", tr, got)
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		if m["app_id"] != "APP1" || m["project_id"] != "PROJ1" {
			t.Errorf("%s: ids not replaced: %v %v", tr, m["app_id"], m["project_id"])
		}
		if s, ok := m["event_time"].(string); ok && !strings.HasPrefix(s, "2026-11-25T12:00:00") {
			t.Errorf("%s: event_time %s", tr, s)
		}
	}
	if _, err := Body("NOPE", "", "", now); err == nil {
		t.Error("unknown trigger accepted")
	}
}
