package transcode

// KAKAOTALK sends business messages: FriendTalk for free-form content (text, an image, a wide
// image card, up to 5 link buttons) and AlimTalk for approved templates; KAKAOTALKCHAT is the
// consultation chat with a contact who wrote (text, image and file messages)
// (https://developers.sinch.com/docs/conversation/channel-support/kakaotalk/). Sinch's table
// marks text, media, choice and card native on KakaoTalk
// (https://developers.sinch.com/docs/conversation/message-types/). Payloads use the
// FriendTalk/AlimTalk field names (message_type FT/FI/FW/AT, message, image, button).

const kakaoButtonsMax = 5

func kakaoText(o Options, s string) any {
	m := obj{"message_type": "FT", "message": s}
	set(m, "phone_number", o.To)
	return m
}

func kakaoButtons(cs []choiceView) []any {
	bs := make([]any, len(cs))
	for i, c := range cs {
		if c.kind == choiceText {
			bs[i] = obj{"type": "BK", "name": c.title}
			continue
		}
		bs[i] = obj{"type": "WL", "name": c.title, "url_mobile": choiceTarget(c)}
	}
	return bs
}

func kakaoTalk(r *Result, v view, o Options) any {
	r.Native = Native(KakaoTalk, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return kakaoText(o, v.text)
	case KindMedia:
		if mediaType(v.media.url) != "image" {
			return textFallback(r, "media_message.url", "KakaoTalk FriendTalk carries images only")
		}
		r.Form = FormMedia
		m := obj{"message_type": "FI", "message": "", "image": obj{"img_url": v.media.url}}
		set(m, "phone_number", o.To)
		return m
	case KindChoice, KindCard:
		cs, text := v.choices, v.text
		typ := "FT"
		var image obj
		if v.kind == KindCard {
			cs, text = v.card.choices, cardCaption(*v.card)
			if v.card.media != nil && mediaType(v.card.media.url) == "image" {
				typ, image = "FW", obj{"img_url": v.card.media.url}
			}
		}
		if len(cs) > kakaoButtonsMax {
			return textFallback(r, string(v.kind)+"_message.choices", "a KakaoTalk message holds at most 5 buttons")
		}
		r.Form = FormButtons
		if v.kind == KindCard {
			r.Form = FormRichCard
		}
		m := obj{"message_type": typ, "message": text, "button": kakaoButtons(cs)}
		if image != nil {
			m["image"] = image
		}
		set(m, "phone_number", o.To)
		return m
	case KindTemplate:
		if !v.template.channelSpecific {
			return nil
		}
		// AlimTalk: a template approved by KakaoTalk, by its code
		// (https://developers.sinch.com/docs/conversation/channel-support/kakaotalk/, "Sending Messages").
		r.Form = FormTemplate
		m := obj{"message_type": "AT", "template_code": v.template.id}
		if len(v.template.params) > 0 {
			m["parameters"] = v.template.params
		}
		set(m, "phone_number", o.To)
		return m
	}
	return nil
}

func kakaoChatText(o Options, s string) any {
	m := obj{"message_type": "TX", "message": s}
	set(m, "user_key", o.To)
	return m
}

func kakaoTalkChat(r *Result, v view, o Options) any {
	r.Native = Native(KakaoTalkChat, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return kakaoChatText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		m := obj{}
		if mediaType(v.media.url) == "image" {
			m["message_type"], m["image_url"] = "IM", v.media.url
		} else {
			m["message_type"], m["file_url"], m["file_name"] = "FI", v.media.url, fileName(v.media)
		}
		set(m, "user_key", o.To)
		return m
	}
	return nil
}
