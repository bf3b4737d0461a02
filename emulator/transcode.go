package emulator

import (
	"encoding/json"
	"strings"
)

func transcodeMessage(c *call) (any, error) {
	c.proj.mu.Lock()
	_, err := c.app(str(c.body, "app_id"))
	c.proj.mu.Unlock()
	if err != nil {
		return nil, err
	}
	msg := obj(c.body["app_message"])
	out := doc{}
	for _, ch := range arr(c.body["channels"]) {
		name, _ := ch.(string)
		b, _ := json.Marshal(transcode(name, msg))
		out[name] = string(b)
	}
	return doc{"transcoded_message": out}, nil
}

// transcode renders an app message roughly as a channel would receive it: the text a plain
// channel (SMS) shows, or the message itself for rich channels.
func transcode(channel string, msg doc) any {
	switch channel {
	case "SMS", "MMS":
		return doc{"text": plainText(msg)}
	}
	return msg
}

// plainText flattens an app message into the text a text-only channel would show.
func plainText(msg doc) string {
	switch {
	case msg["text_message"] != nil:
		return str(msg, "text_message", "text")
	case msg["card_message"] != nil:
		return strings.TrimSpace(str(msg, "card_message", "title") + "\n" + str(msg, "card_message", "description"))
	case msg["media_message"] != nil:
		return str(msg, "media_message", "url")
	case msg["choice_message"] != nil:
		return str(msg, "choice_message", "text_message", "text")
	case msg["location_message"] != nil:
		return str(msg, "location_message", "title")
	case msg["list_message"] != nil:
		return str(msg, "list_message", "title")
	}
	return ""
}
