package emulator

func (c *call) app(id string) (doc, error) {
	a, ok := c.proj.col(colApps).get(id)
	if !ok {
		return nil, errNotFound("app %s not found", quoteID(id))
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
		return nil, errNotFound("app %s not found", quoteID(id))
	}
	removeAppWebhooks(c.proj, id)
	return doc{}, nil
}
