package hmac_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/relaykit/sinch-go/hmac"
)

// Sign a test payload and post it to your own handler, exactly as Sinch would.
func ExampleHeaders() {
	secret := "my-webhook-secret"
	body := []byte(`{"app_id":"01W4FFL35P4NC4K35CONVAPP001","message":{"id":"01W4FFL35P4NC4K35MSG00001"}}`)

	req := httptest.NewRequest(http.MethodPost, "/sinch/callbacks", bytes.NewReader(body))
	hmac.SignRequest(req, secret, body, time.Now())

	// Your handler verifies it with the same secret.
	v, _ := hmac.NewVerifier([]string{secret})
	fmt.Println("verified:", v.Verify(req.Header, body) == nil)
	// Output: verified: true
}

// The bare signature for fixed inputs, as documented by Sinch:
// base64(HMAC-SHA256(secret, body + "." + nonce + "." + timestamp)).
func ExampleSign() {
	fmt.Println(hmac.Sign("s3cr3t", []byte(`{"a":1}`), "nonce-1", "1700000000"))
	// Output: YBUnb+QqrNSz51U9CWKIG6uEdag3SPPQtywtoaLZaXk=
}

// Verify during a secret rotation, with a tighter window than the default.
func ExampleVerifier_Verify() {
	body := []byte(`{"event":{"id":"01W4FFL35P4NC4K35EVT00001"}}`)
	h := hmac.Headers("old-secret", body, time.Now()) // still signed with the old secret

	v, err := hmac.NewVerifier([]string{"new-secret", "old-secret"}, hmac.WithTolerance(2*time.Minute))
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Verify(h, body))

	h.Set(hmac.HeaderSignature, hmac.Sign("attacker", body, h.Get(hmac.HeaderNonce), h.Get(hmac.HeaderTimestamp)))
	fmt.Println(v.Verify(h, body))
	// Output:
	// <nil>
	// hmac: invalid signature
}
