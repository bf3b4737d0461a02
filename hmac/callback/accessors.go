package callback

import (
	"encoding/json"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// Hand-written accessors over the generated payloads, so that handler code reads what it needs
// without walking optional parts by hand. The models are value types: a part that is absent is
// its zero value, so every accessor here answers (an empty string, a zero value) rather than
// panicking, whatever Sinch left out.

// MessageKind names what a contact message holds; a contact message holds exactly one kind
// (https://developers.sinch.com/docs/conversation/api-reference/conversation/tag/Messages,
// ContactMessage).
type MessageKind string

// The kinds of contact messages.
const (
	KindNone            MessageKind = ""                 // no content this package models
	KindText            MessageKind = "text"             // text_message
	KindMedia           MessageKind = "media"            // media_message: image, video, audio, document
	KindMediaCard       MessageKind = "media_card"       // media_card_message: media with a caption
	KindLocation        MessageKind = "location"         // location_message
	KindChoiceResponse  MessageKind = "choice_response"  // choice_response_message: a button pressed
	KindProductResponse MessageKind = "product_response" // product_response_message: a cart
	KindFallback        MessageKind = "fallback"         // fallback_message: content the API could not map
	KindChannelSpecific MessageKind = "channel_specific" // channel_specific_message (WhatsApp flows)
)

// KindOf reports the kind of content m holds, or KindNone when it holds none this package
// models (see the raw body then).
func KindOf(m conversation.ContactMessage) MessageKind {
	switch {
	case m.TextMessage.Text != "":
		return KindText
	case m.MediaMessage.URL != "":
		return KindMedia
	case m.MediaCardMessage.URL != "":
		return KindMediaCard
	case m.ChoiceResponseMessage != (conversation.ChoiceResponseMessage{}):
		return KindChoiceResponse
	case m.LocationMessage.Coordinates != (conversation.Coordinates{}) || m.LocationMessage.Title != "":
		return KindLocation
	case len(m.ProductResponseMessage.Products) > 0 || m.ProductResponseMessage.CatalogID != "":
		return KindProductResponse
	case m.FallbackMessage.RawMessage != "" || m.FallbackMessage.Reason.Code != "":
		return KindFallback
	case m.ChannelSpecificMessage.MessageType != "":
		return KindChannelSpecific
	}
	return KindNone
}

// Kind reports the kind of the inbound contact message (KindText, KindMedia, ...).
func (e *MessageInboundEvent) Kind() MessageKind { return KindOf(e.Message.ContactMessage) }

// Text returns the text of a text message, or "" for any other kind.
func (e *MessageInboundEvent) Text() string { return e.Message.ContactMessage.TextMessage.Text }

// MediaURL returns the URL of a media or media card message, or "" for any other kind. Media
// URLs from channels expire; fetch the file soon.
func (e *MessageInboundEvent) MediaURL() string {
	cm := e.Message.ContactMessage
	if cm.MediaMessage.URL != "" {
		return cm.MediaMessage.URL
	}
	return cm.MediaCardMessage.URL
}

// Postback returns the postback data of the choice the contact picked (a choice response), or
// "" for any other kind.
func (e *MessageInboundEvent) Postback() string {
	return e.Message.ContactMessage.ChoiceResponseMessage.PostbackData
}

// Channel returns the channel the message came in on: channel_identity.channel, or the
// `channel` field of older payloads that have no channel identity.
func (e *MessageInboundEvent) Channel() conversation.ConversationChannel {
	if c := e.Message.ChannelIdentity.Channel; c != "" {
		return c
	}
	return e.Message.Channel
}

// ReplyTo returns the recipient that answers the contact on the channel and identity the message
// came from; send it with the event's AppID:
//
//	client.Conversation.Messages.Send(ctx, sinch.SendMessageRequest{AppID: ev.AppID,
//		Recipient: ev.ReplyTo(), Message: sinch.Text("You said: " + ev.Text())})
//
// When the payload has no channel identity (older payloads), it addresses the contact by id; the
// zero Recipient means the payload names neither.
func (e *MessageInboundEvent) ReplyTo() conversation.Recipient {
	return replyTo(e.Message.ChannelIdentity, e.Message.ContactID)
}

// ReplyTo returns the recipient that answers the contact on the channel and identity the event
// came from (see [MessageInboundEvent.ReplyTo]).
func (e *EventInboundEvent) ReplyTo() conversation.Recipient {
	return replyTo(e.Event.ChannelIdentity, e.Event.ContactID)
}

func replyTo(ci conversation.ChannelIdentity, contactID string) conversation.Recipient {
	if ci.Channel != "" && ci.Identity != "" {
		return conversation.Recipient{IdentifiedBy: conversation.IdentifiedBy{
			ChannelIdentities: []conversation.ChannelRecipientIdentity{{Channel: ci.Channel, Identity: ci.Identity}},
		}}
	}
	if contactID != "" {
		return conversation.Recipient{ContactID: contactID}
	}
	return conversation.Recipient{}
}

// Reason returns why the message failed or fell back. Payloads of 2020 carry the reason as a
// string ("" on success), which the typed field cannot hold; a non-empty one comes back as the
// Description of a Reason with no Code.
func (e *MessageDeliveryEvent) Reason() conversation.Reason {
	return reasonOf(e.MessageDeliveryReport.Reason, e.skipped, "message_delivery_report.reason", e.raw, "message_delivery_report")
}

// Reason returns why the event failed (see [MessageDeliveryEvent.Reason]).
func (e *EventDeliveryEvent) Reason() conversation.Reason {
	return reasonOf(e.EventDeliveryReport.Reason, e.skipped, "event_delivery_report.reason", e.raw, "event_delivery_report")
}

// reasonOf is the typed reason, or, when the parser skipped it, the string it held.
func reasonOf(r conversation.Reason, skipped []string, path string, raw []byte, key string) conversation.Reason {
	if r != (conversation.Reason{}) {
		return r
	}
	for _, s := range skipped {
		if s != path {
			continue
		}
		var body map[string]json.RawMessage
		var report struct {
			Reason json.RawMessage `json:"reason"`
		}
		var text string
		if json.Unmarshal(raw, &body) == nil && json.Unmarshal(body[key], &report) == nil &&
			json.Unmarshal(report.Reason, &text) == nil {
			return conversation.Reason{Description: text}
		}
	}
	return r
}
