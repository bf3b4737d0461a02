package emulator

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

const v1 = "/v1/projects/{project_id}"

// conversationOps lists the 45 operations of the Conversation API v1.
func (s *Server) conversationOps() []op {
	return []op{
		{"GET", v1 + "/apps", "listApps", listApps, nil},
		{"POST", v1 + "/apps", "createApp", createApp, nil},
		{"GET", v1 + "/apps/{app_id}", "getApp", getApp, nil},
		{"PATCH", v1 + "/apps/{app_id}", "updateApp", updateApp, nil},
		{"DELETE", v1 + "/apps/{app_id}", "deleteApp", deleteApp, nil},
		{"GET", v1 + "/apps/{app_id}/webhooks", "listWebhooks", listWebhooks, nil},
		{"GET", v1 + "/apps/{app_id}/consents/{list_type}", "listConsents", listConsents, nil},
		{"GET", v1 + "/apps/{app_id}/consents/identities/{identity}", "listConsentAuditRecords", listConsentAuditRecords, nil},

		{"GET", v1 + "/contacts", "listContacts", listContacts, nil},
		{"POST", v1 + "/contacts", "createContact", createContact, nil},
		{"GET", v1 + "/contacts/{contact_id}", "getContact", getContact, nil},
		{"PATCH", v1 + "/contacts/{contact_id}", "updateContact", updateContact, nil},
		{"DELETE", v1 + "/contacts/{contact_id}", "deleteContact", deleteContact, nil},
		{"POST", v1 + "/contacts/{destination_id}:merge", "mergeContact", mergeContact, nil},
		{"POST", v1 + "/contacts:getChannelProfile", "getChannelProfile", getChannelProfile, nil},
		{"GET", v1 + "/contacts:identityConflicts", "listIdentityConflicts", listIdentityConflicts, nil},

		{"GET", v1 + "/conversations", "listConversations", listConversations, nil},
		{"POST", v1 + "/conversations", "createConversation", createConversation, nil},
		{"GET", v1 + "/conversations/{conversation_id}", "getConversation", getConversation, nil},
		{"PATCH", v1 + "/conversations/{conversation_id}", "updateConversation", updateConversation, nil},
		{"DELETE", v1 + "/conversations/{conversation_id}", "deleteConversation", deleteConversation, nil},
		{"POST", v1 + "/conversations/{conversation_id}:stop", "stopConversation", stopConversation, nil},
		{"POST", v1 + "/conversations/{conversation_id}:inject-message", "injectMessage", injectMessage, nil},
		{"POST", v1 + "/conversations/{conversation_id}:inject-event", "injectEvent", injectEvent, nil},
		{"GET", v1 + "/conversations:recent", "listRecentConversations", listRecentConversations, nil},

		{"POST", v1 + "/messages:send", "sendMessage", sendMessage, nil},
		{"GET", v1 + "/messages/{message_id}", "getMessage", getMessage, nil},
		{"GET", v1 + "/messages", "listMessages", listMessages, nil},
		{"PATCH", v1 + "/messages/{message_id}", "updateMessageMetadata", updateMessageMetadata, nil},
		{"DELETE", v1 + "/messages/{message_id}", "deleteMessage", deleteMessage, nil},
		{"POST", v1 + "/messages:transcode", "transcodeMessage", transcodeMessage, nil},
		{"POST", v1 + "/messages:fetch-last-message", "fetchLastMessage", fetchLastMessage, nil},

		{"POST", v1 + "/events:send", "sendEvent", sendEvent, nil},
		{"GET", v1 + "/events/{event_id}", "getEvent", getEvent, nil},
		{"GET", v1 + "/events", "listEvents", listEvents, nil},
		{"DELETE", v1 + "/events/{event_id}", "deleteEvent", deleteEvent, nil},

		{"POST", v1 + "/capability:query", "queryCapability", queryCapability, nil},

		{"POST", v1 + "/webhooks", "createWebhook", createWebhook, nil},
		{"GET", v1 + "/webhooks/{webhook_id}", "getWebhook", getWebhook, nil},
		{"PATCH", v1 + "/webhooks/{webhook_id}", "updateWebhook", updateWebhook, nil},
		{"DELETE", v1 + "/webhooks/{webhook_id}", "deleteWebhook", deleteWebhook, nil},

		{"POST", v1 + "/settings", "createProjectSettings", createProjectSettings, nil},
		{"GET", v1 + "/settings", "getProjectSettings", getProjectSettings, nil},
		{"PATCH", v1 + "/settings", "updateProjectSettings", updateProjectSettings, nil},
		{"DELETE", v1 + "/settings", "deleteProjectSettings", deleteProjectSettings, nil},
	}
}

// pageSize reads page_size (default def, at most 1000).
func (c *call) pageSize(def int) (int, error) {
	v := c.query("page_size")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errInvalid("page_size must be a non-negative integer")
	}
	if n == 0 {
		return def, nil
	}
	return min(n, 1000), nil
}

// offsetPage pages through n items sorted by the handler, size at a time, with the page
// token holding the offset of the page: it returns the page's bounds [start, end) and the
// next page's token ("" on the last page).
func (c *call) offsetPage(size, n int) (start, end int, next string, err error) {
	if tok := c.query("page_token"); tok != "" {
		start, err = strconv.Atoi(tok)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", errInvalid("page_token is not a token this server issued")
		}
	}
	end = min(start+size, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}

// pendingCallback is a callback decided while the project lock is held, sent after.
type pendingCallback struct {
	appID, trigger string
	hooks          []webhookRef
	body           []byte
}

// hooksFor lists the webhooks of an app subscribed to trigger. The caller holds p.mu.
func hooksFor(p *project, appID, trigger string) []webhookRef {
	var out []webhookRef
	wc := p.cols[colWebhooks]
	if wc == nil {
		return nil
	}
	for _, id := range wc.ids {
		w := wc.docs[id]
		if str(w, "app_id") != appID {
			continue
		}
		for _, t := range arr(w["triggers"]) {
			if t == trigger {
				out = append(out, webhookRef{id: id, target: str(w, "target"), secret: str(w, "secret")})
				break
			}
		}
	}
	return out
}

// callbackBody builds the envelope every callback shares around its payload.
func (s *Server) callbackBody(projectID, appID, key string, payload any, metadata, correlationID string, accepted time.Time) []byte {
	env := map[string]any{
		"app_id":        appID,
		"project_id":    projectID,
		"accepted_time": rfc3339(accepted),
		"event_time":    rfc3339(s.now()),
		key:             payload,
	}
	if metadata != "" {
		env["message_metadata"] = metadata
	}
	if correlationID != "" {
		env["correlation_id"] = correlationID
	}
	b, _ := json.Marshal(env)
	return b
}

// queue prepares a callback for every webhook of the app subscribed to trigger; serveCall
// sends them once the handler has released the project lock. The caller holds p.mu.
func (o *outbox) queue(appID, trigger, key string, payload any, metadata, correlationID string) {
	hooks := hooksFor(o.proj, appID, trigger)
	if len(hooks) == 0 {
		return
	}
	body := o.s.callbackBody(o.projectID, appID, key, payload, metadata, correlationID, o.s.now())
	o.out = append(o.out, pendingCallback{appID: appID, trigger: trigger, hooks: hooks, body: body})
}

// outbox collects the callbacks and background work decided while a project lock is held;
// flush sends and starts them once the lock is released.
type outbox struct {
	s         *Server
	projectID string
	proj      *project
	out       []pendingCallback
	after     []func()
}

// flush sends the queued callbacks, then starts the queued background work.
func (o *outbox) flush() {
	for _, p := range o.out {
		o.s.cb.send(o.projectID, p.appID, p.trigger, p.hooks, p.body)
	}
	o.out = nil
	for _, f := range o.after {
		f()
	}
	o.after = nil
}

// emit sends a callback from background work (the delivery simulation, scheduled batches).
func (s *Server) emit(p *project, appID, trigger, key string, payload any, metadata, correlationID string, accepted time.Time) {
	p.mu.Lock()
	hooks := hooksFor(p, appID, trigger)
	p.mu.Unlock()
	if len(hooks) == 0 {
		return
	}
	s.cb.send(p.id, appID, trigger, hooks, s.callbackBody(p.id, appID, key, payload, metadata, correlationID, accepted))
}

// applyUpdate copies fields of patch into d: only the update mask's paths when given (a
// path missing from patch is cleared), otherwise every field present in patch. Paths may be
// dotted ("callback_settings.secret_for_overridden_callback_urls"). Fields in readOnly are
// never changed. A path that goes through a field of d that is not an object (a list, a
// string) is refused with a 400 before anything is changed: it names no field.
func applyUpdate(d, patch doc, mask []string, readOnly ...string) error {
	if len(mask) == 0 {
		for k, v := range patch {
			if !contains(readOnly, k) {
				d[k] = cloneValue(v)
			}
		}
		return nil
	}
	for _, path := range mask {
		keys := strings.Split(path, ".")
		var cur any = d
		for _, k := range keys[:len(keys)-1] {
			if cur = obj(cur)[k]; cur == nil {
				break // created on the way
			}
			if obj(cur) == nil {
				return errInvalid("update_mask: a path goes through a field that is not an object")
			}
		}
	}
	for _, path := range mask {
		if contains(readOnly, strings.SplitN(path, ".", 2)[0]) {
			continue
		}
		keys := strings.Split(path, ".")
		src := any(patch)
		for _, k := range keys {
			src = obj(src)[k]
		}
		dst := d
		for _, k := range keys[:len(keys)-1] {
			next := obj(dst[k])
			if next == nil {
				next = doc{}
				dst[k] = next
			}
			dst = next
		}
		last := keys[len(keys)-1]
		if src == nil {
			delete(dst, last)
		} else {
			dst[last] = cloneValue(src)
		}
	}
	return nil
}

// ---- apps ----

func (c *call) app(id string) (doc, error) {
	a, ok := c.proj.col(colApps).get(id)
	if !ok {
		return nil, errNotFound("app %s not found", id)
	}
	return a, nil
}

func listApps(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	p, _ := c.proj.col(colApps).list(nil, 1<<30, "", false)
	apps := make([]any, 0, len(p.items))
	for _, a := range p.items {
		apps = append(apps, clone(a))
	}
	return doc{"apps": apps}, nil
}

func createApp(c *call) (any, error) {
	if c.body == nil {
		return nil, errInvalid("request body is required")
	}
	a := clone(c.body)
	a["id"] = c.s.newID()
	if str(a, "processing_mode") == "" {
		a["processing_mode"] = "DISPATCH"
	}
	if a["channel_credentials"] == nil {
		a["channel_credentials"] = []any{}
	}
	if str(a, "conversation_metadata_report_view") == "" {
		a["conversation_metadata_report_view"] = "NONE"
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	c.proj.col(colApps).put(idOf(a), a)
	return clone(a), nil
}

func getApp(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	return cloneOK(c.app(c.param("app_id")))
}

func updateApp(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	a, err := c.app(c.param("app_id"))
	if err != nil {
		return nil, err
	}
	if err := applyUpdate(a, c.body, splitMask(c.r), "id"); err != nil {
		return nil, err
	}
	return clone(a), nil
}

func deleteApp(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("app_id")
	if !c.proj.col(colApps).remove(id) {
		return nil, errNotFound("app %s not found", id)
	}
	wc := c.proj.col(colWebhooks)
	for _, wid := range append([]string(nil), wc.ids...) {
		if str(wc.docs[wid], "app_id") == id {
			wc.remove(wid)
		}
	}
	return doc{}, nil
}

func listWebhooks(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	p, _ := c.proj.col(colWebhooks).list(func(d doc) bool { return str(d, "app_id") == appID }, 1<<30, "", false)
	hooks := make([]any, 0, len(p.items))
	for _, w := range p.items {
		hooks = append(hooks, clone(w))
	}
	return doc{"webhooks": hooks}, nil
}

func listConsents(c *call) (any, error) {
	size, err := c.pageSize(100)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	ids := append([]string(nil), c.proj.consents[appID][c.param("list_type")]...)
	sort.Strings(ids)
	start, end, next, err := c.offsetPage(size, len(ids))
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		out = append(out, doc{"identity": id})
	}
	res := doc{"identities": out}
	if next != "" {
		res["next_page_token"] = next
	}
	return res, nil
}

func listConsentAuditRecords(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	identity := c.param("identity")
	recs := c.proj.audits[appID][identity]
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, r)
	}
	return doc{"identity": doc{"identity": identity}, "audit_records": out}, nil
}

// ---- contacts ----

func (c *call) contact(id string) (doc, error) {
	d, ok := c.proj.col(colContacts).get(id)
	if !ok {
		return nil, errNotFound("contact %s not found", id)
	}
	return d, nil
}

func newContact(s *Server, body doc) doc {
	d := clone(body)
	d["id"] = s.newID()
	if d["channel_identities"] == nil {
		d["channel_identities"] = []any{}
	}
	if str(d, "language") == "" {
		d["language"] = "EN_US"
	}
	return d
}

func createContact(c *call) (any, error) {
	if c.body == nil {
		return nil, errInvalid("request body is required")
	}
	d := newContact(c.s, c.body)
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	c.proj.col(colContacts).put(idOf(d), d)
	c.queueContactEvent("CONTACT_CREATE", "contact_create_notification", doc{"contact": d})
	return clone(d), nil
}

// queueContactEvent sends a contact-level callback to the webhooks of every app.
func (c *call) queueContactEvent(trigger, key string, payload doc) {
	for _, appID := range c.proj.col(colApps).ids {
		c.queue(appID, trigger, key, payload, "", "")
	}
}

func getContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	return cloneOK(c.contact(c.param("contact_id")))
}

func updateContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	d, err := c.contact(c.param("contact_id"))
	if err != nil {
		return nil, err
	}
	if err := applyUpdate(d, c.body, splitMask(c.r), "id"); err != nil {
		return nil, err
	}
	c.queueContactEvent("CONTACT_UPDATE", "contact_update_notification", doc{"contact": d})
	return clone(d), nil
}

func deleteContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("contact_id")
	d, err := c.contact(id)
	if err != nil {
		return nil, err
	}
	c.proj.col(colContacts).remove(id)
	cc := c.proj.col(colConversations)
	for _, cid := range append([]string(nil), cc.ids...) {
		if str(cc.docs[cid], "contact_id") == id {
			cc.remove(cid)
		}
	}
	c.queueContactEvent("CONTACT_DELETE", "contact_delete_notification", doc{"contact": d})
	return doc{}, nil
}

func mergeContact(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	dst, err := c.contact(c.param("destination_id"))
	if err != nil {
		return nil, err
	}
	srcID := str(c.body, "source_id")
	if srcID == "" {
		return nil, errInvalid("source_id is required")
	}
	if srcID == idOf(dst) {
		return nil, errInvalid("a contact cannot be merged into itself")
	}
	src, err := c.contact(srcID)
	if err != nil {
		return nil, err
	}
	deleted := clone(src)
	ids := arr(dst["channel_identities"])
	for _, ci := range arr(src["channel_identities"]) {
		if !hasIdentity(ids, str(obj(ci), "channel"), str(obj(ci), "identity"), str(obj(ci), "app_id")) {
			ids = append(ids, ci)
		}
	}
	dst["channel_identities"] = ids
	for _, k := range []string{"display_name", "email", "external_id", "metadata"} {
		if str(dst, k) == "" && str(src, k) != "" {
			dst[k] = src[k]
		}
	}
	for _, name := range []string{colConversations, colMessages, colEvents} {
		col := c.proj.col(name)
		for _, id := range col.ids {
			if d := col.docs[id]; str(d, "contact_id") == srcID {
				d["contact_id"] = idOf(dst)
			}
		}
	}
	c.proj.col(colContacts).remove(srcID)
	c.queueContactEvent("CONTACT_MERGE", "contact_merge_notification", doc{"preserved_contact": dst, "deleted_contact": deleted})
	return clone(dst), nil
}

func hasIdentity(list []any, channel, identity, appID string) bool {
	for _, x := range list {
		m := obj(x)
		if str(m, "channel") == channel && str(m, "identity") == identity && str(m, "app_id") == appID {
			return true
		}
	}
	return false
}

func getChannelProfile(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(str(c.body, "app_id")); err != nil {
		return nil, err
	}
	rec := obj(c.body["recipient"])
	if id := str(rec, "contact_id"); id != "" {
		d, err := c.contact(id)
		if err != nil {
			return nil, err
		}
		if n := str(d, "display_name"); n != "" {
			return doc{"profile_name": n}, nil
		}
	}
	return doc{"profile_name": "Emulated User"}, nil
}

func listIdentityConflicts(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	owners := map[string][]string{}
	channels := map[string]map[string]bool{}
	cc := c.proj.col(colContacts)
	for _, id := range cc.ids {
		for _, ci := range arr(cc.docs[id]["channel_identities"]) {
			ident := str(obj(ci), "identity")
			if ident == "" {
				continue
			}
			if !contains(owners[ident], id) {
				owners[ident] = append(owners[ident], id)
			}
			if channels[ident] == nil {
				channels[ident] = map[string]bool{}
			}
			channels[ident][str(obj(ci), "channel")] = true
		}
	}
	var idents []string
	for ident, ids := range owners {
		if len(ids) > 1 {
			idents = append(idents, ident)
		}
	}
	sort.Strings(idents)
	start, end, next, err := c.offsetPage(size, len(idents))
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, end-start)
	for _, ident := range idents[start:end] {
		var chs []any
		for ch := range channels[ident] {
			chs = append(chs, ch)
		}
		sort.Slice(chs, func(i, j int) bool { return chs[i].(string) < chs[j].(string) })
		ids := make([]any, 0, len(owners[ident]))
		for _, id := range owners[ident] {
			ids = append(ids, id)
		}
		out = append(out, doc{"identity": ident, "channels": chs, "contact_ids": ids})
	}
	res := doc{"conflicts": out}
	if next != "" {
		res["next_page_token"] = next
	}
	return res, nil
}

func listContacts(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	extID, channel, identity := c.query("external_id"), c.query("channel"), identityQuery(c.r, "identity")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	keep := func(d doc) bool {
		if extID != "" && str(d, "external_id") != extID {
			return false
		}
		if channel != "" || identity != "" {
			for _, ci := range arr(d["channel_identities"]) {
				m := obj(ci)
				if (channel == "" || str(m, "channel") == channel) && (identity == "" || str(m, "identity") == identity) {
					return true
				}
			}
			return false
		}
		return true
	}
	p, err := c.proj.col(colContacts).list(keep, size, c.query("page_token"), false)
	if err != nil {
		return nil, err
	}
	return pageDoc("contacts", p), nil
}

// pageDoc builds the usual list answer: items, next_page_token and total_size.
func pageDoc(key string, p page) doc {
	items := make([]any, 0, len(p.items))
	for _, d := range p.items {
		items = append(items, clone(d))
	}
	return doc{key: items, "next_page_token": p.nextToken, "total_size": p.total}
}

// ---- conversations ----

func (c *call) conversation(id string) (doc, error) {
	d, ok := c.proj.col(colConversations).get(id)
	if !ok {
		return nil, errNotFound("conversation %s not found", id)
	}
	return d, nil
}

func createConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID, contactID := str(c.body, "app_id"), str(c.body, "contact_id")
	if appID == "" || contactID == "" {
		return nil, errInvalid("app_id and contact_id are required")
	}
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	if _, err := c.contact(contactID); err != nil {
		return nil, err
	}
	d := clone(c.body)
	d["id"] = c.s.newID()
	if _, ok := d["active"]; !ok {
		d["active"] = true
	}
	c.proj.col(colConversations).put(idOf(d), d)
	c.queue(appID, "CONVERSATION_START", "conversation_start_notification", doc{"conversation": d}, "", "")
	return clone(d), nil
}

func getConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	return cloneOK(c.conversation(c.param("conversation_id")))
}

func updateConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	d, err := c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, err
	}
	if err := applyUpdate(d, c.body, splitMask(c.r), "id", "app_id", "contact_id"); err != nil {
		return nil, err
	}
	return clone(d), nil
}

func deleteConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("conversation_id")
	d, err := c.conversation(id)
	if err != nil {
		return nil, err
	}
	c.proj.col(colConversations).remove(id)
	c.queue(str(d, "app_id"), "CONVERSATION_DELETE", "conversation_delete_notification", doc{"conversation": d}, "", "")
	return doc{}, nil
}

func stopConversation(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	d, err := c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, err
	}
	d["active"] = false
	c.queue(str(d, "app_id"), "CONVERSATION_STOP", "conversation_stop_notification", doc{"conversation": d}, "", "")
	return doc{}, nil
}

// injected builds the stored form of a message or event injected into the path's conversation:
// the request body with a new id, the conversation's ids and an accept time. The caller holds
// the project lock.
func injected(c *call) (item, conv doc, err error) {
	conv, err = c.conversation(c.param("conversation_id"))
	if err != nil {
		return nil, nil, err
	}
	if c.body == nil {
		return nil, nil, errInvalid("request body is required")
	}
	item = clone(c.body)
	item["id"] = c.s.newID()
	item["conversation_id"] = idOf(conv)
	item["contact_id"] = str(conv, "contact_id")
	item["processing_mode"] = "CONVERSATION"
	if str(item, "accept_time") == "" {
		item["accept_time"] = rfc3339(c.s.now())
	}
	return item, conv, nil
}

func injectMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	m, conv, err := injected(c)
	if err != nil {
		return nil, err
	}
	m["injected"] = true
	if ci := obj(m["channel_identity"]); ci != nil && str(ci, "app_id") == "" {
		ci["app_id"] = str(conv, "app_id") // so that listing by app finds it
	}
	if str(m, "direction") == "" {
		if m["contact_message"] != nil {
			m["direction"] = "TO_APP"
		} else {
			m["direction"] = "TO_CONTACT"
		}
	}
	c.s.keep(c.proj, colMessages, m)
	return doc{}, nil
}

func injectEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	e, _, err := injected(c)
	if err != nil {
		return nil, err
	}
	c.s.keep(c.proj, colEvents, e)
	return doc{"event_id": idOf(e), "accepted_time": e["accept_time"]}, nil
}

func listConversations(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	appID, contactID, channel := c.query("app_id"), c.query("contact_id"), c.query("active_channel")
	onlyActive := c.query("only_active") == "true"
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	keep := func(d doc) bool {
		return (appID == "" || str(d, "app_id") == appID) && (contactID == "" || str(d, "contact_id") == contactID) &&
			(channel == "" || str(d, "active_channel") == channel) && (!onlyActive || boolean(d["active"]))
	}
	p, err := c.proj.col(colConversations).list(keep, size, c.query("page_token"), false)
	if err != nil {
		return nil, err
	}
	return pageDoc("conversations", p), nil
}

func listRecentConversations(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	appID := c.query("app_id")
	onlyActive := c.query("only_active") == "true"
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	// Last message of each conversation.
	last := map[string]doc{}
	mc := c.proj.col(colMessages)
	for _, id := range mc.ids {
		m := mc.docs[id]
		if cid := str(m, "conversation_id"); cid != "" {
			last[cid] = m
		}
	}
	keep := func(d doc) bool {
		return (appID == "" || str(d, "app_id") == appID) && (!onlyActive || boolean(d["active"]))
	}
	// Newest first (order=DESC, the default) or oldest first (ASC).
	desc := c.query("order") != "ASC"
	p, err := c.proj.col(colConversations).list(keep, size, c.query("page_token"), desc)
	if err != nil {
		return nil, err
	}
	items := make([]any, 0, len(p.items))
	for _, conv := range p.items {
		item := doc{"conversation": clone(conv)}
		if m := last[idOf(conv)]; m != nil {
			item["last_message"] = clone(m)
		}
		items = append(items, item)
	}
	return doc{"conversations": items, "next_page_token": p.nextToken, "total_size": p.total}, nil
}

// ---- messages ----

func (c *call) message(id string) (doc, error) {
	d, ok := c.proj.col(colMessages).get(id)
	if !ok {
		return nil, errNotFound("message %s not found", id)
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
		return nil, errNotFound("message %s not found", id)
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
	p, err := c.proj.col(colMessages).list(f.keep, size, q.Get("page_token"), true)
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
	size := 10
	if n := intOf(b["page_size"]); n > 0 {
		size = min(n, 1000)
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
	latest := newCollection()
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

// transcodeMessage answers messages:transcode with each channel's payload, from the
// transcoder that delivery and the inbox use too (emulator/transcode).
func transcodeMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	_, err := c.app(str(c.body, "app_id"))
	c.proj.mu.Unlock()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(c.body["app_message"])
	if err != nil {
		return nil, errInvalid("app_message: %v", err)
	}
	var msg conversation.AppMessage
	if err := json.Unmarshal(raw, &msg); err != nil {
		return nil, errInvalid("app_message: %v", err)
	}
	opts := transcode.Options{To: str(c.body, "to"), From: str(c.body, "from")}
	out := doc{}
	for _, ch := range arr(c.body["channels"]) {
		name, _ := ch.(string)
		r, err := transcode.Transcode(transcode.Channel(name), msg, opts)
		if err != nil {
			return nil, errInvalid("%s", strings.TrimPrefix(err.Error(), transcode.ErrInvalid.Error()+": "))
		}
		out[name] = r.JSON
	}
	return doc{"transcoded_message": out}, nil
}

// ---- events ----

func getEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	d, ok := c.proj.col(colEvents).get(c.param("event_id"))
	if !ok {
		return nil, errNotFound("event %s not found", c.param("event_id"))
	}
	return clone(d), nil
}

func deleteEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.col(colEvents).remove(c.param("event_id")) {
		return nil, errNotFound("event %s not found", c.param("event_id"))
	}
	return doc{}, nil
}

func listEvents(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	convID, contactID := c.query("conversation_id"), c.query("contact_id")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	keep := func(d doc) bool {
		return (convID == "" || str(d, "conversation_id") == convID) && (contactID == "" || str(d, "contact_id") == contactID)
	}
	p, err := c.proj.col(colEvents).list(keep, size, c.query("page_token"), true)
	if err != nil {
		return nil, err
	}
	return pageDoc("events", p), nil
}

// ---- capability ----

func queryCapability(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := str(c.body, "app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	rec := obj(c.body["recipient"])
	reqID := str(c.body, "request_id")
	if reqID == "" {
		reqID = c.s.newID()
	}
	note := doc{"request_id": reqID, "capability_status": "CAPABILITY_FULL", "channel_capabilities": []any{}}
	if id := str(rec, "contact_id"); id != "" {
		ct, err := c.contact(id)
		if err != nil {
			return nil, err
		}
		note["contact_id"] = id
		if ids := arr(ct["channel_identities"]); len(ids) > 0 {
			note["channel"] = str(obj(ids[0]), "channel")
			note["identity"] = str(obj(ids[0]), "identity")
		}
	} else if ids := arr(dig(rec, "identified_by", "channel_identities")); len(ids) > 0 {
		note["channel"] = str(obj(ids[0]), "channel")
		note["identity"] = str(obj(ids[0]), "identity")
	}
	c.queue(appID, "CAPABILITY", "capability_notification", note, "", "")
	return doc{"app_id": appID, "recipient": rec, "request_id": reqID}, nil
}

// ---- webhooks ----

// maxWebhooksPerApp is the API's limit.
const maxWebhooksPerApp = 5

func (c *call) webhook(id string) (doc, error) {
	d, ok := c.proj.col(colWebhooks).get(id)
	if !ok {
		return nil, errNotFound("webhook %s not found", id)
	}
	return d, nil
}

// checkWebhook enforces the per-app rules on a new or changed webhook; self is the webhook's
// own id when it is being updated.
func (c *call) checkWebhook(w doc, self string) error {
	appID := str(w, "app_id")
	if _, err := c.app(appID); err != nil {
		return err
	}
	target := str(w, "target")
	if target == "" {
		return errInvalid("target is required")
	}
	count := 0
	wc := c.proj.col(colWebhooks)
	for _, id := range wc.ids {
		o := wc.docs[id]
		if id == self || str(o, "app_id") != appID {
			continue
		}
		count++
		if str(o, "target") == target {
			return errInvalid("the app already has a webhook with target %s", target)
		}
	}
	// count holds the app's other webhooks, so this also refuses an update that moves a
	// webhook into an app that already has the maximum.
	if count >= maxWebhooksPerApp {
		return errInvalid("an app can have at most %d webhooks", maxWebhooksPerApp)
	}
	return nil
}

func createWebhook(c *call) (any, error) {
	if c.body == nil {
		return nil, errInvalid("request body is required")
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	w := clone(c.body)
	if err := c.checkWebhook(w, ""); err != nil {
		return nil, err
	}
	w["id"] = c.s.newID()
	if str(w, "target_type") == "" {
		w["target_type"] = "HTTP"
	}
	c.proj.col(colWebhooks).put(idOf(w), w)
	return clone(w), nil
}

func getWebhook(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	return cloneOK(c.webhook(c.param("webhook_id")))
}

func updateWebhook(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	w, err := c.webhook(c.param("webhook_id"))
	if err != nil {
		return nil, err
	}
	next := clone(w)
	if err := applyUpdate(next, c.body, splitMask(c.r), "id"); err != nil {
		return nil, err
	}
	if err := c.checkWebhook(next, idOf(w)); err != nil {
		return nil, err
	}
	c.proj.col(colWebhooks).put(idOf(w), next)
	return clone(next), nil
}

func deleteWebhook(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.col(colWebhooks).remove(c.param("webhook_id")) {
		return nil, errNotFound("webhook %s not found", c.param("webhook_id"))
	}
	return doc{}, nil
}

// ---- project settings ----

// Project settings are stored as the request body (contact_settings, ...) and answered wrapped
// as the API does: {"project_id": ..., "settings": {...}}.

func createProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings != nil {
		return nil, errInvalid("the project already has settings; update them instead")
	}
	d := clone(c.body)
	if d == nil {
		d = doc{}
	}
	c.proj.settings = d
	return projectSettings(c), nil
}

func getProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	return projectSettings(c), nil
}

func updateProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	if err := applyUpdate(c.proj.settings, c.body, splitMask(c.r)); err != nil {
		return nil, err
	}
	return projectSettings(c), nil
}

// projectSettings wraps the stored settings as the API answers them. The caller holds the lock.
func projectSettings(c *call) doc {
	return doc{"project_id": c.projectID, "settings": clone(c.proj.settings)}
}

func deleteProjectSettings(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if c.proj.settings == nil {
		return nil, errNotFound("the project has no settings")
	}
	c.proj.settings = nil
	return doc{}, nil
}

// cloneOK copies the document a lookup found, so that the answer is encoded outside the lock.
func cloneOK(d doc, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return clone(d), nil
}
