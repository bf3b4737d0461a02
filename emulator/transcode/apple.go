package transcode

// APPLEBC (Apple Messages for Business) payloads follow Apple's Messaging Service Provider
// message format: a text message with a body, attachments, and interactive messages. Apple
// Messages for Business is not in Sinch's channel table; its section of the choice-message page
// (https://developers.sinch.com/docs/conversation/message-types/choice-message/) shows choices
// as a list picker, which is what is native here; other rich kinds are sent as text.

const appleListPickerBID = "com.apple.messages.MSMessageExtensionBalloonPlugin:0000000000:com.apple.icloud.apps.messages.business.extension"

func appleText(o Options, s string) any {
	m := obj{"type": "text", "body": s}
	set(m, "destinationId", o.To)
	return m
}

func appleBC(r *Result, v view, o Options) any {
	r.Native = Native(AppleBC, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return appleText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		m := obj{"type": "text", "body": "", "attachments": []any{obj{"url": v.media.url, "name": fileName(v.media)}}}
		set(m, "destinationId", o.To)
		return m
	case KindChoice:
		if !onlyTextChoices(v.choices) {
			return textFallback(r, "choice_message.choices", "an Apple list picker takes only text choices")
		}
		r.Form = FormList
		items := make([]any, len(v.choices))
		for i, c := range v.choices {
			items[i] = obj{"identifier": postback(c), "title": c.title, "order": i}
		}
		m := obj{"type": "interactive", "interactiveData": obj{
			"bid":             appleListPickerBID,
			"data":            obj{"listPicker": obj{"sections": []any{obj{"order": 0, "title": v.text, "items": items}}}},
			"receivedMessage": obj{"title": v.text},
		}}
		set(m, "destinationId", o.To)
		return m
	}
	return nil
}
