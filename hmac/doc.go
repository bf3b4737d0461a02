// Package hmac signs and verifies the HMAC signatures that the Sinch Conversation API puts on the
// callbacks it posts to a webhook that has a secret.
//
// # The scheme
//
// Sinch sends four headers with every signed callback:
//
//	x-sinch-webhook-signature            base64(HMAC-SHA256(secret, body + "." + nonce + "." + timestamp))
//	x-sinch-webhook-signature-nonce      a value unique to the request
//	x-sinch-webhook-signature-timestamp  Unix seconds (UTC) at which the signature was computed
//	x-sinch-webhook-signature-algorithm  HmacSHA256
//
// The body in the formula is the exact sequence of bytes received. Decoding the JSON and encoding it
// again changes those bytes (key order, spacing, escapes) and breaks the signature, so [Verifier]
// works on the raw body and nothing else. Header names are matched without regard to case.
//
// # Verifying
//
// A [Verifier] holds one or more secrets (several during a secret rotation: the callback is
// accepted when any of them produced the signature), compares signatures in constant time, refuses
// any algorithm other than HmacSHA256, and checks that the timestamp lies within a tolerance of the
// current time in both directions. Every failure wraps one of the sentinel errors ([ErrMissingHeader],
// [ErrInvalidSignature], [ErrTooOld], ...) for use with [errors.Is]; no error message contains a
// secret or a signature.
//
// # Signing
//
// [Sign] is the bare computation and [Headers] produces the full header set (with a fresh random
// nonce) for a body, so that tests and the local emulator can post callbacks that a real handler
// accepts.
//
// The sub-packages build on this one: hmac/callback turns a verified body into a typed event, and
// hmac/webhook is a ready [net/http.Handler] that verifies, parses, deduplicates and dispatches.
package hmac
