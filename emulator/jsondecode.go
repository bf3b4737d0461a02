package emulator

import (
	"bytes"
	"encoding/json"
)

// decodeBody decodes a JSON request body as kin-openapi does: the first value, objects as
// map[string]any and numbers as json.Number, so that a number keeps its text.
func decodeBody(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
