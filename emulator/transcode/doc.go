// Package transcode renders a Conversation API app message the way each channel receives it.
//
// The Conversation API takes one generic message (text, media, template, choice, card,
// carousel, location, contact info, list, or a raw per-channel payload) and transcodes it
// for every channel it tries: natively where the channel has the kind, as plain text where it
// does not (https://developers.sinch.com/docs/conversation/message-types/ has the table of
// native support). This package is that transcoder for the emulator. It is pure Go and does no
// I/O, so the same code answers POST /v1/projects/{project}/messages:transcode, records what
// delivery put on each channel it tried, and draws each message in the web inbox.
//
// # Using it
//
//	res, err := transcode.Transcode(transcode.SMS, msg, transcode.Options{
//		ChannelProperties: map[string]string{"SMS_MAX_NUMBER_OF_MESSAGE_PARTS": "2"},
//	})
//	if err != nil { ... }            // the message cannot be transcoded at all (a 400)
//	res.Native                       // the channel shows this kind natively
//	res.Form                         // what the channel shows, e.g. FormWhatsAppButtons
//	res.JSON                         // the channel payload messages:transcode answers
//	res.Text                         // what a text-only screen shows
//	res.SMS                          // encoding and parts (SMS channel only)
//	if v, failed := res.Failure(); failed { ... v.Reason ... } // delivery fails with this code
//
// [Transcode] returns an error only for a request the API rejects outright (no content, two
// kinds at once, an unknown channel, a malformed channel property); each such error wraps
// [ErrInvalid] and its text is the sentence to put in the 400. A message that is valid but breaks a channel's limit is not an error: the
// [Result] lists the [Violation]s with the reason code the API reports in its MESSAGE_DELIVERY
// callback, and [Result.Failure] says whether delivery on that channel fails. [Check] gives
// that failure alone, without building the channel payload (the emulator's delivery checks of
// every message use it).
//
// # What each channel gets
//
// A template_message is sent as the channel's own template where channel_template names one
// (WhatsApp, KakaoTalk); an omni_template is looked up through [Options].Template, filled with
// its parameters and transcoded as its content; without a lookup it shows as its reference.
//
// The mapping of every kind on every channel is in the table of [Native] and in the files
// named after the channels (whatsapp.go, rcs.go, messenger.go, ...), each rule with the Sinch
// page it comes from. The plain-text rendering (text.go) is shared by every channel that lacks a
// kind: a choice message lists its choices, a card shows its title, description, media URL and
// choices, a carousel its cards, a location its title, label, coordinates and a maps link, a
// list its sections and items, and a contact card its fields.
//
// # Limits
//
// Where the message breaks a channel's limit, the API either changes the message and delivers it
// (a [Violation] with Fails false) or fails delivery on that channel (Fails true, with Reason):
//
//   - sent as text instead: WhatsApp reply buttons and button cards outside their documented
//     conditions (at most 3 text choices of at most 20 characters without Markdown, distinct,
//     postback data of at most 229, a body of at most 1024, a card description of at most 60;
//     a card with media becomes a captioned media message); Messenger choices beyond 3 and cards
//     with more than 3 buttons; Instagram choices that are not text or beyond 13; LINE choice
//     messages beyond 4 choices or 160 characters; Viber Business choices other than one URL;
//     KakaoTalk beyond 5 buttons; Apple list pickers with non-text choices;
//   - cut: Viber Business text at 1000 characters, an MMS subject (a card title) at 80;
//   - MESSAGE_SPLIT_REQUIRED: an SMS needing more parts than SMS_MAX_NUMBER_OF_MESSAGE_PARTS;
//   - BAD_REQUEST (the reference's code for a failure of the channel-specific validation done
//     while a message is processed; see reject in render.go): WhatsApp text beyond 4096
//     characters, list messages beyond 10 items or with row titles beyond 24 or descriptions
//     beyond 72 characters, a product list without message_properties.catalog_id; RCS card
//     titles beyond 200, descriptions beyond 2000, more than 4 choices on a card, suggestion
//     texts beyond 25; Telegram texts beyond 4096, captions beyond 1024, callback data beyond
//     64 bytes; LINE templates beyond their action, title, text and label limits.
//
// The SMS facts (sms.go) follow Sinch's character-support page: GSM-7 when every character is
// in the GSM 03.38 default alphabet or its extension table (extension characters count twice),
// UCS-2 otherwise; one part holds 160 GSM-7 or 70 UCS-2 units, a part of a longer message 153
// or 67. SMS_MAX_NUMBER_OF_MESSAGE_PARTS caps the parts; a message needing more fails.
package transcode
