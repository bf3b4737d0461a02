package sinch

import (
	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
	"github.com/relaykit/sinch-go/hmac/callback"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
)

// The types and builders of everyday code, re-exported so that sending messages, walking lists,
// using templates and sending events need this package only. They are aliases: a
// sinch.SendMessageRequest is a conversation.SendMessageRequest, so code that imports the
// generated packages mixes freely with code that does not.

// Messages.
type (
	// SendMessageRequest is the body of Messages.Send.
	SendMessageRequest = conversation.SendMessageRequest
	// SendMessageResponse is what Messages.Send returns: the message id and when it was accepted.
	SendMessageResponse = conversation.SendMessageResponse
	// AppMessage is a message sent by an app: exactly one kind (text, media, card, ...). Build it
	// with Text, Media, Card, Choices, Carousel, List, Location, ContactInfo or TemplateMessage.
	AppMessage = conversation.AppMessage
	// Message is a message as Messages.List and Messages.Get return it.
	Message = conversation.ConversationMessage
	// GetMessageParams chooses the message store of Messages.Get.
	GetMessageParams = conversation.GetMessageParams
	// ListMessagesParams filters Messages.List.
	ListMessagesParams = conversation.ListMessagesParams
	// MessageSource is the message store a list reads (see Messages.ListSent).
	MessageSource = conversation.MessageSource
	// Choice is one button of a card, a choice message or a carousel.
	Choice = conversation.Choice
	// MediaOption adjusts a media message (Thumbnail, Filename).
	MediaOption = message.MediaOption
)

// The message stores.
const (
	MessageSourceConversation = conversation.MessageSourceConversation
	MessageSourceDispatch     = conversation.MessageSourceDispatch
)

// Recipients and channels.
type (
	// Recipient addresses a message: a contact id (ToContact) or channel identities (To,
	// Fallback).
	Recipient = conversation.Recipient
	// Channel is a messaging channel (SMS, WHATSAPP, RCS, ...).
	Channel = conversation.ConversationChannel
	// Target is one (channel, identity) pair: SMS, WhatsApp, RCS, MMS or On.
	Target = recipient.Target
)

// The channels.
const (
	ChannelSMS       = conversation.ConversationChannelSMS
	ChannelWhatsApp  = conversation.ConversationChannelWhatsApp
	ChannelRCS       = conversation.ConversationChannelRCS
	ChannelMMS       = conversation.ConversationChannelMMS
	ChannelMessenger = conversation.ConversationChannelMessenger
	ChannelInstagram = conversation.ConversationChannelInstagram
	ChannelViberBM   = conversation.ConversationChannelViberBM
	ChannelTelegram  = conversation.ConversationChannelTelegram
	ChannelKakaoTalk = conversation.ConversationChannelKakaoTalk
	ChannelLINE      = conversation.ConversationChannelLINE
	ChannelWeChat    = conversation.ConversationChannelWeChat
	ChannelAppleBC   = conversation.ConversationChannelAppleBC
)

// Contacts, apps, webhooks.
type (
	// Contact is a contact of the project.
	Contact = conversation.Contact
	// ContactCreateRequest is the body of Contacts.Create.
	ContactCreateRequest = conversation.ContactCreateRequest
	// ChannelIdentity is how a contact is reached on one channel (a phone number on SMS, ...).
	ChannelIdentity = conversation.ChannelIdentity
	// ListContactsParams filters Contacts.List.
	ListContactsParams = conversation.ListContactsParams
	// App is a Conversation API app.
	App = conversation.App
	// Webhook is an app's webhook.
	Webhook = conversation.Webhook
	// CreateWebhookRequest is the body of Webhooks.Create.
	CreateWebhookRequest = conversation.CreateWebhookRequest
	// WebhookTrigger names what a webhook is called for (MESSAGE_INBOUND, MESSAGE_DELIVERY, ...).
	WebhookTrigger = conversation.WebhookTrigger
)

// Templates.
type (
	// Template is a template of the Template Management API.
	Template = templates.Template
	// CreateTemplateRequest is the body of Templates.Create.
	CreateTemplateRequest = templates.CreateTemplateRequest
	// TemplateTranslation is one language version of a template.
	TemplateTranslation = templates.TemplateTranslation
	// TemplateVariable is a ${name} variable of a translation.
	TemplateVariable = templates.TemplateVariable
	// TemplateReference points a message at a template version and fills its variables.
	TemplateReference = conversation.TemplateReference
)

// Events and batches.
type (
	// SendEventRequest is the body of Events.Send.
	SendEventRequest = conversation.SendEventRequest
	// AppEvent is an event sent by an app (a typing indicator, ...).
	AppEvent = conversation.AppEvent
	// SendBatchMessageRequest is the body of Batch.Send.
	SendBatchMessageRequest = batch.SendBatchMessageRequest
)

// Callback events, as a webhook handler (hmac/webhook.On) receives them. The other triggers'
// events are in hmac/callback.
type (
	// MessageInboundEvent is a message from a contact (MESSAGE_INBOUND).
	MessageInboundEvent = callback.MessageInboundEvent
	// MessageDeliveryEvent is a delivery report of a message sent earlier (MESSAGE_DELIVERY).
	MessageDeliveryEvent = callback.MessageDeliveryEvent
	// MessageSubmitEvent reports a message handed to a channel (MESSAGE_SUBMIT).
	MessageSubmitEvent = callback.MessageSubmitEvent
	// EventInboundEvent is an event from a contact, such as a typing indicator (EVENT_INBOUND).
	EventInboundEvent = callback.EventInboundEvent
	// EventDeliveryEvent is a delivery report of an event sent earlier (EVENT_DELIVERY).
	EventDeliveryEvent = callback.EventDeliveryEvent
	// CallbackEvent is any parsed callback.
	CallbackEvent = callback.Event
)

// TextTranslation is a template translation whose message is a text with ${variable}
// placeholders; variables names them (each must appear in the text).
func TextTranslation(languageCode, text string, variables ...string) TemplateTranslation {
	t := TemplateTranslation{LanguageCode: languageCode, TextMessage: conversation.TextMessage{Text: text}}
	for _, v := range variables {
		t.Variables = append(t.Variables, TemplateVariable{Key: v})
	}
	return t
}

// Text is a text message.
func Text(text string) AppMessage { return message.Text(text) }

// Media is a media message (image, video, audio, document) at a public URL.
func Media(url string, opts ...MediaOption) AppMessage { return message.Media(url, opts...) }

// Thumbnail sets a media message's thumbnail.
func Thumbnail(url string) MediaOption { return message.Thumbnail(url) }

// Filename overrides a media message's file name.
func Filename(name string) MediaOption { return message.Filename(name) }

// Card is a card: a title, a description, a media URL and buttons.
func Card(title, description, mediaURL string, choices ...Choice) AppMessage {
	return message.Card(title, description, mediaURL, choices...)
}

// Choices is a text with buttons.
func Choices(text string, choices ...Choice) AppMessage { return message.Choices(text, choices...) }

// TextChoice is a button that answers with its text and postback data.
func TextChoice(text, postback string) Choice { return message.TextChoice(text, postback) }

// URLChoice is a button that opens a URL.
func URLChoice(title, url string) Choice { return message.URLChoice(title, url) }

// CallChoice is a button that calls a phone number.
func CallChoice(title, phoneNumber string) Choice { return message.CallChoice(title, phoneNumber) }

// Location is a location message.
func Location(title string, latitude, longitude float64, label string) AppMessage {
	return message.Location(title, latitude, longitude, label)
}

// TemplateMessage is a message rendered from a template (see TemplateRef).
func TemplateMessage(ref TemplateReference) AppMessage { return message.Template(ref) }

// TemplateRef points at a template version and language and fills its ${variables}. An empty
// version means the latest.
func TemplateRef(templateID, version, languageCode string, parameters map[string]string) TemplateReference {
	return message.TemplateRef(templateID, version, languageCode, parameters)
}

// SMS is an SMS target for a phone number in E.164 form (+46701234567).
func SMS(phone string) Target { return recipient.SMS(phone) }

// WhatsApp is a WhatsApp target for a phone number in E.164 form.
func WhatsApp(phone string) Target { return recipient.WhatsApp(phone) }

// RCS is an RCS target for a phone number in E.164 form.
func RCS(phone string) Target { return recipient.RCS(phone) }

// MMS is an MMS target for a phone number in E.164 form.
func MMS(phone string) Target { return recipient.MMS(phone) }

// On is a target on any channel.
func On(channel Channel, identity string) Target { return recipient.On(channel, identity) }

// To addresses one channel identity (To(SMS("+46701234567"))).
func To(t Target) Recipient { return recipient.Fallback(t) }

// Fallback addresses a contact on several channels, tried in the given order: Sinch sends on the
// first and falls back to the next when it cannot deliver. It is one value: the API tries a
// recipient's channel identities in their order when the request has no channel_priority_order
// (set one only to try channels in another order than the identities).
func Fallback(targets ...Target) Recipient { return recipient.Fallback(targets...) }

// ToContact addresses a contact by its contact id (CONVERSATION-mode apps only).
func ToContact(contactID string) Recipient { return recipient.Contact(contactID) }
