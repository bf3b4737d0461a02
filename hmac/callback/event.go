package callback

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// Trigger names the webhook trigger that produced a callback. It is the generated
// conversation.WebhookTrigger, so the values match those used when registering a webhook.
type Trigger = conversation.WebhookTrigger

// TriggerUnknown is what an [*UnknownEvent] reports: a payload with no key Parse knows. The
// other triggers, one per typed event, are in events_gen.go.
const TriggerUnknown Trigger = ""

// Event is a parsed callback. Every event type of this package implements it; the concrete type
// (found with a type switch, or by registering a typed function with hmac/webhook) gives access
// to the payload fields.
type Event interface {
	// Trigger reports the webhook trigger the payload belongs to ([TriggerUnknown] for an
	// [*UnknownEvent]).
	Trigger() Trigger
	// Envelope returns the fields common to every callback.
	Envelope() Envelope
	// DedupKey identifies the occurrence this callback reports, so that a retried delivery of
	// the same callback yields the same key. It starts with the trigger name and holds ids only,
	// never message content. When the payload has no natural identity the key is the trigger
	// plus a SHA-256 of the raw body.
	DedupKey() string
	// RawJSON returns the body the event was parsed from. It is the caller's slice, not a copy.
	RawJSON() []byte
}

// Envelope holds the fields every callback carries beside its trigger-specific payload. Absent
// fields are zero.
type Envelope struct {
	AppID           string    // the app whose webhook received the callback
	ProjectID       string    // the project that owns the app
	AcceptedTime    time.Time // when the Conversation API accepted the underlying event
	EventTime       time.Time // when the event happened, as the channel reports it
	MessageMetadata string    // metadata whose meaning depends on the trigger
	CorrelationID   string    // the correlation_id of the send request this callback relates to
}

// rawBody is embedded in every event to hold the bytes it was parsed from, and the paths of
// the values that did not fit the generated type.
type rawBody struct {
	raw     []byte
	skipped []string
}

// RawJSON returns the body the event was parsed from (not a copy).
func (r *rawBody) RawJSON() []byte { return r.raw }

// Skipped lists the JSON paths (for example "message_delivery_report.reason") of the values
// Parse left at their zero value because they did not fit their field's type, at most 16; nil
// when everything fitted. The values are still in RawJSON. A non-empty list means Sinch sent a
// shape this package does not model: worth a log line, never a reason to refuse the callback.
func (r *rawBody) Skipped() []string { return r.skipped }

func (r *rawBody) setRaw(b []byte) { r.raw = b }

func (r *rawBody) setSkipped(s []string) { r.skipped = s }

// dedupKey joins the trigger and the identifying parts of a payload. With no primary id (first
// part empty) it falls back to a digest of the raw body.
func dedupKey(t Trigger, raw []byte, id string, more ...string) string {
	if id == "" {
		return bodyKey(t, raw)
	}
	n := len(t) + 1 + len(id)
	for _, m := range more {
		n += 1 + len(m)
	}
	b := make([]byte, 0, n)
	b = append(b, t...)
	b = append(b, ':')
	b = append(b, id...)
	for _, m := range more {
		b = append(b, ':')
		b = append(b, m...)
	}
	return string(b)
}

// bodyKey is the trigger plus the hex SHA-256 of the raw body.
func bodyKey(t Trigger, raw []byte) string {
	sum := sha256.Sum256(raw)
	return string(t) + ":sha256:" + hex.EncodeToString(sum[:])
}
