package emulator

// maxWebhooksPerApp is the API's limit.
const maxWebhooksPerApp = 5

func (c *call) webhook(id string) (doc, error) {
	d, ok := c.proj.col(colWebhooks).get(id)
	if !ok {
		return nil, errNotFound("webhook %s not found", quoteID(id))
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
			return errInvalid("the app already has a webhook with this target")
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
		return nil, errNotFound("webhook %s not found", quoteID(c.param("webhook_id")))
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
