// Package message builds Conversation API app messages (text, media, card, carousel, choice,
// list, location, contact info, template), their choices, and send-time channel properties,
// so that no caller writes nested pointers by hand. Every constructor returns the generated
// type from gen/conversation, ready to put in a SendMessageRequest; fields the constructors do
// not cover can still be set on the result.
package message

import (
	"strconv"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// Text is a plain text message.
func Text(text string) conversation.AppMessage {
	return conversation.AppMessage{TextMessage: conversation.TextMessage{Text: text}}
}

// MediaOption adjusts a media message.
type MediaOption func(*conversation.MediaMessage)

// Thumbnail sets the URL of a preview image.
func Thumbnail(url string) MediaOption {
	return func(m *conversation.MediaMessage) { m.ThumbnailURL = url }
}

// Filename sets the file name the recipient sees instead of the one in the URL.
func Filename(name string) MediaOption {
	return func(m *conversation.MediaMessage) { m.FilenameOverride = name }
}

// MediaContent is the media part used by Media, cards and lists.
func MediaContent(url string, opts ...MediaOption) conversation.MediaMessage {
	m := conversation.MediaMessage{URL: url}
	for _, o := range opts {
		if o != nil {
			o(&m)
		}
	}
	return m
}

// Media is an image, video, audio or document message at a public URL.
func Media(url string, opts ...MediaOption) conversation.AppMessage {
	m := MediaContent(url, opts...)
	return conversation.AppMessage{MediaMessage: m}
}

// CardContent is one card, for Card and Carousel. Empty title, description or mediaURL are left
// out.
func CardContent(title, description, mediaURL string, choices ...conversation.Choice) conversation.CardMessage {
	c := conversation.CardMessage{Title: title, Description: description, Choices: choices}
	if mediaURL != "" {
		m := MediaContent(mediaURL)
		c.MediaMessage = m
	}
	return c
}

// Card is a card message: a title, a description, optional media and up to a few choices.
func Card(title, description, mediaURL string, choices ...conversation.Choice) conversation.AppMessage {
	c := CardContent(title, description, mediaURL, choices...)
	return conversation.AppMessage{CardMessage: c}
}

// Carousel is a row of cards, with optional choices that apply to the whole carousel.
func Carousel(cards []conversation.CardMessage, choices ...conversation.Choice) conversation.AppMessage {
	return conversation.AppMessage{CarouselMessage: conversation.CarouselMessage{Cards: cards, Choices: choices}}
}

// Choices is a choice message: a text (may be empty) followed by the choices.
func Choices(text string, choices ...conversation.Choice) conversation.AppMessage {
	return conversation.AppMessage{ChoiceMessage: conversation.ChoiceMessage{
		Choices: choices, TextMessage: conversation.TextMessage{Text: text}}}
}

// List is a list message made of sections of items (choices or products).
func List(title, description string, sections ...conversation.ListSection) conversation.AppMessage {
	return conversation.AppMessage{ListMessage: conversation.ListMessage{Title: title, Description: description, Sections: sections}}
}

// Section is one titled section of a list message ("" leaves the title out).
func Section(title string, items ...conversation.ListItem) conversation.ListSection {
	return conversation.ListSection{Title: title, Items: items}
}

// Item is a selectable list entry; postback is sent back when the recipient picks it.
func Item(title, description, postback string) conversation.ListItem {
	return conversation.ListItem{Choice: conversation.ListChoiceItem{Title: title, Description: description, PostbackData: postback}}
}

// Product is a product list entry from a catalog (for example WhatsApp's) by its id and the
// marketplace that holds it.
func Product(id, marketplace string) conversation.ListItem {
	return conversation.ListItem{Product: conversation.ProductItem{ID: id, Marketplace: marketplace}}
}

// Location is a map pin with a title and an optional label.
func Location(title string, latitude, longitude float64, label string) conversation.AppMessage {
	l := locationContent(title, latitude, longitude, label)
	return conversation.AppMessage{LocationMessage: l}
}

func locationContent(title string, latitude, longitude float64, label string) conversation.LocationMessage {
	return conversation.LocationMessage{Title: title, Label: label,
		Coordinates: conversation.Coordinates{Latitude: latitude, Longitude: longitude}}
}

// ContactInfo is a contact card (vCard-like) with a full name and phone numbers; set the other
// fields (emails, addresses, organization...) on the result's ContactInfoMessage.
func ContactInfo(fullName string, phoneNumbers ...string) conversation.AppMessage {
	m := conversation.ContactInfoMessage{Name: conversation.NameInfo{FullName: fullName},
		PhoneNumbers: make([]conversation.PhoneNumberInfo, 0, len(phoneNumbers))}
	for _, p := range phoneNumbers {
		m.PhoneNumbers = append(m.PhoneNumbers, conversation.PhoneNumberInfo{PhoneNumber: p})
	}
	return conversation.AppMessage{ContactInfoMessage: m}
}

// TemplateRef points at a template by id, with an optional version ("" for the latest), an
// optional BCP-47 language code ("" for the template's default) and its parameters.
func TemplateRef(templateID, version, languageCode string, parameters map[string]string) conversation.TemplateReference {
	return conversation.TemplateReference{TemplateID: templateID, Version: version, LanguageCode: languageCode, Parameters: parameters}
}

// Template sends an omni-channel template (one made with the Template Management API), which
// Sinch transcodes for each channel.
func Template(ref conversation.TemplateReference) conversation.AppMessage {
	return conversation.AppMessage{TemplateMessage: conversation.TemplateMessage{OmniTemplate: ref}}
}

// ChannelTemplate sends channel-specific templates (for example an approved WhatsApp template),
// one per channel; omni, if not the zero value, serves the other channels.
func ChannelTemplate(byChannel map[conversation.ConversationChannel]conversation.TemplateReference, omni conversation.TemplateReference) conversation.AppMessage {
	m := conversation.TemplateMessage{OmniTemplate: omni, ChannelTemplate: make(map[string]conversation.TemplateReference, len(byChannel))}
	for ch, ref := range byChannel {
		m.ChannelTemplate[string(ch)] = ref
	}
	return conversation.AppMessage{TemplateMessage: m}
}

// TextChoice is a reply button; postback ("" for none) comes back in the inbound message.
func TextChoice(text, postback string) conversation.Choice {
	return conversation.Choice{TextMessage: conversation.TextMessage{Text: text}, PostbackData: postback}
}

// URLChoice opens a URL.
func URLChoice(title, url string) conversation.Choice {
	return conversation.Choice{URLMessage: conversation.URLMessage{Title: title, URL: url}}
}

// CallChoice dials a phone number.
func CallChoice(title, phoneNumber string) conversation.Choice {
	return conversation.Choice{CallMessage: conversation.CallMessage{Title: title, PhoneNumber: phoneNumber}}
}

// LocationChoice shows a location on a map.
func LocationChoice(title string, latitude, longitude float64) conversation.Choice {
	l := locationContent(title, latitude, longitude, "")
	return conversation.Choice{LocationMessage: l}
}

// CalendarChoice adds an event to the recipient's calendar; fallbackURL is opened on channels
// that cannot.
func CalendarChoice(title, eventTitle string, start, end time.Time, fallbackURL string) conversation.Choice {
	return conversation.Choice{CalendarMessage: conversation.CalendarMessage{Title: title, EventTitle: eventTitle,
		EventStart: start, EventEnd: end, FallbackURL: fallbackURL}}
}

// ShareLocationChoice asks the recipient to share their location; fallbackURL is opened on
// channels that cannot.
func ShareLocationChoice(title, fallbackURL string) conversation.Choice {
	return conversation.Choice{ShareLocationMessage: conversation.ShareLocationMessage{Title: title, FallbackURL: fallbackURL}}
}

// WithPostback returns c with postback data that comes back when the recipient picks it.
func WithPostback(c conversation.Choice, postback string) conversation.Choice {
	c.PostbackData = postback
	return c
}

// Channel property keys for SendMessageRequest.ChannelProperties.
const (
	PropSMSSender             = "SMS_SENDER"
	PropSMSFlashMessage       = "SMS_FLASH_MESSAGE"
	PropSMSMaxMessageParts    = "SMS_MAX_NUMBER_OF_MESSAGE_PARTS"
	PropMMSSender             = "MMS_SENDER"
	PropMMSStrictValidation   = "MMS_STRICT_VALIDATION"
	PropMessengerMessageTag   = "MESSENGER_MESSAGE_TAG"
	PropViberSenderName       = "VIBER_SENDER_NAME"
	PropTelegramNoLinkPreview = "TELEGRAM_DISABLE_LINK_PREVIEW"
)

// Property is one channel property.
type Property struct{ Key, Value string }

// Properties collects properties into the map SendMessageRequest.ChannelProperties takes (nil
// when there are none; a later duplicate key wins).
func Properties(props ...Property) map[string]string {
	if len(props) == 0 {
		return nil
	}
	m := make(map[string]string, len(props))
	for _, p := range props {
		m[p.Key] = p.Value
	}
	return m
}

// SMSSender sets the SMS sender: a number or alphanumeric sender id provisioned for the app.
func SMSSender(sender string) Property { return Property{PropSMSSender, sender} }

// SMSFlash sends the SMS as a flash message (shown at once, not stored).
func SMSFlash() Property { return Property{PropSMSFlashMessage, "true"} }

// SMSMaxParts limits how many concatenated parts a long SMS may use.
func SMSMaxParts(n int) Property { return Property{PropSMSMaxMessageParts, strconv.Itoa(n)} }

// MMSSender sets the MMS sender (a short code or long number).
func MMSSender(sender string) Property { return Property{PropMMSSender, sender} }
