package transcode

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// view is the content of an app message as the renderers need it: the one kind it carries,
// with absent optional fields as empty strings. It is the only place that reads the generated
// types, so the renderers do not depend on which fields are pointers.
type view struct {
	kind     Kind
	text     string // text_message.text, or the choice message's text
	media    *mediaView
	choices  []choiceView // choice message choices, or a carousel's outer choices
	card     *cardView
	cards    []cardView // carousel
	location *locationView
	contact  *conversation.ContactInfoMessage
	list     *listView
	template *templateView
	// WhatsApp extras from message_properties.
	footer, header string
}

type mediaView struct{ url, thumbnail, filename string }

type choiceKind int

const (
	choiceText choiceKind = iota
	choiceURL
	choiceCall
	choiceLocation
	choiceCalendar
	choiceShareLocation
)

type choiceView struct {
	kind     choiceKind
	title    string // the text shown on the button
	postback string
	url      string // URL choice, or the calendar/share-location fallback URL
	phone    string
	lat, lng float64
	label    string
	event    *calendarView
}

type calendarView struct {
	title, description string
	start, end         time.Time
}

type cardView struct {
	title, description, height string
	media                      *mediaView
	choices                    []choiceView
	header                     string // whatsapp_header
}

type locationView struct {
	title, label string
	lat, lng     float64
}

type listView struct {
	title, description string
	media              *mediaView
	menu, header       string
	catalogID          string
	sections           []listSection
}

type listSection struct {
	title string
	items []listItem
}

type listItem struct {
	product                bool
	title, description     string
	postback               string
	productID, marketplace string
	media                  *mediaView
}

type templateView struct {
	id, version, language string
	params                map[string]string
	channelSpecific       bool // the reference came from channel_template for this channel
}

// present reports whether *p, an optional object of a generated model, was present: the
// models are value types, so an absent object is its zero value.
func present[T any](p *T) bool { return !reflect.ValueOf(p).Elem().IsZero() }

// contentKinds lists the kinds of generic content msg sets, in a slice of kindList's
// array, which needs no allocation.
func contentKinds(msg *conversation.AppMessage, buf *kindList) []Kind {
	ks := buf[:0]
	add := func(set bool, k Kind) {
		if set {
			ks = append(ks, k)
		}
	}
	add(present(&msg.TextMessage), KindText)
	add(present(&msg.MediaMessage), KindMedia)
	add(present(&msg.TemplateMessage), KindTemplate)
	add(present(&msg.ChoiceMessage), KindChoice)
	add(present(&msg.CardMessage), KindCard)
	add(present(&msg.CarouselMessage), KindCarousel)
	add(present(&msg.LocationMessage), KindLocation)
	add(present(&msg.ContactInfoMessage), KindContactInfo)
	add(present(&msg.ListMessage), KindList)
	return ks
}

// kindList holds the kinds of content one message sets (at most one of each).
type kindList [9]Kind

// newView reads msg for channel: explicit_channel_omni_message[channel], when present,
// replaces the generic content on that channel.
func newView(msg conversation.AppMessage, channel Channel, opts Options) (view, error) {
	if o, ok := msg.ExplicitChannelOmniMessage[string(channel)]; ok {
		om := conversation.AppMessage{
			TextMessage: o.TextMessage, MediaMessage: o.MediaMessage, ChoiceMessage: o.ChoiceMessage,
			CardMessage: o.CardMessage, CarouselMessage: o.CarouselMessage, LocationMessage: o.LocationMessage,
			ContactInfoMessage: o.ContactInfoMessage, ListMessage: o.ListMessage,
		}
		if present(&o.TemplateReference) {
			om.TemplateMessage = conversation.TemplateMessage{OmniTemplate: o.TemplateReference}
		}
		var buf kindList
		ks := contentKinds(&om, &buf)
		if len(ks) != 1 {
			return view{}, invalid("explicit_channel_omni_message.%s must set exactly one kind of content, it sets %d", channel, len(ks))
		}
		msg = om
	}
	var v view
	switch {
	case present(&msg.TextMessage):
		v.kind, v.text = KindText, msg.TextMessage.Text
	case present(&msg.MediaMessage):
		v.kind, v.media = KindMedia, mediaOf(msg.MediaMessage)
	case present(&msg.TemplateMessage):
		t, err := templateOf(msg.TemplateMessage, channel)
		if err != nil {
			return view{}, err
		}
		if !t.channelSpecific && opts.Template != nil {
			if content, ok := opts.Template(TemplateRef{ID: t.id, Version: t.version, Language: t.language}); ok {
				return templateContent(content, t, channel)
			}
		}
		v.kind, v.template = KindTemplate, t
	case present(&msg.ChoiceMessage):
		cm := msg.ChoiceMessage
		v.kind = KindChoice
		if present(&cm.TextMessage) {
			v.text = cm.TextMessage.Text
		}
		if present(&cm.MessageProperties) {
			v.footer = cm.MessageProperties.WhatsappFooter
		}
		cs, err := choicesOf(cm.Choices, "choice_message.choices")
		if err != nil {
			return view{}, err
		}
		v.choices = cs
	case present(&msg.CardMessage):
		c, err := cardOf(msg.CardMessage, "card_message")
		if err != nil {
			return view{}, err
		}
		v.kind, v.card = KindCard, &c
	case present(&msg.CarouselMessage):
		v.kind = KindCarousel
		for i := range msg.CarouselMessage.Cards {
			c, err := cardOf(msg.CarouselMessage.Cards[i], "carousel_message.cards["+itoa(i)+"]")
			if err != nil {
				return view{}, err
			}
			v.cards = append(v.cards, c)
		}
		cs, err := choicesOf(msg.CarouselMessage.Choices, "carousel_message.choices")
		if err != nil {
			return view{}, err
		}
		v.choices = cs
	case present(&msg.LocationMessage):
		l := msg.LocationMessage
		v.kind = KindLocation
		v.location = &locationView{title: l.Title, label: l.Label, lat: l.Coordinates.Latitude, lng: l.Coordinates.Longitude}
	case present(&msg.ContactInfoMessage):
		// A copy of its own, so that msg (a whole AppMessage) stays on the stack.
		ci := msg.ContactInfoMessage
		v.kind, v.contact = KindContactInfo, &ci
	case present(&msg.ListMessage):
		l, err := listOf(msg.ListMessage)
		if err != nil {
			return view{}, err
		}
		v.kind, v.list = KindList, l
		v.header = l.header
	}
	return v, nil
}

func mediaOf(m conversation.MediaMessage) *mediaView {
	if !present(&m) {
		return nil
	}
	return &mediaView{url: m.URL, thumbnail: m.ThumbnailURL, filename: m.FilenameOverride}
}

func cardOf(c conversation.CardMessage, path string) (cardView, error) {
	cv := cardView{title: c.Title, description: c.Description, media: mediaOf(c.MediaMessage)}
	cv.height = string(c.Height)
	if present(&c.MessageProperties) {
		cv.header = c.MessageProperties.WhatsappHeader
	}
	cs, err := choicesOf(c.Choices, path+".choices")
	if err != nil {
		return cardView{}, err
	}
	cv.choices = cs
	return cv, nil
}

func choicesOf(cs []conversation.Choice, path string) ([]choiceView, error) {
	out := make([]choiceView, 0, len(cs))
	for i, c := range cs {
		n := 0
		var cv choiceView
		if present(&c.TextMessage) {
			n++
			cv = choiceView{kind: choiceText, title: c.TextMessage.Text}
		}
		if present(&c.URLMessage) {
			n++
			cv = choiceView{kind: choiceURL, title: c.URLMessage.Title, url: c.URLMessage.URL}
		}
		if present(&c.CallMessage) {
			n++
			cv = choiceView{kind: choiceCall, title: c.CallMessage.Title, phone: c.CallMessage.PhoneNumber}
		}
		if present(&c.LocationMessage) {
			n++
			l := c.LocationMessage
			cv = choiceView{kind: choiceLocation, title: l.Title, label: l.Label, lat: l.Coordinates.Latitude, lng: l.Coordinates.Longitude}
		}
		if present(&c.CalendarMessage) {
			n++
			m := c.CalendarMessage
			cv = choiceView{kind: choiceCalendar, title: m.Title, url: m.FallbackURL,
				event: &calendarView{title: m.EventTitle, description: m.EventDescription, start: m.EventStart, end: m.EventEnd}}
		}
		if present(&c.ShareLocationMessage) {
			n++
			cv = choiceView{kind: choiceShareLocation, title: c.ShareLocationMessage.Title, url: c.ShareLocationMessage.FallbackURL}
		}
		if n != 1 {
			// The API rejects a choice with no kind or with two kinds at once
			// (https://developers.sinch.com/docs/conversation/message-types/choice-message/).
			return nil, invalid("%s[%d] must set exactly one of text_message, url_message, call_message, location_message, calendar_message or share_location_message, it sets %d", path, i, n)
		}
		cv.postback = c.PostbackData
		out = append(out, cv)
	}
	return out, nil
}

func listOf(l conversation.ListMessage) (*listView, error) {
	lv := &listView{title: l.Title, description: l.Description, media: mediaOf(l.Media)}
	if p := l.MessageProperties; present(&p) {
		lv.menu, lv.header, lv.catalogID = p.Menu, p.WhatsappHeader, p.CatalogID
	}
	var products, choices int
	for si, s := range l.Sections {
		ls := listSection{title: s.Title}
		for ii, it := range s.Items {
			switch {
			case present(&it.Choice) && !present(&it.Product):
				choices++
				c := it.Choice
				ls.items = append(ls.items, listItem{title: c.Title, description: c.Description, postback: c.PostbackData, media: mediaOf(c.Media)})
			case present(&it.Product) && !present(&it.Choice):
				products++
				ls.items = append(ls.items, listItem{product: true, productID: it.Product.ID, marketplace: it.Product.Marketplace, title: it.Product.ID})
			default:
				return nil, invalid("list_message.sections[%d].items[%d] must set exactly one of choice or product", si, ii)
			}
		}
		lv.sections = append(lv.sections, ls)
	}
	if products > 0 && choices > 0 {
		// https://developers.sinch.com/docs/conversation/message-types/list-message/: at the
		// items level a list message is either choices or products.
		return nil, invalid("list_message mixes choice and product items; a list holds one kind")
	}
	return lv, nil
}

func templateOf(t conversation.TemplateMessage, channel Channel) (*templateView, error) {
	if ref, ok := t.ChannelTemplate[string(channel)]; ok {
		return refOf(ref, true), nil
	}
	if present(&t.OmniTemplate) {
		return refOf(t.OmniTemplate, false), nil
	}
	if len(t.ChannelTemplate) == 0 {
		return nil, invalid("template_message needs omni_template or channel_template")
	}
	return nil, invalid("template_message has a channel_template for %s but none for %s and no omni_template", sortedKeys(t.ChannelTemplate), channel)
}

func refOf(r conversation.TemplateReference, channelSpecific bool) *templateView {
	return &templateView{id: r.TemplateID, version: r.Version, language: r.LanguageCode, params: r.Parameters, channelSpecific: channelSpecific}
}

func sortedKeys[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return join(ks, ", ")
}

// templateContent is the view of a stored template's content with its ${key} variables filled
// from the reference's parameters (a variable without a parameter is left as written; the
// emulator's delivery reports TEMPLATE_INSUFFICIENT_PARAMETERS for it).
func templateContent(content conversation.AppMessage, t *templateView, channel Channel) (view, error) {
	if present(&content.TemplateMessage) {
		return view{}, invalid("template %s holds a template_message; a template's content must be a message of its own", clip(t.id))
	}
	if len(t.params) > 0 {
		b, err := json.Marshal(content)
		if err != nil {
			return view{}, invalid("template %s content cannot be encoded: %v", clip(t.id), err)
		}
		var tree any
		if err := json.Unmarshal(b, &tree); err != nil {
			return view{}, invalid("template %s content cannot be decoded: %v", clip(t.id), err)
		}
		b, err = json.Marshal(fillVariables(tree, t.params))
		if err != nil {
			return view{}, invalid("template %s content cannot be encoded: %v", clip(t.id), err)
		}
		content = conversation.AppMessage{}
		if err := json.Unmarshal(b, &content); err != nil {
			return view{}, invalid("template %s with its parameters is not a valid message: %v", clip(t.id), err)
		}
	}
	var buf kindList
	if len(contentKinds(&content, &buf)) != 1 {
		return view{}, invalid("template %s content must set exactly one kind of message", clip(t.id))
	}
	v, err := newView(content, channel, Options{})
	if err != nil {
		return view{}, err
	}
	v.template = t
	return v, nil
}

// fillVariables replaces ${key} in every string of a decoded JSON tree.
func fillVariables(tree any, params map[string]string) any {
	switch t := tree.(type) {
	case string:
		return fillString(t, params)
	case map[string]any:
		for k, v := range t {
			t[k] = fillVariables(v, params)
		}
	case []any:
		for i, v := range t {
			t[i] = fillVariables(v, params)
		}
	}
	return tree
}

func fillString(s string, params map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		key := s[i+2 : i+j]
		b.WriteString(s[:i])
		if val, ok := params[key]; ok {
			b.WriteString(val)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}
