package transcode

// Telegram payloads follow the Telegram Bot API: the method to call and its parameters
// (sendMessage, sendPhoto, sendVideo, sendAudio, sendDocument, sendVenue), with choices as an
// inline keyboard (https://core.telegram.org/bots/api#inlinekeyboardmarkup).
// Sinch's mapping: https://developers.sinch.com/docs/conversation/channel-support/telegram/

// Telegram limits (https://core.telegram.org/bots/api#sendmessage, #sendphoto,
// #inlinekeyboardbutton): a text of 4096 characters, a caption of 1024, callback data of
// 64 bytes.
const (
	tgTextMax     = 4096
	tgCaptionMax  = 1024
	tgCallbackMax = 64
)

func telegramCall(o Options, method string) obj {
	m := obj{"method": method}
	set(m, "chat_id", o.To)
	return m
}

func telegramText(o Options, s string) any {
	m := telegramCall(o, "sendMessage")
	m["text"] = s
	return m
}

func telegramMedia(o Options, md *mediaView) obj {
	method, field := "sendDocument", "document"
	switch mediaType(md.url) {
	case "image":
		method, field = "sendPhoto", "photo"
	case "video":
		method, field = "sendVideo", "video"
	case "audio":
		method, field = "sendAudio", "audio"
	case "sticker":
		method, field = "sendSticker", "sticker"
	}
	m := telegramCall(o, method)
	m[field] = md.url
	return m
}

// telegramKeyboard puts each choice on its own row: a text choice sends its postback data
// back; every other kind opens what it points to (Telegram buttons cannot dial, so a call
// choice opens a tel: link).
func telegramKeyboard(r *Result, field string, cs []choiceView) obj {
	rows := make([]any, len(cs))
	for i, c := range cs {
		b := obj{"text": c.title}
		if c.kind == choiceText {
			pb := postback(c)
			if len(pb) > tgCallbackMax {
				reject(r, field+"["+itoa(i)+"].postback_data", tgCallbackMax, len(pb), "the callback data length in bytes")
			}
			b["callback_data"] = pb
		} else {
			b["url"] = choiceTarget(c)
		}
		rows[i] = []any{b}
	}
	return obj{"inline_keyboard": rows}
}

func telegram(r *Result, v view, o Options) any {
	r.Native = Native(Telegram, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		overLength(r, "text_message.text", v.text, tgTextMax)
		return telegramText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return telegramMedia(o, v.media)
	case KindChoice:
		r.Form = FormButtons
		overLength(r, "choice_message.text_message.text", v.text, tgTextMax)
		m := telegramCall(o, "sendMessage")
		m["text"] = v.text
		m["reply_markup"] = telegramKeyboard(r, "choice_message.choices", v.choices)
		return m
	case KindCard:
		c := *v.card
		r.Form = FormRichCard
		caption := cardCaption(c)
		var m obj
		if c.media != nil {
			m = telegramMedia(o, c.media)
			overLength(r, "card_message caption", caption, tgCaptionMax)
			set(m, "caption", caption)
		} else {
			m = telegramCall(o, "sendMessage")
			m["text"] = caption
		}
		if len(c.choices) > 0 {
			m["reply_markup"] = telegramKeyboard(r, "card_message.choices", c.choices)
		}
		return m
	case KindLocation:
		r.Form = FormLocation
		loc := v.location
		if loc.title == "" {
			m := telegramCall(o, "sendLocation")
			m["latitude"], m["longitude"] = loc.lat, loc.lng
			return m
		}
		m := telegramCall(o, "sendVenue")
		m["latitude"], m["longitude"], m["title"], m["address"] = loc.lat, loc.lng, loc.title, loc.label
		return m
	}
	return nil
}
