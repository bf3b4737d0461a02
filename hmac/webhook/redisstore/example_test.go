package redisstore_test

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
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

// A replica that stops writes the completions its store still holds (the next callback's claim
// would have carried them) once the HTTP server has finished the callbacks in hand.
func ExampleStore_Close() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	store, err := redisstore.New(rdb)
	if err != nil {
		log.Fatal(err)
	}
	h, err := webhook.New(webhook.WithSecrets(os.Getenv("SINCH_WEBHOOK_SECRET")), webhook.WithDedupStore(store),
		webhook.OnAny(func(ctx context.Context, ev callback.Event) error { return nil }))
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: ":8080", Handler: h}
	go func() {
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	stopped, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-stopped.Done()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Print(err)
	}
	if err := store.Close(ctx); err != nil {
		log.Print(err) // these events may be processed again if Sinch delivers them again
	}
}
