package emulator

import "github.com/relaykit/sinch-go/gen/conversation"

// queryCapability answers a capability query at once and sends its result as a CAPABILITY
// callback: CAPABILITY_FULL on the recipient's first channel identity.
func queryCapability(c *call) (any, error) {
	req, err := decodeRequest[conversation.QueryCapabilityRequest](c)
	if err != nil {
		return nil, err
	}
	c.proj.mu.Lock()
	defer c.proj.mu.Unlock()
	if _, err := c.app(req.AppID); err != nil {
		return nil, err
	}
	reqID := req.RequestID
	if reqID == "" {
		reqID = c.s.newID()
	}
	note := doc{"request_id": reqID, "capability_status": "CAPABILITY_FULL", "channel_capabilities": []any{}}
	if id := req.Recipient.ContactID; id != "" {
		ct, err := c.contact(id)
		if err != nil {
			return nil, err
		}
		note["contact_id"] = id
		if len(ct.ChannelIdentities) > 0 {
			note["channel"] = ct.ChannelIdentities[0].Channel
			note["identity"] = ct.ChannelIdentities[0].Identity
		}
	} else if ids := req.Recipient.IdentifiedBy.ChannelIdentities; len(ids) > 0 {
		note["channel"] = ids[0].Channel
		note["identity"] = ids[0].Identity
	}
	c.queue(req.AppID, "CAPABILITY", "capability_notification", note, "", "")
	return conversation.QueryCapabilityResponse{AppID: req.AppID, Recipient: req.Recipient, RequestID: reqID}, nil
}
