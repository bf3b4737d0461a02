package callback

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// shape locates, in the generated payload type of one trigger, the envelope fields and the fields
// that identify one occurrence (the dedup key), by their JSON names. It is built once per event
// type (events_gen.go), from the specs' x-sdk-trigger, so the event code does not depend on
// whether a model field is a value or a pointer.
type shape struct {
	typ   reflect.Type
	env   [6]fieldPath // app_id, project_id, accepted_time, event_time, message_metadata, correlation_id
	dedup []fieldPath
}

// fieldPath is a chain of struct field indexes; pointers on the way are followed. A nil path
// (a field the type lacks) reads as empty.
type fieldPath []int

var envelopeFields = [6]string{"app_id", "project_id", "accepted_time", "event_time", "message_metadata", "correlation_id"}

// shapeErrors collects paths that did not resolve (TestShapesResolve fails on any).
var shapeErrors []error

// newShape resolves the envelope of T and the dedup paths below its payload key.
func newShape[T any](key string, dedup ...string) *shape {
	s := &shape{typ: reflect.TypeFor[T]()}
	for i, name := range envelopeFields {
		s.env[i], _ = resolve(s.typ, name) // an envelope field may be absent from a type
	}
	for _, d := range dedup {
		p, err := resolve(s.typ, key+"."+d)
		if err != nil {
			shapeErrors = append(shapeErrors, fmt.Errorf("%s: dedup path %s.%s: %w", s.typ, key, d, err))
		}
		s.dedup = append(s.dedup, p)
	}
	return s
}

// resolve turns a dotted JSON path into field indexes of t.
func resolve(t reflect.Type, path string) (fieldPath, error) {
	var p fieldPath
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("%q: %s is not a struct", name, t)
		}
		i := jsonField(t, name)
		if i < 0 {
			return nil, fmt.Errorf("%s has no field with JSON name %q", t, name)
		}
		p = append(p, i)
		t = t.Field(i).Type
	}
	return p, nil
}

// jsonField finds the field of struct t whose JSON name is name.
func jsonField(t reflect.Type, name string) int {
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag == name {
			return i
		}
	}
	return -1
}

// value follows p from v; ok is false when the path is empty or crosses a nil pointer.
func (p fieldPath) value(v reflect.Value) (reflect.Value, bool) {
	if p == nil {
		return reflect.Value{}, false
	}
	for _, i := range p {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	return v, true
}

// text reads a string-like field ("" when absent or of another kind).
func (p fieldPath) text(v reflect.Value) string {
	f, ok := p.value(v)
	if !ok || f.Kind() != reflect.String {
		return ""
	}
	return f.String()
}

var timeType = reflect.TypeFor[time.Time]()

// time reads a time field, or an RFC 3339 string (the zero time when absent or unreadable).
func (p fieldPath) time(v reflect.Value) time.Time {
	f, ok := p.value(v)
	switch {
	case !ok:
	case f.Type() == timeType:
		return f.Interface().(time.Time)
	case f.Kind() == reflect.String:
		return parseTime(f.String())
	}
	return time.Time{}
}

// envelope reads the common fields of a payload (a pointer to the shape's type).
func (s *shape) envelope(payload any) Envelope {
	v := reflect.ValueOf(payload)
	e := &s.env
	return Envelope{
		AppID:           e[0].text(v),
		ProjectID:       e[1].text(v),
		AcceptedTime:    e[2].time(v),
		EventTime:       e[3].time(v),
		MessageMetadata: e[4].text(v),
		CorrelationID:   e[5].text(v),
	}
}

// dedupKey is the trigger and the identifying fields of a payload, or the trigger and a digest
// of the body when the first of them is empty.
func (s *shape) dedupKey(t Trigger, raw []byte, payload any) string {
	if len(s.dedup) == 0 {
		return bodyKey(t, raw)
	}
	v := reflect.ValueOf(payload)
	var buf [4]string
	parts := buf[:0]
	for _, p := range s.dedup {
		parts = append(parts, p.text(v))
	}
	return dedupKey(t, raw, parts[0], parts[1:]...)
}

// errShapes reports the dedup paths that did not resolve.
func errShapes() error { return errors.Join(shapeErrors...) }
