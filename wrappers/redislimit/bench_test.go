package redislimit_test

import (
	"context"
	"testing"

	"github.com/relaykit/sinch-go/internal/redistest"
	"github.com/relaykit/sinch-go/wrappers/redislimit"
)

// BenchmarkWait is one acquisition from a budget that is never exhausted (10 million per
// second): the limiter's own cost, one round trip to a local redis-server. Parallel shows the
// poller serving many waiters with one round trip.
func BenchmarkWait(b *testing.B) {
	srv := redistest.Start(b)
	lim := newLimiter(b, srv.Client(b), "bench", redislimit.WithRate(10_000_000), redislimit.WithBurst(1_000_000))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := lim.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := lim.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
