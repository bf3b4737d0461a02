package emulator

import (
	"sync"
	"time"
)

// deliveries runs the delivery simulations of every message: one goroutine and one timer for
// all of them, with each message's next step in a heap by due time. A goroutine with its own
// timers per message cost a load test more than the sends did (thousands of parked stacks
// for the garbage collector to scan, a timer and a channel per wait); this costs one heap
// entry per wait.
//
// A wait ends as emuClock.sleep's does: when its duration has passed in real time, or earlier
// when the emulator's clock is advanced past its deadline.
type deliveries struct {
	s *Server

	mu      sync.Mutex
	heap    []dueStep // by real deadline, then by order of scheduling
	seq     uint64
	running bool
	kick    chan struct{} // buffered: the earliest deadline may have changed
	due     []dueStep     // the loop's batch of due steps, reused
}

// dueStep is one simulation waiting for its next step.
type dueStep struct {
	real, emu time.Time // the deadline in real time (monotonic) and in emulator time
	seq       uint64
	p         *project
	sim       *simulation
}

// newDeliveries returns the scheduler of s's delivery simulations; its goroutine starts with
// the first simulation.
func newDeliveries(s *Server) *deliveries {
	return &deliveries{s: s, kick: make(chan struct{}, 1)}
}

// after runs the simulation's next step (Server.simStep) once wait has passed.
func (d *deliveries) after(p *project, sim *simulation, wait time.Duration) {
	st := dueStep{real: time.Now().Add(wait), emu: d.s.clock.Now().Add(wait), p: p, sim: sim}
	d.mu.Lock()
	d.seq++
	st.seq = d.seq
	d.push(st)
	first := d.heap[0].seq == st.seq
	start := !d.running
	d.running = true
	d.mu.Unlock()
	if start {
		d.s.background(d.run)
	}
	if first {
		select {
		case d.kick <- struct{}{}:
		default:
		}
	}
}

// run is the loop that runs due steps, until the emulator stops.
func (d *deliveries) run() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	advanced := false
	for {
		wake := d.s.clock.wake()
		d.mu.Lock()
		now, emuNow := time.Now(), d.s.clock.Now()
		d.due = d.due[:0]
		if advanced {
			// The clock moved: steps anywhere in the heap may be due by emulator time.
			kept := d.heap[:0]
			for _, st := range d.heap {
				if !st.emu.After(emuNow) {
					d.due = append(d.due, st)
				} else {
					kept = append(kept, st)
				}
			}
			clear(d.heap[len(kept):])
			d.heap = kept
			d.heapify()
			sortBySeq(d.due)
			advanced = false
		}
		for len(d.heap) > 0 && (!d.heap[0].real.After(now) || !d.heap[0].emu.After(emuNow)) {
			d.due = append(d.due, d.pop())
		}
		wait := time.Hour
		if len(d.heap) > 0 {
			wait = d.heap[0].real.Sub(now)
		}
		due := d.due
		d.shrink()
		d.mu.Unlock()
		for i, st := range due {
			d.s.simStep(st.p, st.sim)
			due[i] = dueStep{}
		}
		if cap(d.due) > 1024 && len(due) < cap(d.due)/8 {
			d.due = nil // only this goroutine uses it
		}
		if len(due) > 0 {
			continue // the steps may have scheduled more; look again before waiting
		}
		t.Reset(wait)
		select {
		case <-d.s.ctx.Done():
			return
		case <-t.C:
		case <-d.kick:
			t.Stop()
		case <-wake:
			t.Stop()
			advanced = true
		}
	}
}

// shrink lets the heap's array go once a burst of messages has been delivered, so that the
// peak of a load test is not kept for good. The caller holds d.mu.
func (d *deliveries) shrink() {
	if c := cap(d.heap); c > 1024 && len(d.heap) < c/8 {
		d.heap = append(make([]dueStep, 0, 2*len(d.heap)), d.heap...)
	}
}

// sortBySeq puts steps due together in the order they were scheduled (insertion sort: an
// advance makes few due at once).
func sortBySeq(s []dueStep) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].seq < s[j-1].seq; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// The heap of waiting steps, by real deadline and then by order of scheduling. The caller
// holds d.mu.

// less orders the heap: by real deadline, then by order of scheduling.
func (d *deliveries) less(i, j int) bool {
	a, b := &d.heap[i], &d.heap[j]
	if !a.real.Equal(b.real) {
		return a.real.Before(b.real)
	}
	return a.seq < b.seq
}

// push adds a waiting step.
func (d *deliveries) push(st dueStep) {
	d.heap = append(d.heap, st)
	for i := len(d.heap) - 1; i > 0; {
		parent := (i - 1) / 2
		if !d.less(i, parent) {
			break
		}
		d.heap[i], d.heap[parent] = d.heap[parent], d.heap[i]
		i = parent
	}
}

// pop takes the step with the earliest deadline.
func (d *deliveries) pop() dueStep {
	top := d.heap[0]
	last := len(d.heap) - 1
	d.heap[0] = d.heap[last]
	d.heap[last] = dueStep{}
	d.heap = d.heap[:last]
	d.down(0)
	return top
}

// down moves the step at i down to its place.
func (d *deliveries) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(d.heap) {
			return
		}
		m := l
		if r := l + 1; r < len(d.heap) && d.less(r, l) {
			m = r
		}
		if !d.less(m, i) {
			return
		}
		d.heap[i], d.heap[m] = d.heap[m], d.heap[i]
		i = m
	}
}

// heapify restores the heap order after steps were taken from anywhere in it.
func (d *deliveries) heapify() {
	for i := len(d.heap)/2 - 1; i >= 0; i-- {
		d.down(i)
	}
}
