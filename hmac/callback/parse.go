package callback

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Errors returned (wrapped) by Parse; test for them with [errors.Is].
var (
	// ErrMalformed: the body is not a JSON object (or not JSON at all). A payload whose values
	// do not fit the generated types is not an error: see [Event] and Skipped.
	ErrMalformed = errors.New("callback: malformed body")
	// ErrAmbiguous: the body carries the payload keys of two different triggers.
	ErrAmbiguous = errors.New("callback: body carries the payloads of two triggers")
	// ErrNoPayload (which also matches ErrMalformed): the body is a JSON object with no payload
	// key at all, only envelope fields (or nulls): there is nothing to hand to a handler.
	ErrNoPayload = fmt.Errorf("%w: no payload key besides the envelope fields", ErrMalformed)
)

// decodable is implemented by every typed event: payload returns the generated struct to decode
// the body into, setRaw keeps the body.
type decodable interface {
	Event
	payload() any
	setRaw([]byte)
	setSkipped([]string)
}

type kind struct {
	trigger Trigger
	new     func() decodable
}

// Parse decodes a callback body into its typed event, telling the trigger from the payload's key.
// raw must be the complete body; the event keeps it (see [Event.RawJSON]), so do not modify it
// afterwards. A body whose key is not known returns an [*UnknownEvent] and no error.
func Parse(raw []byte) (Event, error) {
	// Trigger keys seen, with whether their last value was null: encoding/json lets the last of
	// duplicate keys win, and Parse agrees with it. One entry in all real callbacks.
	type seenKey struct {
		key  string
		kind kind
		null bool
	}
	var buf [2]seenKey
	seen := buf[:0]
	err := scanTop(raw, func(key []byte, escaped, null bool) {
		name := key
		if escaped {
			var s string
			if json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &s) != nil {
				return // leave it to the full decode below to report the bad escape
			}
			name = []byte(s)
		}
		k, ok := kinds[string(name)]
		if !ok {
			return
		}
		for i := range seen {
			if seen[i].key == string(name) {
				seen[i].null = null
				return
			}
		}
		seen = append(seen, seenKey{string(name), k, null})
	})
	if err != nil {
		return nil, err
	}
	var found kind
	var foundKey, ambiguous string
	for _, s := range seen {
		switch {
		case s.null:
		case found.new == nil:
			found, foundKey = s.kind, s.key
		case s.kind.trigger != found.trigger && ambiguous == "":
			ambiguous = s.key
		}
	}
	if ambiguous != "" {
		if !json.Valid(raw) { // the scan checks structure only; invalid JSON takes precedence
			return nil, fmt.Errorf("%w: invalid JSON", ErrMalformed)
		}
		return nil, fmt.Errorf("%w: %q and %q", ErrAmbiguous, foundKey, ambiguous)
	}
	if found.new == nil {
		return parseUnknown(raw)
	}
	ev := found.new()
	skipped, err := decodeLenient(raw, ev.payload())
	if err != nil {
		return nil, fmt.Errorf("%w: %s payload: %s", ErrMalformed, found.trigger, describe(err))
	}
	ev.setRaw(raw)
	ev.setSkipped(skipped)
	return ev, nil
}

// describe renders a decoding error without quoting values from the body.
func describe(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *time.ParseError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %s: cannot decode a JSON %s into %s", typ.Field, kindOf(typ.Value), typ.Type)
		}
		return fmt.Sprintf("cannot decode a JSON %s into %s", kindOf(typ.Value), typ.Type)
	case errors.As(err, &tim):
		return "a time is not in RFC 3339 format"
	default:
		// Other errors come from UnmarshalJSON methods and may quote the offending value.
		return "a value does not decode into its field's type"
	}
}

// kindOf reduces the Value of an UnmarshalTypeError ("number 5", "string", ...) to its kind.
func kindOf(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			return v[:i]
		}
	}
	return v
}

// UnknownEvent is a callback whose payload key Parse does not know, typically from a trigger added
// to the API after this package was written. It is returned instead of an error so that the
// callback can still be acknowledged, logged by id, or inspected through RawJSON.
type UnknownEvent struct {
	rawBody
	env Envelope
	// Keys lists the top-level keys of the body other than the envelope fields, in order; the
	// first is usually the payload key of the unknown trigger.
	Keys []string
}

// Trigger returns TriggerUnknown.
func (e *UnknownEvent) Trigger() Trigger { return TriggerUnknown }

// Envelope returns the fields common to every callback, as far as the body has them.
func (e *UnknownEvent) Envelope() Envelope { return e.env }

// DedupKey is "UNKNOWN:sha256:" and the hex SHA-256 of the body.
func (e *UnknownEvent) DedupKey() string { return bodyKey("UNKNOWN", e.raw) }

// unknownEnvelope holds the envelope fields of an unknown payload undecoded: the payload is
// unknown, so a field of an unexpected type leaves that field empty instead of failing the parse.
type unknownEnvelope struct {
	AppID           json.RawMessage `json:"app_id"`
	ProjectID       json.RawMessage `json:"project_id"`
	AcceptedTime    json.RawMessage `json:"accepted_time"`
	EventTime       json.RawMessage `json:"event_time"`
	MessageMetadata json.RawMessage `json:"message_metadata"`
	CorrelationID   json.RawMessage `json:"correlation_id"`
}

// str decodes a JSON string, or returns "" for anything else.
func str(r json.RawMessage) string {
	if len(r) == 0 || r[0] != '"' {
		return ""
	}
	var s string
	if json.Unmarshal(r, &s) != nil {
		return ""
	}
	return s
}

var envelopeKeys = map[string]bool{
	"app_id": true, "project_id": true, "accepted_time": true, "event_time": true,
	"message_metadata": true, "correlation_id": true,
}

func parseUnknown(raw []byte) (Event, error) {
	var env unknownEnvelope
	if err := json.Unmarshal(raw, &env); err != nil { // also checks that the whole body is valid JSON
		return nil, fmt.Errorf("%w: %s", ErrMalformed, describe(err))
	}
	ev := &UnknownEvent{env: Envelope{
		AppID:           str(env.AppID),
		ProjectID:       str(env.ProjectID),
		AcceptedTime:    parseTime(str(env.AcceptedTime)),
		EventTime:       parseTime(str(env.EventTime)),
		MessageMetadata: str(env.MessageMetadata),
		CorrelationID:   str(env.CorrelationID),
	}}
	// The last of duplicate keys wins, as in encoding/json: a key whose last value is null is
	// absent.
	var nulls map[string]bool
	_ = scanTop(raw, func(key []byte, escaped, null bool) {
		k := string(key)
		if envelopeKeys[k] {
			return
		}
		if null {
			if nulls == nil {
				nulls = map[string]bool{}
			}
			nulls[k] = true
			return
		}
		delete(nulls, k)
		if !slices.Contains(ev.Keys, k) && len(ev.Keys) < 16 {
			ev.Keys = append(ev.Keys, k)
		}
	})
	ev.Keys = slices.DeleteFunc(ev.Keys, func(k string) bool { return nulls[k] })
	if len(ev.Keys) == 0 {
		return nil, ErrNoPayload
	}
	ev.setRaw(raw)
	return ev, nil
}
