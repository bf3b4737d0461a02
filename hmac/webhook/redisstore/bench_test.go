package redisstore_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
	"github.com/relaykit/sinch-go/internal/redistest"
)

// BenchmarkClaimComplete is the store's cost per processed callback: a Claim and a Complete of
// a new key against a local redis-server, and the Redis round trips that took (counted by a
// go-redis hook, a pipeline counting one), side by side:
//
//   - memory: the in-process MemoryStore;
//   - redis-2trips: WithCompletionDelay(0), Complete written at once (a second round trip);
//   - redis-1trip: the default, each Claim carrying the previous completion.
//
// Run with -count to interleave them: go test -run '^$' -bench ClaimComplete -count 5 -benchtime 1s
func BenchmarkClaimComplete(b *testing.B) {
	srv := redistest.Start(b)
	type variant struct {
		name  string
		store webhook.DedupStore
		trips *tripCounter
	}
	variants := []variant{{name: "memory", store: webhook.NewMemoryStore()}}
	for _, v := range []struct {
		name string
		opts []redisstore.Option
	}{
		{"redis-2trips", []redisstore.Option{redisstore.WithCompletionDelay(0)}},
		{"redis-1trip", nil},
	} {
		rdb, trips := countedClient(b, srv)
		s, err := redisstore.New(rdb, v.opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close(context.Background()) })
		variants = append(variants, variant{v.name, s, trips})
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background()) // a request's context: cancellable
			defer cancel()
			b.ReportAllocs()
			if v.trips != nil {
				v.trips.reset()
			}
			i := 0
			for b.Loop() {
				key := "MESSAGE_INBOUND:bench-" + v.name + strconv.Itoa(i)
				i++
				if res, err := v.store.Claim(ctx, key); err != nil || res != webhook.Claimed {
					b.Fatal(res, err)
				}
				if err := v.store.Complete(context.WithoutCancel(ctx), key); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/op")
			if v.trips != nil {
				b.ReportMetric(float64(v.trips.store.Load())/float64(b.N), "roundtrips/op")
			}
		})
	}
}
