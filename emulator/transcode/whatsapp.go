package transcode

import (
	"sort"
	"strconv"
	"strings"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// WhatsApp payloads follow the WhatsApp Cloud API message object (messaging_product,
// recipient_type, to, type and one object named after the type).
// Sinch's mapping: https://developers.sinch.com/docs/conversation/channel-support/whatsapp/message-support/

func whatsAppBase(o Options, typ string) obj {
	m := obj{"messaging_product": "whatsapp", "recipient_type": "individual", "type": typ}
	set(m, "to", o.To)
	return m
}

func whatsAppText(o Options, s string) any {
	m := whatsAppBase(o, "text")
	m["text"] = obj{"body": s, "preview_url": false}
	return m
}

// WhatsApp limits, from the Sinch pages cited where used.
const (
	waTextMax        = 4096 // text message (whatsapp/message-support)
	waButtonsMax     = 3    // reply buttons (choice-message, card-message)
	waBodyMax        = 1024 // choice text / card title with buttons
	waButtonTitleMax = 20
	waPostbackMax    = 229
	waFooterMax      = 60 // card description as footer (card-message)
	waListRowsMax    = 10 // list-message: up to 10 choices
	waListTitleMax   = 24
	waListDescMax    = 72
)

func whatsApp(r *Result, v view, o Options) any {
	r.Native = Native(WhatsApp, v.kind)
	switch v.kind {
	case KindText:
		overLength(r, "text_message.text", v.text, waTextMax)
		r.Form = FormText
		return whatsAppText(o, v.text)
	case KindMedia:
		r.Form = FormMedia
		return whatsAppMedia(o, v.media, "")
	case KindChoice:
		return whatsAppChoice(r, v, o)
	case KindCard:
		return whatsAppCard(r, *v.card, o)
	case KindLocation:
		r.Form = FormLocation
		m := whatsAppBase(o, "location")
		loc := obj{"latitude": v.location.lat, "longitude": v.location.lng}
		set(loc, "name", v.location.title)
		set(loc, "address", v.location.label)
		m["location"] = loc
		return m
	case KindContactInfo:
		r.Form = FormContact
		m := whatsAppBase(o, "contacts")
		m["contacts"] = []any{whatsAppContact(v)}
		return m
	case KindList:
		return whatsAppList(r, v, o)
	case KindTemplate:
		if !v.template.channelSpecific {
			// An omni_template the caller could not look up: shown as its reference.
			return nil
		}
		r.Form = FormTemplate
		return whatsAppTemplate(o, v.template)
	}
	return nil
}

// whatsAppMedia is a media message; a caption goes on images, videos and documents only.
func whatsAppMedia(o Options, md *mediaView, caption string) obj {
	typ := mediaType(md.url)
	m := whatsAppBase(o, typ)
	body := obj{"link": md.url}
	if typ == "document" {
		body["filename"] = fileName(md)
	}
	if caption != "" && (typ == "image" || typ == "video" || typ == "document") {
		body["caption"] = caption
	}
	m[typ] = body
	return m
}

func hasMarkdown(s string) bool { return strings.ContainsAny(s, "*_~`") }

// replyButtonsOK checks the conditions under which Sinch sends reply buttons; it returns the
// first one broken.
func replyButtonsOK(cs []choiceView) (field, why string) {
	switch {
	case len(cs) == 0:
		return "choices", "there are no choices"
	case len(cs) > waButtonsMax:
		return "choices", "WhatsApp reply buttons hold at most 3 choices, there are " + itoa(len(cs))
	case !onlyTextChoices(cs):
		return "choices", "WhatsApp reply buttons take only text choices"
	case !uniqueTitles(cs):
		return "choices", "WhatsApp reply buttons need distinct choice texts"
	}
	for i, c := range cs {
		f := "choices[" + itoa(i) + "]"
		switch {
		case runes(c.title) > waButtonTitleMax:
			return f + ".text_message.text", "a WhatsApp reply button's text is at most 20 characters"
		case hasMarkdown(c.title):
			return f + ".text_message.text", "a WhatsApp reply button's text cannot contain Markdown"
		case runes(c.postback) > waPostbackMax:
			return f + ".postback_data", "WhatsApp postback data is at most 229 characters"
		}
	}
	return "", ""
}

func replyButtons(cs []choiceView) []any {
	bs := make([]any, len(cs))
	for i, c := range cs {
		bs[i] = obj{"type": "reply", "reply": obj{"id": postback(c), "title": c.title}}
	}
	return bs
}

// whatsAppChoice: https://developers.sinch.com/docs/conversation/message-types/choice-message/
// (WhatsApp): reply buttons when the message has only text choices, at most three, a text of
// at most 1024 characters, choice texts of at most 20 characters without Markdown, all distinct,
// and postback data of at most 229 characters; a single URL choice is sent as a call-to-action
// URL button (the page's Cloud API example); otherwise the message is sent as text.
func whatsAppChoice(r *Result, v view, o Options) any {
	if len(v.choices) == 1 && v.choices[0].kind == choiceURL && v.text != "" && runes(v.text) <= waBodyMax {
		c := v.choices[0]
		r.Form = FormButtons
		m := whatsAppBase(o, "interactive")
		in := obj{"type": "cta_url", "body": obj{"text": v.text},
			"action": obj{"name": "cta_url", "parameters": obj{"display_text": c.title, "url": c.url}}}
		if v.footer != "" {
			in["footer"] = obj{"text": v.footer}
		}
		m["interactive"] = in
		return m
	}
	if v.text == "" {
		return textFallback(r, "choice_message.text_message", "WhatsApp reply buttons need the choice message's text")
	}
	if runes(v.text) > waBodyMax {
		return textFallback(r, "choice_message.text_message.text", "the text of WhatsApp reply buttons is at most 1024 characters")
	}
	if f, why := replyButtonsOK(v.choices); why != "" {
		return textFallback(r, "choice_message."+f, why)
	}
	r.Form = FormButtons
	m := whatsAppBase(o, "interactive")
	in := obj{"type": "button", "body": obj{"text": v.text}, "action": obj{"buttons": replyButtons(v.choices)}}
	if v.footer != "" {
		in["footer"] = obj{"text": v.footer}
	}
	m["interactive"] = in
	return m
}

// whatsAppCard: https://developers.sinch.com/docs/conversation/message-types/card-message/
// (WhatsApp): reply buttons when the title is at most 1024 characters, the description at most
// 60, with at most three text choices of at most 20 characters without Markdown, distinct, with
// postback data of at most 229 characters; the media is the header (audio and stickers go in as
// a link). Otherwise the card is sent as a media message with the text as caption (as text when
// it has no media).
func whatsAppCard(r *Result, c cardView, o Options) any {
	field, why := "", ""
	switch {
	case runes(c.title) > waBodyMax:
		field, why = "title", "a WhatsApp card title is at most 1024 characters"
	case runes(c.description) > waFooterMax:
		field, why = "description", "a WhatsApp card description is at most 60 characters"
	case c.title == "":
		field, why = "title", "WhatsApp reply buttons need the card's title"
	default:
		field, why = replyButtonsOK(c.choices)
	}
	if why != "" {
		r.Native = false
		r.Violations = append(r.Violations, Violation{Field: "card_message." + field, Message: why + "; the card is sent as a media message with a text caption"})
		if c.media == nil {
			return nil
		}
		r.Form = FormMedia
		var l lines
		n := 0
		cardText(&l, cardView{title: c.title, description: c.description, choices: c.choices}, &n)
		return whatsAppMedia(o, c.media, l.String())
	}
	r.Form = FormButtons
	m := whatsAppBase(o, "interactive")
	body := c.title
	in := obj{"type": "button", "action": obj{"buttons": replyButtons(c.choices)}}
	if c.description != "" {
		in["footer"] = obj{"text": c.description}
	}
	if c.media != nil {
		switch typ := mediaType(c.media.url); typ {
		case "image", "video", "document":
			h := obj{"link": c.media.url}
			if typ == "document" {
				h["filename"] = fileName(c.media)
			}
			in["header"] = obj{"type": typ, typ: h}
		default:
			body += "\n" + c.media.url
		}
	} else if c.header != "" {
		in["header"] = obj{"type": "text", "text": c.header}
	}
	in["body"] = obj{"text": body}
	m["interactive"] = in
	return m
}

// whatsAppList: https://developers.sinch.com/docs/conversation/message-types/list-message/:
// list messages are native on WhatsApp only, a choice list holding up to 10 choices; WhatsApp's
// own limits on row titles (24) and descriptions (72) apply
// (https://developers.facebook.com/docs/whatsapp/guides/interactive-messages/). Over these the
// channel refuses the message. A product list needs the catalogue id (message_properties.catalog_id).
func whatsAppList(r *Result, v view, o Options) any {
	lv := v.list
	m := whatsAppBase(o, "interactive")
	in := obj{"body": obj{"text": joinNonEmpty("\n", lv.title, lv.description)}}
	if lv.header != "" {
		in["header"] = obj{"type": "text", "text": lv.header}
	}
	products := len(lv.sections) > 0 && len(lv.sections[0].items) > 0 && lv.sections[0].items[0].product
	rows, sections := 0, make([]any, 0, len(lv.sections))
	for si, s := range lv.sections {
		sec := obj{}
		set(sec, "title", s.title)
		items := make([]any, 0, len(s.items))
		for ii, it := range s.items {
			rows++
			if products {
				items = append(items, obj{"product_retailer_id": it.productID})
				continue
			}
			f := "list_message.sections[" + itoa(si) + "].items[" + itoa(ii) + "].choice"
			overLength(r, f+".title", it.title, waListTitleMax)
			overLength(r, f+".description", it.description, waListDescMax)
			row := obj{"id": it.postback, "title": it.title}
			if it.postback == "" {
				row["id"] = it.title
			}
			set(row, "description", it.description)
			items = append(items, row)
		}
		if products {
			sec["product_items"] = items
		} else {
			sec["rows"] = items
		}
		sections = append(sections, sec)
	}
	if !products && rows > waListRowsMax {
		reject(r, "list_message.sections", waListRowsMax, rows, "the number of list items")
	}
	if products {
		r.Form = FormProductList
		in["type"] = "product_list"
		in["action"] = obj{"catalog_id": lv.catalogID, "sections": sections}
		if lv.catalogID == "" {
			r.Violations = append(r.Violations, Violation{Reason: reasonChannelRule, Field: "list_message.message_properties.catalog_id", Fails: true,
				Message: "a WhatsApp product list needs message_properties.catalog_id"})
		}
	} else {
		r.Form = FormList
		in["type"] = "list"
		menu := lv.menu
		if menu == "" {
			menu = "Menu"
		}
		in["action"] = obj{"button": menu, "sections": sections}
	}
	m["interactive"] = in
	return m
}

// typedEntries sets out[key], when list is not empty, to one {field: value, "type": kind}
// object per entry (a WhatsApp contact's phones, emails and urls).
func typedEntries[T any](out obj, key, field string, list []T, entry func(T) (value, kind string)) {
	if len(list) == 0 {
		return
	}
	xs := make([]any, len(list))
	for i, x := range list {
		value, kind := entry(x)
		e := obj{field: value}
		set(e, "type", kind)
		xs[i] = e
	}
	out[key] = xs
}

func whatsAppContact(v view) obj {
	c := v.contact
	name := obj{"formatted_name": c.Name.FullName}
	set(name, "first_name", c.Name.FirstName)
	set(name, "last_name", c.Name.LastName)
	set(name, "middle_name", c.Name.MiddleName)
	set(name, "prefix", c.Name.Prefix)
	set(name, "suffix", c.Name.Suffix)
	out := obj{"name": name}
	typedEntries(out, "phones", "phone", c.PhoneNumbers, func(p conversation.PhoneNumberInfo) (string, string) { return p.PhoneNumber, p.Type })
	typedEntries(out, "emails", "email", c.EmailAddresses, func(e conversation.EmailInfo) (string, string) { return e.EmailAddress, e.Type })
	typedEntries(out, "urls", "url", c.Urls, func(u conversation.URLInfo) (string, string) { return u.URL, u.Type })
	if len(c.Addresses) > 0 {
		as := make([]any, len(c.Addresses))
		for i, a := range c.Addresses {
			x := obj{}
			set(x, "city", a.City)
			set(x, "country", a.Country)
			set(x, "country_code", a.CountryCode)
			set(x, "state", a.State)
			set(x, "zip", a.Zip)
			set(x, "type", a.Type)
			as[i] = x
		}
		out["addresses"] = as
	}
	if org := c.Organization; present(&org) {
		x := obj{}
		set(x, "company", org.Company)
		set(x, "department", org.Department)
		set(x, "title", org.Title)
		out["org"] = x
	}
	set(out, "birthday", c.Birthday)
	return out
}

// whatsAppTemplate is a WhatsApp message template: template_id is the template's name and
// the parameters fill the body's placeholders by position
// (https://developers.sinch.com/docs/conversation/channel-support/whatsapp/template-support/).
// Parameters are ordered by their numeric keys ("1", "2", ...), other keys after them by name.
func whatsAppTemplate(o Options, t *templateView) obj {
	m := whatsAppBase(o, "template")
	lang := t.language
	if lang == "" {
		lang = "en_US"
	}
	tpl := obj{"name": t.id, "language": obj{"policy": "deterministic", "code": lang}}
	if len(t.params) > 0 {
		keys := make([]string, 0, len(t.params))
		for k := range t.params {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, errA := strconv.Atoi(keys[i])
			b, errB := strconv.Atoi(keys[j])
			switch {
			case errA == nil && errB == nil:
				return a < b
			case errA == nil:
				return true
			case errB == nil:
				return false
			}
			return keys[i] < keys[j]
		})
		ps := make([]any, len(keys))
		for i, k := range keys {
			ps[i] = obj{"type": "text", "text": t.params[k]}
		}
		tpl["components"] = []any{obj{"type": "body", "parameters": ps}}
	}
	m["template"] = tpl
	return m
}
