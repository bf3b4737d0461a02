package contracttests

import (
	"encoding/json"
	"reflect"
)

// DropZero returns a decoded JSON value (from json.Unmarshal into an any) without the object
// members whose value is zero: null, false, 0, "", [], or an object whose members are all
// zero. An empty object `{}` is kept: its presence is a value of its own (a typing indicator
// is `"composing_event": {}`).
//
// The Conversation API is proto3 based: a field without presence reads the same absent as it
// does holding its zero value, and its answers spell out zeros (`"injected": false`,
// `"next_page_token": ""`). The generated models are value types that leave zeros out when
// encoding (codegen/overlay.yaml), so a fixture and its re-encoding are compared with zeros
// dropped on both sides.
func DropZero(v any) any {
	d, _ := dropZero(v)
	return d
}

// dropZero returns v without zero members and whether v itself counts as zero.
func dropZero(v any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case bool:
		return x, !x
	case float64:
		return x, x == 0
	case string:
		return x, x == ""
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i], _ = dropZero(e)
		}
		return out, len(x) == 0
	case map[string]any:
		if len(x) == 0 {
			return x, false
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			if d, zero := dropZero(e); !zero {
				out[k] = d
			}
		}
		return out, len(out) == 0
	default:
		return v, false
	}
}

// SameJSON reports whether two JSON documents are equal once zero members are dropped from
// both (see DropZero). It is false when either is not JSON.
func SameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(DropZero(x), DropZero(y))
}
