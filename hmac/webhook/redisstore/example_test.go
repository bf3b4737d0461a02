package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
	"github.com/relaykit/sinch-go/hmac/webhook/redisstore"
)

// Every replica of the webhook receiver uses the same Redis and prefix; a callback Sinch
// delivers twice, to two replicas, runs once.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	store, err := redisstore.New(rdb,
		redisstore.WithPrefix("shop:sinch:dedup:"),
		redisstore.WithLease(2*time.Minute), // longer than the slowest run of the function
	)
	if err != nil {
		log.Fatal(err)
	}
	h, err := webhook.New(
		webhook.WithSecrets(os.Getenv("SINCH_WEBHOOK_SECRET")),
		webhook.WithDedupStore(store),
		webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
			return nil // process the message
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("POST /sinch/callbacks", h)
}
