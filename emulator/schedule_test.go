package emulator

import (
	"fmt"
	"math/rand/v2"
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

// TestDeliveryQueueOrder: whatever the order in which waits are scheduled (mostly rising, as
// StepDelay makes them, with earlier and equal deadlines between), simulations come out by
// deadline, and in order of scheduling for equal deadlines, through the lane and the heap.
func TestDeliveryQueueOrder(t *testing.T) {
	d := &deliveries{}
	rng := rand.New(rand.NewPCG(1, 2))
	var sims []*simulation
	popped := 0
	var last *simulation
	check := func(sim *simulation) {
		if last != nil && before(sim, last) {
			t.Fatalf("%+v came out after %+v", sim.wait, last.wait)
		}
		last = sim
		popped++
	}
	for i := range 5000 {
		deadline := int64(i * 10)
		switch rng.IntN(4) {
		case 0:
			deadline -= int64(rng.IntN(500)) // earlier than the last: the heap
		case 1:
			deadline = int64(i/10) * 100 // equal deadlines
		}
		sim := &simulation{wait: dueStep{real: deadline}}
		sims = append(sims, sim)
		d.enqueue(sim)
		if rng.IntN(3) == 0 { // take the first out now and then, as the loop does
			// Only what is due before anything scheduled later: a deadline already passed.
			if f := d.front(); f != nil && f.wait.real < deadline-1000 {
				if got := d.pop(); got != f {
					t.Fatal("pop is not front")
				}
				check(f)
			}
		}
		d.shrink()
	}
	for d.front() != nil {
		check(d.pop())
	}
	if popped != len(sims) {
		t.Fatalf("%d of %d simulations came out", popped, len(sims))
	}
	if len(d.heap) != 0 || d.head != len(d.lane) {
		t.Fatalf("queues not empty: lane %d..%d, heap %d", d.head, len(d.lane), len(d.heap))
	}
}
