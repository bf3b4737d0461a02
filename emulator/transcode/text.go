package transcode

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// The plain-text rendering, shared by every channel that lacks a kind. Sinch documents that
// each rich kind becomes plaintext on a text-only channel and shows it in pictures
// (https://developers.sinch.com/docs/conversation/channel-support/sms/message-support/, the
// "SMS" sections of https://developers.sinch.com/docs/conversation/message-types/choice-message/,
// card-message/, carousel-message/ and location-message/); the exact layout is ours:
//
//   - choice: the text, then one numbered line per choice; a URL, call, location, calendar or
//     share-location choice shows its title and what it opens (URL, number, maps link,
//     fallback URL), so the reader can act on it without buttons;
//   - card: title, description, media URL, then the numbered choices;
//   - carousel: each card in turn, a blank line between them, then the outer choices; choices
//     are numbered across the whole carousel so that a numeric reply names one choice;
//   - location: title, label, the coordinates and a maps link;
//   - list: title, description, then each section title and its numbered items;
//   - contact info: the name, organisation, and one line per phone, e-mail, URL and address,
//     then the birthday.

// mapsURL links to a map centred on a point.
func mapsURL(lat, lng float64) string {
	return "https://maps.google.com/?q=" + coord(lat) + "," + coord(lng)
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

type lines struct{ b strings.Builder }

func (l *lines) add(s string) {
	if s == "" {
		return
	}
	if l.b.Len() > 0 {
		l.b.WriteByte('\n')
	}
	l.b.WriteString(s)
}

func (l *lines) blank() {
	if l.b.Len() > 0 {
		l.b.WriteByte('\n')
	}
}

func (l *lines) String() string { return l.b.String() }

// choiceLine is one choice as text, without its number.
func choiceLine(c choiceView) string {
	switch c.kind {
	case choiceURL:
		return labelled(c.title, c.url)
	case choiceCall:
		return labelled(c.title, c.phone)
	case choiceLocation:
		return labelled(c.title, mapsURL(c.lat, c.lng))
	case choiceCalendar, choiceShareLocation:
		return labelled(c.title, c.url)
	}
	return c.title
}

func labelled(title, target string) string {
	switch {
	case title == "":
		return target
	case target == "":
		return title
	}
	return title + ": " + target
}

func addChoices(l *lines, cs []choiceView, n *int) {
	for _, c := range cs {
		*n++
		l.add(strconv.Itoa(*n) + ". " + choiceLine(c))
	}
}

func cardText(l *lines, c cardView, n *int) {
	l.add(c.title)
	l.add(c.description)
	if c.media != nil {
		l.add(c.media.url)
	}
	addChoices(l, c.choices, n)
}

func locationText(l *lines, loc locationView) {
	l.add(loc.title)
	l.add(loc.label)
	l.add(coord(loc.lat) + ", " + coord(loc.lng))
	l.add(mapsURL(loc.lat, loc.lng))
}

// plainText renders v as a text-only channel shows it.
func plainText(v view) string {
	var l lines
	n := 0
	switch v.kind {
	case KindText:
		return v.text
	case KindMedia:
		return v.media.url
	case KindChoice:
		l.add(v.text)
		addChoices(&l, v.choices, &n)
	case KindCard:
		cardText(&l, *v.card, &n)
	case KindCarousel:
		for i, c := range v.cards {
			if i > 0 {
				l.blank()
			}
			cardText(&l, c, &n)
		}
		if len(v.choices) > 0 {
			l.blank()
			addChoices(&l, v.choices, &n)
		}
	case KindLocation:
		locationText(&l, *v.location)
	case KindList:
		lv := v.list
		l.add(lv.title)
		l.add(lv.description)
		for _, s := range lv.sections {
			l.add(s.title)
			for _, it := range s.items {
				n++
				line := strconv.Itoa(n) + ". " + it.title
				if it.description != "" {
					line += " - " + it.description
				}
				l.add(line)
			}
		}
	case KindContactInfo:
		contactText(&l, v)
	case KindTemplate:
		return templateText(v.template)
	}
	return l.String()
}

func contactText(l *lines, v view) {
	c := v.contact
	l.add(c.Name.FullName)
	if o := c.Organization; present(&o) {
		l.add(joinNonEmpty(", ", o.Company, o.Department, o.Title))
	}
	for _, p := range c.PhoneNumbers {
		l.add(typed("Phone", p.Type) + p.PhoneNumber)
	}
	for _, e := range c.EmailAddresses {
		l.add(typed("Email", e.Type) + e.EmailAddress)
	}
	for _, u := range c.Urls {
		l.add(typed("URL", u.Type) + u.URL)
	}
	for _, a := range c.Addresses {
		addr := joinNonEmpty(", ", a.City, a.State, a.Zip, a.Country)
		if addr == "" {
			addr = a.CountryCode
		}
		if addr != "" {
			l.add(typed("Address", a.Type) + addr)
		}
	}
	if b := c.Birthday; b != "" {
		l.add("Birthday: " + b)
	}
}

func typed(what, kind string) string {
	if kind == "" {
		return what + ": "
	}
	return what + " (" + strings.ToLower(kind) + "): "
}

func templateText(t *templateView) string {
	s := "[template " + t.id
	if t.version != "" {
		s += " version " + t.version
	}
	if t.language != "" {
		s += " " + t.language
	}
	s += "]"
	if len(t.params) > 0 {
		keys := make([]string, 0, len(t.params))
		for k := range t.params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s += "\n" + k + ": " + t.params[k]
		}
	}
	return s
}

// payloadText is the text a raw channel payload shows: its "text" or "body" string (the
// fields where the channels' own formats keep text), else the payload itself.
func payloadText(raw string) string {
	var m map[string]any
	if json.Unmarshal([]byte(raw), &m) == nil {
		for _, k := range []string{"text", "body", "content"} {
			switch t := m[k].(type) {
			case string:
				return t
			case map[string]any:
				if s, ok := t["body"].(string); ok {
					return s
				}
			}
		}
	}
	return raw
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

func join(s []string, sep string) string { return strings.Join(s, sep) }

func itoa(i int) string { return strconv.Itoa(i) }

func sortStrings(s []string) { sort.Strings(s) }

// dedupe removes adjacent repeats from a sorted slice.
func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
