package emulator

func getEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	d, ok := c.proj.col(colEvents).get(c.param("event_id"))
	if !ok {
		return nil, errNotFound("event %s not found", quoteID(c.param("event_id")))
	}
	return clone(d), nil
}

func deleteEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.col(colEvents).remove(c.param("event_id")) {
		return nil, errNotFound("event %s not found", quoteID(c.param("event_id")))
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
