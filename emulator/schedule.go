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
	due     []*simulation // the loop's batch of due simulations, reused
}

// dueStep is when a simulation's next step is due. A simulation waits for one step at a
// time, so it carries its own (simulation.wait) and the heap holds the simulations
// themselves: scheduling a step allocates nothing.
type dueStep struct {
	real, emu time.Time // the deadline in real time (monotonic) and in emulator time
	seq       uint64
	p         *project
}

// newDeliveries returns the scheduler of s's delivery simulations; its goroutine starts with
// the first simulation.
func newDeliveries(s *Server) *deliveries {
	return &deliveries{s: s, kick: make(chan struct{}, 1)}
}

// after runs the simulation's next step (Server.simStep) once wait has passed. The
// simulation must not be waiting already.
func (d *deliveries) after(p *project, sim *simulation, wait time.Duration) {
	sim.wait = dueStep{real: time.Now().Add(wait), emu: d.s.clock.Now().Add(wait), p: p}
	d.mu.Lock()
	d.seq++
	sim.wait.seq = d.seq
	heap.Push(&d.heap, sim)
	first := d.heap[0] == sim
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
				if !st.wait.emu.After(emuNow) {
					d.due = append(d.due, st)
				} else {
					kept = append(kept, st)
				}
			}
			clear(d.heap[len(kept):])
			d.heap = kept
			heap.Init(&d.heap)
			slices.SortFunc(d.due, func(a, b *simulation) int { return cmp.Compare(a.wait.seq, b.wait.seq) })
			advanced = false
		}
		for len(d.heap) > 0 && (!d.heap[0].wait.real.After(now) || !d.heap[0].wait.emu.After(emuNow)) {
			d.due = append(d.due, heap.Pop(&d.heap).(*simulation))
		}
		wait := time.Hour
		if len(d.heap) > 0 {
			wait = d.heap[0].wait.real.Sub(now)
		}
		due := d.due
		d.shrink()
		d.mu.Unlock()
		for i, sim := range due {
			p := sim.wait.p
			sim.wait = dueStep{} // before simStep, which may schedule the next wait
			d.s.simStep(p, sim)
			due[i] = nil
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

// stepHeap is the heap of waiting simulations (container/heap), by the real deadline of
// their next step and then by order of scheduling. Its users hold deliveries.mu.
type stepHeap []*simulation

// Len is the number of waiting simulations.
func (h stepHeap) Len() int { return len(h) }

// Less orders the simulations by real deadline, then by order of scheduling.
func (h stepHeap) Less(i, j int) bool {
	a, b := &h[i].wait, &h[j].wait
	if !a.real.Equal(b.real) {
		return a.real.Before(b.real)
	}
	return a.seq < b.seq
}

// Swap exchanges two simulations.
func (h stepHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// Push adds a simulation (through heap.Push); a pointer in an interface needs no allocation.
func (h *stepHeap) Push(x any) { *h = append(*h, x.(*simulation)) }

// Pop takes the last simulation (through heap.Pop), clearing its place so that the array
// does not keep it alive.
func (h *stepHeap) Pop() any {
	old := *h
	sim := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return sim
}
