package hmac

import (
	stdhmac "crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/http"
	"strconv"
	"time"
)

// Header names of the signature scheme, in the canonical form that [net/http.Header] uses. Lookups
// in this package ignore case, so callers may spell them in any case.
const (
	HeaderSignature = "X-Sinch-Webhook-Signature"
	HeaderNonce     = "X-Sinch-Webhook-Signature-Nonce"
	HeaderTimestamp = "X-Sinch-Webhook-Signature-Timestamp"
	HeaderAlgorithm = "X-Sinch-Webhook-Signature-Algorithm"
)

// AlgorithmHmacSHA256 is the only value of the algorithm header that Sinch sends today and the only
// one a [Verifier] accepts.
const AlgorithmHmacSHA256 = "HmacSHA256"

// Secret is the type of a webhook secret: a string (as configured on the webhook) or its bytes.
type Secret interface{ ~string | ~[]byte }

// Sign returns the signature Sinch would put in the x-sinch-webhook-signature header for body,
// nonce and timestamp (the decimal Unix seconds, exactly as sent in the timestamp header):
// base64 with padding of HMAC-SHA256(secret, body + "." + nonce + "." + timestamp).
func Sign[S Secret](secret S, body []byte, nonce, timestamp string) string {
	m := stdhmac.New(sha256.New, []byte(secret))
	var sum [sha256.Size]byte
	mac(m, body, nonce, timestamp, &sum)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// mac writes HMAC(body "." nonce "." timestamp) into out using m, which must be freshly reset.
func mac(m hash.Hash, body []byte, nonce, timestamp string, out *[sha256.Size]byte) {
	m.Write(body)
	writeString(m, ".")
	writeString(m, nonce)
	writeString(m, ".")
	writeString(m, timestamp)
	m.Sum(out[:0])
}

// writeString feeds s to h without converting it to a new byte slice when h supports it.
func writeString(h hash.Hash, s string) {
	if sw, ok := h.(interface{ WriteString(string) (int, error) }); ok {
		_, _ = sw.WriteString(s)
		return
	}
	_, _ = h.Write([]byte(s))
}

// NewNonce returns a fresh random nonce: 32 hexadecimal digits from crypto/rand.
func NewNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24.
	return hex.EncodeToString(b[:])
}

// Headers returns the four signature headers for body as Sinch would send them at time now: a
// fresh random nonce, the timestamp in Unix seconds, the algorithm and the signature. Add them to
// a request (see [SignRequest]) to post a callback that a [Verifier] with the same secret accepts.
func Headers[S Secret](secret S, body []byte, now time.Time) http.Header {
	return HeadersWithNonce(secret, body, NewNonce(), now)
}

// HeadersWithNonce is [Headers] with a nonce chosen by the caller, for reproducible tests.
func HeadersWithNonce[S Secret](secret S, body []byte, nonce string, now time.Time) http.Header {
	ts := strconv.FormatInt(now.Unix(), 10)
	h := make(http.Header, 4)
	h.Set(HeaderSignature, Sign(secret, body, nonce, ts))
	h.Set(HeaderNonce, nonce)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderAlgorithm, AlgorithmHmacSHA256)
	return h
}

// SignRequest sets the four signature headers for body on req, signed at time now. The body must
// be the exact bytes that req sends.
func SignRequest[S Secret](req *http.Request, secret S, body []byte, now time.Time) {
	if req.Header == nil {
		req.Header = make(http.Header, 4)
	}
	for k, v := range Headers(secret, body, now) {
		req.Header[k] = v
	}
}
