package emulator

import "sort"

func (c *call) contact(id string) (doc, error) {
	d, ok := c.proj.col(colContacts).get(id)
	if !ok {
		return nil, errNotFound("contact %s not found", quoteID(id))
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
	for _, appID := range c.proj.apps.ids {
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
	convs := c.proj.col(colConversations)
	for _, id := range convs.ids {
		if str(convs.docs[id], "contact_id") == srcID {
			convs.update(id, func(d doc) { d["contact_id"] = idOf(dst) })
		}
	}
	for _, col := range []*collection[*storedMessage]{c.proj.messages, c.proj.events} {
		for _, id := range col.ids {
			if col.docs[id].contactID == srcID {
				col.update(id, func(m *storedMessage) { m.contactID = idOf(dst) })
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
