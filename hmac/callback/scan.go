package callback

import (
	"bytes"
	"fmt"
	"time"
)

// scanTop walks the top-level JSON object in raw once, without decoding values, and calls visit
// with the raw bytes of each key (escaped reports whether the key holds a backslash escape, null
// whether its value is the literal null). It checks only the structure it needs to find the keys; the full decode
// that always follows validates the rest.
func scanTop(raw []byte, visit func(key []byte, escaped, null bool)) error {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	i = skipWS(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return nil
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return syntaxAt(i)
		}
		end, escaped, ok := scanString(raw, i)
		if !ok {
			return syntaxAt(i)
		}
		key := raw[i+1 : end-1]
		i = skipWS(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return syntaxAt(i)
		}
		i = skipWS(raw, i+1)
		start := i
		if i, ok = skipValue(raw, i); !ok {
			return syntaxAt(start)
		}
		visit(key, escaped, i-start == 4 && string(raw[start:i]) == "null")
		i = skipWS(raw, i)
		if i >= len(raw) {
			return syntaxAt(i)
		}
		switch raw[i] {
		case ',':
			i = skipWS(raw, i+1)
		case '}':
			return nil
		default:
			return syntaxAt(i)
		}
	}
}

func syntaxAt(i int) error { return fmt.Errorf("%w: invalid JSON at byte %d", ErrMalformed, i) }

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString expects b[i] == '"' and returns the index just past the closing quote: the first
// quote after i preceded by an even number of backslashes.
func scanString(b []byte, i int) (end int, escaped, ok bool) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false, false
		}
		q := j + k
		n := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, escaped || bytes.IndexByte(b[i+1:q], '\\') >= 0, true
		}
		escaped = true
		j = q + 1
	}
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		end, _, ok := scanString(b, i)
		return end, ok
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, _, ok := scanString(b, i)
				if !ok {
					return i, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return i, false
	default:
		start := i
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i, i > start
			}
			i++
		}
		return i, i > start
	}
}

// parseTime accepts RFC 3339 with or without fractional seconds; anything else is the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
