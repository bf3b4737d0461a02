package callback

import (
	"strings"
	"testing"
)

// TestShapesResolve checks that every dedup path of the specs' x-sdk-trigger names a field of the
// generated payload type, and that the trigger table has a row per typed event.
func TestShapesResolve(t *testing.T) {
	if err := errShapes(); err != nil {
		t.Fatal(err)
	}
	if len(kinds) < 22 {
		t.Fatalf("the trigger table has %d rows, want at least 22", len(kinds))
	}
	for key, k := range kinds {
		ev := k.new()
		if ev.Trigger() != k.trigger || strings.TrimSpace(string(k.trigger)) == "" {
			t.Errorf("%s: event %T reports %q, the table %q", key, ev, ev.Trigger(), k.trigger)
		}
	}
}
