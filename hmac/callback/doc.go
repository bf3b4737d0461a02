// Package callback turns the raw body of a Sinch Conversation API callback into a typed event:
// one type for each of the 21 Conversation API webhook triggers, and one for the Batch API's
// BATCH_STATUS_UPDATE.
//
// Sinch puts no trigger name in the body: each payload carries the common envelope (app_id,
// project_id, accepted_time, event_time, message_metadata, correlation_id) and exactly one key
// that names its kind (message_delivery_report, message, event, contact_create_notification, ...).
// [Parse] finds that key with a single fast pass over the top-level object, then decodes the body
// once into the generated payload type of package gen/conversation, which each event embeds: a
// [*MessageInboundEvent] has every field of conversation.MessageInboundEvent (ev.Message,
// ev.AppID, ...) plus the methods of [Event].
//
// A body whose key this package does not know (a trigger Sinch added later) is not an error: it
// comes back as an [*UnknownEvent] carrying the raw JSON and the envelope. Bodies that are not a
// JSON object, that do not decode into the payload type of their key, or that carry the keys of
// two different triggers are errors wrapping [ErrMalformed] or [ErrAmbiguous].
//
// Parse only parses; verify the signature over the same raw bytes first (package hmac), or use
// the ready handler in hmac/webhook, which does both and deduplicates by [Event.DedupKey].
package callback
