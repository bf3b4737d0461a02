package emulator

import (
	"encoding/binary"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/relaykit/sinch-go/emulator/inbox"
	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// MessageTrace is what the emulator did with one app message: the channels it planned to try,
// the delivery reports it sent so far, and what the message looked like on each channel tried
// (GET /_emulator/messages/{message_id}, Server.MessageTrace).
type MessageTrace struct {
	ProjectID string `json:"project_id"`
	AppID     string `json:"app_id"`
	MessageID string `json:"message_id"`
	// AcceptedTime is when messages:send accepted it (emulator clock).
	AcceptedTime time.Time `json:"accepted_time"`
	// TTL is the message's ttl, "" when it has none.
	TTL string `json:"ttl,omitempty"`
	// Status is the last delivery status reported, "" while the message waits in the app's
	// ingress queue.
	Status string `json:"status"`
	// Path lists the delivery reports in the order they were sent.
	Path []TraceReport `json:"path"`
	// Channels lists each channel tried, in order, with the message as transcoded for it.
	Channels []TraceChannel `json:"channels"`
}

// TraceReport is one delivery report of a message: the inbox shows the same records.
type TraceReport = inbox.Step

// TraceChannel is one channel a message was tried on, with the message in that channel's
// form.
type TraceChannel struct {
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
	// Form is what the channel shows (text, buttons, rich_card, ...; see emulator/transcode).
	Form string `json:"form,omitempty"`
	// Payload is the channel's payload, as messages:transcode gives it.
	Payload json.RawMessage `json:"transcoded,omitempty"`
	// Text is what a text-only screen shows for it (the SMS body on SMS).
	Text string `json:"text,omitempty"`
}

// trace is the emulator's record behind a MessageTrace, a value in traceLog's chunks. Its
// project and app are a number in traceLog.scopes, and its first reports are kept in the
// record itself, so that the many stored traces hold few pointers for the garbage collector
// to follow.
type trace struct {
	id       string // the message id
	scope    uint32 // the index of its project and app in traceLog.scopes
	n        uint32 // the number of reports
	accepted int64  // Unix nanoseconds (a time.Time is three words, one a pointer)
	ttl      time.Duration
	message  string // the app message's JSON, shared with the stored message
	// props is the message's channel_properties packed by appendProps, "" when it has none:
	// one string rather than a map per stored trace, which the garbage collector would scan.
	props string
	// first holds the first reports (a message delivered on its first channel has two, or
	// three with READ), more those after them.
	first [2]traceReport
	more  []traceReport
}

// add appends a report; planned is how many the simulation plans to send.
func (t *trace) add(r traceReport, planned int) {
	if int(t.n) < len(t.first) {
		t.first[t.n] = r
	} else {
		if t.more == nil {
			t.more = make([]traceReport, 0, max(planned-len(t.first), 1)) // sized once
		}
		t.more = append(t.more, r)
	}
	t.n++
}

// report returns the report numbered i (from 0; i < t.n).
func (t *trace) report(i int) traceReport {
	if i < len(t.first) {
		return t.first[i]
	}
	return t.more[i-len(t.first)]
}

// publicReports converts the trace's reports for MessageTrace.
func (t *trace) publicReports() []TraceReport {
	out := make([]TraceReport, 0, t.n)
	for i := range int(t.n) {
		out = append(out, t.report(i).public())
	}
	return out
}

// traceReport is one delivery report as a trace keeps it: a TraceReport with its time as
// nanoseconds (a time.Time holds a pointer for the garbage collector to follow, and three
// words instead of one) and its reason, which few reports have, behind a pointer.
type traceReport struct {
	ci     channelIdentity
	status string
	why    *traceReason // nil when the report has no reason
	at     int64        // Unix nanoseconds
}

// traceReason is the reason of a report: its code, and its description ("" for the code's
// usual text).
type traceReason struct{ code, detail string }

// public is the report as MessageTrace shows it.
func (r traceReport) public() TraceReport {
	out := TraceReport{Channel: r.ci.channel, Identity: r.ci.identity, Status: r.status, At: time.Unix(0, r.at).UTC()}
	if r.why != nil {
		out.Reason, out.Detail = r.why.code, r.why.detail
	}
	return out
}

// reportsPlanned is how many reports a simulation sends when all goes as planned: one per
// step, and a READ after a DELIVERED on a channel that reports reads.
func (s *Server) reportsPlanned(sim *simulation) int {
	n := len(sim.steps)
	if last := sim.steps[n-1]; last.status == "DELIVERED" && readChannels[last.ci.channel] && !s.cfg.DisableReadReceipts {
		n++
	}
	return n
}

// traceLog keeps the traces of the most recent messages (as many as Config.MaxStored). The
// traces are values in fixed-size chunks used as a ring, each found by its sequence number
// (the order in which the messages were accepted): the many stored traces cost no object of
// their own, and the oldest is forgotten by reusing its place.
type traceLog struct {
	mu  sync.Mutex
	max int // the most traces kept; 0 or less: all of them
	// keys and seqs map a message id to its trace's sequence number: keys holds the ids (as
	// idKeys) of the traces started in id order, the usual case, and seqs their numbers, both
	// rising; byID maps any other id (one not of idGen's shape, or one started after a greater
	// one, such as another project's message accepted meanwhile). Sorted lists are appended
	// to and trimmed in order, where a map of hundreds of thousands of keys costs a cache miss
	// at each insertion and removal; and they hold no pointer for the garbage collector.
	keys []idKey
	seqs []uint64
	byID map[string]uint64
	// chunks hold the traces numbered base to next-1, or the max most recent of them: the
	// trace numbered k is in slot (k-base) % max (k-base when max is 0 or less), slot i being
	// chunks[i/traceChunk][i%traceChunk]. base is next after the last reset, so that a number
	// from before it finds nothing. Fixed-size chunks grow the log without copying it.
	chunks     [][]trace
	base, next uint64
	// scopes lists the (project, app) pairs of the traces, each once; scopeOf finds a pair's
	// index in it.
	scopes  []traceScope
	scopeOf map[traceScope]uint32
	// last is the pair of the last trace started and lastScope its index: a load test
	// sends from one app, whose pair then needs no map lookup.
	last      traceScope
	lastScope uint32
}

// traceScope is the project and app of a trace.
type traceScope struct{ projectID, appID string }

// newTraceLog returns an empty trace log keeping the traces of the max most recent messages
// (all of them when max is 0 or less).
func newTraceLog(max int) *traceLog {
	return &traceLog{max: max, byID: map[string]uint64{}, scopeOf: map[traceScope]uint32{}}
}

// scope returns the index of the pair in l.scopes, adding it when it is new. The caller holds
// l.mu.
func (l *traceLog) scope(sc traceScope) uint32 {
	if sc == l.last && len(l.scopes) > 0 {
		return l.lastScope
	}
	i, ok := l.scopeOf[sc]
	if !ok {
		i = uint32(len(l.scopes))
		l.scopes = append(l.scopes, sc)
		l.scopeOf[sc] = i
	}
	l.last, l.lastScope = sc, i
	return i
}

// traceChunk is the number of traces in one chunk of the trace log.
const traceChunk = 1024

// held is how many traces the log holds. The caller holds l.mu.
func (l *traceLog) held() uint64 {
	n := l.next - l.base
	if l.max > 0 && n > uint64(l.max) {
		n = uint64(l.max)
	}
	return n
}

// slot returns the place of the trace numbered seq, adding chunks as needed. The caller holds
// l.mu.
func (l *traceLog) slot(seq uint64) *trace {
	i := seq - l.base
	if l.max > 0 {
		i %= uint64(l.max)
	}
	for i/traceChunk >= uint64(len(l.chunks)) {
		l.chunks = append(l.chunks, make([]trace, traceChunk))
	}
	return &l.chunks[i/traceChunk][i%traceChunk]
}

// at returns the trace numbered seq, nil when there is none (forgotten, or from before a
// reset). The caller holds l.mu; the trace may be reused once l.mu is released.
func (l *traceLog) at(seq uint64) *trace {
	if seq < l.base || seq >= l.next || l.next-seq > l.held() {
		return nil
	}
	return l.slot(seq)
}

// seqOf returns the sequence number of a message's trace. The caller holds l.mu.
func (l *traceLog) seqOf(messageID string) (uint64, bool) {
	if k, ok := keyOf(messageID); ok {
		i := sort.Search(len(l.keys), func(i int) bool { return !l.keys[i].less(k) })
		if i < len(l.keys) && l.keys[i] == k {
			return l.seqs[i], true
		}
	}
	seq, ok := l.byID[messageID]
	return seq, ok
}

// forgetOldest takes the oldest trace, numbered seq, of message id out of the index of traces.
// The caller holds l.mu.
func (l *traceLog) forgetOldest(messageID string, seq uint64) {
	if len(l.seqs) > 0 && l.seqs[0] == seq { // the oldest in keys is first
		l.keys, l.seqs = l.keys[1:], l.seqs[1:]
		return
	}
	if k, ok := l.byID[messageID]; ok && k == seq {
		delete(l.byID, messageID)
	}
}

// find returns the trace of a message, nil when there is none. The caller holds l.mu.
func (l *traceLog) find(messageID string) *trace {
	seq, ok := l.seqOf(messageID)
	if !ok {
		return nil
	}
	return l.at(seq)
}

// start records a message about to be delivered, with its JSON and its channel properties
// packed by appendProps, and sets sim.trace to its trace's number. Past max traces, the
// oldest is forgotten and its place reused.
func (l *traceLog) start(sim *simulation, message, props string) {
	t := trace{id: sim.messageID, accepted: sim.accepted.UnixNano(), ttl: sim.ttl, message: message, props: props}
	l.mu.Lock()
	defer l.mu.Unlock()
	t.scope = l.scope(traceScope{sim.projectID, sim.appID})
	seq := l.next
	place := l.slot(seq)
	if l.max > 0 && l.held() == uint64(l.max) {
		l.forgetOldest(place.id, seq-uint64(l.max)) // the trace whose place this is
	}
	*place = t
	l.next++
	if k, ok := keyOf(sim.messageID); ok && (len(l.keys) == 0 || l.keys[len(l.keys)-1].less(k)) {
		l.keys = append(grow(l.keys), k)
		l.seqs = append(grow(l.seqs), seq)
	} else {
		l.byID[sim.messageID] = seq
	}
	sim.trace = seq
}

// step records a delivery report; planned is how many the simulation plans to send.
func (l *traceLog) step(sim *simulation, st deliveryStep, at time.Time, planned int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.at(sim.trace); t != nil {
		t.add(traceReport{ci: st.ci, status: st.status, why: st.why, at: at.UnixNano()}, planned)
	}
}

func (l *traceLog) reset() {
	l.mu.Lock()
	l.keys, l.seqs = nil, nil
	clear(l.byID)
	l.chunks, l.base = nil, l.next
	l.scopes = nil
	clear(l.scopeOf)
	l.mu.Unlock()
}

// MessageTrace tells what the emulator did with an app message it accepted: its delivery
// reports so far and its transcoded form on each channel tried. ok is false for an unknown
// message (or one older than the Config.MaxStored most recent). An empty projectID finds the
// message in any project.
func (s *Server) MessageTrace(projectID, messageID string) (MessageTrace, bool) {
	s.traces.mu.Lock()
	t := s.traces.find(messageID)
	var out MessageTrace
	var sc traceScope
	var message, packedProps string
	if t != nil {
		sc = s.traces.scopes[t.scope]
	}
	if t != nil && projectID != "" && sc.projectID != projectID {
		t = nil
	}
	if t != nil {
		message, packedProps = t.message, t.props // t may be reused once the lock is released
		out = MessageTrace{ProjectID: sc.projectID, AppID: sc.appID, MessageID: messageID, AcceptedTime: time.Unix(0, t.accepted).UTC(),
			Path: t.publicReports()}
		if t.ttl > 0 {
			out.TTL = formatTTL(t.ttl)
		}
		if t.n > 0 {
			out.Status = t.report(int(t.n) - 1).status
		}
	}
	s.traces.mu.Unlock()
	if t == nil {
		return MessageTrace{}, false
	}
	// The channels tried are those the reports so far are about, in order.
	out.Channels = []TraceChannel{}
	msg := typedMessageJSON(message)
	props := unpackProps(packedProps)
	seen := map[channelIdentity]bool{}
	for _, r := range out.Path {
		ci := channelIdentity{r.Channel, r.Identity}
		if seen[ci] {
			continue
		}
		seen[ci] = true
		tc := TraceChannel{Channel: ci.channel, Identity: ci.identity}
		if msg != nil {
			s.withTemplates(out.ProjectID, out.AppID, func(templates templateLookup) {
				opts := transcode.Options{ChannelProperties: props, To: ci.identity, Template: templates}
				if r, err := transcode.Transcode(transcode.Channel(ci.channel), *msg, opts); err == nil {
					tc.Form, tc.Text, tc.Payload = string(r.Form), r.Text, json.RawMessage(r.JSON)
					if !json.Valid(tc.Payload) {
						tc.Payload, _ = json.Marshal(r.JSON)
					}
				}
			})
		}
		out.Channels = append(out.Channels, tc)
	}
	return out, true
}

// appendProps appends channel properties, packed, to b: each key and value preceded by its
// length as a uvarint (nothing for none). unpackProps reverses it.
func appendProps(b []byte, m map[string]string) []byte {
	for k, v := range m {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

// unpackProps returns the channel properties packed by appendProps (nil for "").
func unpackProps(s string) map[string]string {
	if s == "" {
		return nil
	}
	m := map[string]string{}
	next := func() (string, bool) {
		n, w := binary.Uvarint([]byte(s))
		if w <= 0 || uint64(len(s)-w) < n {
			return "", false
		}
		v := s[w : w+int(n)]
		s = s[w+int(n):]
		return v, true
	}
	for s != "" {
		k, ok1 := next()
		v, ok2 := next()
		if !ok1 || !ok2 {
			break
		}
		m[k] = v
	}
	return m
}

// typedMessageJSON decodes an app message's JSON for the transcoder; nil when it does not fit.
func typedMessageJSON[B string | []byte](raw B) *conversation.AppMessage {
	var msg conversation.AppMessage
	if len(raw) == 0 || json.Unmarshal([]byte(raw), &msg) != nil {
		return nil
	}
	return &msg
}

func formatTTL(d time.Duration) string {
	b, _ := json.Marshal(d.Seconds())
	return string(b) + "s"
}
