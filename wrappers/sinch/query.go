package sinch

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// encodeQuery turns a generated ...Params struct into a query string, from its form tags: absent
// (nil, or zero with omitempty) fields are left out, lists repeat their key (form, explode), times
// are RFC 3339; the lists named in commaSeparated (the spec's explode: false, such as update_mask)
// are sent as one comma-separated value. It runs for list, filter and update operations only; a
// send has no query.
func encodeQuery(params any, commaSeparated ...string) (string, error) {
	v := reflect.ValueOf(params)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return "", fmt.Errorf("sinch: query parameters must be a struct, not %s", v.Type())
	}
	q := url.Values{}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("form")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omitempty := strings.Contains(opts, "omitempty")
		if err := addQuery(q, name, v.Field(i), omitempty); err != nil {
			return "", fmt.Errorf("sinch: query parameter %s: %w", name, err)
		}
	}
	for _, name := range commaSeparated {
		if vs, ok := q[name]; ok && len(vs) > 1 {
			q[name] = []string{strings.Join(vs, ",")}
		}
	}
	return q.Encode(), nil
}

var queryTimeType = reflect.TypeFor[time.Time]() // query times are RFC 3339

func addQuery(q url.Values, name string, v reflect.Value, omitempty bool) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v, omitempty = v.Elem(), false // a set pointer is sent even when its value is zero
	}
	if omitempty && v.IsZero() {
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		q.Add(name, v.String())
	case reflect.Bool:
		q.Add(name, strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		q.Add(name, strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		q.Add(name, strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		q.Add(name, strconv.FormatFloat(v.Float(), 'f', -1, 64))
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := addQuery(q, name, v.Index(i), false); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if v.Type() == queryTimeType {
			q.Add(name, v.Interface().(time.Time).UTC().Format(time.RFC3339Nano))
			return nil
		}
		// An optional-value wrapper or other type that marshals to a JSON scalar.
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		var s any
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch x := s.(type) {
		case nil:
		case string:
			q.Add(name, x)
		case bool:
			q.Add(name, strconv.FormatBool(x))
		case float64:
			q.Add(name, strconv.FormatFloat(x, 'f', -1, 64))
		default:
			return fmt.Errorf("a %s is not a query value", v.Type())
		}
	default:
		return fmt.Errorf("a %s is not a query value", v.Type())
	}
	return nil
}
