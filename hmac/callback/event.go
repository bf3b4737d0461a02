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

// The triggers whose callbacks Parse recognises, and the key that identifies each payload.
const (
	TriggerMessageDelivery                          Trigger = "MESSAGE_DELIVERY"                             // message_delivery_report
	TriggerMessageSubmit                            Trigger = "MESSAGE_SUBMIT"                               // message_submit_notification
	TriggerMessageInbound                           Trigger = "MESSAGE_INBOUND"                              // message
	TriggerMessageInboundSmartConversationRedaction Trigger = "MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION" // message_redaction
	TriggerEventDelivery                            Trigger = "EVENT_DELIVERY"                               // event_delivery_report
	TriggerEventInbound                             Trigger = "EVENT_INBOUND"                                // event
	TriggerSmartConversation                        Trigger = "SMART_CONVERSATION"                           // smart_conversation_notification
	TriggerConversationStart                        Trigger = "CONVERSATION_START"                           // conversation_start_notification
	TriggerConversationStop                         Trigger = "CONVERSATION_STOP"                            // conversation_stop_notification
	TriggerConversationDelete                       Trigger = "CONVERSATION_DELETE"                          // conversation_delete_notification
	TriggerContactCreate                            Trigger = "CONTACT_CREATE"                               // contact_create_notification
	TriggerContactDelete                            Trigger = "CONTACT_DELETE"                               // contact_delete_notification
	TriggerContactMerge                             Trigger = "CONTACT_MERGE"                                // contact_merge_notification
	TriggerContactUpdate                            Trigger = "CONTACT_UPDATE"                               // contact_update_notification
	TriggerContactIdentitiesDuplication             Trigger = "CONTACT_IDENTITIES_DUPLICATION"               // duplicated_contact_identities_notification
	TriggerUnsupported                              Trigger = "UNSUPPORTED"                                  // unsupported_callback
	TriggerOptIn                                    Trigger = "OPT_IN"                                       // opt_in_notification
	TriggerOptOut                                   Trigger = "OPT_OUT"                                      // opt_out_notification
	TriggerChannelEvent                             Trigger = "CHANNEL_EVENT"                                // channel_event_notification
	TriggerCapability                               Trigger = "CAPABILITY"                                   // capability_notification
	TriggerRecordNotification                       Trigger = "RECORD_NOTIFICATION"                          // record_notification

	// TriggerUnknown is what an [*UnknownEvent] reports: a payload with no key Parse knows.
	TriggerUnknown Trigger = ""
)

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

func envelope(appID, projectID string, accepted, eventTime time.Time, metadata, correlation string) Envelope {
	return Envelope{
		AppID:           appID,
		ProjectID:       projectID,
		AcceptedTime:    accepted,
		EventTime:       eventTime,
		MessageMetadata: metadata,
		CorrelationID:   correlation,
	}
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
