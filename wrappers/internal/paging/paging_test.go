package paging

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// pages serves fixed pages keyed by token and records the tokens requested.
type pages struct {
	data      map[string][]int
	next      map[string]string
	requested []string
}

func (p *pages) fetch(tok string) ([]int, string, error) {
	p.requested = append(p.requested, tok)
	items, ok := p.data[tok]
	if !ok {
		return nil, "", fmt.Errorf("unknown token %q", tok)
	}
	return items, p.next[tok], nil
}

func threePages() *pages {
	return &pages{
		data: map[string][]int{"": {1, 2}, "b": {3, 4}, "c": {5}},
		next: map[string]string{"": "b", "b": "c"},
	}
}

func TestAllWalksEveryPage(t *testing.T) {
	p := threePages()
	var got []int
	for v, err := range All(p.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{1, 2, 3, 4, 5}) || !slices.Equal(p.requested, []string{"", "b", "c"}) {
		t.Fatalf("got %v with tokens %q", got, p.requested)
	}
}

func TestBreakStopsFetching(t *testing.T) {
	p := threePages()
	for v, err := range All(p.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		if v == 2 {
			break
		}
	}
	if !slices.Equal(p.requested, []string{""}) {
		t.Fatalf("fetched %q after break; want only the first page", p.requested)
	}
}

func TestErrorYieldedOnceThenStops(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	var errs []error
	for _, err := range All(func(tok string) ([]int, string, error) {
		calls++
		if tok == "" {
			return []int{1}, "x", nil
		}
		return nil, "", boom
	}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], boom) || calls != 2 {
		t.Fatalf("errs %v after %d calls", errs, calls)
	}
}

func TestEmptyPagesWithTokenContinue(t *testing.T) {
	p := &pages{data: map[string][]int{"": {}, "b": {7}}, next: map[string]string{"": "b"}}
	var got []int
	for v, err := range All(p.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{7}) {
		t.Fatalf("got %v", got)
	}
}

func TestRepeatedTokenIsAnError(t *testing.T) {
	var last error
	n := 0
	for _, err := range All(func(string) ([]int, string, error) { return []int{1}, "same", nil }) {
		n++
		last = err
		if n > 10 {
			t.Fatal("looped")
		}
	}
	if !errors.Is(last, ErrRepeatedToken) {
		t.Fatalf("last = %v", last)
	}
}
