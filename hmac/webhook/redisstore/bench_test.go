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
// a new key, two round trips to a local redis-server; the in-process MemoryStore beside it.
func BenchmarkClaimComplete(b *testing.B) {
	srv := redistest.Start(b)
	stores := map[string]webhook.DedupStore{"memory": webhook.NewMemoryStore()}
	s, err := redisstore.New(srv.Client(b))
	if err != nil {
		b.Fatal(err)
	}
	stores["redis"] = s
	for _, name := range []string{"memory", "redis"} {
		store := stores[name]
		b.Run(name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background()) // a request's context: cancellable
			defer cancel()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				key := "MESSAGE_INBOUND:bench" + strconv.Itoa(i)
				i++
				if res, err := store.Claim(ctx, key); err != nil || res != webhook.Claimed {
					b.Fatal(res, err)
				}
				if err := store.Complete(context.WithoutCancel(ctx), key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
