package emulator

import (
	"context"
	"errors"
	"sync"
	"time"
)

// emuClock is the one clock of an emulator: Config.Clock (the system clock by default) plus
// the time a test or the control endpoint POST /_emulator/clock/advance has moved it forward.
// Token expiry, the WhatsApp customer-service window, message ttl, batch send_after, the
// ingress queue and the spacing of delivery reports all read it, so one Advance moves them
// together.
type emuClock struct {
	base Clock

	mu      sync.Mutex
	offset  time.Duration
	changed chan struct{} // closed and replaced on every Advance
}

func newEmuClock(base Clock) *emuClock {
	return &emuClock{base: base, changed: make(chan struct{})}
}

// Now is Config.Clock's time plus everything Advance added.
func (c *emuClock) Now() time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.base.Now().Add(off)
}

// advance moves the clock forward by d and wakes every sleep, which then sees the new time.
func (c *emuClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.offset += d
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	return c.Now()
}

func (c *emuClock) wake() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// sleep waits for d of emulator time: it returns true once d has passed in real time, or
// earlier when the clock is advanced past the deadline; false when ctx is done first. (With a
// fake Config.Clock that nobody moves, the real-time bound still ends the wait.)
func (c *emuClock) sleep(ctx context.Context, d time.Duration) bool {
	sl := sleeper{c: c}
	defer sl.stop()
	return sl.sleep(ctx, d)
}

// sleeper waits on an emuClock like emuClock.sleep, reusing one timer for all its waits (a
// message's delivery simulation waits several times, and runs for every message sent).
type sleeper struct {
	c *emuClock
	t *time.Timer
}

// sleep is emuClock.sleep.
func (sl *sleeper) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	deadline := sl.c.Now().Add(d)
	if sl.t == nil {
		sl.t = time.NewTimer(d)
	} else {
		sl.t.Reset(d) // since Go 1.23 a stopped or fired timer's channel holds no stale value
	}
	for {
		wake := sl.c.wake()
		if !sl.c.Now().Before(deadline) {
			sl.t.Stop()
			return ctx.Err() == nil
		}
		select {
		case <-ctx.Done():
			sl.t.Stop()
			return false
		case <-sl.t.C:
			return true
		case <-wake:
		}
	}
}

// stop releases the timer.
func (sl *sleeper) stop() {
	if sl.t != nil {
		sl.t.Stop()
	}
}

// Now is the emulator's current time: Config.Clock's time plus every Advance.
func (s *Server) Now() time.Time { return s.clock.Now().UTC() }

// Advance moves the emulator's clock forward by d (which must be positive) and returns the
// new time. Tokens expire, WhatsApp customer-service windows close, messages pass their ttl,
// scheduled batches start and pending delivery reports are sent as if d had passed.
func (s *Server) Advance(d time.Duration) (time.Time, error) {
	if d <= 0 {
		return time.Time{}, errors.New("emulator: the clock only moves forward; give a positive duration")
	}
	t := s.clock.advance(d).UTC()
	s.sched.runDue()
	return t, nil
}
