package emulator

import (
	"fmt"
	"testing"
	"time"
)

// Every message's delivery reports come from one scheduler: with a fake clock and an hour
// between reports, nothing is reported until the clock is advanced, and each advance moves
// every message one report further, each message's reports in order.
func TestDeliveriesFollowTheClock(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(c *Config) {
		c.Clock = clock
		c.Callbacks.StepDelay = time.Hour
		c.IngressRate = IngressUnlimited
	})
	app := e.createApp("DISPATCH")
	var ids []string
	for i := 0; i < 20; i++ {
		e.openWindow(app, "WHATSAPP", fmt.Sprintf("+1555010%04d", i))
		m := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app,
			"recipient": smsRecipient("WHATSAPP", fmt.Sprintf("+1555010%04d", i)), "message": textMessage("hi"),
			"channel_priority_order": []any{"WHATSAPP"}})
		ids = append(ids, m["message_id"].(string))
	}
	status := func(id string) string {
		tr, ok := e.srv.MessageTrace("", id)
		if !ok {
			t.Fatalf("no trace for %s", id)
		}
		return tr.Status
	}
	time.Sleep(50 * time.Millisecond)
	for _, id := range ids {
		if s := status(id); s != "" {
			t.Fatalf("message %s reported %s before the clock moved", id, s)
		}
	}
	for _, want := range []string{"QUEUED_ON_CHANNEL", "DELIVERED", "READ"} {
		if _, err := e.srv.Advance(time.Hour); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for _, id := range ids {
			for status(id) != want && time.Now().Before(deadline) {
				time.Sleep(2 * time.Millisecond)
			}
			if s := status(id); s != want {
				t.Fatalf("after the advance, message %s is %q, want %s", id, s, want)
			}
		}
	}
}
