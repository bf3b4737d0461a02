package hmac

import (
	stdhmac "crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sentinel errors returned (wrapped) by [Verifier.Verify]; test for them with [errors.Is].
var (
	// ErrMissingHeader: the signature, nonce or timestamp header is absent or empty. The
	// message names the header.
	ErrMissingHeader = errors.New("hmac: missing signature header")
	// ErrUnsupportedAlgorithm: the algorithm header names something other than HmacSHA256.
	ErrUnsupportedAlgorithm = errors.New("hmac: unsupported signature algorithm")
	// ErrInvalidTimestamp: the timestamp header is not a decimal number of Unix seconds.
	ErrInvalidTimestamp = errors.New("hmac: timestamp header is not Unix seconds")
	// ErrInvalidSignature: the signature is not padded base64 of 32 bytes, or no configured
	// secret produces it over this body, nonce and timestamp.
	ErrInvalidSignature = errors.New("hmac: invalid signature")
	// ErrTooOld: the signature is genuine but its timestamp lies further in the past than the
	// tolerance allows (a replay, or a callback held up for too long).
	ErrTooOld = errors.New("hmac: signature timestamp too old")
	// ErrTooNew: the signature is genuine but its timestamp lies further in the future than the
	// tolerance allows (usually a clock that is badly off on one side).
	ErrTooNew = errors.New("hmac: signature timestamp too far in the future")
	// ErrNoSecret: a Verifier was requested without any secret, or with an empty one.
	ErrNoSecret = errors.New("hmac: no webhook secret configured")
)

// DefaultTolerance is how far the signature timestamp may lie from the verifier's clock, in
// either direction, unless [WithTolerance] says otherwise.
//
// Why five minutes: Sinch documents the timestamp as the moment the signature was computed and
// the nonce as unique to the request, and asks receivers to reject repeated nonces. A retried
// callback therefore carries a fresh nonce and timestamp (re-using them would make every retry
// look like a replay to the receivers that follow that advice), so the window only has to cover
// network transit and clock skew between Sinch and the receiver, not the hours over which the
// exponential backoff spreads the retries. Five minutes covers ordinary skew and slow transit with
// room to spare while bounding how long a captured request can be replayed; it is also the window
// stripe-go and openai-go use. If your clock cannot be kept in sync, widen it with [WithTolerance];
// a zero tolerance disables the check (the signature is still verified). The hmac/webhook handler
// additionally remembers the events it has processed, so a replay inside the window is not
// processed twice.
const DefaultTolerance = 5 * time.Minute

// Option configures a [Verifier].
type Option func(*Verifier)

// WithTolerance sets how far the signature timestamp may lie from the current time, in either
// direction. A value of zero or less disables the timestamp check. The default is
// [DefaultTolerance].
func WithTolerance(d time.Duration) Option {
	return func(v *Verifier) { v.tolerance = d }
}

// WithClock replaces the clock (time.Now by default) that timestamps are compared with; for tests.
func WithClock(now func() time.Time) Option {
	return func(v *Verifier) {
		if now != nil {
			v.now = now
		}
	}
}

// Verifier checks signed callbacks. It is safe for concurrent use; build it once and share it.
type Verifier struct {
	keys      []*key
	tolerance time.Duration
	now       func() time.Time
}

// key is one secret with a pool of keyed HMAC states (Reset restores the keyed state cheaply).
type key struct {
	pool sync.Pool
}

func newKey(secret []byte) *key {
	k := &key{}
	s := append([]byte(nil), secret...)
	k.pool.New = func() any { return stdhmac.New(sha256.New, s) }
	return k
}

// NewVerifier returns a Verifier that accepts a callback signed with any of secrets. Pass the new
// secret and the old one while rotating, then drop the old one. It fails with [ErrNoSecret] when
// secrets is empty or holds an empty secret.
func NewVerifier[S Secret](secrets []S, opts ...Option) (*Verifier, error) {
	if len(secrets) == 0 {
		return nil, ErrNoSecret
	}
	v := &Verifier{tolerance: DefaultTolerance, now: time.Now}
	for i, s := range secrets {
		if len(s) == 0 {
			return nil, fmt.Errorf("%w (secret %d of %d is empty)", ErrNoSecret, i+1, len(secrets))
		}
		v.keys = append(v.keys, newKey([]byte(s)))
	}
	for _, o := range opts {
		if o != nil {
			o(v)
		}
	}
	return v, nil
}

// Verify is a one-off [Verifier.Verify] with a single secret. Prefer building a Verifier once when
// verifying many requests.
func Verify[S Secret](header http.Header, body []byte, secret S, opts ...Option) error {
	v, err := NewVerifier([]S{secret}, opts...)
	if err != nil {
		return err
	}
	return v.Verify(header, body)
}

// Tolerance reports the timestamp tolerance in force (zero or less: not checked).
func (v *Verifier) Tolerance() time.Duration { return v.tolerance }

// Verify checks the signature headers in header against body, which must be the exact bytes
// received. It returns nil when one of the secrets produced the signature and the timestamp lies
// within the tolerance; otherwise an error wrapping one of the package's sentinel errors. The
// checks run in this order: headers present, algorithm, timestamp syntax, signature, timestamp
// window; so ErrTooOld and ErrTooNew are only reported for genuine signatures.
func (v *Verifier) Verify(header http.Header, body []byte) error {
	sig := headerValue(header, HeaderSignature)
	if sig == "" {
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderSignature)
	}
	nonce := headerValue(header, HeaderNonce)
	if nonce == "" {
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderNonce)
	}
	ts := headerValue(header, HeaderTimestamp)
	if ts == "" {
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderTimestamp)
	}
	// An absent algorithm header means the one algorithm Sinch uses; a present one must name it.
	if alg := headerValue(header, HeaderAlgorithm); alg != "" && !strings.EqualFold(alg, AlgorithmHmacSHA256) {
		return fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, clip(alg, 32))
	}
	unix, ok := parseUnix(ts)
	if !ok {
		return fmt.Errorf("%w: %q", ErrInvalidTimestamp, clip(ts, 32))
	}

	var got [48]byte // room for DecodedLen of the 44-character encoding
	if len(sig) != base64.StdEncoding.EncodedLen(sha256.Size) {
		return fmt.Errorf("%w: not base64 of a 32-byte digest", ErrInvalidSignature)
	}
	n, err := base64.StdEncoding.Decode(got[:], []byte(sig))
	if err != nil || n != sha256.Size {
		return fmt.Errorf("%w: not base64 of a 32-byte digest", ErrInvalidSignature)
	}
	matched := false
	var want [sha256.Size]byte
	for _, k := range v.keys {
		m := k.pool.Get().(hash.Hash)
		m.Reset()
		mac(m, body, nonce, ts, &want)
		k.pool.Put(m)
		if stdhmac.Equal(want[:], got[:sha256.Size]) {
			matched = true
			break
		}
	}
	if !matched {
		return ErrInvalidSignature
	}

	if v.tolerance > 0 {
		age := v.now().Sub(time.Unix(unix, 0))
		switch {
		case age > v.tolerance:
			return fmt.Errorf("%w: signed %s ago, tolerance %s", ErrTooOld, age.Truncate(time.Second), v.tolerance)
		case age < -v.tolerance:
			return fmt.Errorf("%w: signed %s ahead, tolerance %s", ErrTooNew, (-age).Truncate(time.Second), v.tolerance)
		}
	}
	return nil
}

// headerValue returns the first value of the header named canonical (in canonical form), matching
// the name without regard to case so that hand-built maps with lower-case keys work too.
func headerValue(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h {
		if len(v) > 0 && len(k) == len(canonical) && strings.EqualFold(k, canonical) {
			return v[0]
		}
	}
	return ""
}

// parseUnix accepts 1 to 18 decimal digits (no sign, no spaces), which covers every date Sinch can
// send without risk of overflow.
func parseUnix(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// clip shortens attacker-controlled header text before it goes into an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
