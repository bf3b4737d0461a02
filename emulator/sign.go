package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// signatureHeaders signs a callback body as Sinch does: base64(HMAC-SHA256(secret,
// body + "." + nonce + "." + timestamp)).
func signatureHeaders(secret string, body []byte, nonce, timestamp string) map[string]string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	m.Write([]byte("." + nonce + "." + timestamp))
	return map[string]string{
		"x-sinch-webhook-signature":           base64.StdEncoding.EncodeToString(m.Sum(nil)),
		"x-sinch-webhook-signature-nonce":     nonce,
		"x-sinch-webhook-signature-timestamp": timestamp,
		"x-sinch-webhook-signature-algorithm": "HmacSHA256",
	}
}
