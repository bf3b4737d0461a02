package emulator

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// storedMessage is one stored message or event, typed: the fields of
// conversation.ConversationMessage (and of conversation.ConversationEvent, which are a subset),
// with the content (app_message, contact_message, app_event, ...) kept as the JSON the API
// answers with. A value-typed conversation.ConversationMessage takes 1.5 KB before its
// content; this record takes about 200 bytes, and its strings are shared with the app,
// contact and conversation where they can be, so that hundreds of thousands of stored
// messages stay small and cheap for the garbage collector to scan. Records change only by
// whole fields under the project lock (update), so a copy of the struct can be encoded
// after the lock is released.
type storedMessage struct {
	id string // the message or event id
	// acceptTime is the RFC 3339 accept time, as the API answers it.
	acceptTime      string
	channelIdentity conversation.ChannelIdentity       // channel_identity (app_id shared with the app)
	contactID       string                             // contact_id, "" in DISPATCH mode
	conversationID  string                             // conversation_id, "" in DISPATCH mode
	metadata        string                             // metadata (messages only)
	senderID        string                             // sender_id (injected contact messages)
	direction       conversation.ConversationDirection // direction, a shared constant
	processingMode  conversation.ProcessingMode        // processing_mode, a shared constant
	// content is the JSON object of the field kind names, "" when there is none.
	content string
	kind    contentKind
	// injected is the injected field; hasInjected says whether the record has it (messages
	// do, events do not).
	injected, hasInjected bool
}

// contentKind names the field of a stored message or event that holds its content.
type contentKind uint8

// The content fields of messages and events.
const (
	noContent contentKind = iota
	contentAppMessage
	contentContactMessage
	contentAppEvent
	contentContactEvent
	contentContactMessageEvent
)

// contentKeys are the JSON names of the content kinds.
var contentKeys = [...]string{
	noContent:                  "",
	contentAppMessage:          "app_message",
	contentContactMessage:      "contact_message",
	contentAppEvent:            "app_event",
	contentContactEvent:        "contact_event",
	contentContactMessageEvent: "contact_message_event",
}

// knownChannels maps each channel name of the API to its constant, so that stored records
// share the constant's bytes instead of holding a copy each.
var knownChannels = func() map[string]conversation.ConversationChannel {
	m := map[string]conversation.ConversationChannel{}
	for _, ch := range []conversation.ConversationChannel{
		conversation.ConversationChannelAppleBC, conversation.ConversationChannelInstagram, conversation.ConversationChannelKakaoTalk,
		conversation.ConversationChannelKakaoTalkChat, conversation.ConversationChannelLINE, conversation.ConversationChannelMMS,
		conversation.ConversationChannelMessenger, conversation.ConversationChannelRCS, conversation.ConversationChannelSMS,
		conversation.ConversationChannelTelegram, conversation.ConversationChannelUnspecified, conversation.ConversationChannelViber,
		conversation.ConversationChannelViberBM, conversation.ConversationChannelWeChat, conversation.ConversationChannelWhatsApp,
	} {
		m[string(ch)] = ch
	}
	return m
}()

// channelOf returns the channel named s, as the shared constant when it is a known channel.
func channelOf(s string) conversation.ConversationChannel {
	if ch, ok := knownChannels[s]; ok {
		return ch
	}
	return conversation.ConversationChannel(s)
}

// directionOf returns the direction named s, as the shared constant when it is a known one.
func directionOf(s string) conversation.ConversationDirection {
	switch d := conversation.ConversationDirection(s); d {
	case conversation.ConversationDirectionToApp, conversation.ConversationDirectionToContact, conversation.ConversationDirectionUndefined:
		return d
	}
	return conversation.ConversationDirection(s)
}

// modeOf returns the processing mode named s, as the shared constant when it is a known one.
func modeOf(s string) conversation.ProcessingMode {
	switch s {
	case string(conversation.ProcessingModeConversation):
		return conversation.ProcessingModeConversation
	case string(conversation.ProcessingModeDispatch):
		return conversation.ProcessingModeDispatch
	}
	return conversation.ProcessingMode(s)
}

// recordFromDoc builds a stored message or event from its JSON document form (an injected
// message or event, as the request gave it). Fields the API does not define are not kept,
// as the API does not keep them.
func recordFromDoc(d doc) *storedMessage {
	m := &storedMessage{
		id: str(d, "id"), acceptTime: str(d, "accept_time"), contactID: str(d, "contact_id"),
		conversationID: str(d, "conversation_id"), metadata: str(d, "metadata"), senderID: str(d, "sender_id"),
		direction: directionOf(str(d, "direction")), processingMode: modeOf(str(d, "processing_mode")),
	}
	if ci := obj(d["channel_identity"]); ci != nil {
		m.channelIdentity = conversation.ChannelIdentity{AppID: str(ci, "app_id"), Channel: channelOf(str(ci, "channel")), Identity: str(ci, "identity")}
	}
	if v, ok := d["injected"]; ok {
		m.hasInjected, m.injected = true, boolean(v)
	}
	for k := contentAppMessage; int(k) < len(contentKeys); k++ {
		if v, ok := d[contentKeys[k]]; ok && v != nil {
			m.setContent(k, v)
			break
		}
	}
	return m
}

// setContent stores v, a JSON value, as the record's content of kind k.
func (m *storedMessage) setContent(k contentKind, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	m.kind, m.content = k, string(b)
}

// contentDoc decodes the content, nil when there is none.
func (m *storedMessage) contentDoc() doc {
	if m.content == "" {
		return nil
	}
	var d doc
	if json.Unmarshal([]byte(m.content), &d) != nil {
		return nil
	}
	return d
}

// acceptedAt parses the accept time; ok is false when it is not an RFC 3339 time.
func (m *storedMessage) acceptedAt() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, m.acceptTime)
	return t, err == nil
}

// MarshalJSON encodes the record as the API answers it: the same bytes encoding/json gives
// for the record's JSON document (keys sorted, HTML characters escaped), so that GET and
// list answers stay exactly what they were while messages were stored as documents.
func (m storedMessage) MarshalJSON() ([]byte, error) { return m.appendJSON(nil), nil }

// appendJSON appends the record's JSON to b; see MarshalJSON.
func (m *storedMessage) appendJSON(b []byte) []byte {
	w := jsonObject{b: append(b, '{')}
	w.str("accept_time", m.acceptTime)
	w.content(m, contentAppEvent)
	w.content(m, contentAppMessage)
	if ci := m.channelIdentity; ci != (conversation.ChannelIdentity{}) {
		w.key("channel_identity")
		in := jsonObject{b: append(w.b, '{')}
		in.str("app_id", ci.AppID)
		in.field("channel", string(ci.Channel))
		in.field("identity", ci.Identity)
		w.b = append(in.b, '}')
	}
	w.content(m, contentContactEvent)
	w.str("contact_id", m.contactID)
	w.content(m, contentContactMessage)
	w.content(m, contentContactMessageEvent)
	w.str("conversation_id", m.conversationID)
	w.str("direction", string(m.direction))
	w.str("id", m.id)
	if m.hasInjected {
		w.key("injected")
		w.b = strconv.AppendBool(w.b, m.injected)
	}
	w.str("metadata", m.metadata)
	w.str("processing_mode", string(m.processingMode))
	w.str("sender_id", m.senderID)
	return append(w.b, '}')
}

// jsonObject writes the members of a JSON object.
type jsonObject struct {
	b    []byte
	more bool
}

// key writes a member's name.
func (w *jsonObject) key(k string) {
	if w.more {
		w.b = append(w.b, ',')
	}
	w.more = true
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

// str writes a string member, unless v is "".
func (w *jsonObject) str(k, v string) {
	if v != "" {
		w.field(k, v)
	}
}

// field writes a string member, even "".
func (w *jsonObject) field(k, v string) {
	w.key(k)
	w.b = appendJSONString(w.b, v)
}

// content writes the record's content when it is of kind k.
func (w *jsonObject) content(m *storedMessage, k contentKind) {
	if m.kind == k && m.content != "" {
		w.key(contentKeys[k])
		w.b = append(w.b, m.content...)
	}
}

// appendJSONString appends s as encoding/json writes it (HTML characters, U+2028 and U+2029
// escaped; invalid UTF-8 replaced).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONValue appends v, a decoded JSON value (objects as map[string]any, arrays as []any,
// numbers as json.Number), as encoding/json.Marshal encodes it: object keys sorted, strings as
// appendJSONString writes them. A value of another type is encoded by encoding/json, which
// gives the same bytes for it alone as within its parent.
func appendJSONValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case json.Number:
		if x == "" {
			return append(b, '0'), nil // as encoding/json writes an empty Number
		}
		if first, last := x[0], x[len(x)-1]; first != '-' && (first < '0' || first > '9') || last < '0' || last > '9' || !json.Valid([]byte(x)) {
			break // not a number: encoding/json's error
		}
		return append(b, x...), nil
	case map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		var keysBuf [16]string
		keys := keysBuf[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendJSONValue(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, raw...), nil
}

// message returns the stored message id. The caller holds c.proj.mu.
func (c *call) message(id string) (*storedMessage, error) {
	m, ok := c.proj.messages.get(id)
	if !ok {
		return nil, errNotFound("message %s not found", quoteID(id))
	}
	return m, nil
}

// getMessage answers GET /v1/projects/{project_id}/messages/{message_id}.
func getMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	m, err := c.message(c.param("message_id"))
	if err != nil {
		return nil, err
	}
	return *m, nil
}

// updateMessageMetadata answers PATCH /v1/projects/{project_id}/messages/{message_id}: it
// replaces the message's metadata.
func updateMessageMetadata(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	m, err := c.message(c.param("message_id"))
	if err != nil {
		return nil, err
	}
	v, ok := c.body["metadata"]
	if !ok {
		return nil, errInvalid("metadata is required")
	}
	md, ok := v.(string)
	if !ok {
		return nil, errInvalid("metadata must be a string")
	}
	c.proj.messages.update(m.id, func(m *storedMessage) { m.metadata = md })
	return *m, nil
}

// deleteMessage answers DELETE /v1/projects/{project_id}/messages/{message_id}.
func deleteMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("message_id")
	if !c.proj.messages.remove(id) {
		return nil, errNotFound("message %s not found", quoteID(id))
	}
	return doc{}, nil
}

// sourceOf tells which source a stored message belongs to.
func sourceOf(m *storedMessage) string {
	if m.processingMode == conversation.ProcessingModeDispatch {
		return "DISPATCH_SOURCE"
	}
	return "CONVERSATION_SOURCE"
}

// messageIndexes are the indexes of the messages collection: one per equality filter of
// messages:list, so that a listing reads only the candidates of its most selective filter.
var messageIndexes = map[string]func(m *storedMessage) string{
	"source":       sourceOf,
	"app":          func(m *storedMessage) string { return m.channelIdentity.AppID },
	"conversation": func(m *storedMessage) string { return m.conversationID },
	"contact":      func(m *storedMessage) string { return m.contactID },
	"identity":     func(m *storedMessage) string { return m.channelIdentity.Identity },
	"channel":      func(m *storedMessage) string { return string(m.channelIdentity.Channel) },
	"direction":    func(m *storedMessage) string { return string(m.direction) },
	// linkedDispatch holds the DISPATCH messages that have a conversation or a contact. The
	// API's do not (only CONVERSATION mode keeps them), so it is empty, and then a filter on a
	// conversation or contact implies CONVERSATION_SOURCE (see candidates).
	"linkedDispatch": func(m *storedMessage) string {
		if sourceOf(m) == "DISPATCH_SOURCE" && (m.conversationID != "" || m.contactID != "") {
			return "linked"
		}
		return ""
	},
}

// candidates returns the ids (sorted) of the messages that may match f, from the most
// selective index of its equality filters, and whether they all match (f has no other
// filter). The other filters are then checked on the typed records, which costs a few
// comparisons each.
func (f messageFilter) candidates(mc *collection[*storedMessage]) (ids []string, exact bool) {
	type use struct{ field, value string }
	var uses []use
	add := func(field, value string) {
		if value != "" {
			uses = append(uses, use{field, value})
		}
	}
	// A conversation or contact filter implies CONVERSATION_SOURCE when no DISPATCH message
	// has a conversation or contact: then one index gives the exact candidates (and the total
	// is their number), rather than both an index and a check of each candidate.
	if implied, _ := mc.candidates("linkedDispatch", "linked"); f.source != "CONVERSATION_SOURCE" ||
		(f.conversationID == "" && len(f.contactIDs) != 1) || len(implied) > 0 {
		add("source", f.source)
	}
	add("app", f.appID)
	add("conversation", f.conversationID)
	add("channel", f.channel)
	add("direction", f.direction)
	if f.onlyRecipientOriginated {
		add("direction", "TO_APP")
	}
	if len(f.contactIDs) == 1 {
		add("contact", f.contactIDs[0])
	}
	if len(f.identities) == 1 {
		add("identity", f.identities[0])
	}
	if len(uses) == 0 {
		return mc.ids, !f.timed() && len(f.contactIDs)+len(f.identities) == 0
	}
	found := false
	for _, u := range uses {
		l, ok := mc.candidates(u.field, u.value)
		if !ok {
			return mc.ids, false
		}
		if !found || len(l) < len(ids) {
			found, ids = true, l
		}
	}
	return ids, len(uses) == 1 && !f.timed() && len(f.contactIDs) <= 1 && len(f.identities) <= 1
}

// timed reports whether f filters on the accept time.
func (f messageFilter) timed() bool { return !f.start.IsZero() || !f.end.IsZero() }

// messageFilter builds the filter shared by listMessages and fetchLastMessage.
type messageFilter struct {
	source, appID, conversationID, channel, direction string
	contactIDs, identities                            []string
	start, end                                        time.Time
	onlyRecipientOriginated                           bool
}

func (f messageFilter) keep(m *storedMessage) bool {
	ci := m.channelIdentity
	switch {
	case f.source != "" && sourceOf(m) != f.source,
		f.appID != "" && ci.AppID != f.appID,
		f.conversationID != "" && m.conversationID != f.conversationID,
		len(f.contactIDs) > 0 && !contains(f.contactIDs, m.contactID),
		len(f.identities) > 0 && !contains(f.identities, ci.Identity),
		f.channel != "" && string(ci.Channel) != f.channel,
		f.direction != "" && string(m.direction) != f.direction,
		f.onlyRecipientOriginated && m.direction != conversation.ConversationDirectionToApp:
		return false
	}
	if f.timed() {
		t, ok := m.acceptedAt()
		if !ok || (!f.start.IsZero() && t.Before(f.start)) || (!f.end.IsZero() && !t.Before(f.end)) {
			return false
		}
	}
	return true
}

// parseTime reads the RFC 3339 time of the filter name ("" gives the zero time).
func parseTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errInvalid("%s must be an RFC 3339 time", name)
	}
	return t, nil
}

// listMessages answers GET /v1/projects/{project_id}/messages, newest first, through the
// indexes of its equality filters.
func listMessages(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := messageFilter{
		source: q.Get("messages_source"), appID: q.Get("app_id"), conversationID: q.Get("conversation_id"),
		channel: q.Get("channel"), direction: q.Get("direction"),
		onlyRecipientOriginated: q.Get("only_recipient_originated") == "true",
	}
	if f.source == "" {
		f.source = "CONVERSATION_SOURCE"
	}
	if v := q.Get("contact_id"); v != "" {
		f.contactIDs = []string{v}
	}
	if v := identityQuery(c.r, "channel_identity"); v != "" {
		f.identities = []string{v}
	}
	if f.start, err = parseTime("start_time", q.Get("start_time")); err != nil {
		return nil, err
	}
	if f.end, err = parseTime("end_time", q.Get("end_time")); err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	mc := c.proj.messages
	ids, exact := f.candidates(mc)
	p, err := mc.listIn(ids, f.keep, exact, size, q.Get("page_token"), true)
	if err != nil {
		return nil, err
	}
	return messagePage(p, true), nil
}

// messagePage is the answer of a listing of messages: copies of the records, so that they
// are encoded after the lock is released.
func messagePage(p page[*storedMessage], total bool) any {
	items := make([]storedMessage, len(p.items))
	for i, m := range p.items {
		items[i] = *m
	}
	if !total {
		return struct {
			Messages      []storedMessage `json:"messages"`
			NextPageToken string          `json:"next_page_token"`
		}{items, p.nextToken}
	}
	return struct {
		Messages      []storedMessage `json:"messages"`
		NextPageToken string          `json:"next_page_token"`
		TotalSize     int             `json:"total_size"`
	}{items, p.nextToken, p.total}
}

// fetchLastMessage answers messages:fetch-last-message: the newest message of each contact
// (or channel identity) asked for.
func fetchLastMessage(c *call) (any, error) {
	b := c.body
	f := messageFilter{source: str(b, "messages_source"), appID: str(b, "app_id"), channel: str(b, "channel"), direction: str(b, "direction")}
	for _, v := range arr(b["contact_ids"]) {
		if s, ok := v.(string); ok {
			f.contactIDs = append(f.contactIDs, s)
		}
	}
	for _, v := range arr(b["channel_identities"]) {
		if s, ok := v.(string); ok {
			f.identities = append(f.identities, s)
		}
	}
	if len(f.contactIDs) == 0 && len(f.identities) == 0 {
		return nil, errInvalid("contact_ids or channel_identities is required")
	}
	var err error
	if f.start, err = parseTime("start_time", str(b, "start_time")); err != nil {
		return nil, err
	}
	if f.end, err = parseTime("end_time", str(b, "end_time")); err != nil {
		return nil, err
	}
	size, err := c.bodyPageSize(b["page_size"], 10)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	// The newest message of each contact (or channel identity).
	seen := map[string]bool{}
	keep := func(m *storedMessage) bool {
		if !f.keep(m) {
			return false
		}
		k := m.contactID
		if k == "" {
			k = string(m.channelIdentity.Channel) + "/" + m.channelIdentity.Identity
		}
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	// Collect the newest per key first, so that paging sees a stable set.
	mc := c.proj.messages
	var kept []int
	for i := len(mc.recs) - 1; i >= 0; i-- {
		if keep(mc.recs[i]) {
			kept = append(kept, i)
		}
	}
	latest := newCollection[*storedMessage]()
	for _, i := range slices.Backward(kept) { // oldest first, so that each is appended
		latest.put(mc.ids[i], mc.recs[i])
	}
	p, err := latest.list(nil, size, str(b, "page_token"), true)
	if err != nil {
		return nil, err
	}
	return messagePage(p, false), nil
}
