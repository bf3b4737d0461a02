package transcode

// LINE payloads follow the LINE Messaging API push message (to, and a list of message
// objects: text, image, video, audio, location, and templates of buttons or a carousel).
// Sinch's mapping: https://developers.sinch.com/docs/conversation/channel-support/line/

// LINE template limits (https://developers.line.biz/en/reference/messaging-api/#buttons,
// #carousel): at most 4 actions on a buttons template and 3 on each carousel column, all
// columns with the same number of actions, at most 10 columns; a title of 40 characters, a
// text of 160 (60 with a title or image), an action label of 20. Over them LINE refuses the
// message; a choice message that does not fit is sent as text instead.
const (
	lineButtonsMax      = 4
	lineColumnActionMax = 3
	lineTitleMax        = 40
	lineTextMax         = 160
	lineTextWithTitle   = 60
	lineLabelMax        = 20
	lineAltTextMax      = 400
)

func linePush(o Options, messages ...any) obj {
	m := obj{"messages": messages}
	set(m, "to", o.To)
	return m
}

func lineText(o Options, s string) any {
	return linePush(o, obj{"type": "text", "text": s})
}

func lineMedia(md *mediaView) obj {
	preview := md.thumbnail
	if preview == "" {
		preview = md.url
	}
	switch typ := mediaType(md.url); typ {
	case "image", "video":
		return obj{"type": typ, "originalContentUrl": md.url, "previewImageUrl": preview}
	case "audio":
		return obj{"type": "audio", "originalContentUrl": md.url}
	}
	// LINE has no document message: the link goes as text.
	return obj{"type": "text", "text": md.url}
}

func lineAction(c choiceView) obj {
	if c.kind == choiceText {
		return obj{"type": "postback", "label": c.title, "data": postback(c), "displayText": c.title}
	}
	return obj{"type": "uri", "label": c.title, "uri": choiceTarget(c)}
}

func lineActions(r *Result, field string, cs []choiceView) []any {
	as := make([]any, len(cs))
	for i, c := range cs {
		overLength(r, field+"["+itoa(i)+"] label", c.title, lineLabelMax)
		as[i] = lineAction(c)
	}
	return as
}

func lineTemplate(alt string, t obj) obj {
	return obj{"type": "template", "altText": truncateQuiet(alt, lineAltTextMax), "template": t}
}

func truncateQuiet(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func lineColumn(r *Result, field string, c cardView, textMax int) obj {
	col := obj{"text": c.description}
	if c.description == "" {
		col["text"] = c.title
	} else {
		set(col, "title", c.title)
		overLength(r, field+".title", c.title, lineTitleMax)
	}
	overLength(r, field+".description", col["text"].(string), textMax)
	if c.media != nil && mediaType(c.media.url) == "image" {
		col["thumbnailImageUrl"] = c.media.url
	}
	col["actions"] = lineActions(r, field+".choices", c.choices)
	return col
}

func line(r *Result, v view, o Options) any {
	r.Native = Native(LINE, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return lineText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return linePush(o, lineMedia(v.media))
	case KindChoice:
		if len(v.choices) > lineButtonsMax {
			return textFallback(r, "choice_message.choices", "a LINE buttons template holds at most 4 actions, there are "+itoa(len(v.choices)))
		}
		if runes(v.text) > lineTextMax {
			return textFallback(r, "choice_message.text_message.text", "a LINE buttons template text is at most 160 characters")
		}
		r.Form = FormButtons
		return linePush(o, lineTemplate(r.Text, obj{"type": "buttons", "text": v.text, "actions": lineActions(r, "choice_message.choices", v.choices)}))
	case KindCard:
		c := *v.card
		if len(c.choices) > lineButtonsMax {
			reject(r, "card_message.choices", lineButtonsMax, len(c.choices), "the number of actions on a LINE buttons template")
		}
		r.Form = FormRichCard
		t := lineColumn(r, "card_message", c, lineTextWithTitle)
		t["type"] = "buttons"
		return linePush(o, lineTemplate(r.Text, t))
	case KindCarousel:
		r.Form = FormCarousel
		cols := make([]any, len(v.cards))
		for i, c := range v.cards {
			f := "carousel_message.cards[" + itoa(i) + "]"
			if len(c.choices) > lineColumnActionMax {
				reject(r, f+".choices", lineColumnActionMax, len(c.choices), "the number of actions on a LINE carousel column")
			}
			if len(c.choices) != len(v.cards[0].choices) {
				r.Violations = append(r.Violations, Violation{Reason: reasonChannelRule, Field: f + ".choices", Limit: len(v.cards[0].choices), Actual: len(c.choices), Fails: true,
					Message: "every column of a LINE carousel needs the same number of actions"})
			}
			cols[i] = lineColumn(r, f, c, lineTextWithTitle)
		}
		msgs := []any{lineTemplate(r.Text, obj{"type": "carousel", "columns": cols})}
		if len(v.choices) > 0 {
			// Choices below the carousel become quick-reply buttons on it.
			items := make([]any, len(v.choices))
			for i, c := range v.choices {
				items[i] = obj{"type": "action", "action": lineAction(c)}
			}
			msgs[0].(obj)["quickReply"] = obj{"items": items}
		}
		return linePush(o, msgs...)
	case KindLocation:
		r.Form = FormLocation
		loc := v.location
		title, address := loc.title, loc.label
		if title == "" {
			title = "Location"
		}
		if address == "" {
			address = coord(loc.lat) + ", " + coord(loc.lng)
		}
		return linePush(o, obj{"type": "location", "title": title, "address": address, "latitude": loc.lat, "longitude": loc.lng})
	}
	return nil
}
