// Package webhook is a ready [net/http.Handler] for Sinch Conversation API callbacks.
//
//	h, err := webhook.New(
//		webhook.WithSecrets(os.Getenv("SINCH_WEBHOOK_SECRET")),
//		webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
//			return reply(ctx, ev.Message)
//		}),
//		webhook.OnAny(func(ctx context.Context, ev callback.Event) error { return nil }),
//	)
//	http.Handle("POST /sinch/callbacks", h)
//
// Each request is verified over its raw bytes (package hmac), parsed into a typed event (package
// hmac/callback), deduplicated, and passed to the function registered for its type. The status
// codes tell Sinch what to do next: 200 when done (or already done), 500 when your function
// failed so that Sinch retries, 503 when the same event is being processed by another delivery
// at that moment (or the dedup store cannot be reached), and 400, 401, 405 or 413 for requests that are not valid callbacks.
//
// # Deduplication
//
// Sinch retries a callback it could not deliver, so the same event can arrive more than once,
// even on parallel connections. The handler claims each event's [callback.Event.DedupKey] in a
// [DedupStore] before running your function, marks it done when the function returns nil, and
// releases it when the function fails or panics, so that the retry runs it again. The default
// [MemoryStore] is bounded and forgets keys after a TTL; replicas behind a load balancer need a
// shared store implementing [DedupStore], such as the Redis one in package
// hmac/webhook/redisstore, which costs one round trip per callback (it sends each completion
// with the next claim) and is closed after the HTTP server has shut down.
package webhook
