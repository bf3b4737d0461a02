package emulator

import "github.com/relaykit/sinch-go/gen/conversation"

// app returns the project's app id, or a 404 naming it. The caller holds the project lock.
func (c *call) app(id string) (*conversation.App, error) {
	a, ok := c.proj.apps.get(id)
	if !ok {
		return nil, errNotFound("app %s not found", quoteID(id))
	}
	return a, nil
}

// appList is conversation.ListAppsResponse with the list always present.
type appList struct {
	// Apps is the apps of the project (of the request's region), oldest first.
	Apps []conversation.App `json:"apps"`
}

// listApps answers every app of the project in the request's region, oldest first.
func listApps(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	out := appList{Apps: make([]conversation.App, 0, len(c.proj.apps.ids))}
	for a := range c.proj.apps.records() {
		out.Apps = append(out.Apps, *a)
	}
	return out, nil
}

// createApp stores a new app with the API's defaults (DISPATCH mode, metadata report view
// NONE) after checking its channel credentials.
func createApp(c *call) (any, error) {
	req, err := decodeRequest[conversation.CreateAppRequest](c)
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(req.ChannelCredentials); err != nil {
		return nil, err
	}
	a := &conversation.App{
		ID:                             c.s.newID(),
		CallbackSettings:               req.CallbackSettings,
		ChannelCredentials:             req.ChannelCredentials,
		ConversationMetadataReportView: req.ConversationMetadataReportView,
		DeliveryReportBasedFallback:    req.DeliveryReportBasedFallback,
		DispatchRetentionPolicy:        req.DispatchRetentionPolicy,
		DisplayName:                    req.DisplayName,
		MessageRetrySettings:           req.MessageRetrySettings,
		ProcessingMode:                 req.ProcessingMode,
		RetentionPolicy:                req.RetentionPolicy,
		SmartConversation:              req.SmartConversation,
	}
	if a.ProcessingMode == "" {
		a.ProcessingMode = conversation.ProcessingModeDispatch
	}
	if a.ConversationMetadataReportView == "" {
		a.ConversationMetadataReportView = conversation.ConversationMetadataReportViewNone
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	c.proj.apps.put(a.ID, a)
	return *a, nil
}

// withQueueStats is the app as getApp and updateApp answer it: with queue_stats
// (outbound_size, outbound_limit) read from its ingress queue.
func (c *call) withQueueStats(a conversation.App) conversation.App {
	a.QueueStats = conversation.QueueStats{
		OutboundSize:  int64(c.s.ingress.size(c.projectID, a.ID)),
		OutboundLimit: int64(c.s.ingress.limit),
	}
	return a
}

// getApp answers one app with its queue_stats.
func getApp(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	a, err := c.app(c.param("app_id"))
	if err != nil {
		return nil, err
	}
	return c.withQueueStats(*a), nil
}

// updateApp applies a PATCH (update_mask or the fields given) to an app.
func updateApp(c *call) (any, error) {
	req, err := decodeRequest[conversation.UpdateAppRequest](c)
	if err != nil && len(c.raw) > 0 {
		return nil, err
	}
	if err := checkCredentials(req.ChannelCredentials); err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	a, err := c.app(c.param("app_id"))
	if err != nil {
		return nil, err
	}
	next, err := patchRecord(c, *a, "id", "queue_stats")
	if err != nil {
		return nil, err
	}
	c.proj.apps.put(a.ID, &next)
	return c.withQueueStats(next), nil
}

// deleteApp removes an app and its webhooks.
func deleteApp(c *call) (any, error) {
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	id := c.param("app_id")
	if !c.proj.apps.remove(id) {
		return nil, errNotFound("app %s not found", quoteID(id))
	}
	removeAppWebhooks(c.proj, id)
	return struct{}{}, nil
}
