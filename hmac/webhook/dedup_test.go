package webhook_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac/webhook"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func claim(t *testing.T, s webhook.DedupStore, key string, want webhook.ClaimResult) {
	t.Helper()
	got, err := s.Claim(context.Background(), key)
	if err != nil || got != want {
		t.Fatalf("Claim(%s) = %v, %v; want %v", key, got, err, want)
	}
}

func TestMemoryStoreLifecycle(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Unix(1764100000, 0)}
	s := webhook.NewMemoryStore(webhook.WithTTL(time.Hour), webhook.WithLease(time.Minute), webhook.WithStoreClock(c.now))

	claim(t, s, "k", webhook.Claimed)
	claim(t, s, "k", webhook.InProgress)
	if err := s.Release(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	claim(t, s, "k", webhook.Claimed) // a released claim can be taken again
	if err := s.Complete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	claim(t, s, "k", webhook.AlreadyDone)
	_ = s.Release(ctx, "k") // releasing a completed key does not forget it
	claim(t, s, "k", webhook.AlreadyDone)

	c.add(time.Hour - time.Second)
	claim(t, s, "k", webhook.AlreadyDone)
	c.add(time.Second)
	claim(t, s, "k", webhook.Claimed) // the TTL is over
}

func TestMemoryStoreLeaseLapses(t *testing.T) {
	c := &clock{t: time.Unix(1764100000, 0)}
	s := webhook.NewMemoryStore(webhook.WithLease(time.Minute), webhook.WithStoreClock(c.now))
	claim(t, s, "k", webhook.Claimed)
	c.add(59 * time.Second)
	claim(t, s, "k", webhook.InProgress)
	c.add(time.Second)
	claim(t, s, "k", webhook.Claimed) // the first holder never finished
}

func TestMemoryStoreCapacity(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Unix(1764100000, 0)}
	s := webhook.NewMemoryStore(webhook.WithCapacity(3), webhook.WithStoreClock(c.now))
	for i := 0; i < 5; i++ {
		k := fmt.Sprint("k", i)
		claim(t, s, k, webhook.Claimed)
		_ = s.Complete(ctx, k)
		c.add(time.Second)
	}
	if s.Len() != 3 {
		t.Fatalf("Len() = %d, want 3", s.Len())
	}
	claim(t, s, "k4", webhook.AlreadyDone)
	claim(t, s, "k2", webhook.AlreadyDone)
	claim(t, s, "k0", webhook.Claimed) // the oldest were forgotten
}

func TestMemoryStoreDropsExpired(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Unix(1764100000, 0)}
	s := webhook.NewMemoryStore(webhook.WithTTL(time.Minute), webhook.WithStoreClock(c.now))
	for i := 0; i < 100; i++ {
		k := fmt.Sprint("old", i)
		claim(t, s, k, webhook.Claimed)
		_ = s.Complete(ctx, k)
	}
	c.add(2 * time.Minute)
	claim(t, s, "new", webhook.Claimed)
	if s.Len() != 1 {
		t.Fatalf("Len() = %d after expiry, want 1", s.Len())
	}
}

func TestMemoryStoreConcurrentClaims(t *testing.T) {
	s := webhook.NewMemoryStore()
	var wg sync.WaitGroup
	results := make(chan webhook.ClaimResult, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := s.Claim(context.Background(), "same")
			results <- r
		}()
	}
	wg.Wait()
	close(results)
	claimed := 0
	for r := range results {
		if r == webhook.Claimed {
			claimed++
		}
	}
	if claimed != 1 {
		t.Fatalf("%d concurrent claims succeeded, want 1", claimed)
	}
}

func TestClaimResultString(t *testing.T) {
	for r, want := range map[webhook.ClaimResult]string{webhook.Claimed: "claimed", webhook.InProgress: "in_progress", webhook.AlreadyDone: "already_done", 9: "unknown"} {
		if r.String() != want {
			t.Errorf("%d.String() = %q", r, r.String())
		}
	}
}

func TestNilOptionsIgnored(t *testing.T) {
	s := webhook.NewMemoryStore(nil, webhook.WithCapacity(1))
	ctx := context.Background()
	if r, err := s.Claim(ctx, "a"); err != nil || r != webhook.Claimed {
		t.Fatalf("Claim = %v, %v", r, err)
	}
	if _, err := webhook.New(nil, webhook.WithoutSignatureVerification()); err != nil {
		t.Fatalf("New with a nil option: %v", err)
	}
}
