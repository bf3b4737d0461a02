package emulator

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestTraceLogKeepsTheMostRecent: the trace log keeps the traces of the max most recent
// messages, reusing the place of the oldest; a report for a forgotten message, or for one from
// before a reset, changes no other message's trace.
func TestTraceLogKeepsTheMostRecent(t *testing.T) {
	l := newTraceLog(3)
	sims := make([]*simulation, 5)
	now := time.Unix(1_700_000_000, 0)
	for i := range sims {
		sims[i] = &simulation{projectID: "p", appID: "a", messageID: fmt.Sprintf("m%d", i), accepted: now}
		l.start(sims[i], fmt.Sprintf(`{"n":%d}`, i), "")
	}
	step := deliveryStep{ci: channelIdentity{"SMS", "+15551230001"}, status: "DELIVERED"}
	for _, sim := range sims {
		l.step(sim, step, now, 1)
	}
	l.mu.Lock()
	for i, sim := range sims {
		tr := l.find(sim.messageID)
		switch {
		case i < 2 && tr != nil:
			t.Errorf("m%d is kept past the 3 most recent", i)
		case i >= 2 && (tr == nil || tr.id != sim.messageID || tr.message != fmt.Sprintf(`{"n":%d}`, i) || tr.n != 1):
			t.Errorf("m%d: trace %+v", i, tr)
		}
	}
	l.mu.Unlock()
	l.reset()
	fresh := &simulation{projectID: "p", appID: "a", messageID: "m5", accepted: now}
	l.start(fresh, "{}", "")
	l.step(sims[4], step, now, 1) // from before the reset
	l.mu.Lock()
	defer l.mu.Unlock()
	if tr := l.find("m4"); tr != nil {
		t.Error("m4 is kept after the reset")
	}
	if tr := l.find("m5"); tr == nil || tr.n != 0 {
		t.Errorf("m5 after the reset: %+v", tr)
	}
}

// TestTraceLogAcrossChunks: over several chunks, bounded or not, each kept trace is found
// under its own message id.
func TestTraceLogAcrossChunks(t *testing.T) {
	for _, c := range []struct{ max, n int }{{0, 2*traceChunk + 5}, {traceChunk + 500, 4 * traceChunk}} {
		l := newTraceLog(c.max)
		for i := range c.n {
			l.start(&simulation{projectID: "p", appID: "a", messageID: fmt.Sprintf("m%d", i)}, fmt.Sprint(i), "")
		}
		first := 0
		if c.max > 0 {
			first = c.n - c.max
		}
		for i := range c.n {
			tr := l.find(fmt.Sprintf("m%d", i))
			if kept := i >= first; kept != (tr != nil) || (kept && tr.message != fmt.Sprint(i)) {
				t.Fatalf("max %d, %d messages: m%d kept %v, trace %+v", c.max, c.n, i, kept, tr)
			}
		}
		if n := len(l.keys) + len(l.byID); n != c.n-first {
			t.Errorf("max %d: %d ids indexed, want %d", c.max, n, c.n-first)
		}
	}
}

// TestKeyOf: ids idGen makes have keys, distinct for distinct ids (and a trace is found by
// one); other strings have none.
func TestKeyOf(t *testing.T) {
	var g idGen
	seen := map[idKey]string{}
	now := time.Now()
	l := newTraceLog(0)
	for i := range 5000 {
		id := g.next(now.Add(time.Duration(i%7) * time.Hour))
		k, ok := keyOf(id)
		if !ok {
			t.Fatalf("%s has no key", id)
		}
		if other, dup := seen[k]; dup {
			t.Fatalf("%s and %s have the same key", id, other)
		}
		seen[k] = id
		l.start(&simulation{messageID: id}, id, "")
	}
	for k, id := range seen {
		if tr := l.find(id); tr == nil || tr.message != id {
			t.Fatalf("trace of %s (key %v): %+v", id, k, tr)
		}
	}
	if len(l.keys) != len(seen) || len(l.byID) != 0 {
		t.Errorf("%d keys and %d other ids indexed, want %d and 0", len(l.keys), len(l.byID), len(seen))
	}
	for _, id := range []string{"", "m1", "01K9ZD6M1XG3P4T2W8Y6N5QJ7", "01K9ZD6M1XG3P4T2W8Y6N5QJ7BB", "81K9ZD6M1XG3P4T2W8Y6N5QJ7B", "01k9zd6m1xg3p4t2w8y6n5qj7b", "01K9ZD6M1XG3P4T2W8Y6N5QJ7U"} {
		if _, ok := keyOf(id); ok {
			t.Errorf("%q has a key", id)
		}
	}
}

// TestTraceKeepsEachMessagesChannelProperties: each message's trace shows the SMS sent with
// that message's own SMS_SENDER, whatever the requests sent after it carried (the handler
// reuses the map it reads a request's properties into).
func TestTraceKeepsEachMessagesChannelProperties(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	senders := []string{"+15550000001", "+15550000002", "", "+15550000004"}
	ids := make([]string, len(senders))
	for i, sender := range senders {
		body := map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15556661234"), "message": textMessage("hello")}
		if sender != "" {
			body["channel_properties"] = map[string]any{"SMS_SENDER": sender, "SMS_FLASH_MESSAGE": fmt.Sprint(i%2 == 0)}
		}
		ids[i] = e.send(body)
	}
	for i, id := range ids {
		e.path(id, 1)
		tr := e.must(200, "GET", e.srv.ControlURL()+"/messages/"+id, nil)
		chans := arr(tr["channels"])
		if len(chans) != 1 {
			t.Fatalf("message %d: channels %v", i, chans)
		}
		payload := obj(obj(chans[0])["transcoded"])
		from, hasFrom := payload["from"]
		if senders[i] != "" && from != senders[i] || senders[i] == "" && hasFrom {
			t.Errorf("message %d (SMS_SENDER %q): payload %v", i, senders[i], payload)
		}
		if flash := payload["flash_message"] == true; flash != (senders[i] != "" && i%2 == 0) {
			t.Errorf("message %d: flash_message %v, payload %v", i, flash, payload)
		}
	}
}

// TestTraceLogIdsOutOfOrder: traces started in any order of their ids (messages of several
// projects accepted at once) are found by id while they are kept, and not once forgotten.
func TestTraceLogIdsOutOfOrder(t *testing.T) {
	var g idGen
	ids := make([]string, 3000)
	for i := range ids {
		ids[i] = g.next(time.Now())
	}
	rng := rand.New(rand.NewPCG(3, 4))
	order := make([]string, len(ids))
	copy(order, ids)
	for i := range order { // mostly rising, with ids swapped here and there
		if j := i + rng.IntN(20); rng.IntN(4) == 0 && j < len(order) {
			order[i], order[j] = order[j], order[i]
		}
	}
	const max = 1000
	l := newTraceLog(max)
	for _, id := range order {
		l.start(&simulation{messageID: id}, id, "")
	}
	for i, id := range order {
		tr := l.find(id)
		if kept := i >= len(order)-max; kept != (tr != nil) || kept && tr.message != id {
			t.Fatalf("%s, started %dth: kept %v, trace %+v", id, i, kept, tr)
		}
	}
	if n := len(l.keys) + len(l.byID); n != max || len(l.byID) == 0 {
		t.Errorf("%d in order and %d others indexed, want %d in all with some others", len(l.keys), len(l.byID), max)
	}
}
