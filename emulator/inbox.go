package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/relaykit/sinch-go/emulator/inbox"
	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// The web inbox (package inbox) is served at "/" on the Conversation listener. This file is
// the emulator's side of it: the feed of changes the page follows, the delivery path of each
// sent message, the view model built from the store, and the control endpoints the page
// drives besides the inbound injection, the callback history and reset:
//
//	GET  /_emulator/faults                    the faults in force (Config.Faults until changed)
//	PUT  /_emulator/faults                    replace them: {"rate_429":0.1,"rate_503":0,"drop_rate":0,"latency":"50ms"}
//	GET  /_emulator/unreachable               identities made unreachable at run time
//	PUT  /_emulator/unreachable               replace them: {"identities":[{"channel":"SMS","identity":"+1555..."}]}
//	POST /_emulator/callbacks/{id}/resend     send a recorded callback again, as a new record

// maxCachedRenders bounds the renderings kept: a little more than the messages one view
// shows.
const maxCachedRenders = 4 * stateMessages

// maxTrackedOrders bounds the channel orders kept for the inbox (the oldest are forgotten).
const maxTrackedOrders = 50_000

// Bounds of the view model: the newest messages and events of each project that the page
// gets, so that building it stays cheap while a load test stores hundreds of thousands.
const (
	stateMessages = 2000
	stateEvents   = 500
)

// inboxFeed holds what the inbox shows beyond the stored resources.
type inboxFeed struct {
	// watched counts the subscriptions, so that changed costs one atomic load while no page
	// is open (it runs on every API request).
	watched atomic.Int32
	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	closed  bool
	// orders holds the channel order each sent message was sent with (its
	// channel_priority_order, or its recipient's identities), by message id. The delivery
	// path itself is in the message traces.
	orders recentMap[[]channelIdentity]
	// renders caches each app message's renderings by message id (an app message never
	// changes once sent, and transcoding is the costly part of building the view).
	renders recentMap[[]inbox.Rendering]
	// unreachable holds "CHANNEL\x00identity" pairs set at run time.
	unreachable map[string]bool
}

func newInboxFeed() *inboxFeed {
	return &inboxFeed{subs: map[chan struct{}]struct{}{}, orders: newRecentMap[[]channelIdentity](maxTrackedOrders),
		renders: newRecentMap[[]inbox.Rendering](maxCachedRenders), unreachable: map[string]bool{}}
}

// recentMap is a map by message id that keeps about its max most recently added entries: past
// a quarter more than max, the oldest are forgotten. Its user locks it.
type recentMap[V any] struct {
	m   map[string]V
	ids []string // the keys in their order of arrival
	max int
}

func newRecentMap[V any](max int) recentMap[V] {
	return recentMap[V]{m: map[string]V{}, max: max}
}

// get returns the value of id; ok is false when there is none (or it was forgotten).
func (r *recentMap[V]) get(id string) (v V, ok bool) {
	v, ok = r.m[id]
	return v, ok
}

// add keeps v as the value of id, which is not in r.
func (r *recentMap[V]) add(id string, v V) {
	r.m[id] = v
	r.ids = append(r.ids, id)
	if len(r.ids) > r.max+r.max/4 {
		drop := len(r.ids) - r.max
		for _, old := range r.ids[:drop] {
			delete(r.m, old)
		}
		r.ids = append(r.ids[:0], r.ids[drop:]...)
	}
}

// reset forgets every entry.
func (r *recentMap[V]) reset() {
	clear(r.m)
	r.ids = nil
}

// subscribe implements inbox.Source.Subscribe.
func (f *inboxFeed) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		close(ch)
		return ch, func() {}
	}
	f.subs[ch] = struct{}{}
	f.watched.Add(1)
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			f.watched.Add(-1)
			close(ch)
		}
	}
}

// changed tells every subscriber that something changed; a subscriber that has not yet
// taken the previous notice gets no second one.
func (f *inboxFeed) changed() {
	if f.watched.Load() == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// close ends every subscription (the emulator is stopping), so that open event streams
// return and Shutdown does not wait for them.
func (f *inboxFeed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for ch := range f.subs {
		close(ch)
	}
	clear(f.subs)
	f.watched.Store(0)
}

// sent records the channel order of a new message. A message sent to one channel needs no
// record (its channel is on the message), which keeps the common case free.
func (f *inboxFeed) sent(id string, order []channelIdentity) {
	if len(order) < 2 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orders.add(id, order)
}

// order returns the channel order of a message, nil when it is not known.
func (f *inboxFeed) order(id string) []channelIdentity {
	f.mu.Lock()
	defer f.mu.Unlock()
	order, _ := f.orders.get(id)
	return order
}

// rendered returns the renderings of an app message on each channel of its order, from the
// cache when they were made before.
func (f *inboxFeed) rendered(id string, order []channelIdentity, content doc, templates templateLookup) []inbox.Rendering {
	f.mu.Lock()
	r, ok := f.renders.get(id)
	f.mu.Unlock()
	if ok {
		return r
	}
	for _, ci := range order {
		r = append(r, renderFor(ci.channel, content, templates))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.renders.get(id); !ok {
		f.renders.add(id, r)
	}
	return r
}

func (f *inboxFeed) isUnreachable(channel, identity string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.unreachable[channel+"\x00"+identity]
}

func (f *inboxFeed) reset() {
	f.mu.Lock()
	f.orders.reset()
	f.renders.reset()
	f.mu.Unlock()
	f.changed()
}

// changed tells the inbox that the state changed.
func (s *Server) changed() { s.feed.changed() }

// UnreachableIdentity is an identity that cannot be reached on a channel.
type UnreachableIdentity struct {
	Channel  string `json:"channel"`
	Identity string `json:"identity"`
}

// SetUnreachable replaces the identities made unreachable at run time (besides the built-in
// rule and Config.Undeliverable): messages to them switch to the next channel, or fail.
func (s *Server) SetUnreachable(ids []UnreachableIdentity) error {
	set := make(map[string]bool, len(ids))
	for _, u := range ids {
		if u.Channel == "" || u.Identity == "" {
			return errInvalid("an unreachable identity needs a channel and an identity")
		}
		set[u.Channel+"\x00"+u.Identity] = true
	}
	s.feed.mu.Lock()
	s.feed.unreachable = set
	s.feed.mu.Unlock()
	s.changed()
	return nil
}

// Unreachable returns the identities made unreachable with SetUnreachable, sorted.
func (s *Server) Unreachable() []UnreachableIdentity {
	s.feed.mu.Lock()
	out := make([]UnreachableIdentity, 0, len(s.feed.unreachable))
	for k := range s.feed.unreachable {
		ch, id, _ := strings.Cut(k, "\x00")
		out = append(out, UnreachableIdentity{Channel: ch, Identity: id})
	}
	s.feed.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Channel != out[j].Channel {
			return out[i].Channel < out[j].Channel
		}
		return out[i].Identity < out[j].Identity
	})
	return out
}

// check reports fault rates out of range.
func (f Faults) check() error {
	for _, r := range []float64{f.Rate429, f.Rate503, f.DropRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("emulator: fault rates must be between 0 and 1, got %v", r)
		}
	}
	if f.Rate429+f.Rate503+f.DropRate > 1 {
		return errors.New("emulator: fault rates add up to more than 1")
	}
	if f.Latency < 0 {
		return errors.New("emulator: fault latency must not be negative")
	}
	return nil
}

// SetFaults replaces the faults in force (Config.Faults at start).
func (s *Server) SetFaults(f Faults) error {
	if err := f.check(); err != nil {
		return err
	}
	s.faults.cur.Store(&f)
	s.changed()
	return nil
}

// Faults returns the faults in force.
func (s *Server) Faults() Faults { return s.faults.get() }

// faultsJSON is the control endpoints' form of Faults.
type faultsJSON struct {
	Rate429  float64 `json:"rate_429"`
	Rate503  float64 `json:"rate_503"`
	DropRate float64 `json:"drop_rate"`
	Latency  string  `json:"latency"`
}

func (s *Server) mountInboxControl(r chi.Router) {
	r.Get("/faults", func(w http.ResponseWriter, _ *http.Request) {
		f := s.Faults()
		writeJSON(w, http.StatusOK, faultsJSON{f.Rate429, f.Rate503, f.DropRate, f.Latency.String()})
	})
	r.Put("/faults", func(w http.ResponseWriter, r *http.Request) {
		var in faultsJSON
		if err := readControl(w, r, &in); err != nil {
			writeError(w, err)
			return
		}
		f := Faults{Rate429: in.Rate429, Rate503: in.Rate503, DropRate: in.DropRate}
		if in.Latency != "" {
			d, err := time.ParseDuration(in.Latency)
			if err != nil {
				writeError(w, errInvalid("latency %q is not a duration such as 50ms or 1s", short(in.Latency)))
				return
			}
			f.Latency = d
		}
		if err := s.SetFaults(f); err != nil {
			writeError(w, errInvalid("%s", strings.TrimPrefix(err.Error(), "emulator: ")))
			return
		}
		writeJSON(w, http.StatusOK, faultsJSON{f.Rate429, f.Rate503, f.DropRate, f.Latency.String()})
	})
	r.Get("/unreachable", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"identities": s.Unreachable()})
	})
	r.Put("/unreachable", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Identities []UnreachableIdentity `json:"identities"`
		}
		if err := readControl(w, r, &in); err != nil {
			writeError(w, err)
			return
		}
		if err := s.SetUnreachable(in.Identities); err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"identities": s.Unreachable()})
	})
	r.Post("/callbacks/{id}/resend", func(w http.ResponseWriter, r *http.Request) {
		id, err := s.ResendCallback(chi.URLParam(r, "id"))
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id})
	})
	h := inbox.Handler(inboxSource{s})
	r.Handle("/inbox/*", h)
}

// short quotes at most a short prefix of user input in an error message.
func short(v string) string {
	if len(v) > 40 {
		return v[:40] + "..."
	}
	return v
}

// ResendCallback sends a recorded callback again to the same target, signed afresh, as a new
// record; it returns the new record's id.
func (s *Server) ResendCallback(id string) (string, error) {
	d := s.cb
	d.mu.Lock()
	var rec *CallbackRecord
	for i := len(d.records) - 1; i >= 0; i-- {
		if d.records[i].ID == id {
			rec = d.records[i]
			break
		}
	}
	var ref webhookRef
	if rec != nil {
		ref = webhookRef{id: rec.WebhookID, target: rec.Target, secret: rec.secret}
	}
	d.mu.Unlock()
	if rec == nil {
		return "", errNotFound("callback %s is not in the history", short(id))
	}
	newID := d.send(rec.ProjectID, rec.AppID, rec.Trigger, []webhookRef{ref}, rec.Body)
	s.changed()
	return newID, nil
}

// inboxSource is the emulator as the inbox's Source.
type inboxSource struct{ s *Server }

func (src inboxSource) Subscribe() (<-chan struct{}, func()) { return src.s.feed.subscribe() }

func (src inboxSource) State() inbox.State {
	s := src.s
	st := inbox.State{Now: s.now(), Projects: []inbox.Project{}}
	s.store.mu.Lock()
	projects := make([]*project, 0, len(s.store.projects))
	for _, p := range s.store.projects {
		projects = append(projects, p)
	}
	s.store.mu.Unlock()
	sort.Slice(projects, func(i, j int) bool {
		if projects[i].id != projects[j].id {
			return projects[i].id < projects[j].id
		}
		return projects[i].region < projects[j].region
	})
	for _, p := range projects {
		if vp, ok := s.viewProject(p); ok {
			st.Projects = append(st.Projects, vp)
		}
	}
	return st
}

// viewProject builds the view of one project; ok is false for a project without apps.
func (s *Server) viewProject(p *project) (inbox.Project, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.apps.ids) == 0 {
		return inbox.Project{}, false
	}
	vp := inbox.Project{ID: p.id, Region: p.region}
	byApp := map[string]*appView{}
	for a := range p.apps.records() {
		va := &appView{App: inbox.App{ID: a.ID, DisplayName: a.DisplayName, ProcessingMode: string(a.ProcessingMode), Channels: []string{}, Webhooks: []inbox.Webhook{}}, threads: map[string]*inbox.Thread{}}
		for _, c := range a.ChannelCredentials {
			if c.Channel != "" {
				va.Channels = append(va.Channels, string(c.Channel))
			}
		}
		byApp[a.ID] = va
	}
	for w := range p.webhooks.records() {
		if va := byApp[w.AppID]; va != nil {
			wh := inbox.Webhook{ID: w.ID, Target: w.Target, Triggers: make([]string, 0, len(w.Triggers))}
			for _, t := range w.Triggers {
				wh.Triggers = append(wh.Triggers, string(t))
			}
			va.Webhooks = append(va.Webhooks, wh)
		}
	}
	contacts := p.contacts
	for _, col := range []struct {
		c     *collection[*storedMessage]
		limit int
		event bool
	}{{p.messages, stateMessages, false}, {p.events, stateEvents, true}} {
		c := col.c
		for _, d := range c.recs[max(0, len(c.recs)-col.limit):] {
			va := byApp[d.channelIdentity.AppID]
			if va == nil {
				continue
			}
			m := s.viewMessage(d, col.event, p.templateLookup())
			t := va.thread(d, contacts)
			t.Messages = append(t.Messages, m)
			if m.At.After(t.Last) {
				t.Last = m.At
			}
		}
	}
	for _, id := range p.apps.ids {
		va := byApp[id]
		va.Threads = []inbox.Thread{}
		for _, t := range va.threads {
			sort.SliceStable(t.Messages, func(i, j int) bool { return t.Messages[i].At.Before(t.Messages[j].At) })
			va.Threads = append(va.Threads, *t)
		}
		sort.Slice(va.Threads, func(i, j int) bool { return va.Threads[i].Last.After(va.Threads[j].Last) })
		vp.Apps = append(vp.Apps, va.App)
	}
	return vp, true
}

// appView is an app's view while its threads are gathered.
type appView struct {
	inbox.App
	threads map[string]*inbox.Thread
}

// thread returns the thread a message or event belongs to: its contact's, or without a
// contact its identity's (the same number on SMS and WhatsApp is one thread).
func (va *appView) thread(d *storedMessage, contacts *collection[*conversation.Contact]) *inbox.Thread {
	identity := d.channelIdentity.Identity
	channel := string(d.channelIdentity.Channel)
	key, cid := "identity:"+identity, d.contactID
	if cid != "" {
		key = "contact:" + cid
	}
	t := va.threads[key]
	if t == nil {
		t = &inbox.Thread{Key: key, ContactID: cid, Name: identity, Identities: []inbox.Identity{}, Messages: []inbox.Message{}}
		if ct, ok := contacts.get(cid); ok {
			if ct.DisplayName != "" {
				t.Name = ct.DisplayName
			}
			for _, m := range ct.ChannelIdentities {
				if m.AppID != "" && m.AppID != va.ID {
					continue
				}
				t.Identities = appendIdentity(t.Identities, inbox.Identity{Channel: string(m.Channel), Identity: m.Identity})
			}
		}
		va.threads[key] = t
	}
	if channel != "" && identity != "" {
		t.Identities = appendIdentity(t.Identities, inbox.Identity{Channel: channel, Identity: identity})
	}
	return t
}

func appendIdentity(list []inbox.Identity, id inbox.Identity) []inbox.Identity {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

// viewMessage builds the view of a stored message or event; templates looks up the project's
// templates, so that a template message shows its content with its parameters filled. The
// caller holds p.mu.
func (s *Server) viewMessage(d *storedMessage, event bool, templates templateLookup) inbox.Message {
	m := inbox.Message{
		ID: d.id, Direction: string(d.direction), Event: event, Metadata: d.metadata,
		Channel: string(d.channelIdentity.Channel), Identity: d.channelIdentity.Identity,
	}
	m.At, _ = d.acceptedAt()
	want := contentContactMessage
	switch {
	case event && m.Direction == inbox.ToContact:
		want = contentAppEvent
	case event:
		want = contentContactEvent
	case m.Direction == inbox.ToContact:
		want = contentAppMessage
	}
	var content doc
	if d.kind == want {
		content = d.contentDoc()
	}
	m.Content, _ = json.Marshal(content)
	m.Kind = kindOf(content)
	if event || m.Direction != inbox.ToContact {
		return m
	}
	order := s.feed.order(m.ID)
	if order == nil {
		order = []channelIdentity{{m.Channel, m.Identity}}
	}
	for _, st := range s.traces.reports(m.ID) {
		if st.Detail == "" {
			st.Detail = reasonText[st.Reason]
		}
		m.Path = append(m.Path, st)
	}
	m.Status = "QUEUED"
	if n := len(m.Path); n > 0 {
		m.Status = m.Path[n-1].Status
	}
	m.Renderings = s.feed.rendered(m.ID, order, content, templates)
	return m
}

// kindOf names the kind of a message or event: its one key ending in _message or _event
// (other keys, such as explicit_channel_message beside a text, are looked at last).
func kindOf(content doc) string {
	kind := ""
	for k := range content {
		if !strings.HasSuffix(k, "_message") && !strings.HasSuffix(k, "_event") {
			continue
		}
		if kind == "" || strings.HasPrefix(kind, "explicit_") && !strings.HasPrefix(k, "explicit_") || k < kind && strings.HasPrefix(k, "explicit_") == strings.HasPrefix(kind, "explicit_") {
			kind = k
		}
	}
	return kind
}

// renderFor renders an app message for the inbox with the transcoder (emulator/transcode):
// what the channel shows, its native payload, and the SMS encoding and parts. A template
// message shows the stored template's content with the message's parameters (templates may be
// nil: the template is then shown as its reference).
func renderFor(channel string, msg doc, templates templateLookup) inbox.Rendering {
	r := inbox.Rendering{Channel: channel}
	raw, err := json.Marshal(msg)
	var am conversation.AppMessage
	if err == nil {
		err = json.Unmarshal(raw, &am)
	}
	var res transcode.Result
	if err == nil {
		res, err = transcode.Transcode(transcode.Channel(channel), am, transcode.Options{Template: templates})
	}
	if err != nil {
		r.Error = strings.TrimPrefix(err.Error(), transcode.ErrInvalid.Error()+": ")
		return r
	}
	r.Native, r.Form, r.Text = res.Native, string(res.Form), res.Text
	if json.Valid([]byte(res.JSON)) {
		r.JSON = json.RawMessage(res.JSON)
	}
	if res.SMS != nil {
		r.Encoding, r.Parts = string(res.SMS.Encoding), res.SMS.Parts
	}
	for _, v := range res.Violations {
		if v.Fails {
			r.Error = strings.TrimSpace(string(v.Reason) + " " + v.Message)
			break
		}
	}
	return r
}

// inboxPage serves the inbox's page at "/".
func inboxPage(s *Server) http.HandlerFunc {
	h := inbox.Handler(inboxSource{s})
	return h.ServeHTTP
}

// reports copies the delivery reports of a message so far.
func (l *traceLog) reports(messageID string) []TraceReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.find(messageID); t != nil {
		return t.publicReports()
	}
	return nil
}
