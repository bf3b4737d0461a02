package callback_test

import (
	stdhmac "crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/hmac/callback"
)

// The benchmark body: a realistic MESSAGE_INBOUND callback of about 1 KB.
const benchFixture = "MESSAGE_INBOUND.media.json"

func benchSetup(b *testing.B) (body []byte, header http.Header, now time.Time) {
	body = readFixture(b, benchFixture)
	now = time.Unix(1764100000, 0)
	header = hmac.HeadersWithNonce("bench-secret", body, "01HZX9N0NCE0000000000000000", now)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	return body, header, now
}

// BenchmarkVerifyAndParse is what the webhook handler does per request: verify the signature
// (with the timestamp check) and parse into the typed event.
func BenchmarkVerifyAndParse(b *testing.B) {
	body, header, now := benchSetup(b)
	v, err := hmac.NewVerifier([]string{"bench-secret"}, hmac.WithClock(func() time.Time { return now }))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := v.Verify(header, body); err != nil {
			b.Fatal(err)
		}
		ev, err := callback.Parse(body)
		if err != nil {
			b.Fatal(err)
		}
		if ev.(*callback.MessageInboundEvent).Message.ID == "" {
			b.Fatal("no message")
		}
	}
}

// BenchmarkBareHMACAndUnmarshal is the floor: the same signature computed and compared with
// crypto/hmac directly, and json.Unmarshal into the same generated type, with the trigger known
// in advance and no timestamp check.
func BenchmarkBareHMACAndUnmarshal(b *testing.B) {
	body, header, _ := benchSetup(b)
	secret := []byte("bench-secret")
	for b.Loop() {
		m := stdhmac.New(sha256.New, secret)
		m.Write(body)
		m.Write([]byte("." + header.Get(hmac.HeaderNonce) + "." + header.Get(hmac.HeaderTimestamp)))
		got, err := base64.StdEncoding.DecodeString(header.Get(hmac.HeaderSignature))
		if err != nil || !stdhmac.Equal(m.Sum(nil), got) {
			b.Fatal("signature mismatch")
		}
		var ev conversation.MessageInboundEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			b.Fatal(err)
		}
		if ev.Message.ID == "" {
			b.Fatal("no message")
		}
	}
}

// BenchmarkParse is Parse alone.
func BenchmarkParse(b *testing.B) {
	body, _, _ := benchSetup(b)
	for b.Loop() {
		if _, err := callback.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshal is json.Unmarshal into the generated type alone.
func BenchmarkUnmarshal(b *testing.B) {
	body, _, _ := benchSetup(b)
	for b.Loop() {
		var ev conversation.MessageInboundEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			b.Fatal(err)
		}
	}
}
