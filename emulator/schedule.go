package emulator

import (
	"cmp"
	"container/heap"
	"slices"
	"sync"
	"time"
)

// deliveries runs the delivery simulations of every message: one goroutine and one timer for
// all of them, with each message's next step in a queue by due time. A goroutine with its own
// timers per message cost a load test more than the sends did (thousands of parked stacks
// for the garbage collector to scan, a timer and a channel per wait); this costs one queue
// entry per wait.
//
// A wait ends as emuClock.sleep's does: when its duration has passed in real time, or earlier
// when the emulator's clock is advanced past its deadline.
type deliveries struct {
	s     *Server
	epoch time.Time // real deadlines are counted from it (monotonic)

	mu sync.Mutex
	// The waiting simulations are ordered by real deadline, then by order of scheduling. A
	// simulation whose deadline is not before the last one in lane joins lane, a FIFO queue
	// (the usual case: every step waits StepDelay, so deadlines come in order); any other
	// goes into heap. The next due is the first of lane[head] and heap[0].
	lane    []*simulation
	head    int
	heap    stepHeap
	seq     uint64
	running bool
	kick    chan struct{} // buffered: the earliest deadline may have changed
	due     []*simulation // the loop's batch of due simulations, reused
}

// dueStep is when a simulation's next step is due. A simulation waits for one step at a
// time, so it carries its own (simulation.wait) and the queues hold the simulations
// themselves: scheduling a step allocates nothing.
type dueStep struct {
	real int64     // the deadline in real time: nanoseconds from deliveries.epoch
	emu  time.Time // the deadline in emulator time
	seq  uint64
	p    *project
}

// before orders waiting simulations: by real deadline, then by order of scheduling.
func before(a, b *simulation) bool {
	if a.wait.real != b.wait.real {
		return a.wait.real < b.wait.real
	}
	return a.wait.seq < b.wait.seq
}

// newDeliveries returns the scheduler of s's delivery simulations; its goroutine starts with
// the first simulation.
func newDeliveries(s *Server) *deliveries {
	return &deliveries{s: s, epoch: time.Now(), kick: make(chan struct{}, 1)}
}

// after runs the simulation's next step (Server.simStep) once wait has passed. The
// simulation must not be waiting already.
func (d *deliveries) after(p *project, sim *simulation, wait time.Duration) {
	sim.wait = dueStep{real: int64(time.Since(d.epoch) + wait), emu: d.s.clock.Now().Add(wait), p: p}
	d.mu.Lock()
	d.enqueue(sim)
	first := d.front() == sim
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

// enqueue numbers a simulation whose wait is set, and queues it. The caller holds d.mu.
func (d *deliveries) enqueue(sim *simulation) {
	d.seq++
	sim.wait.seq = d.seq
	if d.head == len(d.lane) || !before(sim, d.lane[len(d.lane)-1]) {
		d.lane = append(d.lane, sim)
	} else {
		heap.Push(&d.heap, sim)
	}
}

// front returns the simulation due first, nil when none waits. The caller holds d.mu.
func (d *deliveries) front() *simulation {
	var f *simulation
	if d.head < len(d.lane) {
		f = d.lane[d.head]
	}
	if len(d.heap) > 0 && (f == nil || before(d.heap[0], f)) {
		f = d.heap[0]
	}
	return f
}

// pop takes the simulation due first; one must wait. The caller holds d.mu.
func (d *deliveries) pop() *simulation {
	if d.head < len(d.lane) && (len(d.heap) == 0 || !before(d.heap[0], d.lane[d.head])) {
		sim := d.lane[d.head]
		d.lane[d.head] = nil
		if d.head++; d.head == len(d.lane) {
			d.lane, d.head = d.lane[:0], 0
		}
		return sim
	}
	return heap.Pop(&d.heap).(*simulation)
}

// run is the loop that runs due steps, until the emulator stops.
func (d *deliveries) run() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	advanced := false
	for {
		wake := d.s.clock.wake()
		d.mu.Lock()
		now, emuNow := int64(time.Since(d.epoch)), d.s.clock.Now()
		d.due = d.due[:0]
		if advanced {
			// The clock moved: steps anywhere in the queues may be due by emulator time.
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
			n := 0
			for _, st := range d.lane[d.head:] {
				if !st.wait.emu.After(emuNow) {
					d.due = append(d.due, st)
				} else {
					d.lane[n] = st
					n++
				}
			}
			clear(d.lane[n:])
			d.lane, d.head = d.lane[:n], 0
			slices.SortFunc(d.due, func(a, b *simulation) int { return cmp.Compare(a.wait.seq, b.wait.seq) })
			advanced = false
		}
		for f := d.front(); f != nil && (f.wait.real <= now || !f.wait.emu.After(emuNow)); f = d.front() {
			d.due = append(d.due, d.pop())
		}
		wait := time.Hour
		if f := d.front(); f != nil {
			wait = time.Duration(f.wait.real - now)
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

// shrink moves the lane's waiting simulations to the front of its array once most of it is
// behind them, and lets the arrays go once a burst of messages has been delivered, so that
// the peak of a load test is not kept for good. The caller holds d.mu.
func (d *deliveries) shrink() {
	if d.head > 1024 && 2*d.head > len(d.lane) {
		n := copy(d.lane, d.lane[d.head:])
		clear(d.lane[n:])
		d.lane, d.head = d.lane[:n], 0
	}
	if c := cap(d.lane); c > 1024 && len(d.lane) < c/8 {
		d.lane = append(make([]*simulation, 0, 2*len(d.lane)), d.lane...)
	}
	if c := cap(d.heap); c > 1024 && len(d.heap) < c/8 {
		d.heap = append(make(stepHeap, 0, 2*len(d.heap)), d.heap...)
	}
}

// stepHeap is the heap of the waiting simulations that are not in the lane (container/heap),
// ordered by before. Its users hold deliveries.mu.
type stepHeap []*simulation

// Len is the number of waiting simulations.
func (h stepHeap) Len() int { return len(h) }

// Less orders the simulations by real deadline, then by order of scheduling.
func (h stepHeap) Less(i, j int) bool { return before(h[i], h[j]) }

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
