package emulator

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
		if len(ct.ChannelIdentities) > 0 {
			note["channel"] = ct.ChannelIdentities[0].Channel
			note["identity"] = ct.ChannelIdentities[0].Identity
		}
	} else if ids := arr(dig(rec, "identified_by", "channel_identities")); len(ids) > 0 {
		note["channel"] = str(obj(ids[0]), "channel")
		note["identity"] = str(obj(ids[0]), "identity")
	}
	c.queue(appID, "CAPABILITY", "capability_notification", note, "", "")
	return doc{"app_id": appID, "recipient": rec, "request_id": reqID}, nil
}
