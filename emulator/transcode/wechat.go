package transcode

// WECHAT payloads follow the WeChat Official Account customer-service message API (touser,
// msgtype and one object named after it); only text and media are native
// (https://developers.sinch.com/docs/conversation/message-types/). WeChat sends media by an
// uploaded media_id; the payload shows the URL Sinch uploads from in its place.

func weChatText(o Options, s string) any {
	m := obj{"msgtype": "text", "text": obj{"content": s}}
	set(m, "touser", o.To)
	return m
}

func weChat(r *Result, v view, o Options) any {
	r.Native = Native(WeChat, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return weChatText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		typ := mediaType(v.media.url)
		switch typ {
		case "image", "video":
		case "audio":
			typ = "voice"
		case "sticker":
			typ = "image"
		default:
			typ = "file"
		}
		m := obj{"msgtype": typ, typ: obj{"media_url": v.media.url}}
		set(m, "touser", o.To)
		return m
	}
	return nil
}
