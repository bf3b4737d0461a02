package transcode

// VIBER is Viber's bot channel; its payloads follow the Viber REST bot API send_message
// (https://developers.viber.com/docs/api/rest-bot-api/#send-message): text, picture, video,
// file, location and contact messages, choices as a keyboard, cards as rich media. The Viber
// bot is not in Sinch's channel table; the card and choice pages have a "Viber Bot" section
// with rich cards and buttons (https://developers.sinch.com/docs/conversation/message-types/card-message/),
// which is what this follows.
//
// VIBERBM is Viber Business Messages: text (at most 1000 characters, longer text is cut),
// media, and a text with an image and one button
// (https://developers.sinch.com/docs/conversation/channel-support/viberbm/message-support/).

const viberBMTextMax = 1000

func viberBase(o Options, typ string) obj {
	m := obj{"type": typ}
	set(m, "receiver", o.To)
	return m
}

func viberText(o Options, s string) any {
	m := viberBase(o, "text")
	m["text"] = s
	return m
}

func viberMedia(o Options, md *mediaView, text string) obj {
	switch mediaType(md.url) {
	case "image", "sticker":
		m := viberBase(o, "picture")
		m["media"] = md.url
		m["text"] = text
		set(m, "thumbnail", md.thumbnail)
		return m
	case "video":
		m := viberBase(o, "video")
		m["media"] = md.url
		set(m, "thumbnail", md.thumbnail)
		return m
	}
	m := viberBase(o, "file")
	m["media"], m["file_name"] = md.url, fileName(md)
	return m
}

func viberButton(c choiceView) obj {
	if c.kind == choiceText {
		return obj{"ActionType": "reply", "ActionBody": postback(c), "Text": c.title}
	}
	return obj{"ActionType": "open-url", "ActionBody": choiceTarget(c), "Text": c.title}
}

func viberRichCard(c cardView) []any {
	var bs []any
	if c.media != nil {
		bs = append(bs, obj{"Columns": 6, "Rows": 3, "ActionType": "none", "Image": c.media.url})
	}
	bs = append(bs, obj{"Columns": 6, "Rows": 2, "ActionType": "none", "Text": cardCaption(c)})
	for _, ch := range c.choices {
		b := viberButton(ch)
		b["Columns"], b["Rows"] = 6, 1
		bs = append(bs, b)
	}
	return bs
}

func viber(r *Result, v view, o Options) any {
	r.Native = Native(Viber, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return viberText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return viberMedia(o, v.media, "")
	case KindChoice:
		r.Form = FormButtons
		m := viberBase(o, "text")
		m["text"] = v.text
		bs := make([]any, len(v.choices))
		for i, c := range v.choices {
			bs[i] = viberButton(c)
		}
		m["keyboard"] = obj{"Type": "keyboard", "Buttons": bs}
		return m
	case KindCard, KindCarousel:
		cards := v.cards
		if v.kind == KindCard {
			cards = []cardView{*v.card}
			r.Form = FormRichCard
		} else {
			r.Form = FormCarousel
		}
		var bs []any
		for _, c := range cards {
			bs = append(bs, viberRichCard(c)...)
		}
		m := viberBase(o, "rich_media")
		m["min_api_version"] = 2
		m["rich_media"] = obj{"Type": "rich_media", "ButtonsGroupColumns": 6, "ButtonsGroupRows": 7, "Buttons": bs}
		m["alt_text"] = r.Text
		return m
	case KindLocation:
		r.Form = FormLocation
		m := viberBase(o, "location")
		m["location"] = obj{"lat": v.location.lat, "lon": v.location.lng}
		return m
	case KindContactInfo:
		c := v.contact
		if len(c.PhoneNumbers) == 0 {
			return textFallback(r, "contact_info_message.phone_numbers", "a Viber contact needs a phone number")
		}
		r.Form = FormContact
		m := viberBase(o, "contact")
		m["contact"] = obj{"name": c.Name.FullName, "phone_number": c.PhoneNumbers[0].PhoneNumber}
		return m
	}
	return nil
}

func viberBMText(o Options, s string) any {
	m := obj{"text": s}
	set(m, "phone_number", o.To)
	return m
}

// viberBMButton is the single button of a Viber Business message: the first choice that opens
// a link. Other choices have no native form and go into the text.
func viberBMButton(cs []choiceView) (choiceView, bool) {
	for _, c := range cs {
		if c.kind == choiceURL {
			return c, true
		}
	}
	return choiceView{}, false
}

func viberBM(r *Result, v view, o Options) any {
	r.Native = Native(ViberBM, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		r.Text = truncate(r, "text_message.text", v.text, viberBMTextMax)
		return viberBMText(o, r.Text)
	case KindMedia:
		r.Form = FormMedia
		m := obj{}
		set(m, "phone_number", o.To)
		if mediaType(v.media.url) == "image" {
			m["image"] = v.media.url
		} else {
			m["file"] = obj{"url": v.media.url, "file_name": fileName(v.media)}
		}
		return m
	case KindChoice, KindCard:
		cs, text, image := v.choices, v.text, ""
		if v.kind == KindCard {
			cs, text = v.card.choices, cardCaption(*v.card)
			if v.card.media != nil && mediaType(v.card.media.url) == "image" {
				image = v.card.media.url
			}
		}
		b, ok := viberBMButton(cs)
		if !ok || len(cs) > 1 {
			return textFallback(r, string(v.kind)+"_message.choices", "Viber Business Messages shows one URL button; the choices go into the text")
		}
		r.Form = FormButtons
		if v.kind == KindCard {
			r.Form = FormRichCard
		}
		text = truncate(r, string(v.kind)+"_message text", text, viberBMTextMax)
		m := obj{"text": text, "button_caption": b.title, "button_action": b.url}
		set(m, "image", image)
		set(m, "phone_number", o.To)
		return m
	}
	return nil
}
