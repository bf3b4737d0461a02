package callback

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
)

// The tolerant reader. A callback is what Sinch already did: refusing it (a 400) only makes
// Sinch retry and finally drop the event. So a body that is a JSON object with a trigger key is
// always parsed; a value that does not fit the generated type (a field that changed type, a time
// in another format, a string where an object was modelled) is left at its zero value, its
// JSON path recorded (see Skipped), and stays readable in RawJSON.
//
// A real example: delivery reports published in Sinch's 2020 channel documentation carry
// `"reason": ""` where the current API reference has a Reason object.

// maxSkipped bounds how many paths an event records, so that a hostile body cannot grow it.
const maxSkipped = 16

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// decodeLenient decodes raw into v, a pointer to a generated payload type. It fails only on
// invalid JSON; values that do not fit are skipped (their paths returned).
func decodeLenient(raw []byte, v any) ([]string, error) {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil, nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return nil, err
	}
	// Something did not fit. encoding/json stops at the first error of an UnmarshalJSON method
	// (time.Time), so decode again level by level: each value that fails costs only itself.
	rv := reflect.ValueOf(v).Elem()
	rv.SetZero()
	var skipped []string
	lenient(raw, rv, "", &skipped)
	return skipped, nil
}

// lenient decodes raw into v, descending into objects, arrays and maps when raw does not fit
// as a whole.
func lenient(raw json.RawMessage, v reflect.Value, path string, skipped *[]string) {
	if json.Unmarshal(raw, v.Addr().Interface()) == nil {
		return
	}
	v.SetZero()
	if v.Addr().Type().Implements(unmarshalerType) {
		skip(skipped, path) // a value type of its own (time.Time, ...): all or nothing
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil || obj == nil {
			skip(skipped, path)
			return
		}
		for name, r := range obj {
			if f, ok := fieldByJSONName(v, name); ok {
				lenient(r, f, join(path, name), skipped)
			}
		}
	case reflect.Slice:
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			skip(skipped, path)
			return
		}
		s := reflect.MakeSlice(v.Type(), len(arr), len(arr))
		for i, r := range arr {
			lenient(r, s.Index(i), path+"["+strconv.Itoa(i)+"]", skipped)
		}
		v.Set(s)
	case reflect.Map:
		var obj map[string]json.RawMessage
		if v.Type().Key().Kind() != reflect.String || json.Unmarshal(raw, &obj) != nil {
			skip(skipped, path)
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(obj))
		for k, r := range obj {
			e := reflect.New(v.Type().Elem()).Elem()
			lenient(r, e, join(path, k), skipped)
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		lenient(raw, p.Elem(), path, skipped)
		v.Set(p)
	default:
		skip(skipped, path)
	}
}

// fieldByJSONName finds the field of struct v that encoding/json would fill from key name: the
// exact tag name first, else a case-insensitive match.
func fieldByJSONName(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	fold := -1
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		if tag == name {
			return v.Field(i), true
		}
		if fold < 0 && strings.EqualFold(tag, name) {
			fold = i
		}
	}
	if fold >= 0 {
		return v.Field(fold), true
	}
	return reflect.Value{}, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func skip(skipped *[]string, path string) {
	if len(*skipped) < maxSkipped {
		*skipped = append(*skipped, path)
	}
}
