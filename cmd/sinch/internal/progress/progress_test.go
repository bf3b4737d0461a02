package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// 5,000 recipients in batches of 1,000 at 800/s: the count rises steadily between batches
// (never a 20% jump), never passes what was accepted, and the rate never passes 800/s, not
// even right after the first batch.
func TestSmoothAndTrue(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	var out bytes.Buffer
	b := New(&out, 5000, 800, c.now)
	b.Start(time.Hour) // no redraws: the test reads State
	defer b.Stop()
	b.Accepted(1000) // the first batch goes at once
	if s := b.State(); s.Sent != 0 || s.Rate != 0 {
		t.Errorf("at once: %+v (an absurd first figure)", s)
	}
	prev := 0
	step := 100 * time.Millisecond
	next := 1250 * time.Millisecond // a batch is released every 1.25 s, accepted within a tick
	for i := 1; i <= 80; i++ {      // 8 s
		c.advance(step)
		if s := b.State(); s.Elapsed >= next && next <= 5*time.Second {
			b.Accepted(1000)
			next += 1250 * time.Millisecond
		}
		s := b.State()
		if s.Sent < prev {
			t.Fatalf("went back: %d after %d", s.Sent, prev)
		}
		if jump := s.Sent - prev; jump > 100 { // 800/s × 0.1 s = 80 per tick
			t.Fatalf("jumped %d recipients in one tick at %v", jump, s.Elapsed)
		}
		if s.Rate > 800 {
			t.Fatalf("rate %.1f above the pacing at %v", s.Rate, s.Elapsed)
		}
		prev = s.Sent
	}
	if s := b.State(); s.Sent != 5000 {
		t.Errorf("after 8 s: %+v", s)
	}
}

// When the API is slower than the pacing, the line shows what was accepted, at its true rate.
func TestSlowAPI(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	b := New(&bytes.Buffer{}, 10000, 800, c.now)
	b.Start(time.Hour)
	defer b.Stop()
	c.advance(4 * time.Second)
	b.Accepted(1000)
	s := b.State()
	if s.Sent != 1000 || s.Rate != 250 || s.Left != 36*time.Second {
		t.Errorf("%+v", s)
	}
}

func TestLineAndStop(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var out bytes.Buffer
	b := New(&out, 100000, 800, c.now)
	b.Start(time.Hour)
	c.advance(2 * time.Second)
	b.Accepted(3000)
	line := b.Line()
	for _, want := range []string{"sending [", "1,600/100,000 recipients", "800/s", "2m3s left"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	b.Stop()
	b.Stop() // twice is harmless
	if !strings.HasSuffix(out.String(), "\r\x1b[K") {
		t.Errorf("the line is not erased: %q", out.String())
	}
	if thousands(1234567) != "1,234,567" || thousands(12) != "12" {
		t.Error(thousands(1234567))
	}
}
