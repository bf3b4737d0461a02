package redislimit_test

import (
	"log"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/relaykit/sinch-go/wrappers/redislimit"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// Four worker processes share the project's 800 requests per second. While Redis is down each
// paces itself at 200/s (800/4).
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	lim, err := redislimit.New(rdb, "my-project",
		redislimit.WithLocalFallback(4),
		redislimit.WithLogger(slog.Default()),
	)
	if err != nil {
		log.Fatal(err)
	}
	client, err := sinch.NewClient(
		sinch.WithProjectID("my-project"), sinch.WithRegion(sinch.RegionEU),
		sinch.WithOAuth2("key-id", "key-secret"),
		sinch.WithLimiter(lim),
	)
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}
