package webhook_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/hmac/webhook"
)

// BenchmarkServeHTTP is one full request through the handler: read, verify, parse, claim,
// dispatch, complete. Each iteration is a new event (a fresh message id) so that the dedup
// store does not short-circuit it.
func BenchmarkServeHTTP(b *testing.B) {
	h, err := webhook.New(webhook.WithSecrets(secret), webhook.On(func(ctx context.Context, ev *callback.MessageInboundEvent) error {
		return nil
	}))
	if err != nil {
		b.Fatal(err)
	}
	tmpl := fixture(b, "MESSAGE_INBOUND.media.json")
	id := []byte("01HZX7B3C5E7G9J1L3N5Q7S9U1")
	now := time.Now()
	b.SetBytes(int64(len(tmpl)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		fresh := []byte("01HZX7B3C5E7G9J1L3N" + string(rune('A'+n%26)) + string(rune('A'+n/26%26)) + string(rune('A'+n/676%26)) + string(rune('A'+n/17576%26)) + "XY")
		body := bytes.Replace(tmpl, id, fresh, 1)
		req := httptest.NewRequest(http.MethodPost, "/sinch", bytes.NewReader(body))
		hmac.SignRequest(req, secret, body, now)
		rec := httptest.NewRecorder()
		b.StartTimer()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
