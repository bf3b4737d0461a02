package redisstore_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

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
//   - redis-1trip: the default, each Claim carrying the previous completion;
//
// each also with 8 goroutines at once (-parallel), as a server handles callbacks.
//
// BenchmarkClaimCompleteSideBySide runs the two Redis variants alternately, op by op.
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
			prefix := "MESSAGE_INBOUND:bench-" + v.name + "-" + strconv.FormatInt(benchRun.Add(1), 10) + "-"
			i := 0
			for b.Loop() {
				key := prefix + strconv.Itoa(i)
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
		// Callbacks handled concurrently, as a server does: the store's cost per callback
		// and the round trips, when Claims carry whatever completions are buffered.
		b.Run(v.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			if v.trips != nil {
				v.trips.reset()
			}
			prefix := "MESSAGE_INBOUND:benchpar-" + v.name + "-" + strconv.FormatInt(benchRun.Add(1), 10) + "-"
			var next atomic.Int64
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					key := prefix + strconv.FormatInt(next.Add(1), 10)
					if res, err := v.store.Claim(ctx, key); err != nil || res != webhook.Claimed {
						b.Error(res, err)
						return
					}
					if err := v.store.Complete(ctx, key); err != nil {
						b.Error(err)
						return
					}
				}
			})
			if v.trips != nil {
				b.ReportMetric(float64(v.trips.store.Load())/float64(b.N), "roundtrips/op")
			}
		})
	}
}

// benchRun makes each benchmark run's keys new (a rerun with -count meets a Redis that
// remembers the keys of the previous one).
var benchRun atomic.Int64

// BenchmarkClaimCompleteSideBySide measures the two ways of recording a completion in one
// run, interleaved op by op so that the machine's load falls on both alike: each op is a
// Claim and a Complete on the two-trip store (WithCompletionDelay(0)) and then on the
// one-trip store (the default), timed apart. It reports each one's µs/op and round trips per
// op, and the ratio of their times.
func BenchmarkClaimCompleteSideBySide(b *testing.B) {
	srv := redistest.Start(b)
	type side struct {
		store   *redisstore.Store
		trips   *tripCounter
		elapsed time.Duration
	}
	var sides [2]*side // two trips, one trip
	for i, opts := range [][]redisstore.Option{{redisstore.WithCompletionDelay(0)}, nil} {
		rdb, trips := countedClient(b, srv)
		s, err := redisstore.New(rdb, opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close(context.Background()) })
		sides[i] = &side{store: s, trips: trips}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prefix := "MESSAGE_INBOUND:side-" + strconv.FormatInt(benchRun.Add(1), 10) + "-"
	for _, sd := range sides { // connections and script cache
		if _, err := sd.store.Claim(ctx, prefix+"warm"); err != nil {
			b.Fatal(err)
		}
		sd.trips.reset()
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for n, sd := range sides {
			key := prefix + strconv.Itoa(n) + "-" + strconv.Itoa(i)
			began := time.Now()
			if res, err := sd.store.Claim(ctx, key); err != nil || res != webhook.Claimed {
				b.Fatal(res, err)
			}
			if err := sd.store.Complete(context.WithoutCancel(ctx), key); err != nil {
				b.Fatal(err)
			}
			sd.elapsed += time.Since(began)
		}
		i++
	}
	two, one := sides[0], sides[1]
	b.ReportMetric(float64(two.elapsed.Microseconds())/float64(b.N), "2trips-µs/op")
	b.ReportMetric(float64(one.elapsed.Microseconds())/float64(b.N), "1trip-µs/op")
	b.ReportMetric(float64(two.trips.store.Load())/float64(b.N), "2trips-roundtrips/op")
	b.ReportMetric(float64(one.trips.store.Load())/float64(b.N), "1trip-roundtrips/op")
	b.ReportMetric(float64(one.elapsed)/float64(two.elapsed), "time-ratio-1trip/2trips")
}
