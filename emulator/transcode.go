package emulator

import (
	"encoding/json"

	"github.com/relaykit/sinch-go/emulator/transcode"
	"github.com/relaykit/sinch-go/gen/conversation"
)

// transcodeMessage answers messages:transcode with each channel's payload, from the
// transcoder that delivery and the inbox use too (emulator/transcode).
func transcodeMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	_, err := c.app(str(c.body, "app_id"))
	c.proj.mu.Unlock()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(c.body["app_message"])
	if err != nil {
		return nil, errInvalid("app_message: %v", err)
	}
	var msg conversation.AppMessage
	if err := json.Unmarshal(raw, &msg); err != nil {
		return nil, errInvalid("app_message: %v", err)
	}
	opts := transcode.Options{To: str(c.body, "to"), From: str(c.body, "from")}
	out := doc{}
	for _, ch := range arr(c.body["channels"]) {
		name, _ := ch.(string)
		r, err := transcode.Transcode(transcode.Channel(name), msg, opts)
		if err != nil {
			return nil, errInvalid("%s", err.Error())
		}
		out[name] = r.JSON
	}
	return doc{"transcoded_message": out}, nil
}
