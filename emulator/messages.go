package emulator

import "time"

func (c *call) message(id string) (doc, error) {
	d, ok := c.proj.col(colMessages).get(id)
	if !ok {
		return nil, errNotFound("message %s not found", quoteID(id))
	}
	return d, nil
}

func getMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	return cloneOK(c.message(c.param("message_id")))
}

func updateMessageMetadata(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	m, err := c.message(c.param("message_id"))
	if err != nil {
		return nil, err
	}
	if _, ok := c.body["metadata"]; !ok {
		return nil, errInvalid("metadata is required")
	}
	m["metadata"] = c.body["metadata"]
	return clone(m), nil
}

func deleteMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("message_id")
	if !c.proj.col(colMessages).remove(id) {
		return nil, errNotFound("message %s not found", quoteID(id))
	}
	return doc{}, nil
}

// sourceOf tells which source a stored message belongs to.
func sourceOf(m doc) string {
	if str(m, "processing_mode") == "DISPATCH" {
		return "DISPATCH_SOURCE"
	}
	return "CONVERSATION_SOURCE"
}

// messageIndexes are the indexes of the messages collection: one per equality filter of
// messages:list, so that a listing reads only the candidates of its most selective filter.
var messageIndexes = map[string]func(m doc, add func(string)){
	"source": func(m doc, add func(string)) { add(sourceOf(m)) },
	"app": func(m doc, add func(string)) {
		a, b := str(m, "app_id"), str(m, "channel_identity", "app_id")
		if a != "" {
			add(a)
		}
		if b != "" && b != a {
			add(b)
		}
	},
	"conversation": func(m doc, add func(string)) { add(str(m, "conversation_id")) },
	"contact":      func(m doc, add func(string)) { add(str(m, "contact_id")) },
	"identity":     func(m doc, add func(string)) { add(str(m, "channel_identity", "identity")) },
	"channel":      func(m doc, add func(string)) { add(str(m, "channel_identity", "channel")) },
	"direction":    func(m doc, add func(string)) { add(str(m, "direction")) },
}

// candidates returns the ids (sorted) of the messages that may match f, from the most
// selective index of its equality filters, and whether they all match (f has no other
// filter).
func (f messageFilter) candidates(mc *collection[doc]) (ids []string, exact bool) {
	ids, exact, _ = f.indexed(mc)
	return ids, exact
}

// indexed is candidates, also returning, when every filter of f is an indexed equality
// (no time bounds, at most one contact and identity), the other filters' id lists: a
// message is kept when it is in all of them, without its document being read.
func (f messageFilter) indexed(mc *collection[doc]) (ids []string, exact bool, others [][]string) {
	type use struct{ field, value string }
	var uses []use
	add := func(field, value string) {
		if value != "" {
			uses = append(uses, use{field, value})
		}
	}
	add("source", f.source)
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
		return mc.ids, !f.timed() && len(f.contactIDs)+len(f.identities) == 0, nil
	}
	best := -1
	lists := make([][]string, len(uses))
	for i, u := range uses {
		l, ok := mc.candidates(u.field, u.value)
		if !ok {
			return mc.ids, false, nil
		}
		lists[i] = l
		if best < 0 || len(l) < len(ids) {
			best, ids = i, l
		}
	}
	covered := !f.timed() && len(f.contactIDs) <= 1 && len(f.identities) <= 1
	exact = len(uses) == 1 && covered
	if covered {
		others = append(append(others, lists[:best]...), lists[best+1:]...)
		if others == nil {
			others = [][]string{}
		}
	}
	return ids, exact, others
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

func (f messageFilter) keep(m doc) bool {
	if f.source != "" && sourceOf(m) != f.source {
		return false
	}
	ci := obj(m["channel_identity"])
	switch {
	case f.appID != "" && str(m, "app_id") != f.appID && str(ci, "app_id") != f.appID:
		return false
	case f.conversationID != "" && str(m, "conversation_id") != f.conversationID:
		return false
	case len(f.contactIDs) > 0 && !contains(f.contactIDs, str(m, "contact_id")):
		return false
	case len(f.identities) > 0 && !contains(f.identities, str(ci, "identity")):
		return false
	case f.channel != "" && str(ci, "channel") != f.channel:
		return false
	case f.direction != "" && str(m, "direction") != f.direction:
		return false
	case f.onlyRecipientOriginated && str(m, "direction") != "TO_APP":
		return false
	}
	if !f.start.IsZero() || !f.end.IsZero() {
		t, err := time.Parse(time.RFC3339Nano, str(m, "accept_time"))
		if err != nil || (!f.start.IsZero() && t.Before(f.start)) || (!f.end.IsZero() && !t.Before(f.end)) {
			return false
		}
	}
	return true
}

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
	mc := c.proj.col(colMessages)
	ids, exact, others := f.indexed(mc)
	var p page[doc]
	if others != nil { // every filter is an index: no document is read to filter
		p, err = mc.listFiltered(ids, inAll(others), exact, size, q.Get("page_token"), true)
	} else {
		p, err = mc.listIn(ids, f.keep, exact, size, q.Get("page_token"), true)
	}
	if err != nil {
		return nil, err
	}
	return pageDoc("messages", p), nil
}

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
	keep := func(m doc) bool {
		if !f.keep(m) {
			return false
		}
		k := str(m, "contact_id")
		if k == "" {
			k = str(obj(m["channel_identity"]), "channel") + "/" + str(obj(m["channel_identity"]), "identity")
		}
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	// Collect the newest per key first, so that paging sees a stable set.
	mc := c.proj.col(colMessages)
	latest := newCollection[doc]()
	for i := len(mc.ids) - 1; i >= 0; i-- {
		if m := mc.docs[mc.ids[i]]; keep(m) {
			latest.put(mc.ids[i], m)
		}
	}
	p, err := latest.list(nil, size, str(b, "page_token"), true)
	if err != nil {
		return nil, err
	}
	d := pageDoc("messages", p)
	delete(d, "total_size")
	return clone(d), nil
}
