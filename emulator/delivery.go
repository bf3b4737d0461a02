package emulator

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// channelIdentity is one (channel, identity) a message can go to.
type channelIdentity struct {
	channel, identity string
}

// deliveryStep is one delivery report the simulation will send.
type deliveryStep struct {
	ci     channelIdentity
	status string
	why    *traceReason // the reason, nil when none (most steps): the trace shares it
	hold   bool         // stay queued on the channel until the ttl runs out (MESSAGE_EXPIRED)
}

// expired is the reason of a message whose ttl ran out.
var expired = &traceReason{code: "MESSAGE_EXPIRED"}

// planDelivery decides, deterministically, the delivery reports of a message sent to the
// channels in order: check says how each channel fares (see failures.go). A channel that
// fails hands over to the next with SWITCHING_CHANNEL; when none is left the last report is
// FAILED, with the channel's own reason when only one channel was tried and NO_CHANNELS_LEFT
// otherwise (channel_priority_order and SWITCHING_CHANNEL:
// https://developers.sinch.com/docs/conversation/api-reference/conversation/messages and
// https://developers.sinch.com/docs/conversation/callbacks).
func planDelivery(order []channelIdentity, check func(channelIdentity) failure) []deliveryStep {
	steps := make([]deliveryStep, 0, 2*len(order)) // at most two reports per channel
	for i, ci := range order {
		f := check(ci)
		if f.queued || f.ok() {
			steps = append(steps, deliveryStep{ci: ci, status: "QUEUED_ON_CHANNEL"})
		}
		if f.hold {
			return append(steps, deliveryStep{ci: ci, status: "QUEUED_ON_CHANNEL", hold: true})
		}
		if f.ok() {
			return append(steps, deliveryStep{ci: ci, status: "DELIVERED"})
		}
		if i < len(order)-1 {
			steps = append(steps, deliveryStep{ci: ci, status: "SWITCHING_CHANNEL", why: &traceReason{f.code, f.description}})
			continue
		}
		if len(order) > 1 {
			return append(steps, deliveryStep{ci: ci, status: "FAILED", why: &traceReason{"NO_CHANNELS_LEFT",
				"Every channel in the priority order failed; the last, " + ci.channel + ", with " + f.code + ": " + f.description}})
		}
		return append(steps, deliveryStep{ci: ci, status: "FAILED", why: &traceReason{f.code, f.description}})
	}
	return steps
}

var reasonText = map[string]string{
	"RECIPIENT_NOT_REACHABLE":            "The emulator treats this identity as unreachable on this channel (see the package documentation's test identities, or Config.Undeliverable).",
	"NO_CHANNELS_LEFT":                   "Every channel in the priority order failed.",
	"RECIPIENT_INVALID_CHANNEL_IDENTITY": "The emulator treats this identity as invalid (it ends in 9999).",
	"MESSAGE_EXPIRED":                    "The message's ttl ran out before it was delivered.",
}

// reasonDoc is the reason object of a delivery report with the given code and description
// (the code's usual text when detail is "").
func reasonDoc(code, detail string) *deliveryReason {
	if detail == "" {
		detail = reasonText[code]
	}
	return &deliveryReason{Code: code, Description: detail, SubCode: "UNSPECIFIED_SUB_CODE"}
}

// deliveryReason is the reason of a FAILED or SWITCHING_CHANNEL delivery report.
type deliveryReason struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	SubCode     string `json:"sub_code"`
}

// channelIdentityOf is the channel identity of a report or record.
func channelIdentityOf(channel, identity, appID string) conversation.ChannelIdentity {
	return conversation.ChannelIdentity{Channel: channelOf(channel), Identity: identity, AppID: appID}
}

// deliveryReport is the message_delivery_report of a MESSAGE_DELIVERY callback. Its fields
// are in the order of their names, so that it encodes as the JSON document it replaced.
type deliveryReport struct {
	BatchID         string                       `json:"batch_id,omitempty"`
	ChannelIdentity conversation.ChannelIdentity `json:"channel_identity"`
	ContactID       string                       `json:"contact_id,omitempty"`
	ConversationID  string                       `json:"conversation_id,omitempty"`
	MessageID       string                       `json:"message_id"`
	MessageIndex    *int                         `json:"message_index,omitempty"` // set with BatchID
	Metadata        string                       `json:"metadata,omitempty"`
	ProcessingMode  string                       `json:"processing_mode"`
	Reason          *deliveryReason              `json:"reason,omitempty"`
	Status          string                       `json:"status"`
}

// sendInput is one message to send, from messages:send or from a batch.
type sendInput struct {
	appID             string
	recipient         doc
	message           doc
	priority          []string // channel_priority_order
	metadata          string   // message_metadata
	correlationID     string
	dispatchOnly      bool
	conversationMD    any // conversation_metadata
	batchID           string
	messageIndex      int
	callbackURL       string // per-message callback_url: delivery receipts go there
	ttl               time.Duration
	contentType       string            // message_content_type
	channelProperties map[string]string // channel_properties
}

// sendLocked stores a message, creates the contact and conversation in CONVERSATION mode, and
// queues the callbacks and the delivery simulation on ob. The caller holds p.mu.
func (s *Server) sendLocked(ob *outbox, in sendInput) (*storedMessage, error) {
	p := ob.proj
	app, ok := p.apps.get(in.appID)
	if !ok {
		return nil, errNotFound("app %s not found", quoteID(in.appID))
	}
	in.appID = app.ID // the stored app's string, so that traces do not keep the request's
	if in.recipient == nil {
		return nil, errInvalid("recipient is required")
	}
	if in.message == nil {
		return nil, errInvalid("message is required")
	}
	if err := refuseAtOnce(in.message); err != nil {
		return nil, err
	}
	mode := string(app.ProcessingMode)
	if mode == "" || in.dispatchOnly {
		mode = "DISPATCH"
	}
	var identities []channelIdentity
	var contact *conversation.Contact
	if cid := str(in.recipient, "contact_id"); cid != "" {
		ct, ok := p.contacts.get(cid)
		if !ok {
			return nil, errNotFound("contact %s not found", quoteID(cid))
		}
		contact = ct
		for _, m := range ct.ChannelIdentities {
			if m.AppID != "" && m.AppID != in.appID {
				continue
			}
			identities = append(identities, channelIdentity{string(m.Channel), m.Identity})
		}
		if len(in.priority) == 0 {
			for _, ch := range ct.ChannelPriority {
				in.priority = append(in.priority, string(ch))
			}
		}
	} else {
		for _, x := range arr(dig(in.recipient, "identified_by", "channel_identities")) {
			m := obj(x)
			// The channel as its shared constant, so that the traces and records that keep it
			// do not keep the request's copy.
			identities = append(identities, channelIdentity{string(channelOf(str(m, "channel"))), str(m, "identity")})
		}
	}
	if len(identities) == 0 {
		return nil, errInvalid("the recipient has no channel identity to send to")
	}
	order := orderIdentities(identities, in.priority)
	if len(order) == 0 {
		return nil, errInvalid("no channel identity of the recipient is in channel_priority_order")
	}

	now := s.now()
	convID := ""
	if mode == "CONVERSATION" {
		if contact == nil {
			contact = findContact(p, identities)
			if contact == nil {
				var req conversation.ContactCreateRequest
				for _, ci := range identities {
					req.ChannelIdentities = append(req.ChannelIdentities, conversation.ChannelIdentity{Channel: channelOf(ci.channel), Identity: ci.identity})
				}
				contact = newContact(s, req)
				p.contacts.put(contact.ID, contact)
				ob.queue(in.appID, "CONTACT_CREATE", "contact_create_notification", contactOf{*contact}, "", "")
			}
		}
		conv := findActiveConversation(p, in.appID, contact.ID)
		if conv == nil {
			conv = &conversation.Conversation{ID: s.newID(), AppID: in.appID, ContactID: contact.ID, Active: true, ActiveChannel: conversation.ConversationActiveChannel(order[0].channel)}
			if md, ok := in.conversationMD.(map[string]any); ok {
				conv.MetadataJSON = md // never changed in place, so the request's map can be kept
			}
			p.conversations.put(conv.ID, conv)
			ob.queue(in.appID, "CONVERSATION_START", "conversation_start_notification", conversationOf{conversationOut(*conv)}, "", "")
		}
		convID = conv.ID
	}

	if !s.ingress.reserve(p.id, in.appID) {
		return nil, errQueueFull(s.ingress.limit)
	}
	var buf [512]byte // the JSON is copied into the message's string: most messages need no allocation of their own
	content, err := appendJSONValue(buf[:0], in.message)
	if err != nil {
		return nil, errInvalid("message is not a JSON object")
	}
	var id [ulidLen]byte
	s.ids.fill(&id, s.clock.Now())
	var at [len(time.RFC3339Nano) + 8]byte
	m := &storedMessage{
		direction: conversation.ConversationDirectionToContact, processingMode: modeOf(mode),
		hasInjected: true, kind: contentAppMessage,
	}
	var props [128]byte
	packed := packSent(id[:], now.UTC().AppendFormat(at[:0], time.RFC3339Nano), content, in.metadata, appendProps(props[:0], in.channelProperties), order)
	m.id, m.acceptTime, m.content, in.metadata = packed.id, packed.accept, packed.content, packed.metadata
	sc := s.newSendContext(p, app, in)
	sc.content = m.content
	steps := planDelivery(order, sc.check)
	final := steps[len(steps)-1].ci
	m.channelIdentity = conversation.ChannelIdentity{Channel: channelOf(final.channel), Identity: final.identity, AppID: app.ID}
	m.metadata = in.metadata
	if convID != "" {
		m.conversationID, m.contactID = convID, contact.ID
	}
	s.keep(p.messages, m)
	if convID != "" {
		if conv, ok := p.conversations.get(convID); ok {
			conv.ActiveChannel = conversation.ConversationActiveChannel(final.channel)
		}
	}

	if hooks := hooksFor(p, in.appID, "MESSAGE_SUBMIT"); len(hooks) > 0 {
		submit := doc{
			"message_id": m.id, "channel_identity": doc{"channel": order[0].channel, "identity": order[0].identity},
			"submitted_message": in.message, "processing_mode": mode,
		}
		if convID != "" {
			submit["conversation_id"] = convID
			submit["contact_id"] = contact.ID
		}
		if in.metadata != "" {
			submit["metadata"] = in.metadata
		}
		ob.queueTo(hooks, in.appID, "MESSAGE_SUBMIT", "message_submit_notification", submit, in.metadata, in.correlationID)
	}

	var override *webhookRef
	if in.callbackURL != "" {
		override = &webhookRef{id: "callback_url", target: in.callbackURL, secret: app.CallbackSettings.SecretForOverriddenCallbackURLs}
	}
	sim := &simulation{
		override:  override,
		projectID: p.id, appID: in.appID, messageID: m.id, conversationID: convID, contactID: m.contactID,
		metadata: in.metadata, correlationID: in.correlationID, mode: mode, accepted: now, steps: steps,
		batchID: in.batchID, messageIndex: in.messageIndex, ttl: in.ttl,
	}
	s.traces.start(sim, m.content, packed.props)
	s.feed.sent(m.id, order)
	ob.push(sim)
	return m, nil
}

// sentStrings are the small strings of a sent message: its id, accept time, content (JSON),
// metadata and channel properties (packed by appendProps).
type sentStrings struct{ id, accept, content, metadata, props string }

// packSent returns the small strings of a sent message as parts of one string, and makes the
// identities of order parts of it too (the stored message, its trace and its simulation keep
// them): one object for the garbage collector to mark for each stored message, rather than
// one per string.
func packSent(id, accept, content []byte, metadata string, props []byte, order []channelIdentity) sentStrings {
	n := len(id) + len(accept) + len(content) + len(metadata) + len(props)
	for _, ci := range order {
		n += len(ci.identity)
	}
	var b strings.Builder
	b.Grow(n)
	b.Write(id)
	b.Write(accept)
	b.Write(content)
	b.WriteString(metadata)
	b.Write(props)
	for _, ci := range order {
		b.WriteString(ci.identity)
	}
	all := b.String()
	next := func(k int) string {
		part := all[:k]
		all = all[k:]
		return part
	}
	out := sentStrings{id: next(len(id)), accept: next(len(accept)), content: next(len(content)), metadata: next(len(metadata)), props: next(len(props))}
	for i := range order {
		order[i].identity = next(len(order[i].identity))
	}
	return out
}

// orderIdentities puts the identities in channel_priority_order (identities of channels not
// listed are left out); without an order, the identities keep their own order.
func orderIdentities(ids []channelIdentity, priority []string) []channelIdentity {
	if len(priority) == 0 {
		return ids
	}
	var out []channelIdentity
	for _, ch := range priority {
		for _, ci := range ids {
			if ci.channel == ch {
				out = append(out, ci)
				break
			}
		}
	}
	return out
}

// findContact returns the oldest contact holding one of the identities, or nil. It reads
// only the contacts the identity index names.
func findContact(p *project, ids []channelIdentity) *conversation.Contact {
	var found *conversation.Contact
	for _, ci := range ids {
		cands, _ := p.contacts.candidates("identity", ci.identity)
		for _, id := range cands {
			if found != nil && id >= found.ID {
				break // ids sort in creation order: only an older contact can replace found
			}
			ct := p.contacts.rec(id)
			if slices.ContainsFunc(ct.ChannelIdentities, func(m conversation.ChannelIdentity) bool {
				return string(m.Channel) == ci.channel && m.Identity == ci.identity
			}) {
				found = ct
				break
			}
		}
	}
	return found
}

// findActiveConversation returns the newest active conversation of the app and contact, or
// nil. It reads only the contact's conversations.
func findActiveConversation(p *project, appID, contactID string) *conversation.Conversation {
	ids, _ := p.conversations.candidates("contact", contactID)
	for i := len(ids) - 1; i >= 0; i-- {
		conv := p.conversations.rec(ids[i])
		if conv.AppID == appID && conv.Active {
			return conv
		}
	}
	return nil
}

// simulation is the delivery of one message, reported step by step.
type simulation struct {
	projectID, appID, messageID, conversationID, contactID string
	metadata, correlationID, mode                          string
	accepted                                               time.Time
	ttl                                                    time.Duration // 0: none
	steps                                                  []deliveryStep
	batchID                                                string
	messageIndex                                           int
	override                                               *webhookRef // callback_url, instead of the webhooks
	// next is the step the simulation is at; readNext says a READ is due after it, and
	// holding that the step's wait for the ttl has begun. Only simStep changes them.
	next              int
	readNext, holding bool
	// wait is when the next step is due, while the simulation waits in the deliveries heap.
	wait dueStep
	// trace is the number of the message's trace in Server.traces.
	trace uint64
}

// expired reports whether the message's ttl has run out at now.
func (sim *simulation) expired(now time.Time) bool {
	return sim.ttl > 0 && !now.Before(sim.accepted.Add(sim.ttl))
}

// simulate sends the delivery reports of one message, StepDelay of emulator time apart, in
// the background (see deliveries). A message whose ttl runs out before it is delivered fails
// with MESSAGE_EXPIRED on the channel it is on, without fallback (the ttl of
// https://developers.sinch.com/docs/conversation/api-reference/conversation/messages: no
// channel failover happens after it expires). After DELIVERED, channels that report reads
// send READ (unless Config.DisableReadReceipts).
func (s *Server) simulate(p *project, sim *simulation) {
	s.deliveries.after(p, sim, s.cfg.Callbacks.StepDelay)
}

// simStep runs when a simulation's wait is over: it sends the report that was due, and
// schedules the wait for the next one.
func (s *Server) simStep(p *project, sim *simulation) {
	if s.ctx.Err() != nil || sim.next >= len(sim.steps) {
		return
	}
	st := sim.steps[sim.next]
	if sim.readNext {
		sim.readNext = false
		s.report(p, sim, deliveryStep{ci: st.ci, status: "READ"})
	} else {
		if st.hold && !sim.holding {
			// Accepted by the channel, never delivered: the message waits for its ttl.
			if sim.ttl <= 0 {
				return
			}
			sim.holding = true
			s.deliveries.after(p, sim, sim.accepted.Add(sim.ttl).Sub(s.now()))
			return
		}
		if st.hold || (st.status != "FAILED" && sim.expired(s.now())) {
			s.report(p, sim, deliveryStep{ci: st.ci, status: "FAILED", why: expired})
			return
		}
		s.report(p, sim, st)
		if st.status == "DELIVERED" && readChannels[st.ci.channel] && !s.cfg.DisableReadReceipts {
			sim.readNext = true
			s.deliveries.after(p, sim, s.cfg.Callbacks.StepDelay)
			return
		}
	}
	if sim.next++; sim.next < len(sim.steps) {
		s.deliveries.after(p, sim, s.cfg.Callbacks.StepDelay)
	}
}

// report records one delivery report of a message and posts it as MESSAGE_DELIVERY to the
// message's callback_url, or else to the app's webhooks subscribed to it; without any, no
// callback is built.
func (s *Server) report(p *project, sim *simulation, st deliveryStep) {
	s.traces.step(sim, st, s.now(), s.reportsPlanned(sim))
	defer s.changed() // the inbox shows the new status
	var hooks []webhookRef
	if sim.override != nil {
		hooks = []webhookRef{*sim.override}
	} else {
		p.mu.Lock()
		hooks = hooksFor(p, sim.appID, "MESSAGE_DELIVERY")
		p.mu.Unlock()
		if len(hooks) == 0 {
			return
		}
	}
	report := deliveryReport{
		MessageID: sim.messageID, Status: st.status, ProcessingMode: sim.mode,
		ChannelIdentity: channelIdentityOf(st.ci.channel, st.ci.identity, sim.appID),
		ConversationID:  sim.conversationID, Metadata: sim.metadata,
	}
	if sim.conversationID != "" {
		report.ContactID = sim.contactID
	}
	if st.why != nil && st.why.code != "" {
		report.Reason = reasonDoc(st.why.code, st.why.detail)
	}
	if sim.batchID != "" && st.status == "FAILED" {
		report.BatchID, report.MessageIndex = sim.batchID, &sim.messageIndex
	}
	body := s.callbackBody(p.id, sim.appID, "message_delivery_report", report, sim.metadata, sim.correlationID, sim.accepted)
	s.cb.send(p.id, sim.appID, "MESSAGE_DELIVERY", hooks, body)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// propsPool holds maps for the channel properties of messages:send requests: a message needs
// its map only while it is sent (its trace keeps the properties packed in its string).
var propsPool = sync.Pool{New: func() any { return map[string]string{} }}

func sendMessage(c *call) (any, error) {
	b := c.body
	if b == nil {
		return nil, errInvalid("request body is required")
	}
	in := sendInput{
		appID: str(b, "app_id"), recipient: obj(b["recipient"]), message: obj(b["message"]),
		metadata: str(b, "message_metadata"), correlationID: str(b, "correlation_id"),
		dispatchOnly: str(b, "processing_strategy") == "DISPATCH_ONLY", conversationMD: b["conversation_metadata"],
		callbackURL: str(b, "callback_url"), contentType: str(b, "message_content_type"),
	}
	if props := obj(b["channel_properties"]); len(props) > 0 {
		in.channelProperties = propsPool.Get().(map[string]string)
		defer func(m map[string]string) { clear(m); propsPool.Put(m) }(in.channelProperties)
		for k, v := range props {
			if s, ok := v.(string); ok {
				in.channelProperties[k] = s
			}
		}
	}
	if v := str(b, "ttl"); v != "" {
		d, err := parseTTL(v)
		if err != nil {
			return nil, err
		}
		in.ttl = d
	}
	if in.appID == "" {
		return nil, errInvalid("app_id is required")
	}
	if order := arr(b["channel_priority_order"]); len(order) > 0 {
		in.priority = make([]string, 0, len(order))
	}
	for _, x := range arr(b["channel_priority_order"]) {
		if ch, ok := x.(string); ok {
			in.priority = append(in.priority, ch)
		}
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	m, err := c.s.sendLocked(c.outbox, in)
	if err != nil {
		return nil, err
	}
	return sendAnswer{AcceptedTime: m.acceptTime, MessageID: m.id}, nil
}

// sendAnswer is the answer of messages:send (SendMessageResponse), its fields in the order
// of their names as the API's other answers have them.
type sendAnswer struct {
	AcceptedTime string `json:"accepted_time"`
	MessageID    string `json:"message_id"`
}

func sendEvent(c *call) (any, error) {
	b := c.body
	if b == nil {
		return nil, errInvalid("request body is required")
	}
	appID := str(b, "app_id")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	app, err := c.app(appID)
	if err != nil {
		return nil, err
	}
	rec := obj(b["recipient"])
	var ci channelIdentity
	contactID := ""
	if id := str(rec, "contact_id"); id != "" {
		ct, err := c.contact(id)
		if err != nil {
			return nil, err
		}
		contactID = id
		if len(ct.ChannelIdentities) > 0 {
			ci = channelIdentity{string(ct.ChannelIdentities[0].Channel), ct.ChannelIdentities[0].Identity}
		}
	} else if ids := arr(dig(rec, "identified_by", "channel_identities")); len(ids) > 0 {
		ci = channelIdentity{str(obj(ids[0]), "channel"), str(obj(ids[0]), "identity")}
	} else {
		return nil, errInvalid("recipient is required")
	}
	if ci.channel == "" || ci.identity == "" {
		// As for messages: a contact without a channel identity cannot be reached at all.
		return nil, errInvalid("the recipient has no channel identity to send to")
	}
	mode := string(app.ProcessingMode)
	if mode == "" || str(b, "processing_strategy") == "DISPATCH_ONLY" {
		mode = "DISPATCH"
	}
	now := c.s.now()
	e := &storedMessage{
		id: c.s.newID(), direction: conversation.ConversationDirectionToContact, acceptTime: rfc3339(now),
		channelIdentity: conversation.ChannelIdentity{Channel: channelOf(ci.channel), Identity: ci.identity, AppID: app.ID},
		processingMode:  modeOf(mode),
	}
	if ev, ok := b["event"]; ok && ev != nil {
		e.setContent(contentAppEvent, ev)
	}
	if contactID != "" {
		e.contactID = contactID
		if conv := findActiveConversation(c.proj, appID, contactID); conv != nil {
			e.conversationID = conv.ID
		}
	}
	c.s.keep(c.proj.events, e)
	// Events follow the messages' channel rules (credentials, identities, opt-outs), without
	// fallback and without the WhatsApp window, which is about messages: a channel that
	// cannot take the event gets a FAILED report.
	report := doc{"event_id": e.id, "status": "DELIVERED", "channel_identity": e.channelIdentity, "processing_mode": mode}
	sc := c.s.newSendContext(c.proj, app, sendInput{appID: appID})
	sc.event = true
	if f := sc.check(ci); !f.ok() && f.code != "" {
		report["status"] = "FAILED"
		report["reason"] = reasonDoc(f.code, f.description)
	}
	if contactID != "" {
		report["contact_id"] = contactID
	}
	c.queue(appID, "EVENT_DELIVERY", "event_delivery_report", report, str(b, "event_metadata"), str(b, "correlation_id"))
	return doc{"event_id": e.id, "accepted_time": e.acceptTime}, nil
}

// InboundMessage is a message a contact sends to an app, injected with InjectInbound.
type InboundMessage struct {
	// ProjectID and AppID say where the message arrives.
	ProjectID string `json:"project_id"`
	AppID     string `json:"app_id"`
	// Channel and Identity say who sends it, for example SMS and +15551234567.
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
	// ContactMessage is the message, as the API's ContactMessage (for example
	// {"text_message": {"text": "hi"}}).
	ContactMessage json.RawMessage `json:"contact_message"`
	// Metadata is copied into the callback's message_metadata.
	Metadata string `json:"metadata,omitempty"`
}

// InboundEvent is an event a contact sends to an app (for example composing), injected with
// InjectInboundEvent.
type InboundEvent struct {
	// ProjectID and AppID say where the event arrives.
	ProjectID string `json:"project_id"`
	AppID     string `json:"app_id"`
	// Channel and Identity say who sends it.
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
	// ContactEvent is the event, as the API's ContactEvent (for example {"composing_event": {}}).
	ContactEvent json.RawMessage `json:"contact_event"`
}

// InjectInbound makes a contact send a message to an app: the message is stored (TO_APP),
// the contact and conversation are created in CONVERSATION mode, and MESSAGE_INBOUND (with
// CONTACT_CREATE and CONVERSATION_START where they apply) goes to the app's webhooks. It
// returns the stored message id.
func (s *Server) InjectInbound(ctx context.Context, in InboundMessage) (string, error) {
	return s.injectRaw(ctx, in.ProjectID, in.AppID, in.Channel, in.Identity, "contact_message", in.ContactMessage, in.Metadata)
}

// InjectInboundEvent makes a contact send an event to an app; EVENT_INBOUND goes to the
// app's webhooks. It returns the stored event id.
func (s *Server) InjectInboundEvent(ctx context.Context, in InboundEvent) (string, error) {
	return s.injectRaw(ctx, in.ProjectID, in.AppID, in.Channel, in.Identity, "contact_event", in.ContactEvent, "")
}

// injectRaw decodes the content of an injected message or event (kind is its field name,
// which must hold a JSON object) and stores it with inbound; it returns the stored id.
func (s *Server) injectRaw(ctx context.Context, projectID, appID, channel, identity, kind string, raw json.RawMessage, metadata string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var content doc
	if err := json.Unmarshal(raw, &content); err != nil || content == nil {
		return "", errInvalid("%s must be a JSON object", kind)
	}
	d, err := s.inbound(projectID, appID, channel, identity, kind, content, metadata)
	if err != nil {
		return "", err
	}
	return d.id, nil
}

// inbound stores a message or an event from a contact and queues its callbacks.
func (s *Server) inbound(projectID, appID, channel, identity, kind string, content doc, metadata string) (storedMessage, error) {
	if projectID == "" || appID == "" || channel == "" || identity == "" {
		return storedMessage{}, errInvalid("project_id, app_id, channel and identity are required")
	}
	p := s.store.in(s.regions.get(projectID, appID), projectID) // the app's region
	ob := &outbox{s: s, projectID: projectID, proj: p}
	p.mu.Lock()
	app, ok := p.apps.get(appID)
	if !ok {
		p.mu.Unlock()
		return storedMessage{}, errNotFound("app %s not found", quoteID(appID))
	}
	mode := string(app.ProcessingMode)
	if mode == "" {
		mode = "DISPATCH"
	}
	ci := channelIdentity{channel, identity}
	var contact *conversation.Contact
	var conv *conversation.Conversation
	if mode == "CONVERSATION" {
		contact = findContact(p, []channelIdentity{ci})
		if contact == nil {
			contact = newContact(s, conversation.ContactCreateRequest{ChannelIdentities: []conversation.ChannelIdentity{{Channel: channelOf(channel), Identity: identity}}})
			p.contacts.put(contact.ID, contact)
			ob.queue(appID, "CONTACT_CREATE", "contact_create_notification", contactOf{*contact}, "", "")
		}
		conv = findActiveConversation(p, appID, contact.ID)
		if conv == nil {
			conv = &conversation.Conversation{ID: s.newID(), AppID: appID, ContactID: contact.ID, Active: true, ActiveChannel: conversation.ConversationActiveChannel(channel)}
			p.conversations.put(conv.ID, conv)
			ob.queue(appID, "CONVERSATION_START", "conversation_start_notification", conversationOf{conversationOut(*conv)}, "", "")
		}
		conv.LastReceived = s.now().UTC()
	}
	if kind == "contact_message" {
		s.windows.open(projectID, appID, ci, s.now())
	}
	d := &storedMessage{
		id: s.newID(), direction: conversation.ConversationDirectionToApp, acceptTime: rfc3339(s.now()),
		channelIdentity: conversation.ChannelIdentity{Channel: channelOf(channel), Identity: identity, AppID: app.ID},
		processingMode:  modeOf(mode),
	}
	if contact != nil {
		d.contactID = contact.ID
		d.conversationID = conv.ID
	}
	if kind == "contact_message" {
		d.setContent(contentContactMessage, content)
		d.hasInjected, d.metadata = true, metadata
		s.keep(p.messages, d)
		ob.queue(appID, "MESSAGE_INBOUND", "message", *d, metadata, "")
	} else {
		d.setContent(contentContactEvent, content)
		s.keep(p.events, d)
		ob.queue(appID, "EVENT_INBOUND", "event", *d, "", "")
	}
	out := *d
	p.mu.Unlock()
	ob.flush()
	s.changed()
	return out, nil
}
