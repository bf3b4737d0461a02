package commands

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"time"
)

// emit prints v as indented JSON when --json is set, and calls human otherwise.
func (a *app) emit(v any, human func()) error {
	if a.json {
		return a.printJSON(v)
	}
	human()
	return nil
}

// printJSON writes v as indented JSON on stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printf writes human output on stdout.
func (a *app) printf(format string, args ...any) { fmt.Fprintf(a.env.Stdout, format, args...) }

// table writes rows aligned in columns, the first row being the header.
func (a *app) table(rows [][]string) {
	tw := tabwriter.NewWriter(a.env.Stdout, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// str writes an optional string, "-" when empty.
func str[S ~string](s S) string {
	if s == "" {
		return "-"
	}
	return string(s)
}

// set reports whether v is not its type's zero value: whether an optional object of a
// generated model (one alternative of a message, say) was present in the JSON.
func set[T any](v T) bool { return !reflect.ValueOf(&v).Elem().IsZero() }

// ts formats an optional time ("-" when absent).
func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// optional returns a pointer to s, or nil when s is empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// readAll reads r to the end, at most 16 MiB.
func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err == nil && len(b) > 16<<20 {
		return nil, errors.New("input larger than 16 MiB")
	}
	return b, err
}

// jsonMarshal encodes v compactly, without escaping HTML characters.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// plural writes n and the noun, in the plural when n is not 1 ("batch" becomes "batches").
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "ch") || strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
