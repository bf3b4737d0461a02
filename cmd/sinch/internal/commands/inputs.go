package commands

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/phone"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/message"
)

// This file reads the input formats of the product's sample scripts (see
// ../shared/reference/scripts.md), beside the CLI's richer forms.

// postbackOf is the postback data the sample scripts give a choice: the label lowercased, each
// space replaced by "_" ("Call Us" becomes "call_us").
func postbackOf(label string) string {
	return strings.ReplaceAll(strings.ToLower(label), " ", "_")
}

// choiceItem turns one item of a choice list into a choice, as the sample scripts do:
//
//	Label                   a text reply
//	Label|tel:+15551234567  a call button dialling that number
//	Label|https://...       a URL button opening that URL
//
// Every choice carries the script's postback data (postbackOf). The Conversation API allows
// exactly one kind of message per choice
// (https://developers.sinch.com/docs/conversation/api-reference/conversation/tag/Messages/#tag/Messages/operation/Messages_SendMessage
// — Choice), so a call or URL item becomes a call_message or url_message whose title is the label.
func choiceItem(flag, item string) (conversation.Choice, error) {
	label, action, hasAction := strings.Cut(item, "|")
	label = strings.TrimSpace(label)
	action = strings.TrimSpace(action)
	if label == "" {
		return conversation.Choice{}, usagef("--%s: the item %q has no label; for example --%s \"Yes,No,Call Us|tel:+15551234567\"", flag, item, flag)
	}
	if !hasAction {
		return message.TextChoice(label, postbackOf(label)), nil
	}
	lower := strings.ToLower(action)
	switch {
	case strings.HasPrefix(lower, "tel:"):
		number := strings.TrimSpace(action[len("tel:"):])
		if !phone.Valid(number) {
			return conversation.Choice{}, usagef("--%s: %q: after tel: give a phone number in E.164 form, for example \"Call Us|tel:+15551234567\"", flag, item)
		}
		return message.WithPostback(message.CallChoice(label, phone.Normalize(number)), postbackOf(label)), nil
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		return message.WithPostback(message.URLChoice(label, action), postbackOf(label)), nil
	}
	return conversation.Choice{}, usagef("--%s: %q: after | give tel:+NUMBER or an http(s) URL, for example \"Visit|https://example.com\"", flag, item)
}

// parseChoices reads a choice flag: the scripts' comma-separated list ("Yes,No,Call
// Us|tel:+1555...,Visit|https://...") or, starting with "[", a JSON array whose elements are
// such items or the API's Choice objects.
func parseChoices(flag, s string) ([]conversation.Choice, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "[") {
		var raw []json.RawMessage
		if err := decodeJSON(flag, s, choicesExample, &raw); err != nil {
			return nil, err
		}
		return choicesFromJSON(flag, raw)
	}
	var out []conversation.Choice
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		c, err := choiceItem(flag, item)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

const choicesExample = `--choices "Yes,No,Call Us|tel:+15551234567,Visit|https://example.com"`

// choicesFromJSON reads a JSON array of choices: a string is a script item, an object is the
// API's Choice.
func choicesFromJSON(flag string, raw []json.RawMessage) ([]conversation.Choice, error) {
	out := make([]conversation.Choice, 0, len(raw))
	for i, r := range raw {
		var item string
		if json.Unmarshal(r, &item) == nil {
			c, err := choiceItem(flag, item)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
			continue
		}
		var c conversation.Choice
		if err := strictJSON(r, &c); err != nil {
			return nil, usagef("--%s: choice %d: %s; give a label such as \"Buy\" or the API's choice object such as {\"text_message\":{\"text\":\"Buy\"}}", flag, i+1, jsonProblem(err))
		}
		out = append(out, c)
	}
	return out, nil
}

// scriptCard is a card as the sample scripts take it, with the CLI's image_url spelling too.
type scriptCard struct {
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Image       string            `json:"image"`
	ImageURL    string            `json:"image_url"`
	Choices     []json.RawMessage `json:"choices"`
}

const cardsExample = `--cards '[{"title":"Shoes","description":"New in","image":"https://example.com/s.jpg","choices":["Buy","Learn More"]},{"title":"Hats"}]'`

// parseCards reads --cards: a JSON array of 2 to 10 cards, each either the scripts' object
// {"title","description","image","choices":["Buy"]} (image_url is accepted for image, and a
// choice may be a script item or the API's Choice) or the API's card_message object.
func parseCards(s string) ([]conversation.CardMessage, error) {
	var raw []json.RawMessage
	if err := decodeJSON("cards", s, cardsExample, &raw); err != nil {
		return nil, err
	}
	// The limits of a carousel: https://developers.sinch.com/docs/conversation/message-types/carousel-message
	if len(raw) < 2 || len(raw) > 10 {
		return nil, usagef("--cards: a carousel has 2 to 10 cards, got %d; for example %s", len(raw), cardsExample)
	}
	out := make([]conversation.CardMessage, 0, len(raw))
	for i, r := range raw {
		var sc scriptCard
		shortErr := strictJSON(r, &sc)
		if shortErr == nil {
			if sc.Image != "" && sc.ImageURL != "" && sc.Image != sc.ImageURL {
				return nil, usagef("--cards: card %d has both image and image_url; give one", i+1)
			}
			image := sc.Image
			if image == "" {
				image = sc.ImageURL
			}
			choices, err := choicesFromJSON("cards", sc.Choices)
			if err != nil {
				return nil, err
			}
			out = append(out, message.CardContent(sc.Title, sc.Description, image, choices...))
			continue
		}
		var card conversation.CardMessage
		if err := strictJSON(r, &card); err != nil {
			return nil, usagef("--cards: card %d: %s; for example %s", i+1, jsonProblem(shortErr), cardsExample)
		}
		out = append(out, card)
	}
	return out, nil
}

// decodeJSON decodes a flag's JSON value strictly into v, or returns a one-line error that
// names the flag, says what is wrong in words and shows example.
func decodeJSON(flag, s, example string, v any) error {
	if strings.TrimSpace(s) == "" {
		return usagef("--%s is empty; for example %s", flag, example)
	}
	if err := strictJSON([]byte(s), v); err != nil {
		return usagef("--%s is not valid JSON: %s; for example %s", flag, jsonProblem(err), example)
	}
	return nil
}

// decodeJSONFlag is decodeJSON with the flag's example looked up in jsonExamples.
func decodeJSONFlag(flag, s string, v any) error {
	return decodeJSON(flag, s, jsonExamples[flag], v)
}

// jsonExamples are the examples the JSON flags show in their errors.
var jsonExamples = map[string]string{
	"message":  `--message '{"text_message":{"text":"Hi"}}'`,
	"params":   `--params '{"name":"Ada","code":"1234"}'`,
	"sections": `--sections '[{"title":"Drinks","items":["Tea","Coffee"]}]'`,
	"cards":    cardsExample,
	"choices":  choicesExample,
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errJSONEmpty
		}
		return withOffset(err, b, dec.InputOffset())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errJSONTrailing
	}
	return nil
}

var (
	errJSONEmpty    = errors.New("no JSON value")
	errJSONTrailing = errors.New("more text after the JSON value")
)

// offsetError is a JSON syntax error with the position and the text around it.
type offsetError struct {
	err  error
	at   int64
	near string
}

func (e *offsetError) Error() string { return e.err.Error() }
func (e *offsetError) Unwrap() error { return e.err }

func withOffset(err error, b []byte, off int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	} else if !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	} else {
		off = int64(len(b))
	}
	start := max(0, int(off)-12)
	end := min(len(b), int(off)+4)
	return &offsetError{err: err, at: off, near: string(b[start:end])}
}

var unknownField = regexp.MustCompile(`^json: unknown field "([^"]*)"$`)

// jsonProblem says in words what is wrong with a JSON value (never the raw parser text).
func jsonProblem(err error) string {
	var oe *offsetError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errJSONEmpty), errors.Is(err, errJSONTrailing):
		return err.Error()
	case errors.As(err, &oe) && errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends too early (a missing closing bracket, brace or quote?)"
	case errors.As(err, &oe):
		return fmt.Sprintf("unexpected character at position %d, near '%s' (check quotes, commas and brackets)", oe.at, oe.near)
	case errors.As(err, &te):
		where := "the value"
		if te.Field != "" {
			where = fmt.Sprintf("%q", te.Field)
		}
		return fmt.Sprintf("%s must be %s, not a JSON %s", where, jsonKind(te.Type.Kind().String()), te.Value)
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Sprintf("unknown field %q", m[1])
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// choicesUsage and cardsUsage are the help of the choice and card flags: the scripts' forms
// first, then the CLI's richer ones.
const (
	choicesUsage = `choices, comma-separated: "Label" is a reply (postback data: the label lowercased, spaces as _), ` +
		`"Label|tel:+15551234567" a call button, "Label|https://example.com" a URL button; ` +
		`or a JSON array of such labels and the API's choice objects`
	cardsUsage = `JSON array of 2 to 10 cards, each {"title","description","image":"https://...","choices":["Buy","Learn More"]} ` +
		`(the scripts' form; image_url is accepted for image; choices as in --choices) or the API's card_message object`
)
