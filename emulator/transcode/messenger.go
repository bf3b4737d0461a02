package transcode

// Messenger and Instagram payloads follow Meta's Send API (recipient, messaging_type and a
// message holding text, an attachment or a template).
// Sinch's mapping: https://developers.sinch.com/docs/conversation/channel-support/messenger/
// and https://developers.sinch.com/docs/conversation/channel-support/instagram/.

// Messenger shows at most 3 choices in one message, of the text, URL and location kinds
// (https://developers.sinch.com/docs/conversation/message-types/choice-message/, Facebook
// Messenger); a generic-template card holds at most 3 buttons and a carousel at most 10 cards
// (https://developers.facebook.com/docs/messenger-platform/send-messages/template/generic/).
// Instagram has no button template: its choices are quick replies, at most 13
// (https://developers.facebook.com/docs/messenger-platform/instagram/features/quick-replies/).
const (
	metaButtonsMax      = 3
	metaQuickRepliesMax = 13
)

func messengerBase(o Options, message obj) obj {
	m := obj{"messaging_type": "RESPONSE", "message": message}
	if o.To != "" {
		m["recipient"] = obj{"id": o.To}
	}
	return m
}

func messengerText(o Options, s string) any {
	return messengerBase(o, obj{"text": s})
}

func messengerAttachment(md *mediaView) obj {
	typ := mediaType(md.url)
	switch typ {
	case "sticker":
		typ = "image"
	case "document":
		typ = "file"
	}
	return obj{"attachment": obj{"type": typ, "payload": obj{"url": md.url, "is_reusable": true}}}
}

// metaButton maps a choice to a Send API button: a postback for text, a web_url for URL,
// location (a maps link) and calendar or share-location (their fallback URL), a phone_number
// for call.
func metaButton(c choiceView) obj {
	switch c.kind {
	case choiceText:
		return obj{"type": "postback", "title": c.title, "payload": postback(c)}
	case choiceCall:
		return obj{"type": "phone_number", "title": c.title, "payload": c.phone}
	}
	return obj{"type": "web_url", "title": c.title, "url": choiceTarget(c)}
}

func metaButtons(cs []choiceView) []any {
	bs := make([]any, len(cs))
	for i, c := range cs {
		bs[i] = metaButton(c)
	}
	return bs
}

func metaElement(c cardView) obj {
	e := obj{"title": c.title}
	set(e, "subtitle", c.description)
	if c.media != nil {
		e["image_url"] = c.media.url
	}
	if len(c.choices) > 0 {
		e["buttons"] = metaButtons(c.choices)
	}
	return e
}

func genericTemplate(elements []any) obj {
	return obj{"attachment": obj{"type": "template", "payload": obj{"template_type": "generic", "elements": elements}}}
}

// cardsFit reports the first card with more buttons than a generic template holds.
func cardsFit(r *Result, field string, cards []cardView) bool {
	for i, c := range cards {
		if len(c.choices) > metaButtonsMax {
			f := field
			if len(cards) > 1 {
				f += ".cards[" + itoa(i) + "]"
			}
			textFallback(r, f+".choices", string(r.Channel)+" cards hold at most 3 buttons, there are "+itoa(len(c.choices)))
			return false
		}
	}
	return true
}

func messenger(r *Result, v view, o Options) any {
	return meta(r, v, o, false)
}

func instagram(r *Result, v view, o Options) any {
	return meta(r, v, o, true)
}

func meta(r *Result, v view, o Options, ig bool) any {
	r.Native = Native(r.Channel, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return messengerText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return messengerBase(o, messengerAttachment(v.media))
	case KindChoice:
		if ig {
			return instagramQuickReplies(r, v, o)
		}
		if len(v.choices) > metaButtonsMax {
			return textFallback(r, "choice_message.choices", "Messenger shows at most 3 choices, there are "+itoa(len(v.choices)))
		}
		r.Form = FormButtons
		return messengerBase(o, obj{"attachment": obj{"type": "template", "payload": obj{
			"template_type": "button", "text": v.text, "buttons": metaButtons(v.choices)}}})
	case KindCard:
		if !cardsFit(r, "card_message", []cardView{*v.card}) {
			return nil
		}
		r.Form = FormRichCard
		return messengerBase(o, genericTemplate([]any{metaElement(*v.card)}))
	case KindCarousel:
		if !cardsFit(r, "carousel_message", v.cards) {
			return nil
		}
		r.Form = FormCarousel
		els := make([]any, len(v.cards))
		for i, c := range v.cards {
			els[i] = metaElement(c)
		}
		msg := genericTemplate(els)
		if len(v.choices) > 0 {
			// Choices below the carousel become quick replies, the Send API's only buttons
			// outside a template.
			msg["quick_replies"] = quickReplies(v.choices)
		}
		return messengerBase(o, msg)
	case KindLocation:
		r.Form = FormLocation
		loc := v.location
		e := obj{"title": loc.title, "default_action": obj{"type": "web_url", "url": mapsURL(loc.lat, loc.lng)}}
		if loc.title == "" {
			e["title"] = coord(loc.lat) + ", " + coord(loc.lng)
		}
		set(e, "subtitle", loc.label)
		return messengerBase(o, genericTemplate([]any{e}))
	}
	return nil
}

func quickReplies(cs []choiceView) []any {
	qs := make([]any, len(cs))
	for i, c := range cs {
		qs[i] = obj{"content_type": "text", "title": c.title, "payload": postback(c)}
	}
	return qs
}

func instagramQuickReplies(r *Result, v view, o Options) any {
	if !onlyTextChoices(v.choices) {
		return textFallback(r, "choice_message.choices", "Instagram quick replies take only text choices")
	}
	if len(v.choices) > metaQuickRepliesMax {
		return textFallback(r, "choice_message.choices", "Instagram shows at most 13 quick replies")
	}
	r.Form = FormButtons
	return messengerBase(o, obj{"text": v.text, "quick_replies": quickReplies(v.choices)})
}
