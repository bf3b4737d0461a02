package emulator

import "github.com/relaykit/sinch-go/gen/conversation"

// maxWebhooksPerApp is the API's limit.
const maxWebhooksPerApp = 5

// webhook returns the project's webhook id, or a 404 naming it. The caller holds the
// project lock.
func (c *call) webhook(id string) (*conversation.Webhook, error) {
	w, ok := c.proj.webhooks.get(id)
	if !ok {
		return nil, errNotFound("webhook %s not found", quoteID(id))
	}
	return w, nil
}

// checkWebhook enforces the per-app rules on a new or changed webhook; self is the webhook's
// own id when it is being updated.
func (c *call) checkWebhook(w *conversation.Webhook, self string) error {
	if _, err := c.app(w.AppID); err != nil {
		return err
	}
	if w.Target == "" {
		return errInvalid("target is required")
	}
	count := 0
	wc := c.proj.webhooks
	for i, id := range wc.ids {
		o := wc.recs[i]
		if id == self || o.AppID != w.AppID {
			continue
		}
		count++
		if o.Target == w.Target {
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

// createWebhook stores a new webhook (target_type HTTP unless given) once the per-app rules
// hold.
func createWebhook(c *call) (any, error) {
	req, err := decodeRequest[conversation.CreateWebhookRequest](c)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	w := &conversation.Webhook{
		AppID:             req.AppID,
		ClientCredentials: req.ClientCredentials,
		Secret:            req.Secret,
		Target:            req.Target,
		TargetType:        req.TargetType,
		Triggers:          req.Triggers,
	}
	if err := c.checkWebhook(w, ""); err != nil {
		return nil, err
	}
	w.ID = c.s.newID()
	if w.TargetType == "" {
		w.TargetType = conversation.WebhookTargetTypeHTTP
	}
	c.proj.webhooks.put(w.ID, w)
	return *w, nil
}

// getWebhook answers one webhook.
func getWebhook(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	w, err := c.webhook(c.param("webhook_id"))
	if err != nil {
		return nil, err
	}
	return *w, nil
}

// updateWebhook applies a PATCH to a webhook, then checks the per-app rules again.
func updateWebhook(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	w, err := c.webhook(c.param("webhook_id"))
	if err != nil {
		return nil, err
	}
	next, err := patchRecord(c, *w, "id")
	if err != nil {
		return nil, err
	}
	if err := c.checkWebhook(&next, w.ID); err != nil {
		return nil, err
	}
	c.proj.webhooks.put(w.ID, &next)
	return next, nil
}

// deleteWebhook removes a webhook.
func deleteWebhook(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if !c.proj.webhooks.remove(c.param("webhook_id")) {
		return nil, errNotFound("webhook %s not found", quoteID(c.param("webhook_id")))
	}
	return struct{}{}, nil
}

// webhookList is the answer of listWebhooks. Unlike conversation.ListWebhooksResponse it
// keeps an empty list as [], as the emulator always answered.
type webhookList struct {
	Webhooks []conversation.Webhook `json:"webhooks"`
}

// listWebhooks answers the webhooks of one app.
func listWebhooks(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	appID := c.param("app_id")
	if _, err := c.app(appID); err != nil {
		return nil, err
	}
	out := webhookList{Webhooks: []conversation.Webhook{}}
	for w := range c.proj.webhooks.records() {
		if w.AppID == appID {
			out.Webhooks = append(out.Webhooks, *w)
		}
	}
	return out, nil
}

// removeAppWebhooks deletes the webhooks of a deleted app. The caller holds p.mu.
func removeAppWebhooks(p *project, appID string) {
	for _, w := range p.webhooks.snapshot() {
		if w.AppID == appID {
			p.webhooks.remove(w.ID)
		}
	}
}
