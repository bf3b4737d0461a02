package emulator

import (
	"cmp"
	"container/heap"
	"slices"
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
	heap    stepHeap // by real deadline, then by order of scheduling
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
	heap.Push(&d.heap, st)
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
			heap.Init(&d.heap)
			slices.SortFunc(d.due, func(a, b dueStep) int { return cmp.Compare(a.seq, b.seq) })
			advanced = false
		}
		for len(d.heap) > 0 && (!d.heap[0].real.After(now) || !d.heap[0].emu.After(emuNow)) {
			d.due = append(d.due, heap.Pop(&d.heap).(dueStep))
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
		d.heap = append(make(stepHeap, 0, 2*len(d.heap)), d.heap...)
	}
}

// stepHeap is the heap of waiting steps (container/heap), by real deadline and then by order
// of scheduling. Its users hold deliveries.mu.
type stepHeap []dueStep

// Len is the number of waiting steps.
func (h stepHeap) Len() int { return len(h) }

// Less orders the steps by real deadline, then by order of scheduling.
func (h stepHeap) Less(i, j int) bool {
	if !h[i].real.Equal(h[j].real) {
		return h[i].real.Before(h[j].real)
	}
	return h[i].seq < h[j].seq
}

// Swap exchanges two steps.
func (h stepHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// Push adds a step (through heap.Push).
func (h *stepHeap) Push(x any) { *h = append(*h, x.(dueStep)) }

// Pop takes the last step (through heap.Pop), clearing its place so that the array does not
// keep the simulation alive.
func (h *stepHeap) Pop() any {
	old := *h
	st := old[len(old)-1]
	old[len(old)-1] = dueStep{}
	*h = old[:len(old)-1]
	return st
}
