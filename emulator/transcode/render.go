package transcode

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// obj is a JSON object of a channel payload; encoding/json writes its keys sorted, so a
// payload always serialises the same way.
type obj = map[string]any

// nativeKinds is, per channel, the kinds the channel shows natively. The rows of the ten
// channels in Sinch's table follow it
// (https://developers.sinch.com/docs/conversation/message-types/); template and contact info are
// not in that table and follow the channel pages cited in each channel's file. VIBER,
// KAKAOTALKCHAT and APPLEBC are not in the table either; their rows are explained in their
// files.
var nativeKinds = map[Channel][]Kind{
	WhatsApp:      {KindText, KindMedia, KindTemplate, KindChoice, KindCard, KindLocation, KindContactInfo, KindList},
	SMS:           {KindText, KindMedia, KindLocation},
	Messenger:     {KindText, KindMedia, KindChoice, KindCard, KindCarousel, KindLocation},
	Instagram:     {KindText, KindMedia, KindChoice, KindCard, KindCarousel},
	MMS:           {KindText, KindMedia, KindCard},
	RCS:           {KindText, KindMedia, KindChoice, KindCard, KindCarousel},
	ViberBM:       {KindText, KindMedia, KindChoice, KindCard},
	Telegram:      {KindText, KindMedia, KindChoice, KindCard, KindLocation},
	KakaoTalk:     {KindText, KindMedia, KindTemplate, KindChoice, KindCard},
	LINE:          {KindText, KindMedia, KindChoice, KindCard, KindCarousel, KindLocation},
	WeChat:        {KindText, KindMedia},
	Viber:         {KindText, KindMedia, KindChoice, KindCard, KindCarousel, KindLocation, KindContactInfo},
	KakaoTalkChat: {KindText, KindMedia},
	AppleBC:       {KindText, KindMedia, KindChoice},
}

// Native reports whether channel shows kind natively, as the channel-support table has it.
// A native kind can still be sent as text when the message breaks the conditions of the
// native form (WhatsApp reply buttons, for example); Result.Native says what happened.
func Native(channel Channel, kind Kind) bool {
	if kind == KindExplicit || kind == KindChannelSpecific {
		return knownChannel(channel)
	}
	for _, k := range nativeKinds[channel] {
		if k == kind {
			return true
		}
	}
	return false
}

// noPayload stands for a payload a renderer did not build because Check does not need it.
var noPayload = obj{}

// renderer builds one channel's payload for v, setting r.Native, r.Form and r.Violations.
// It returns nil for a kind it does not show natively; the channel's text payload is used then.
type renderer func(r *Result, v view, o Options) any

// channelFormat is how a channel carries text, and how it renders the rest.
type channelFormat struct {
	rich renderer
	text func(o Options, s string) any
}

var formats map[Channel]channelFormat

func init() {
	formats = map[Channel]channelFormat{
		WhatsApp:      {whatsApp, whatsAppText},
		RCS:           {rcs, rcsText},
		SMS:           {sms, smsText},
		MMS:           {mms, mmsText},
		Messenger:     {messenger, messengerText},
		Instagram:     {instagram, messengerText},
		Telegram:      {telegram, telegramText},
		LINE:          {line, lineText},
		Viber:         {viber, viberText},
		ViberBM:       {viberBM, viberBMText},
		KakaoTalk:     {kakaoTalk, kakaoText},
		KakaoTalkChat: {kakaoTalkChat, kakaoChatText},
		WeChat:        {weChat, weChatText},
		AppleBC:       {appleBC, appleText},
	}
}

// render fills r for v on r.Channel; with o.check, it leaves r.JSON empty.
func render(r *Result, v view, o Options) error {
	f := formats[r.Channel]
	r.Text = plainText(v)
	payload := f.rich(r, v, o)
	if payload == nil {
		r.Native, r.Form = false, FormText
		if o.check {
			return nil // the text payload adds no violation
		}
		payload = f.text(o, r.Text)
	}
	if o.check {
		return nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		// Only a coordinate that is not a finite number gets here.
		return invalid("the message cannot be encoded for %s: %v", r.Channel, err)
	}
	r.JSON = string(b)
	return nil
}

// textFallback records why a natively supported kind went out as text.
func textFallback(r *Result, field, why string) any {
	r.Violations = append(r.Violations, Violation{Field: field, Message: why + "; the message is sent as text"})
	return nil
}

// reject records a limit whose breach fails delivery on the channel, with BAD_REQUEST. The
// reference's reason codes (https://developers.sinch.com/docs/conversation/callbacks, the
// reason codes of a message delivery receipt; the same table is the ReasonCode schema of
// https://developers.sinch.com/docs/conversation/api-reference/conversation) say a send
// request is validated twice: before it is queued (a failure is the 400 answer) and while it
// is processed, by the channel-specific rules, a failure there reaching MESSAGE_DELIVERY as
// FAILED with BAD_REQUEST. A channel limit is such a rule. CHANNEL_REJECT is documented as
// the catch-all for a channel refusing a message for good when no better code fits, so it is
// not used here (Config.Failures can still produce it).
func reject(r *Result, field string, limit, actual int, what string) {
	r.Violations = append(r.Violations, Violation{
		Reason: reasonChannelRule, Field: field, Limit: limit, Actual: actual, Fails: true,
		Message: fmt.Sprintf("%s is %d, over %s's limit of %d", what, actual, r.Channel, limit),
	})
}

// overLength records a text longer than limit characters and reports whether it was.
func overLength(r *Result, field, s string, limit int) bool {
	if n := utf8.RuneCountInString(s); n > limit {
		reject(r, field, limit, n, field+" length")
		return true
	}
	return false
}

// truncate applies a limit the channel applies by cutting the text, recording it.
func truncate(r *Result, field, s string, limit int) string {
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return s
	}
	r.Violations = append(r.Violations, Violation{
		Field: field, Limit: limit, Actual: n,
		Message: fmt.Sprintf("%s has %d characters; %s keeps the first %d", field, n, r.Channel, limit),
	})
	return string([]rune(s)[:limit])
}

func set(m obj, key, value string) {
	if value != "" {
		m[key] = value
	}
}

// mediaType guesses a media URL's kind from its extension, as the channels need it said
// (image, video, audio, document); Sinch detects it the same way when the URL names it
// (https://developers.sinch.com/docs/conversation/message-types/media-message/).
func mediaType(url string) string {
	switch mediaExt(url) {
	case "jpg", "jpeg", "png", "gif", "bmp", "heic":
		return "image"
	case "webp":
		return "sticker"
	case "mp4", "3gp", "3gpp", "mov", "m4v":
		return "video"
	case "mp3", "aac", "amr", "ogg", "opus", "m4a", "wav", "mpeg":
		return "audio"
	}
	return "document"
}

// urlPath is a URL without its query and fragment.
func urlPath(url string) string {
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		return url[:i]
	}
	return url
}

// mediaExt is the lower-case extension of the file a URL names.
func mediaExt(url string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(urlPath(url)), "."))
}

// fileName is the name a document is shown with.
func fileName(m *mediaView) string {
	if m.filename != "" {
		return m.filename
	}
	return path.Base(urlPath(m.url))
}

// postback is the data a choice returns: its postback_data, or its title when none is given.
// (The API derives a default from the message id and the title; the transcoder has no id.)
func postback(c choiceView) string {
	if c.postback != "" {
		return c.postback
	}
	return c.title
}

// onlyTextChoices reports whether every choice is a text (quick reply) choice.
func onlyTextChoices(cs []choiceView) bool {
	for _, c := range cs {
		if c.kind != choiceText {
			return false
		}
	}
	return true
}

// uniqueTitles reports whether no two choices have the same title.
func uniqueTitles(cs []choiceView) bool {
	seen := make(map[string]bool, len(cs))
	for _, c := range cs {
		if seen[c.title] {
			return false
		}
		seen[c.title] = true
	}
	return true
}

// choiceTarget is where a non-reply choice leads, as a URL, for channels whose buttons only
// open links: the URL, a tel: link, a maps link, or the fallback URL.
func choiceTarget(c choiceView) string {
	switch c.kind {
	case choiceURL, choiceCalendar, choiceShareLocation:
		return c.url
	case choiceCall:
		return "tel:" + c.phone
	case choiceLocation:
		return mapsURL(c.lat, c.lng)
	}
	return ""
}

func cardCaption(c cardView) string {
	var l lines
	l.add(c.title)
	l.add(c.description)
	return l.String()
}

func runes(s string) int { return utf8.RuneCountInString(s) }
