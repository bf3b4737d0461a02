// Package paging turns Sinch's page_token pagination into a lazy iter.Seq2.
package paging

import (
	"errors"
	"iter"
)

// Fetch returns one page: its items and the token of the next page ("" on the last page).
type Fetch[T any] func(pageToken string) (items []T, next string, err error)

// ErrRepeatedToken is yielded when the server hands back a page token it already gave, which
// would otherwise loop forever.
var ErrRepeatedToken = errors.New("paging: the server returned a page token it already returned")

// All yields every item of every page, fetching the next page only when the previous one is
// consumed. It stops at the last page, at the first error (yielded once, with the zero T), or
// when the loop breaks, without fetching further.
func All[T any](fetch Fetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := ""
		seen := map[string]bool{}
		for {
			items, next, err := fetch(token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				var zero T
				yield(zero, ErrRepeatedToken)
				return
			}
			seen[next] = true
			token = next
		}
	}
}

// Token reads a next_page_token field, whether the model holds it as a string or a *string.
func Token[T string | *string](v T) string {
	switch x := any(v).(type) {
	case string:
		return x
	case *string:
		if x != nil {
			return *x
		}
	}
	return ""
}

// SetToken sets a page_token parameter, whether the model holds it as a string or a *string.
func SetToken[T string | *string](dst *T, token string) {
	switch d := any(dst).(type) {
	case *string:
		*d = token
	case **string:
		*d = &token
	}
}
