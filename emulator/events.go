package emulator

// getEvent answers GET /v1/projects/{project_id}/events/{event_id}.
func getEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	e, ok := c.proj.events.get(c.param("event_id"))
	if !ok {
		return nil, errNotFound("event %s not found", quoteID(c.param("event_id")))
	}
	return *e, nil
}

// deleteEvent answers DELETE /v1/projects/{project_id}/events/{event_id}.
func deleteEvent(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.events.remove(c.param("event_id")) {
		return nil, errNotFound("event %s not found", quoteID(c.param("event_id")))
	}
	return doc{}, nil
}

// listEvents answers GET /v1/projects/{project_id}/events, newest first.
func listEvents(c *call) (any, error) {
	size, err := c.pageSize(10)
	if err != nil {
		return nil, err
	}
	convID, contactID := c.query("conversation_id"), c.query("contact_id")
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	keep := func(e *storedMessage) bool {
		return (convID == "" || e.conversationID == convID) && (contactID == "" || e.contactID == contactID)
	}
	p, err := c.proj.events.list(keep, size, c.query("page_token"), true)
	if err != nil {
		return nil, err
	}
	items := make([]storedMessage, len(p.items))
	for i, e := range p.items {
		items[i] = *e
	}
	return struct {
		Events        []storedMessage `json:"events"`
		NextPageToken string          `json:"next_page_token"`
		TotalSize     int             `json:"total_size"`
	}{items, p.nextToken, p.total}, nil
}
