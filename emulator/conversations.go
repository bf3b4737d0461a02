package emulator

func (c *call) conversation(id string) (doc, error) {
	d, ok := c.proj.col(colConversations).get(id)
	if !ok {
		return nil, errNotFound("conversation %s not found", quoteID(id))
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
	c.s.keep(c.proj.messages, recordFromDoc(m))
	return doc{}, nil
}

func injectEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	e, _, err := injected(c)
	if err != nil {
		return nil, err
	}
	c.s.keep(c.proj.events, recordFromDoc(e))
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
	mc := c.proj.messages
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
		// The conversation's last message: the newest id of its index entry.
		if ids, _ := mc.candidates("conversation", idOf(conv)); len(ids) > 0 {
			item["last_message"] = *mc.docs[ids[len(ids)-1]]
		}
		items = append(items, item)
	}
	return doc{"conversations": items, "next_page_token": p.nextToken, "total_size": p.total}, nil
}
