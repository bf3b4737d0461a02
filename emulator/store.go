package emulator

import (
	"encoding/base64"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

// doc is one stored resource: the JSON document as the API answers it.
type doc = map[string]any

// collection holds the records of one resource keyed by id, in two slices kept sorted by id:
// ids, and recs, whose record i is stored as ids[i]. Ids come from idGen, so sorted order is
// creation order, and a new record is appended. T is the stored record: a typed record of the
// resource, or doc for a resource still kept as a JSON document. An indexed collection
// (messages) also keeps, for each filterable field, the ids of the records holding each value,
// so that a filtered listing reads only its candidates; a record's indexed fields change only
// through update.
//
// There is no map from id to record: a lookup is a binary search of ids. A map of hundreds of
// thousands of records costs the garbage collector more than the records do (it reaches them
// in no useful order), and most lookups are for records in order (see cursor).
type collection[T any] struct {
	ids     []string
	recs    []T
	indexes map[string]*index[T] // by field name; nil when the collection has none
}

// index maps the values of one field to the ids of the records that hold them, sorted.
type index[T any] struct {
	key  func(d T) string   // the value of the field in d
	keys func(d T) []string // for a list field (see withListIndex): its values in d; key is nil
	ids  map[string]*idList
}

// idList is the sorted ids of the records holding one value of an indexed field; the index
// maps the value to it by pointer, so that adding an id looks the value up once.
type idList struct{ ids []string }

// add adds id to the list of value k.
func (ix *index[T]) add(k, id string) {
	l := ix.ids[k]
	if l == nil {
		l = &idList{}
		ix.ids[k] = l
	}
	l.ids = insertSorted(l.ids, id)
}

// newCollection returns an empty collection without indexes.
func newCollection[T any]() *collection[T] { return &collection[T]{} }

// newIndexedCollection returns a collection with an index per field of keys.
func newIndexedCollection[T any](keys map[string]func(d T) string) *collection[T] {
	c := newCollection[T]()
	c.indexes = make(map[string]*index[T], len(keys))
	for name, k := range keys {
		c.indexes[name] = &index[T]{key: k, ids: map[string]*idList{}}
	}
	return c
}

// withListIndex adds to c an index of a field holding a list (a contact's identities): a
// record is a candidate for each value the list holds. It returns c.
func (c *collection[T]) withListIndex(name string, keys func(d T) []string) *collection[T] {
	if c.indexes == nil {
		c.indexes = map[string]*index[T]{}
	}
	c.indexes[name] = &index[T]{keys: keys, ids: map[string]*idList{}}
	return c
}

// insertSorted adds id to the sorted list (at the end when it is the newest, which is the
// usual case).
func insertSorted(list []string, id string) []string {
	n := len(list)
	if n == 0 || list[n-1] < id {
		return append(grow(list), id)
	}
	i := sort.SearchStrings(list, id)
	if i < n && list[i] == id {
		return list
	}
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = id
	return list
}

// grow returns s, or a copy of it with twice the room when it is full, ready for one more
// element. append grows a long slice by a quarter only, which for the id lists of a load test
// (hundreds of thousands, the oldest taken off the front as new ones are added) meant copying
// each list again every few tens of thousands of messages.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	bigger := make([]T, len(s), max(2*cap(s), 8))
	copy(bigger, s)
	return bigger
}

// removeSorted takes id out of the sorted list; the oldest (the first) goes without a copy.
func removeSorted(list []string, id string) []string {
	i := 0
	if len(list) == 0 || list[0] != id {
		i = sort.SearchStrings(list, id)
	}
	switch {
	case i >= len(list) || list[i] != id:
		return list
	case i == 0:
		list[0] = ""
		return list[1:]
	}
	return append(list[:i], list[i+1:]...)
}

// indexDoc adds record d, stored as id, to every index. The empty value of a single-valued
// field is not indexed: no caller asks for it (an absent filter is ""), and in DISPATCH mode
// every message has an empty contact and conversation, which would otherwise cost two list
// entries each for the garbage collector to scan.
func (c *collection[T]) indexDoc(id string, d T) {
	var one [1]string
	for _, ix := range c.indexes {
		for _, k := range ix.keysOf(d, &one) {
			ix.add(k, id)
		}
	}
}

// unindexDoc takes record d, stored as id, out of every index.
func (c *collection[T]) unindexDoc(id string, d T) {
	var one [1]string
	for _, ix := range c.indexes {
		for _, k := range ix.keysOf(d, &one) {
			ix.remove(k, id)
		}
	}
}

// keysOf returns the values under which the index files record d: a list index's values, or
// a single-valued index's value held in one (none when it is empty; see indexDoc).
func (ix *index[T]) keysOf(d T, one *[1]string) []string {
	if ix.keys != nil {
		return ix.keys(d)
	}
	if one[0] = ix.key(d); one[0] == "" {
		return nil
	}
	return one[:]
}

// remove takes id out of the ids of key k.
func (ix *index[T]) remove(k, id string) {
	l := ix.ids[k]
	if l == nil {
		return
	}
	if l.ids = removeSorted(l.ids, id); len(l.ids) == 0 {
		delete(ix.ids, k)
	}
}

// find returns the position of id in c.ids, or where it would be inserted, and whether it
// is there.
func (c *collection[T]) find(id string) (int, bool) {
	n := len(c.ids)
	switch {
	case n == 0:
		return 0, false
	case c.ids[n-1] <= id: // past the newest, or the newest: the usual cases of put and get
		return n - 1 + b2i(c.ids[n-1] < id), c.ids[n-1] == id
	case c.ids[0] == id: // the oldest: the usual case of a record forgotten (Server.keep)
		return 0, true
	}
	i := sort.SearchStrings(c.ids, id)
	return i, i < n && c.ids[i] == id
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// put stores d as id, replacing (and unindexing) any record stored as id.
func (c *collection[T]) put(id string, d T) {
	i, ok := c.find(id)
	switch {
	case ok:
		if c.indexes != nil {
			c.unindexDoc(id, c.recs[i])
		}
		c.recs[i] = d
	case i == len(c.ids): // the newest, the usual case
		c.ids = append(grow(c.ids), id)
		c.recs = append(grow(c.recs), d)
	default:
		c.ids = slices.Insert(c.ids, i, id)
		c.recs = slices.Insert(c.recs, i, d)
	}
	if c.indexes != nil {
		c.indexDoc(id, d)
	}
}

// update changes the record id in place through change, keeping the indexes right. T must be
// a reference (a map or a pointer) for the change to stay.
func (c *collection[T]) update(id string, change func(d T)) {
	d, ok := c.get(id)
	if !ok {
		return
	}
	if c.indexes != nil {
		c.unindexDoc(id, d)
		defer c.indexDoc(id, d)
	}
	change(d)
}

// get returns the record stored as id.
func (c *collection[T]) get(id string) (T, bool) {
	if i, ok := c.find(id); ok {
		return c.recs[i], true
	}
	var zero T
	return zero, false
}

// rec returns the record stored as id, the zero T when there is none.
func (c *collection[T]) rec(id string) T {
	d, _ := c.get(id)
	return d
}

// records yields the records in creation order. The collection must not change during the
// loop (use snapshot to remove while iterating).
func (c *collection[T]) records() iter.Seq[T] {
	return func(yield func(T) bool) {
		for _, d := range c.recs {
			if !yield(d) {
				return
			}
		}
	}
}

// snapshot returns the records in creation order, in a slice of their own.
func (c *collection[T]) snapshot() []T {
	return slices.Clone(c.recs)
}

// remove deletes the record stored as id; false when there is none. The oldest (the first)
// goes without a copy.
func (c *collection[T]) remove(id string) bool {
	i, ok := c.find(id)
	if !ok {
		return false
	}
	if c.indexes != nil {
		c.unindexDoc(id, c.recs[i])
	}
	if i == 0 {
		var zero T
		c.ids[0], c.recs[0] = "", zero
		c.ids, c.recs = c.ids[1:], c.recs[1:]
	} else {
		c.ids = slices.Delete(c.ids, i, i+1)
		c.recs = slices.Delete(c.recs, i, i+1)
	}
	return true
}

// cursor finds the records of ids visited in order, in either direction, when ids is a
// sorted subset of the collection's (an index's candidates): each search starts from the
// place of the last record found, so that visiting k of n records costs O(k log(n/k))
// comparisons.
type cursor[T any] struct {
	c   *collection[T]
	pos int // the place of the last record found; -1 before the first
}

// rec returns the record stored as id, the zero T when there is none.
func (r *cursor[T]) rec(id string) T {
	ids := r.c.ids
	lo, hi := 0, len(ids) // the place of id is in [lo, hi]
	if p := r.pos; p >= 0 && p < len(ids) {
		switch {
		case ids[p] == id:
			return r.c.recs[p]
		case ids[p] < id: // gallop forward
			lo = p + 1
			for step := 1; ; step *= 2 {
				if p+step >= len(ids) || ids[p+step] >= id {
					hi = min(p+step, len(ids))
					break
				}
				lo = p + step + 1
			}
		default: // gallop backward
			hi = p
			for step := 1; ; step *= 2 {
				if p-step < 0 || ids[p-step] < id {
					lo = max(p-step+1, 0)
					break
				}
				hi = p - step
			}
		}
	}
	i := lo + sort.SearchStrings(ids[lo:hi], id)
	if i < len(ids) && ids[i] == id {
		r.pos = i
		return r.c.recs[i]
	}
	var zero T
	return zero
}

// candidates returns the sorted ids whose field holds value, and whether the field is
// indexed at all. The empty value of a single-valued field is not indexed (see indexDoc).
func (c *collection[T]) candidates(field, value string) ([]string, bool) {
	ix, ok := c.indexes[field]
	if !ok {
		return nil, false
	}
	if l := ix.ids[value]; l != nil {
		return l.ids, true
	}
	return nil, true
}

// filter is a listing's filter on an indexed field: the field's index name and the value
// asked for ("" when the listing does not filter on it).
type filter struct{ field, value string }

// narrowest returns the ids a filtered listing reads: the candidates of the first of filters
// that asks for a value (callers put their most selective index first), or every id when
// none does.
func (c *collection[T]) narrowest(filters ...filter) []string {
	for _, f := range filters {
		if f.value != "" {
			ids, _ := c.candidates(f.field, f.value)
			return ids
		}
	}
	return c.ids
}

// page is one page of a listing.
type page[T any] struct {
	items     []T
	nextToken string
	total     int
}

// list returns the records that keep() accepts, in creation order (or newest first when
// desc), one page at a time. The page token is opaque: the encoded id of the last record of
// the previous page, so that pages stay stable while records are added or deleted.
func (c *collection[T]) list(keep func(T) bool, size int, token string, desc bool) (page[T], error) {
	return c.listIn(c.ids, keep, false, size, token, desc)
}

// listIn lists like list, but only among ids (sorted; a subset of the collection's, such as
// an index's candidates). When exact, every one of ids is known to be kept, so the total is
// their number. It reads from the page token's position on, and reads everything only to
// count the total when it is not exact.
func (c *collection[T]) listIn(ids []string, keep func(T) bool, exact bool, size int, token string, desc bool) (page[T], error) {
	r := cursor[T]{c: c, pos: -1}
	return c.listFiltered(ids, func(id string) bool { return keep == nil || keep(r.rec(id)) }, exact || keep == nil, size, token, desc)
}

// listFiltered is listIn with a filter of ids rather than of records.
func (c *collection[T]) listFiltered(ids []string, keep func(id string) bool, exact bool, size int, token string, desc bool) (page[T], error) {
	after := ""
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || !strings.HasPrefix(string(raw), "p1:") {
			return page[T]{}, errInvalid("page_token is not a token this server issued")
		}
		after = string(raw[3:])
	}
	var p page[T]
	// The page: from the token's position, in the listing's direction.
	start, end, step := 0, len(ids), 1
	if after != "" {
		i := sort.SearchStrings(ids, after) // the first id >= after
		if desc {
			end = i // ids < after
		} else {
			if i < len(ids) && ids[i] == after {
				i++
			}
			start = i // ids > after
		}
	}
	k, stop := start, end
	if desc {
		k, stop, step = end-1, start-1, -1
	}
	var lastID string
	more := false
	items := cursor[T]{c: c, pos: -1}
	for ; k != stop; k += step {
		id := ids[k]
		if !keep(id) {
			continue
		}
		if len(p.items) == size {
			more = true
			break
		}
		p.items = append(p.items, items.rec(id))
		lastID = id
	}
	if more {
		p.nextToken = base64.RawURLEncoding.EncodeToString([]byte("p1:" + lastID))
	}
	// The total counts every kept record, whatever the page.
	if exact {
		p.total = len(ids)
	} else {
		for _, id := range ids {
			if keep(id) {
				p.total++
			}
		}
	}
	return p, nil
}

// project holds one project's state. Its mutex guards every collection and field.
//
// Records of the typed collections are the generated API models, stored by pointer and
// never changed through a shared slice or map: a change assigns whole fields (or puts a new
// record), so a handler may answer with a copy of the struct (*rec) and encode it after the
// lock is released.
type project struct {
	mu     sync.Mutex
	id     string
	region string // the region whose URLs reach this state (see regions.go)
	// messages and events hold the project's stored messages and events, typed.
	messages *collection[*storedMessage]
	events   *collection[*storedMessage]
	// apps holds the project's Conversation API apps.
	apps *collection[*conversation.App]
	// contacts and conversations hold the project's contacts and conversations.
	contacts      *collection[*conversation.Contact]
	conversations *collection[*conversation.Conversation]
	// webhooks holds the webhooks of every app of the project.
	webhooks *collection[*conversation.Webhook]
	// templates holds the project's templates (Template Management API v2).
	templates *collection[*templates.Template]
	settings  *projectSettingsContent // project settings, nil until created
	// consents[appID][listType] is the set of identities on that list.
	consents map[string]consentLists
	// audits[appID][identity] holds the consent audit records of one identity, oldest first.
	audits map[string]map[string][]conversation.ConsentAuditRecord
	// batches holds the project's batches (Batch API).
	batches *collection[*batchRecord]
}

// store holds every project once per region: each region of the API is a deployment of its
// own, with its own data (see regions.go).
type store struct {
	mu            sync.Mutex
	projects      map[string]*project // by region + "\x00" + project id
	defaultRegion string
}

// newStore returns an empty store whose un-prefixed URLs serve defaultRegion.
func newStore(defaultRegion string) *store {
	return &store{projects: map[string]*project{}, defaultRegion: defaultRegion}
}

// project is the project's state in the default region.
func (s *store) project(id string) *project { return s.in("", id) }

// in is the project's state in a region ("" is the default region).
func (s *store) in(region, id string) *project {
	if region == "" {
		region = s.defaultRegion
	}
	key := region + "\x00" + id
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.projects[key]
	if !ok {
		p = &project{id: id, apps: newCollection[*conversation.App](), contacts: newContactCollection(), conversations: newIndexedCollection(conversationIndexes), webhooks: newCollection[*conversation.Webhook](), templates: newCollection[*templates.Template](), consents: map[string]consentLists{}, audits: map[string]map[string][]conversation.ConsentAuditRecord{}, batches: newCollection[*batchRecord]()}
		p.messages, p.events = newIndexedCollection(messageIndexes), newCollection[*storedMessage]()
		p.region = region
		s.projects[key] = p
	}
	return p
}

// reset forgets every project.
// elsewhere lists the project's states in the regions other than region ("" is the default
// region) that exist, creating none.
func (s *store) elsewhere(region, id string) []*project {
	if region == "" {
		region = s.defaultRegion
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*project
	for _, r := range Regions {
		if p, ok := s.projects[r+"\x00"+id]; ok && r != region {
			out = append(out, p)
		}
	}
	return out
}

func (s *store) reset() {
	s.mu.Lock()
	s.projects = map[string]*project{}
	s.mu.Unlock()
}

// Helpers to read JSON documents.

// str returns the string at the dotted path in d, or "".
func str(d doc, path ...string) string {
	v := dig(d, path...)
	s, _ := v.(string)
	return s
}

// dig follows keys through nested objects.
func dig(d doc, path ...string) any {
	var cur any = d
	for _, k := range path {
		m := obj(cur)
		if m == nil {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// obj returns v as a JSON object, or nil when it is not one.
func obj(v any) doc {
	switch x := v.(type) {
	case map[string]any:
		return x
	}
	return nil
}

// arr returns v as a JSON array, or nil when it is not one.
func arr(v any) []any {
	a, _ := v.([]any)
	return a
}

// boolean returns v as a JSON boolean, false when it is not one.
func boolean(v any) bool {
	b, _ := v.(bool)
	return b
}

// keep stores a message or an event in c (the project's messages or events), forgetting the
// oldest of c past Config.MaxStored, so that a long load test does not grow without bound.
// The caller holds the project's lock.
func (s *Server) keep(c *collection[*storedMessage], m *storedMessage) {
	c.put(m.id, m)
	if s.cfg.MaxStored > 0 {
		for len(c.ids) > s.cfg.MaxStored {
			c.remove(c.ids[0])
		}
	}
}
