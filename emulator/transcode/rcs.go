package transcode

import "time"

// RCS payloads follow the RCS Business Messaging agent message (contentMessage with text,
// contentInfo or richCard, and suggestions).
// Sinch's mapping: https://developers.sinch.com/docs/conversation/channel-support/rcs/message-support/

// RCS limits: rich card title 200 and description 2000 characters, carousels of 2 to 10 cards
// with up to 3 choices below them
// (https://developers.sinch.com/docs/conversation/channel-support/rcs/, "Rich Cards",
// "Carousels"); at most 4 suggestions on a card and 25 characters per suggestion text, as the
// RCS Business Messaging format allows
// (https://developers.google.com/business-communications/rcs-business-messaging/reference/rest/v1/phones.agentMessages).
const (
	rcsTitleMax          = 200
	rcsDescriptionMax    = 2000
	rcsCardSuggestMax    = 4
	rcsSuggestionTextMax = 25
)

func rcsText(o Options, s string) any {
	return rcsMessage(o, obj{"text": s})
}

func rcsMessage(o Options, content obj) obj {
	m := obj{"contentMessage": content}
	set(m, "msisdn", o.To)
	return m
}

func rcs(r *Result, v view, o Options) any {
	r.Native = Native(RCS, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return rcsText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return rcsMessage(o, obj{"contentInfo": rcsContentInfo(v.media)})
	case KindChoice:
		r.Form = FormButtons
		suggestionLimits(r, "choice_message.choices", v.choices)
		return rcsMessage(o, obj{"text": v.text, "suggestions": rcsSuggestions(v.choices)})
	case KindCard:
		r.Form = FormRichCard
		content := rcsCardContent(r, *v.card, "card_message")
		card := obj{"cardContent": content}
		orientation := o.ChannelProperties["RCS_CARD_ORIENTATION"]
		if orientation == "" {
			orientation = "VERTICAL"
		}
		card["cardOrientation"] = orientation
		if orientation == "HORIZONTAL" {
			align := o.ChannelProperties["RCS_CARD_THUMBNAIL_IMAGE_ALIGNMENT"]
			if align == "" {
				align = "LEFT"
			}
			card["thumbnailImageAlignment"] = align
		}
		return rcsMessage(o, obj{"richCard": obj{"standaloneCard": card}})
	case KindCarousel:
		// A carousel of one card is shown as that card alone (channels/rcs: "1 card renders standalone").
		contents := make([]any, len(v.cards))
		for i, c := range v.cards {
			contents[i] = rcsCardContent(r, c, "carousel_message.cards["+itoa(i)+"]")
		}
		content := obj{}
		if len(contents) == 1 {
			r.Form = FormRichCard
			content["richCard"] = obj{"standaloneCard": obj{"cardOrientation": "VERTICAL", "cardContent": contents[0]}}
		} else {
			r.Form = FormCarousel
			content["richCard"] = obj{"carouselCard": obj{"cardWidth": "MEDIUM", "cardContents": contents}}
		}
		if len(v.choices) > 0 {
			suggestionLimits(r, "carousel_message.choices", v.choices)
			content["suggestions"] = rcsSuggestions(v.choices)
		}
		return rcsMessage(o, content)
	case KindLocation:
		// channels/rcs, "Location Messages": transcoded to text with a location choice button.
		r.Native, r.Form = false, FormTextWithSuggestions
		loc := v.location
		text := joinNonEmpty("\n", loc.title, loc.label)
		if text == "" {
			text = coord(loc.lat) + ", " + coord(loc.lng)
		}
		title := loc.title
		if title == "" {
			title = "Show location"
		}
		s := rcsSuggestion(choiceView{kind: choiceLocation, title: title, lat: loc.lat, lng: loc.lng, label: loc.label})
		return rcsMessage(o, obj{"text": text, "suggestions": []any{s}})
	}
	return nil
}

func rcsContentInfo(m *mediaView) obj {
	ci := obj{"fileUrl": m.url}
	set(ci, "thumbnailUrl", m.thumbnail)
	return ci
}

func rcsCardContent(r *Result, c cardView, field string) obj {
	overLength(r, field+".title", c.title, rcsTitleMax)
	overLength(r, field+".description", c.description, rcsDescriptionMax)
	if len(c.choices) > rcsCardSuggestMax {
		reject(r, field+".choices", rcsCardSuggestMax, len(c.choices), "the number of choices on an RCS card")
	}
	content := obj{}
	set(content, "title", c.title)
	set(content, "description", c.description)
	if c.media != nil {
		h := c.height
		if h == "" || h == "UNSPECIFIED_HEIGHT" {
			h = "MEDIUM"
		}
		content["media"] = obj{"height": h, "contentInfo": rcsContentInfo(c.media)}
	}
	if len(c.choices) > 0 {
		suggestionLimits(r, field+".choices", c.choices)
		content["suggestions"] = rcsSuggestions(c.choices)
	}
	return content
}

func suggestionLimits(r *Result, field string, cs []choiceView) {
	for i, c := range cs {
		overLength(r, field+"["+itoa(i)+"] text", c.title, rcsSuggestionTextMax)
	}
}

func rcsSuggestions(cs []choiceView) []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = rcsSuggestion(c)
	}
	return out
}

// rcsSuggestion maps a choice to a suggested reply or a suggested action (open URL, dial, view
// location, create calendar event, share location), as the RCS choice section of
// https://developers.sinch.com/docs/conversation/message-types/choice-message/ lists them.
func rcsSuggestion(c choiceView) obj {
	pb := postback(c)
	if c.kind == choiceText {
		return obj{"reply": obj{"text": c.title, "postbackData": pb}}
	}
	a := obj{"text": c.title, "postbackData": pb}
	switch c.kind {
	case choiceURL:
		a["openUrlAction"] = obj{"url": c.url}
	case choiceCall:
		a["dialAction"] = obj{"phoneNumber": c.phone}
	case choiceLocation:
		vl := obj{"latLong": obj{"latitude": c.lat, "longitude": c.lng}}
		set(vl, "label", c.label)
		a["viewLocationAction"] = vl
	case choiceCalendar:
		ev := obj{"startTime": c.event.start.UTC().Format(time.RFC3339), "endTime": c.event.end.UTC().Format(time.RFC3339), "title": c.event.title}
		set(ev, "description", c.event.description)
		a["createCalendarEventAction"] = ev
		set(a, "fallbackUrl", c.url)
	case choiceShareLocation:
		a["shareLocationAction"] = obj{}
		set(a, "fallbackUrl", c.url)
	}
	return obj{"action": a}
}
