package emulator

import (
	"encoding/json"

	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file decides, deterministically, whether a channel can take a message, and with which
// documented reason code it fails when it cannot. The reason codes and their meanings are
// those of the Conversation API reference's delivery receipts
// (https://developers.sinch.com/docs/conversation/callbacks, "Message delivery receipt" and
// its reason codes); each rule below cites the page that states the condition.

// Test identities: the last digits of an identity choose a failure, per channel, so that one
// number can fail on one channel and succeed on the next (SMS -> WhatsApp with one number).
const (
	// suffixOffNetwork: the handset is off the mobile network. SMS and MMS report
	// RECIPIENT_NOT_REACHABLE; the internet channels (WhatsApp, RCS, ...) still reach it.
	suffixOffNetwork = "0000"
	// suffixNoRCS: the handset has no RCS. RCS reports RECIPIENT_NOT_REACHABLE, so RCS -> SMS
	// fallback can be tried with one number.
	suffixNoRCS = "3333"
	// suffixUnreachable: the identity cannot be reached on any channel (NO_CHANNELS_LEFT when
	// several are tried).
	suffixUnreachable = "4040"
	// suffixSwitchedOff: the channel accepts the message (QUEUED_ON_CHANNEL) but it is never
	// delivered; with a ttl it fails with MESSAGE_EXPIRED when the ttl runs out.
	suffixSwitchedOff = "4444"
	// suffixInvalid: the channel rejects the identity (RECIPIENT_INVALID_CHANNEL_IDENTITY) on
	// every channel.
	suffixInvalid = "9999"
)

// failure is why a channel did not deliver a message.
type failure struct {
	code, subCode, description string
	// queued: the channel accepted the message first (QUEUED_ON_CHANNEL comes before the
	// failure); otherwise the API refuses it before handing it to the channel.
	queued bool
	// hold: the message stays queued on the channel until its ttl runs out.
	hold bool
}

func (f failure) ok() bool { return f.code == "" && !f.hold }

// phoneChannels take E.164 phone numbers as identities. Per channel support pages
// (https://developers.sinch.com/docs/conversation/channel-support/sms,
// .../whatsapp, .../rcs, .../mms, .../viber-bm): the recipient is a phone number in
// international format.
var phoneChannels = map[string]bool{"SMS": true, "MMS": true, "WHATSAPP": true, "RCS": true, "VIBERBM": true}

// isE164 reports whether s is a phone number in international format: an optional '+', no
// spaces or punctuation, 7 to 15 digits, not starting with 0 (ITU-T E.164; the Conversation
// API's channel identities for SMS and WhatsApp are such numbers, as in the examples of
// https://developers.sinch.com/docs/conversation/api-reference/conversation/messages). It is
// checked by hand rather than with a regular expression: every delivery check on a phone
// channel asks.
func isE164(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 7 || len(s) > 15 || s[0] == '0' {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// readChannels report READ after DELIVERED (the "Delivery reports" section of each channel's
// message-support page, for example
// https://developers.sinch.com/docs/conversation/channel-support/whatsapp/message-support and
// https://developers.sinch.com/docs/conversation/channel-support/rcs/message-support; SMS and
// MMS report no reads: https://developers.sinch.com/docs/conversation/channel-support/mms).
var readChannels = map[string]bool{"WHATSAPP": true, "RCS": true, "MESSENGER": true, "INSTAGRAM": true, "VIBERBM": true, "APPLEBC": true}

// mediaTypes lists, for the channels that send media natively and refuse other types, the
// file extensions they take (MMS: JPEG, PNG, GIF, BMP, MP4, 3GPP, audio and vCard per
// https://developers.sinch.com/docs/conversation/channel-support/mms/message-support; RCS:
// JPEG, PNG, GIF, MP4, PDF per
// https://developers.sinch.com/docs/conversation/message-types/media-message). Channels not
// listed either take any file (WhatsApp sends other types as documents) or transcode media to
// a link (SMS).
var mediaTypes = map[string]map[string]bool{
	"MMS": setOf(".jpg", ".jpeg", ".png", ".gif", ".bmp", ".mp4", ".3gp", ".3gpp", ".mp3", ".amr", ".aac", ".wav", ".vcf", ".txt", ".pdf"),
	"RCS": setOf(".jpg", ".jpeg", ".png", ".gif", ".mp4", ".pdf"),
}

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// whatsAppWindow is the customer-service window: free-form WhatsApp messages can be sent for
// 24 hours after the contact last wrote; outside it only templates go out
// (https://developers.sinch.com/docs/conversation/channel-support/whatsapp/message-support and
// .../whatsapp/template-support).
const whatsAppWindow = 24 * time.Hour

// sendContext is what the channel checks of one message need, read under the project lock.
type sendContext struct {
	s     *Server
	p     *project
	app   *conversation.App
	in    sendInput
	now   time.Time
	event bool // an app event (events:send), not a message: no WhatsApp window

	parsed bool
	// text is the message's text when it is a plain text message (only text_message.text),
	// which needs no decoding; msg is any other message, typed for the transcoder (nil if it
	// does not parse).
	text  string
	plain bool
	msg   *conversation.AppMessage
	// content is the message's JSON when the caller has it already (messages:send), so that
	// the typed message is decoded from it rather than encoded again.
	content string
}

// appMessage is the message typed for the transcoder (parsed once); ok is false when it does
// not parse.
func (sc *sendContext) appMessage() (msg conversation.AppMessage, ok bool) {
	if !sc.parsed {
		sc.parsed = true
		switch text, plain := plainTextMessage(sc.in.message); {
		case plain:
			sc.text, sc.plain = text, true
		case sc.content != "":
			sc.msg = typedMessageJSON(sc.content)
		default:
			sc.msg = typedMessage(sc.in.message)
		}
	}
	switch {
	case sc.plain:
		msg.TextMessage.Text = sc.text
		return msg, true
	case sc.msg != nil:
		return *sc.msg, true
	}
	return msg, false
}

// plainTextMessage returns the text of a message that holds only a text_message with only its
// text, the commonest message, whose typed form needs no JSON decoding; plain is false for any
// other message.
func plainTextMessage(m doc) (text string, plain bool) {
	if len(m) != 1 {
		return "", false
	}
	tm, ok := m["text_message"].(map[string]any)
	if !ok || len(tm) != 1 {
		return "", false
	}
	text, plain = tm["text"].(string)
	return text, plain
}

// typedMessage converts a stored app message for the transcoder; nil when it does not fit.
func typedMessage(m doc) *conversation.AppMessage {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var msg conversation.AppMessage
	if json.Unmarshal(b, &msg) != nil {
		return nil
	}
	return &msg
}

func (s *Server) newSendContext(p *project, app *conversation.App, in sendInput) *sendContext {
	return &sendContext{s: s, p: p, app: app, in: in, now: s.now()}
}

// hasCredentials reports whether the app has channel_credentials for channel.
func (sc *sendContext) hasCredentials(channel string) bool {
	for _, cred := range sc.app.ChannelCredentials {
		if string(cred.Channel) == channel {
			return true
		}
	}
	return false
}

// check decides whether the channel can take the message; the zero failure means it is
// delivered.
func (sc *sendContext) check(ci channelIdentity) failure {
	msg := sc.in.message
	// A channel the app has no credentials for cannot send
	// (https://developers.sinch.com/docs/conversation/api-reference/conversation/app: an app
	// sends on the channels of its channel_credentials).
	if !sc.hasCredentials(ci.channel) {
		return failure{code: "CHANNEL_CONFIGURATION_MISSING", description: "The app has no channel_credentials for " + ci.channel + "; add them with PATCH /apps/{app_id}."}
	}
	if strings.HasSuffix(ci.identity, suffixInvalid) {
		return failure{code: "RECIPIENT_INVALID_CHANNEL_IDENTITY", description: "The emulator treats identities ending in 9999 as invalid on every channel."}
	}
	if phoneChannels[ci.channel] && !isE164(ci.identity) {
		return failure{code: "RECIPIENT_INVALID_CHANNEL_IDENTITY", description: ci.channel + " needs a phone number in international format, such as +15551234567 (no spaces or punctuation)."}
	}
	// Opt-out lists (https://developers.sinch.com/docs/conversation/api-reference/conversation/consents):
	// the API does not send to an identity on the app's OPT_OUT_ALL list, nor marketing or
	// notification content to one on the list for that content type.
	if list := sc.optedOut(ci.identity); list != "" {
		return failure{code: "RECIPIENT_NOT_OPTED_IN", description: "The identity is on the app's " + list + " consent list."}
	}
	if tm := obj(msg["template_message"]); tm != nil {
		if f := sc.checkTemplate(ci.channel, tm); f.code != "" {
			return f
		}
	} else if ci.channel == "WHATSAPP" && !sc.event && !sc.windowOpen(ci) {
		return failure{code: "OUTSIDE_ALLOWED_SENDING_WINDOW", description: "WhatsApp takes free-form messages only within 24 hours of the contact's last message; send a template_message instead."}
	}
	if mm := obj(msg["media_message"]); mm != nil {
		if f := checkMedia(ci.channel, str(mm, "url")); f.code != "" {
			return f
		}
	}
	// Channel limits the API enforces by failing delivery (emulator/transcode states them with
	// their pages: SMS parts beyond SMS_MAX_NUMBER_OF_MESSAGE_PARTS, too many buttons, ...).
	if !sc.event {
		if m, ok := sc.appMessage(); ok {
			opts := transcode.Options{ChannelProperties: sc.in.channelProperties, To: ci.identity}
			if msg["template_message"] != nil {
				// The limits apply to what is delivered: the template's content with its
				// parameters (checkTemplate has found it). The caller holds sc.p.mu.
				opts.Template = sc.p.templateLookup()
			}
			if v, bad, err := transcode.Check(transcode.Channel(ci.channel), m, opts); err == nil && bad {
				return failure{code: string(v.Reason), description: v.Message}
			}
		}
	}
	if sc.s.cfg.Failures != nil {
		if code := sc.s.cfg.Failures(ci.channel, ci.identity); code != "" {
			return failure{code: code, queued: true, description: "Config.Failures chose this reason for this identity on this channel."}
		}
	}
	switch {
	case strings.HasSuffix(ci.identity, suffixUnreachable),
		strings.HasSuffix(ci.identity, suffixOffNetwork) && (ci.channel == "SMS" || ci.channel == "MMS"),
		strings.HasSuffix(ci.identity, suffixNoRCS) && ci.channel == "RCS",
		sc.s.cfg.Undeliverable != nil && sc.s.cfg.Undeliverable(ci.channel, ci.identity),
		sc.s.feed.isUnreachable(ci.channel, ci.identity):
		return failure{code: "RECIPIENT_NOT_REACHABLE", queued: true, description: reasonText["RECIPIENT_NOT_REACHABLE"]}
	case strings.HasSuffix(ci.identity, suffixSwitchedOff):
		return failure{hold: true, queued: true}
	}
	return failure{}
}

// optedOut names the consent list that stops this message to the identity, or "".
func (sc *sendContext) optedOut(identity string) string {
	lists := sc.p.consents[sc.in.appID]
	if lists == nil {
		return ""
	}
	if contains(lists["OPT_OUT_ALL"], identity) {
		return "OPT_OUT_ALL"
	}
	switch sc.in.contentType {
	case "CONTENT_MARKETING":
		if contains(lists["OPT_OUT_MARKETING"], identity) {
			return "OPT_OUT_MARKETING"
		}
	case "CONTENT_NOTIFICATION":
		if contains(lists["OPT_OUT_NOTIFICATION"], identity) {
			return "OPT_OUT_NOTIFICATION"
		}
	}
	return ""
}

// windowOpen reports whether the contact wrote to the app on the channel within the window.
func (sc *sendContext) windowOpen(ci channelIdentity) bool {
	last, ok := sc.s.windows.lastInbound(sc.p.id, sc.in.appID, ci)
	return ok && sc.now.Sub(last) < whatsAppWindow
}

// checkTemplate checks a template_message on a channel: the channel's own template in
// channel_template is the channel's business (a WhatsApp template name, approved by Meta, is
// not something the emulator can know, so it is accepted); an omni_template must name a
// stored template with the asked language and version, and its parameters must fill every
// variable (https://developers.sinch.com/docs/conversation/message-types/template-message and
// https://developers.sinch.com/docs/conversation/api-reference/template/templates-v2).
func (sc *sendContext) checkTemplate(channel string, tm doc) failure {
	if ct := obj(obj(tm["channel_template"])[channel]); ct != nil {
		return failure{}
	}
	ref := obj(tm["omni_template"])
	if ref == nil {
		// Only other channels have a channel_template: this channel has no template at all.
		return failure{code: "TEMPLATE_NOT_FOUND", description: "template_message has no omni_template and no channel_template for " + channel + "."}
	}
	id := str(ref, "template_id")
	t, ok := sc.p.templates.get(id)
	if !ok {
		return failure{code: "TEMPLATE_NOT_FOUND", description: "No template " + quoteID(id) + " in the project's template store (create it with the Template Management API)."}
	}
	lang, version := str(ref, "language_code"), str(ref, "version")
	tr := findTranslation(t, lang, version)
	if lang == "" {
		lang = t.DefaultTranslation
	}
	if tr == nil {
		return failure{code: "TEMPLATE_NON_EXISTING_LANGUAGE_OR_VERSION", description: "Template " + quoteID(id) + " has no translation for language " + quoteID(lang) + " and version " + quoteID(version) + "."}
	}
	params := obj(ref["parameters"])
	var missing []string
	for _, v := range tr.Variables {
		if _, ok := params[v.Key]; v.Key != "" && !ok {
			missing = append(missing, v.Key)
		}
	}
	if len(missing) > 0 {
		return failure{code: "TEMPLATE_INSUFFICIENT_PARAMETERS", description: "omni_template.parameters lacks " + strings.Join(missing, ", ") + "."}
	}
	return failure{}
}

// findTranslation picks the translation of a stored template that an omni_template asks for:
// its language (the template's default_translation when none is given) and version (any when
// none or "latest" is given). It returns nil when there is none.
func findTranslation(t *templates.Template, lang, version string) *templates.TemplateTranslation {
	if lang == "" {
		lang = t.DefaultTranslation
	}
	for i := range t.Translations {
		cand := &t.Translations[i]
		if lang != "" && !sameLanguage(cand.LanguageCode, lang) {
			continue
		}
		if version != "" && version != "latest" && cand.Version != version && strconv.Itoa(int(t.Version)) != version {
			continue
		}
		return cand
	}
	return nil
}

// sameLanguage compares BCP-47 codes, taking en_US and en-US as the same.
func sameLanguage(a, b string) bool {
	return strings.EqualFold(strings.ReplaceAll(a, "_", "-"), strings.ReplaceAll(b, "_", "-"))
}

// checkMedia checks a media URL on a channel: a host under the reserved .invalid top-level
// domain (RFC 2606) is never reachable (MEDIA_NOT_REACHABLE); a file type the channel does not
// take is MEDIA_TYPE_UNSUPPORTED.
func checkMedia(channel, raw string) failure {
	u, err := url.Parse(raw)
	if err != nil {
		return failure{}
	}
	if h := strings.ToLower(u.Hostname()); h == "invalid" || strings.HasSuffix(h, ".invalid") {
		return failure{code: "MEDIA_NOT_REACHABLE", description: "The media URL's host cannot be reached (the emulator treats the .invalid domain as unreachable)."}
	}
	types, ok := mediaTypes[channel]
	if !ok {
		return failure{}
	}
	ext := strings.ToLower(path.Ext(u.Path))
	if ext == "" {
		return failure{}
	}
	if !types[ext] {
		return failure{code: "MEDIA_TYPE_UNSUPPORTED", description: channel + " does not take " + ext + " files."}
	}
	return failure{}
}

// quoteID quotes a user-supplied id, at most 64 characters of it.
func quoteID(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return `"` + s + `"`
}

// windowTracker remembers when each contact last wrote to each app on each channel, which
// opens the WhatsApp customer-service window.
type windowTracker struct {
	mu   sync.Mutex
	last map[string]time.Time // project/app/channel/identity → time of the last inbound message
}

func windowKey(projectID, appID string, ci channelIdentity) string {
	return projectID + "\x00" + appID + "\x00" + ci.channel + "\x00" + ci.identity
}

func (w *windowTracker) open(projectID, appID string, ci channelIdentity, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.last == nil {
		w.last = map[string]time.Time{}
	}
	w.last[windowKey(projectID, appID, ci)] = at
}

func (w *windowTracker) lastInbound(projectID, appID string, ci channelIdentity) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.last[windowKey(projectID, appID, ci)]
	return t, ok
}

func (w *windowTracker) reset() {
	w.mu.Lock()
	clear(w.last)
	w.mu.Unlock()
}

// refuseAtOnce is what the API answers 400 for before accepting a message, beyond what the
// spec's schema says: a template_message needs an omni_template or a channel_template
// (https://developers.sinch.com/docs/conversation/message-types/template-message).
func refuseAtOnce(msg doc) error {
	if tm, ok := msg["template_message"]; ok {
		t := obj(tm)
		if obj(t["omni_template"]) == nil && len(obj(t["channel_template"])) == 0 {
			return errInvalid("template_message needs omni_template or channel_template (a template of the template store, or a channel's own template per channel)")
		}
	}
	return nil
}

// checkCredentials refuses a static_bearer credential without a token, except on VIBERBM,
// whose credential is the claimed identity (the Viber service ID) alone
// (https://developers.sinch.com/docs/conversation/channel-support/viber-bm/set-up).
func checkCredentials(creds []conversation.ChannelCredentials) error {
	for i, cred := range creds {
		if cred.StaticBearer == (conversation.StaticBearerCredential{}) || cred.Channel == conversation.ConversationChannelViberBM {
			continue
		}
		if cred.StaticBearer.Token == "" {
			return errInvalid("channel_credentials[%d].static_bearer.token is required for %s (only VIBERBM takes the claimed_identity alone)", i, cred.Channel)
		}
	}
	return nil
}
