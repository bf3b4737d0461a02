package transcode

// SMS and MMS payloads follow Sinch's own SMS and MMS APIs (a batch with to, from and body;
// an MMS with a subject and slides).

// SMS: text, media and location are native (sent as text: the body, the URL, the place);
// choice, card and carousel are converted into plaintext
// (https://developers.sinch.com/docs/conversation/channel-support/sms/message-support/).
// SMS_FLASH_MESSAGE and SMS_MAX_NUMBER_OF_MESSAGE_PARTS are carried into the batch
// (https://developers.sinch.com/docs/conversation/channel-support/sms/properties/).
func smsText(o Options, s string) any {
	m := obj{"body": s}
	if o.To != "" {
		m["to"] = []string{o.To}
	}
	set(m, "from", o.From)
	if sender := o.ChannelProperties["SMS_SENDER"]; sender != "" {
		m["from"] = sender
	}
	if o.ChannelProperties["SMS_FLASH_MESSAGE"] == "true" {
		m["flash_message"] = true
	}
	if n, err := smsMaxParts(o.ChannelProperties); err == nil && n > 0 {
		m["max_number_of_message_parts"] = n
	}
	return m
}

func sms(r *Result, v view, o Options) any {
	if !Native(SMS, v.kind) {
		return nil
	}
	// Native on SMS means "sent as SMS text", never a richer form.
	r.Native, r.Form = true, FormText
	if o.check {
		return noPayload // the text payload adds no violation (finishSMS counts the parts)
	}
	return smsText(o, r.Text)
}

// MMS: text, media and card are native; choice, carousel and location are transcoded to text.
// A card's title becomes the MMS subject (at most 80 characters; longer ones are cut) and is
// not repeated in the body (https://developers.sinch.com/docs/conversation/channel-support/mms/).
const mmsSubjectMax = 80

func mmsText(o Options, s string) any {
	return mmsMessage(o, "", []any{obj{"message-text": s}})
}

func mmsMessage(o Options, subject string, slides []any) obj {
	m := obj{"slide": slides}
	set(m, "to", o.To)
	set(m, "from", o.From)
	if sender := o.ChannelProperties["MMS_SENDER"]; sender != "" {
		m["from"] = sender
	}
	set(m, "subject", subject)
	return m
}

func mmsSlide(md *mediaView, text string) obj {
	s := obj{}
	if md != nil {
		typ := mediaType(md.url)
		switch typ {
		case "image", "video", "audio":
		case "sticker":
			typ = "image"
		default:
			typ = "pdf"
			if mediaExt(md.url) == "vcf" {
				typ = "vcard"
			}
		}
		s[typ] = obj{"url": md.url}
	}
	set(s, "message-text", text)
	return s
}

func mms(r *Result, v view, o Options) any {
	r.Native = Native(MMS, v.kind)
	switch v.kind {
	case KindText:
		r.Form = FormText
		return mmsText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return mmsMessage(o, "", []any{mmsSlide(v.media, "")})
	case KindCard:
		c := *v.card
		r.Form = FormRichCard
		subject := truncate(r, "card_message.title", c.title, mmsSubjectMax)
		var l lines
		l.add(c.description)
		n := 0
		addChoices(&l, c.choices, &n)
		return mmsMessage(o, subject, []any{mmsSlide(c.media, l.String())})
	}
	return nil
}
