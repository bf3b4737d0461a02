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
	if d <= 0 {
		return ctx.Err() == nil
	}
	deadline := c.Now().Add(d)
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		wake := c.wake()
		if !c.Now().Before(deadline) {
			return ctx.Err() == nil
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-wake:
		}
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
