// Package progress draws the progress line of `sinch batch send` on a terminal: recipients
// sent, the rate they go at and the time left.
//
// Batches go out whole (up to 1000 recipients at once) and are paced so that recipients per
// second stay under the configured rate. Counting a batch the moment it is accepted would make
// the bar jump a whole batch at a time (20% of a 5000-row file) and show an absurd rate for
// the first batch (1000 recipients in a few milliseconds). So the line counts the accepted
// recipients at the pace they occupy: never more than were accepted, never faster than the
// configured rate, rising steadily between batches.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Bar is one progress line. Its methods are safe for concurrent use.
type Bar struct {
	w     io.Writer
	total int
	rate  float64 // configured recipients per second
	now   func() time.Time

	mu       sync.Mutex
	started  time.Time // when the first batch was released
	accepted int
	stop     chan struct{}
	done     chan struct{}
}

// Width is the number of cells of the bar.
const Width = 30

// New returns a bar for total recipients paced at rate per second, drawn on w (a terminal).
// now gives the time (time.Now when nil).
func New(w io.Writer, total int, rate float64, now func() time.Time) *Bar {
	if now == nil {
		now = time.Now
	}
	return &Bar{w: w, total: total, rate: rate, now: now}
}

// Start marks the release of the first batch and redraws the line every interval until Stop.
func (b *Bar) Start(interval time.Duration) {
	stop, done := make(chan struct{}), make(chan struct{})
	b.mu.Lock()
	b.started = b.now()
	b.stop, b.done = stop, done
	b.mu.Unlock()
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			b.draw()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
}

// Accepted adds n recipients whose batch the API accepted.
func (b *Bar) Accepted(n int) {
	b.mu.Lock()
	b.accepted += n
	b.mu.Unlock()
}

// Stop stops redrawing and erases the line, so that what follows starts on a clean line.
func (b *Bar) Stop() {
	b.mu.Lock()
	stop, done := b.stop, b.done
	b.stop = nil
	b.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
	fmt.Fprint(b.w, "\r\x1b[K")
}

func (b *Bar) draw() {
	fmt.Fprint(b.w, "\r"+b.Line()+"\x1b[K")
}

// State is what the line shows.
type State struct {
	Sent    int           // recipients counted as sent
	Rate    float64       // recipients per second so far; 0 until a second has passed
	Elapsed time.Duration // since the first batch was released
	Left    time.Duration // estimated time to go; 0 when unknown
}

// State returns what the line shows now.
func (b *Bar) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	var s State
	if b.started.IsZero() {
		return s
	}
	s.Elapsed = b.now().Sub(b.started)
	paced := int(s.Elapsed.Seconds() * b.rate)
	s.Sent = min(b.accepted, paced, b.total)
	if s.Elapsed >= time.Second {
		s.Rate = float64(s.Sent) / s.Elapsed.Seconds()
		if s.Rate > 0 {
			s.Left = time.Duration(float64(b.total-s.Sent) / min(s.Rate, b.rate) * float64(time.Second))
		}
	}
	return s
}

// Line renders the progress line:
//
//	sending [==========>                   ]  35,000/100,000 recipients  800/s  1m21s left
func (b *Bar) Line() string {
	s := b.State()
	filled := 0
	if b.total > 0 {
		filled = s.Sent * Width / b.total
	}
	bar := strings.Repeat("=", filled)
	if filled < Width {
		bar += ">" + strings.Repeat(" ", Width-filled-1)
	}
	line := fmt.Sprintf("sending [%s] %s/%s recipients", bar, thousands(s.Sent), thousands(b.total))
	if s.Rate > 0 {
		line += fmt.Sprintf("  %s/s  %s left", thousands(int(s.Rate+0.5)), s.Left.Round(time.Second))
	}
	return line
}

// thousands writes n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
