package transcode

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// Channel is a Conversation API channel (the generated ConversationChannel), so callers pass
// the generated constants or plain strings such as "SMS".
type Channel = conversation.ConversationChannel

// The 13 channels an app message can be transcoded for, as the ConversationChannel enum of the
// API reference names them (CHANNEL_UNSPECIFIED is not a channel one can send on).
const (
	WhatsApp      Channel = "WHATSAPP"
	RCS           Channel = "RCS"
	SMS           Channel = "SMS"
	Messenger     Channel = "MESSENGER"
	Viber         Channel = "VIBER"
	ViberBM       Channel = "VIBERBM"
	MMS           Channel = "MMS"
	Instagram     Channel = "INSTAGRAM"
	Telegram      Channel = "TELEGRAM"
	KakaoTalk     Channel = "KAKAOTALK"
	KakaoTalkChat Channel = "KAKAOTALKCHAT"
	LINE          Channel = "LINE"
	WeChat        Channel = "WECHAT"
	AppleBC       Channel = "APPLEBC"
)

// Channels returns every channel Transcode accepts, in the order of the API's enum.
func Channels() []Channel {
	return []Channel{WhatsApp, RCS, SMS, Messenger, Viber, ViberBM, MMS, Instagram, Telegram, KakaoTalk, KakaoTalkChat, LINE, WeChat, AppleBC}
}

// Kind is the kind of content an app message carries: exactly one of them is set.
type Kind string

// The kinds of app message content (the keys of the API's AppMessage, without "_message").
const (
	KindText            Kind = "text"
	KindMedia           Kind = "media"
	KindTemplate        Kind = "template"
	KindChoice          Kind = "choice"
	KindCard            Kind = "card"
	KindCarousel        Kind = "carousel"
	KindLocation        Kind = "location"
	KindContactInfo     Kind = "contact_info"
	KindList            Kind = "list"
	KindExplicit        Kind = "explicit_channel_message" // a raw payload given for this channel
	KindChannelSpecific Kind = "channel_specific_message" // a typed channel-only message for this channel
)

// Form names what a channel actually shows for a message: the channel construct the message
// was mapped to. The web inbox draws a message from its Form and JSON.
type Form string

// The forms a transcoded message takes.
const (
	FormText                Form = "text"                  // plain text (native text, or a rich kind flattened)
	FormMedia               Form = "media"                 // one media file, with a caption where the channel has one
	FormLocation            Form = "location"              // a native location pin
	FormContact             Form = "contact"               // a native contact card
	FormTemplate            Form = "template"              // a channel template (WhatsApp message template)
	FormButtons             Form = "buttons"               // a text or card with reply/action buttons
	FormList                Form = "list"                  // a menu of choices in sections
	FormProductList         Form = "product_list"          // a menu of catalogue products
	FormRichCard            Form = "rich_card"             // a card with media, title, description and buttons
	FormCarousel            Form = "carousel"              // several rich cards side by side
	FormChannelPayload      Form = "channel_payload"       // explicit_channel_message / channel_specific_message as given
	FormTextWithSuggestions Form = "text_with_suggestions" // text with suggestion chips (RCS location)
)

// Options carries what the send request adds to the message.
type Options struct {
	// ChannelProperties are the request's channel_properties, e.g. SMS_MAX_NUMBER_OF_MESSAGE_PARTS,
	// RCS_CARD_ORIENTATION. Unknown keys are ignored, as the API ignores them.
	ChannelProperties map[string]string
	// To and From are the channel identities of recipient and sender when known (the transcode
	// request's `to` and `from`); they appear in the channel payload where its format has them.
	To, From string
	// Template, when set, looks up the stored template an omni_template names and returns its
	// content for the language and version asked (a translation's message, with its ${key}
	// variables not yet filled). Transcode fills the variables from the reference's parameters
	// and transcodes that content, as the API does on every channel that has no template of its
	// own (https://developers.sinch.com/docs/conversation/message-types/template-message/).
	// Without it, or when it reports false, the template is shown as its reference. A
	// channel_template for the channel (a WhatsApp or KakaoTalk template) is never looked up:
	// it is sent as that channel's template.
	Template func(ref TemplateRef) (conversation.AppMessage, bool)

	// check is set by Check: the payload is not encoded, and a renderer may skip building a
	// payload whose building finds no violation.
	check bool
}

// TemplateRef names a stored template: an omni_template's template_id, version and
// language_code as the message gives them (empty when not given).
type TemplateRef struct {
	ID, Version, Language string
}

// Result is one message transcoded for one channel.
type Result struct {
	Channel Channel
	Kind    Kind // the kind transcoded (after explicit_channel_omni_message replaced the content)
	// Native is true when the channel shows this kind as such (a choice as buttons, a card as
	// a card); false when it was flattened into another form, typically text.
	Native bool
	Form   Form
	// JSON is the channel payload, the string messages:transcode answers for this channel.
	JSON string
	// Text is what a text-only screen shows for the message: the SMS body on SMS, the text
	// rendering of rich content elsewhere (for a native rich message, the same content as text).
	Text string
	// SMS holds the encoding facts of Text; set on the SMS channel only.
	SMS *SMSInfo
	// Violations lists the channel limits the message breaks, as the API applies them.
	Violations []Violation
}

// Failure returns the first violation that makes delivery on this channel fail, if any.
func (r Result) Failure() (Violation, bool) {
	for _, v := range r.Violations {
		if v.Fails {
			return v, true
		}
	}
	return Violation{}, false
}

// Violation is a channel limit a message breaks.
type Violation struct {
	// Reason is the reason code the API reports in the MESSAGE_DELIVERY callback when the
	// limit fails delivery; empty when it does not.
	Reason conversation.ReasonCode `json:"reason,omitempty"`
	// Field is the JSON path of the offending field, e.g. "choice_message.choices".
	Field string `json:"field"`
	// Limit and Actual are the documented maximum and the message's value (0 when the rule
	// is not a number).
	Limit  int `json:"limit,omitempty"`
	Actual int `json:"actual,omitempty"`
	// Fails is true when delivery on the channel fails; false when the API applies the limit by
	// changing the message (truncating it, or falling back to text) and delivers it.
	Fails bool `json:"fails"`
	// Message says what happened, in a sentence.
	Message string `json:"message"`
}

// reasonChannelRule is the reason code of a channel limit whose breach fails delivery (see
// reject for the page that says so).
const reasonChannelRule = conversation.ReasonCodeBADREQUEST

// ErrInvalid is wrapped by every error Transcode returns: the request is one the API rejects
// with 400 INVALID_ARGUMENT. The error's text is a sentence saying what to fix, fit to be the
// message of that 400 as it is.
var ErrInvalid = errors.New("transcode: invalid message")

type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }
func (e *invalidError) Unwrap() error { return ErrInvalid }

func invalid(format string, a ...any) error {
	return &invalidError{fmt.Sprintf(format, a...)}
}

// SMSMaxPartsProperty is the channel property capping the number of SMS parts
// (https://developers.sinch.com/docs/conversation/channel-support/sms/properties/).
const SMSMaxPartsProperty = "SMS_MAX_NUMBER_OF_MESSAGE_PARTS"

// KindOf returns the kind of content msg carries, or an error when it carries none or several.
// explicit_channel_message, explicit_channel_omni_message and channel_specific_message are
// per-channel overrides, not kinds of their own: a message may hold only one of them, in which
// case KindOf reports KindExplicit or KindChannelSpecific.
func KindOf(msg conversation.AppMessage) (Kind, error) {
	var buf kindList
	kinds := contentKinds(&msg, &buf)
	switch {
	case len(kinds) == 1:
		return kinds[0], nil
	case len(kinds) > 1:
		return "", invalid("the message sets %s at once; set exactly one", joinKinds(kinds))
	case len(msg.ExplicitChannelMessage) > 0 || len(msg.ExplicitChannelOmniMessage) > 0:
		return KindExplicit, nil
	case len(msg.ChannelSpecificMessage) > 0:
		return KindChannelSpecific, nil
	}
	return "", invalid("the message has no content; set one of text_message, media_message, template_message, choice_message, card_message, carousel_message, location_message, contact_info_message, list_message or explicit_channel_message")
}

func joinKinds(kinds []Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k) + "_message"
	}
	return strings.Join(s, " and ")
}

// Transcode renders msg for channel. See the package documentation for the meaning of each
// Result field and for when an error is returned.
func Transcode(channel Channel, msg conversation.AppMessage, opts Options) (Result, error) {
	opts.check = false
	return transcode(channel, msg, opts)
}

// Check reports the first channel limit whose breach fails delivery of msg on channel: what
// Result.Failure gives for Transcode's result, with Transcode's error. It does not encode the
// channel payload (Result.JSON), which costs more than the rules do; so the one error it
// cannot report is a payload that does not encode (a coordinate that is not a finite number,
// which no JSON message can hold).
func Check(channel Channel, msg conversation.AppMessage, opts Options) (Violation, bool, error) {
	opts.check = true
	r, err := transcode(channel, msg, opts)
	if err != nil {
		return Violation{}, false, err
	}
	v, bad := r.Failure()
	return v, bad, nil
}

// transcode is Transcode; with opts.check, it leaves Result.JSON empty.
func transcode(channel Channel, msg conversation.AppMessage, opts Options) (Result, error) {
	if !knownChannel(channel) {
		return Result{}, invalid("unknown channel %q; use one of %s", clip(string(channel)), channelList())
	}
	maxParts, err := smsMaxParts(opts.ChannelProperties)
	if err != nil {
		return Result{}, err
	}
	if _, err := KindOf(msg); err != nil {
		return Result{}, err
	}
	r := Result{Channel: channel}
	// A raw payload or a typed channel-only message for this channel replaces transcoding.
	if raw, ok := msg.ExplicitChannelMessage[string(channel)]; ok {
		r.Kind, r.Native, r.Form, r.JSON = KindExplicit, true, FormChannelPayload, raw
		r.Text = payloadText(raw)
		return finishSMS(r, maxParts), nil
	}
	if csm, ok := msg.ChannelSpecificMessage[string(channel)]; ok {
		r.Kind, r.Native, r.Form = KindChannelSpecific, true, FormChannelPayload
		b, err := json.Marshal(csm)
		if err != nil {
			return Result{}, invalid("channel_specific_message.%s is not valid JSON: %v", channel, err)
		}
		r.JSON = string(b)
		r.Text = payloadText(string(csm.Message))
		return finishSMS(r, maxParts), nil
	}
	v, err := newView(msg, channel, opts)
	if err != nil {
		return Result{}, err
	}
	if v.kind == "" {
		// Only overrides for other channels: nothing to send on this one.
		return Result{}, invalid("the message has content only for %s, not for %s; add the generic content or an entry for %s", overrideChannels(msg), channel, channel)
	}
	r.Kind = v.kind
	if v.template != nil {
		r.Kind = KindTemplate
	}
	if err := render(&r, v, opts); err != nil {
		return Result{}, err
	}
	return finishSMS(r, maxParts), nil
}

func finishSMS(r Result, maxParts int) Result {
	if r.Channel != SMS {
		return r
	}
	info := CountSMS(r.Text)
	info.MaxParts = maxParts
	r.SMS = &info
	if maxParts > 0 && info.Parts > maxParts {
		// https://developers.sinch.com/docs/sms/resources/message-info/limiting-message-parts/:
		// a message split into more parts than the maximum is not delivered (the SMS API's
		// status code 411). The Conversation API reference's table of reason codes has no code
		// for it; MESSAGE_SPLIT_REQUIRED, which names it, is one of the official Node SDK's
		// ReasonCode values (https://developers.sinch.com/sdk/sinch-sdk-node/1.5.0/types/Conversation.ReasonCode.html),
		// which our spec's ReasonCode keeps too. We use it rather than the table's catch-all
		// CHANNEL_REJECT because it says what to change.
		r.Violations = append(r.Violations, Violation{
			Reason: "MESSAGE_SPLIT_REQUIRED", Field: "channel_properties." + SMSMaxPartsProperty,
			Limit: maxParts, Actual: info.Parts, Fails: true,
			Message: fmt.Sprintf("the SMS needs %d parts (%s) but %s allows %d", info.Parts, info.Encoding, SMSMaxPartsProperty, maxParts),
		})
	}
	return r
}

func smsMaxParts(props map[string]string) (int, error) {
	s, ok := props[SMSMaxPartsProperty]
	if !ok || strings.TrimSpace(s) == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 0, invalid("channel property %s must be a whole number of at least 1, got %q", SMSMaxPartsProperty, clip(s))
	}
	return n, nil
}

func knownChannel(c Channel) bool {
	for _, k := range Channels() {
		if k == c {
			return true
		}
	}
	return false
}

func channelList() string {
	cs := Channels()
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

func overrideChannels(msg conversation.AppMessage) string {
	var s []string
	for k := range msg.ExplicitChannelMessage {
		s = append(s, k)
	}
	for k := range msg.ExplicitChannelOmniMessage {
		s = append(s, k)
	}
	for k := range msg.ChannelSpecificMessage {
		s = append(s, k)
	}
	sortStrings(s)
	return strings.Join(dedupe(s), ", ")
}

// clip shortens user input quoted in an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "…"
}
