// Package recipient builds the recipient of a Conversation API message: a contact id, one
// channel identity, or an ordered list of channel identities to fall back through.
package recipient

import "github.com/relaykit/sinch-go/gen/conversation"

// Contact addresses a contact by its Conversation API contact id.
func Contact(contactID string) conversation.Recipient {
	return conversation.Recipient{ContactID: contactID}
}

// Identity addresses one channel identity directly (a phone number for SMS, WhatsApp, RCS and
// MMS; a page-scoped id for Messenger; ...), without a contact id.
func Identity(channel conversation.ConversationChannel, identity string) conversation.Recipient {
	return conversation.Recipient{IdentifiedBy: conversation.IdentifiedBy{
		ChannelIdentities: []conversation.ChannelRecipientIdentity{{Channel: channel, Identity: identity}},
	}}
}

// Target is one (channel, identity) pair in a fallback list.
type Target struct {
	Channel  conversation.ConversationChannel
	Identity string
}

// On returns a Target for any channel.
func On(channel conversation.ConversationChannel, identity string) Target {
	return Target{Channel: channel, Identity: identity}
}

// SMS returns an SMS Target for a phone number in E.164 form (+46701234567).
func SMS(phone string) Target { return On(conversation.ConversationChannel("SMS"), phone) }

// WhatsApp returns a WhatsApp Target for a phone number in E.164 form.
func WhatsApp(phone string) Target { return On(conversation.ConversationChannel("WHATSAPP"), phone) }

// RCS returns an RCS Target for a phone number in E.164 form.
func RCS(phone string) Target { return On(conversation.ConversationChannel("RCS"), phone) }

// MMS returns an MMS Target for a phone number in E.164 form.
func MMS(phone string) Target { return On(conversation.ConversationChannel("MMS"), phone) }

// Fallback addresses a contact on several channels, tried in the given order: Sinch sends on the
// first channel and falls back to the next when it cannot deliver. The result is one value, the
// recipient identified by every target in order; without a channel_priority_order the API uses
// that order, and the sinch client's Messages.Send also states it as channel_priority_order.
//
//	req := conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS(phone), recipient.WhatsApp(phone)), Message: message.Text("Hi")}
func Fallback(targets ...Target) conversation.Recipient {
	ids := make([]conversation.ChannelRecipientIdentity, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, conversation.ChannelRecipientIdentity{Channel: t.Channel, Identity: t.Identity})
	}
	return conversation.Recipient{IdentifiedBy: conversation.IdentifiedBy{ChannelIdentities: ids}}
}
