package webhook

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// ClaimResult is the answer of [DedupStore.Claim].
type ClaimResult int

// The results of a claim.
const (
	// Claimed: the key was free; the caller now holds it and must call Complete or Release.
	Claimed ClaimResult = iota
	// InProgress: another delivery of the same event holds the key right now.
	InProgress
	// AlreadyDone: the event was processed successfully before.
	AlreadyDone
)

// String returns the name of the result.
func (r ClaimResult) String() string {
	switch r {
	case Claimed:
		return "claimed"
	case InProgress:
		return "in_progress"
	case AlreadyDone:
		return "already_done"
	}
	return "unknown"
}

// DedupStore remembers which events (by [callback.Event.DedupKey]) have been processed, so that a
// callback Sinch delivers more than once is handled once. Implementations must be safe for
// concurrent use; a store shared by several replicas (Redis, SQL) makes the guarantee hold across
// them. Claim must be atomic: of two concurrent claims of one key, exactly one gets Claimed.
type DedupStore interface {
	// Claim marks key as being processed unless it is already held or done. A shared store
	// should give the claim a lease (a few minutes) so that a replica that dies while holding it
	// does not block the event for ever.
	Claim(ctx context.Context, key string) (ClaimResult, error)
	// Complete records that key was processed successfully; later claims return AlreadyDone
	// for as long as the store remembers it. A shared store may write the record later than
	// Complete returns (batched with its next call, to save a round trip) provided the key
	// keeps the caller's claim until then: meanwhile other replicas' claims return InProgress,
	// never Claimed. Such a store should offer a way to write what it holds when the process
	// stops (for example a Close method).
	Complete(ctx context.Context, key string) error
	// Release drops a claim after a failed run, so that the retry Sinch sends is processed.
	Release(ctx context.Context, key string) error
}

// Defaults of [NewMemoryStore].
const (
	DefaultDedupTTL      = 24 * time.Hour
	DefaultDedupCapacity = 50_000
	DefaultDedupLease    = 5 * time.Minute
)

// MemoryStore is the default [DedupStore]: a bounded in-process map. Completed keys are kept for
// a TTL (24 hours by default, the order of the longest retry schedules Sinch documents for its
// callbacks) and at most Capacity keys are kept in all (50 000 by default, about 10 MB); past
// that the oldest are forgotten first. Claims not completed or released within the lease (five
// minutes) lapse. It serves one process; replicas behind a load balancer need a shared store.
type MemoryStore struct {
	mu       sync.Mutex
	entries  map[string]*list.Element
	order    *list.List // of *memEntry, least recently changed first
	ttl      time.Duration
	lease    time.Duration
	capacity int
	now      func() time.Time
}

type memEntry struct {
	key     string
	done    bool
	expires time.Time
}

// MemoryOption configures a [MemoryStore].
type MemoryOption func(*MemoryStore)

// WithTTL sets how long a completed key is remembered.
func WithTTL(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.ttl = d
		}
	}
}

// WithCapacity sets the most keys kept at once.
func WithCapacity(n int) MemoryOption {
	return func(s *MemoryStore) {
		if n > 0 {
			s.capacity = n
		}
	}
}

// WithLease sets how long a claim lasts without Complete or Release.
func WithLease(d time.Duration) MemoryOption {
	return func(s *MemoryStore) {
		if d > 0 {
			s.lease = d
		}
	}
}

// WithStoreClock replaces time.Now; for tests.
func WithStoreClock(now func() time.Time) MemoryOption {
	return func(s *MemoryStore) {
		if now != nil {
			s.now = now
		}
	}
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{
		entries:  make(map[string]*list.Element),
		order:    list.New(),
		ttl:      DefaultDedupTTL,
		lease:    DefaultDedupLease,
		capacity: DefaultDedupCapacity,
		now:      time.Now,
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// Claim implements [DedupStore].
func (s *MemoryStore) Claim(_ context.Context, key string) (ClaimResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if el, ok := s.entries[key]; ok {
		e := el.Value.(*memEntry)
		if now.Before(e.expires) {
			if e.done {
				return AlreadyDone, nil
			}
			return InProgress, nil
		}
		s.remove(el)
	}
	s.entries[key] = s.order.PushBack(&memEntry{key: key, expires: now.Add(s.lease)})
	s.trim(now)
	return Claimed, nil
}

// Complete implements [DedupStore].
func (s *MemoryStore) Complete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	el, ok := s.entries[key]
	if !ok {
		el = s.order.PushBack(&memEntry{key: key})
		s.entries[key] = el
	} else {
		s.order.MoveToBack(el)
	}
	e := el.Value.(*memEntry)
	e.done, e.expires = true, now.Add(s.ttl)
	s.trim(now)
	return nil
}

// Release implements [DedupStore]. Releasing a completed key leaves it completed.
func (s *MemoryStore) Release(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.entries[key]; ok && !el.Value.(*memEntry).done {
		s.remove(el)
	}
	return nil
}

// Len reports how many keys the store holds (claimed or completed, expired ones not yet dropped).
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

func (s *MemoryStore) remove(el *list.Element) {
	delete(s.entries, el.Value.(*memEntry).key)
	s.order.Remove(el)
}

// trim drops expired entries from the old end and, past capacity, the oldest ones.
func (s *MemoryStore) trim(now time.Time) {
	for el := s.order.Front(); el != nil; el = s.order.Front() {
		e := el.Value.(*memEntry)
		if len(s.entries) <= s.capacity && now.Before(e.expires) {
			return
		}
		s.remove(el)
	}
}
