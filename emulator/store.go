package emulator

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"sync"
)

// doc is one stored resource: the JSON document as the API answers it.
type doc = map[string]any

// Collection names inside a project.
const (
	colApps          = "apps"
	colContacts      = "contacts"
	colConversations = "conversations"
	colMessages      = "messages"
	colEvents        = "events"
	colWebhooks      = "webhooks"
	colTemplates     = "templates"
	colBatches       = "batches"
)

// collection holds documents keyed by id, with the ids kept sorted. Ids come from idGen, so
// sorted order is creation order.
type collection struct {
	ids  []string
	docs map[string]doc
}

func newCollection() *collection { return &collection{docs: map[string]doc{}} }

func (c *collection) put(id string, d doc) {
	if _, ok := c.docs[id]; !ok {
		n := len(c.ids)
		if n == 0 || c.ids[n-1] < id {
			c.ids = append(c.ids, id)
		} else {
			i := sort.SearchStrings(c.ids, id)
			c.ids = append(c.ids, "")
			copy(c.ids[i+1:], c.ids[i:])
			c.ids[i] = id
		}
	}
	c.docs[id] = d
}

func (c *collection) get(id string) (doc, bool) {
	d, ok := c.docs[id]
	return d, ok
}

func (c *collection) remove(id string) bool {
	if _, ok := c.docs[id]; !ok {
		return false
	}
	delete(c.docs, id)
	i := sort.SearchStrings(c.ids, id)
	if i < len(c.ids) && c.ids[i] == id {
		c.ids = append(c.ids[:i], c.ids[i+1:]...)
	}
	return true
}

// page is one page of a listing.
type page struct {
	items     []doc
	nextToken string
	total     int
}

// list returns the documents that keep() accepts, in creation order (or newest first when
// desc), one page at a time. The page token is opaque: the encoded id of the last document
// of the previous page, so that pages stay stable while documents are added or deleted.
func (c *collection) list(keep func(doc) bool, size int, token string, desc bool) (page, error) {
	after := ""
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || !strings.HasPrefix(string(raw), "p1:") {
			return page{}, errInvalid("page_token is not a token this server issued")
		}
		after = string(raw[3:])
	}
	var p page
	var lastID string
	more := false
	n := len(c.ids)
	for k := 0; k < n; k++ {
		i := k
		if desc {
			i = n - 1 - k
		}
		id := c.ids[i]
		d := c.docs[id]
		if keep != nil && !keep(d) {
			continue
		}
		p.total++
		if after != "" && ((!desc && id <= after) || (desc && id >= after)) {
			continue
		}
		if len(p.items) < size {
			p.items = append(p.items, d)
			lastID = id
		} else {
			more = true
		}
	}
	if more {
		p.nextToken = base64.RawURLEncoding.EncodeToString([]byte("p1:" + lastID))
	}
	return p, nil
}

// project holds one project's state. Its mutex guards every collection and field.
type project struct {
	mu       sync.Mutex
	id       string
	cols     map[string]*collection
	settings doc // project settings, nil until created
	// consents[appID][listType] is the set of identities on that list.
	consents map[string]map[string][]string
	// audits[appID][identity] holds the consent audit records of one identity.
	audits map[string]map[string][]doc
	// batches holds the requests of batches not yet processed.
	batches map[string]*batchState
}

func (p *project) col(name string) *collection {
	c, ok := p.cols[name]
	if !ok {
		c = newCollection()
		p.cols[name] = c
	}
	return c
}

// store holds every project.
type store struct {
	mu       sync.Mutex
	projects map[string]*project
}

func newStore() *store { return &store{projects: map[string]*project{}} }

func (s *store) project(id string) *project {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.projects[id]
	if !ok {
		p = &project{id: id, cols: map[string]*collection{}, consents: map[string]map[string][]string{}, audits: map[string]map[string][]doc{}, batches: map[string]*batchState{}}
		s.projects[id] = p
	}
	return p
}

func (s *store) reset() {
	s.mu.Lock()
	s.projects = map[string]*project{}
	s.mu.Unlock()
}

// Helpers to read JSON documents.

func idOf(d doc) string { return str(d, "id") }

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
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func obj(v any) doc {
	m, _ := v.(map[string]any)
	return m
}

func arr(v any) []any {
	a, _ := v.([]any)
	return a
}

func boolean(v any) bool {
	b, _ := v.(bool)
	return b
}

// clone deep-copies a JSON document, so that stored state never aliases a request or an answer
// that is being encoded elsewhere.
func clone(d doc) doc {
	if d == nil {
		return nil
	}
	return cloneValue(d).(map[string]any)
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = cloneValue(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = cloneValue(x)
		}
		return a
	default:
		return v
	}
}

// toDoc converts a value built in Go into a JSON document.
func toDoc(v any) doc {
	b, _ := json.Marshal(v)
	var d doc
	_ = json.Unmarshal(b, &d)
	return d
}

// jsonEqual compares two JSON values.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// keep stores a message or an event, forgetting the oldest of its collection past
// Config.MaxStored, so that a long load test does not grow without bound. The caller holds
// p.mu.
func (s *Server) keep(p *project, name string, d doc) {
	c := p.col(name)
	c.put(idOf(d), d)
	if s.cfg.MaxStored > 0 {
		for len(c.ids) > s.cfg.MaxStored {
			oldest := c.ids[0]
			delete(c.docs, oldest)
			c.ids = c.ids[1:]
		}
	}
}
