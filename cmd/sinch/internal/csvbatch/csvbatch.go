// Package csvbatch reads the recipient file of `sinch batch send`: a CSV whose header names a
// recipient column and one column per ${parameter} of the message. Check reads the whole file
// and names the line of every problem before anything is sent; Chunks then streams the rows in
// batches, so that memory does not grow with the file.
package csvbatch

import (
	"cmp"
	"container/heap"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/phone"
)

// MaxRecipients is the Batch API's limit on recipients in one request
// (https://developers.sinch.com/docs/conversation/api-reference/conversation-batch/ — up to 1000
// recipients per batch).
const MaxRecipients = 1000

// MaxReported bounds the problems Check lists; the rest are counted.
const MaxReported = 20

// Row is one recipient of the file.
type Row struct {
	Line      int    // 1-based line number in the file where the row starts
	Channel   string // channel of the identity; empty when ContactID is set
	Identity  string // channel identity (a phone number for SMS, WhatsApp, RCS, MMS)
	ContactID string // set instead of Identity when the file addresses contacts
	// Params are the ${parameter} values, in the order of Reader.Params.
	Params []string
}

// Recipient column names accepted in the header (case-insensitive).
var identityColumns = []string{"recipient", "to", "phone", "identity"}

const (
	contactColumn = "contact_id"
	channelColumn = "channel"
)

var (
	placeholder = regexp.MustCompile(`\$\{([^}]*)\}`)
	paramName   = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)
)

// Placeholders returns the parameter names a message text uses, in order of first use, or an
// error for a malformed placeholder such as "${}" or "${first name}".
func Placeholders(text string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if !paramName.MatchString(name) {
			return nil, fmt.Errorf("message: malformed placeholder %q: names use letters, digits, '_', '-' and '.'", m[0])
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names, nil
}

// LineError is a problem on one line of the file.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Reader reads the rows of a recipient file one at a time.
type Reader struct {
	cr             *csv.Reader
	cols           *columns
	defaultChannel string
	params         []string
}

// NewReader reads the header of r. defaultChannel applies to rows without a channel column.
// Every placeholder of message must have a column.
func NewReader(r io.Reader, message, defaultChannel string) (*Reader, error) {
	used, err := Placeholders(message)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = 0 // every row has as many fields as the header
	cr.ReuseRecord = true  // rows copy what they keep
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the CSV file is empty: it needs a header row and at least one recipient")
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := mapHeader(header, used)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols.params))
	for i, p := range cols.params {
		names[i] = p.name
	}
	return &Reader{cr: cr, cols: cols, defaultChannel: strings.ToUpper(strings.TrimSpace(defaultChannel)), params: names}, nil
}

// Params names the parameter columns, in the order of Row.Params.
func (rd *Reader) Params() []string { return rd.params }

// Next returns the next row, io.EOF after the last, or the error of a bad row; Fatal tells
// whether reading can go on after it.
func (rd *Reader) Next() (Row, error) {
	rec, err := rd.cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		return Row{}, csvError(err)
	}
	line, _ := rd.cr.FieldPos(0)
	return rd.cols.row(rec, line, rd.defaultChannel)
}

// Fatal reports whether an error of Next ends the reading: a broken quote or an I/O error,
// as opposed to a bad row (a *LineError other than a wrong field count is local to its row).
func Fatal(err error) bool {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return !errors.Is(pe.Err, csv.ErrFieldCount)
	}
	var le *LineError
	return !errors.As(err, &le)
}

// Summary is what Check found in a good file.
type Summary struct {
	Rows      int // recipients
	FirstLine int // line of the first recipient
	LastLine  int // line of the last recipient
	Pending   int // recipients on or after the line Check was given (all when it was 0)
}

// Check reads the whole file and reports every problem at once (each a *LineError, joined
// with errors.Join; at most MaxReported, then a count of the rest), so that a bad file is
// fixed in one pass and nothing is sent from it. Its memory grows by 16 bytes per row (a
// hash of each recipient, to find repeated recipients), not with the rows' contents.
//
// from is the line sending will resume from (0 for all): Summary.Pending counts the rows
// Chunks will stream with it.
func Check(r io.Reader, message, defaultChannel string, from int) (Summary, error) {
	rd, err := NewReader(r, message, defaultChannel)
	if err != nil {
		return Summary{}, err
	}
	var (
		sum    Summary
		errs   []error
		more   int
		seen   hashIndex
		seed   = maphash.MakeSeed()
		report = func(err error) {
			if len(errs) < MaxReported {
				errs = append(errs, err)
			} else {
				more++
			}
		}
	)
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			report(err)
			if Fatal(err) {
				break
			}
			continue
		}
		seen.add(maphash.String(seed, row.key()), row.Line)
		if sum.Rows == 0 {
			sum.FirstLine = row.Line
		}
		sum.Rows++
		sum.LastLine = row.Line
		if row.Line >= from {
			sum.Pending++
		}
	}
	for _, d := range seen.repeats() {
		report(&LineError{Line: d[1], Msg: fmt.Sprintf("recipient repeats line %d", d[0])})
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(lineOf(a), lineOf(b)) })
		if more > 0 {
			errs = append(errs, fmt.Errorf("and %d more problems", more))
		}
		return Summary{}, errors.Join(errs...)
	}
	if sum.Rows == 0 {
		return Summary{}, errors.New("the CSV file has a header but no recipients")
	}
	return sum, nil
}

// seenRow is a recipient's hash and line, for finding repeats without keeping recipients.
type seenRow struct {
	hash uint64
	line uint32
}

// hashIndex keeps a seenRow per row in fixed-size blocks: it grows without the copies (and
// the doubled capacity) of one growing slice, so that a million rows hold 16 MB.
type hashIndex struct{ blocks [][]seenRow }

const indexBlock = 1 << 16

func (x *hashIndex) add(hash uint64, line int) {
	if n := len(x.blocks); n == 0 || len(x.blocks[n-1]) == indexBlock {
		x.blocks = append(x.blocks, make([]seenRow, 0, indexBlock))
	}
	last := &x.blocks[len(x.blocks)-1]
	*last = append(*last, seenRow{hash, uint32(line)})
}

func bySeen(a, b seenRow) int {
	if c := cmp.Compare(a.hash, b.hash); c != 0 {
		return c
	}
	return cmp.Compare(a.line, b.line)
}

// repeats returns [first line, repeating line] pairs of rows whose recipients hash alike, in
// order of the repeating line: each block is sorted, then the blocks are merged. A 64-bit
// hash makes a false repeat among a million rows about as likely as 1 in 10^7.
func (x *hashIndex) repeats() [][2]int {
	h := make(mergeHeap, 0, len(x.blocks))
	for _, b := range x.blocks {
		slices.SortFunc(b, bySeen)
		if len(b) > 0 {
			h = append(h, b)
		}
	}
	heap.Init(&h)
	var out [][2]int
	var prev seenRow
	first := -1
	for h.Len() > 0 {
		cur := h[0][0]
		if h[0] = h[0][1:]; len(h[0]) == 0 {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
		if first >= 0 && cur.hash == prev.hash {
			out = append(out, [2]int{first, int(cur.line)})
		} else {
			first = int(cur.line)
		}
		prev = cur
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1] < out[j][1] })
	return out
}

// mergeHeap orders sorted blocks by their first row.
type mergeHeap [][]seenRow

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return bySeen(h[i][0], h[j][0]) < 0 }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(v any)        { *h = append(*h, v.([]seenRow)) }
func (h *mergeHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

func lineOf(err error) int {
	var le *LineError
	if errors.As(err, &le) {
		return le.Line
	}
	return 1 << 30
}

// key identifies the row's recipient.
func (r Row) key() string {
	if r.ContactID != "" {
		return "contact:" + r.ContactID
	}
	return r.Channel + ":" + r.Identity
}

// Chunks streams the rows of a file that Check accepted, in chunks of at most size
// (MaxRecipients when size ≤ 0 or larger), skipping rows that start before line from. The
// slice of a chunk is reused by the next one. A row that fails now (the file changed since it
// was checked) ends the sequence with its error.
func (rd *Reader) Chunks(size, from int) iter.Seq2[[]Row, error] {
	if size <= 0 || size > MaxRecipients {
		size = MaxRecipients
	}
	return func(yield func([]Row, error) bool) {
		chunk := make([]Row, 0, size)
		for {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				yield(nil, fmt.Errorf("the file changed since it was checked: %w", err))
				return
			}
			if row.Line < from {
				continue
			}
			chunk = append(chunk, row)
			if len(chunk) == size {
				if !yield(chunk, nil) {
					return
				}
				chunk = chunk[:0]
			}
		}
		if len(chunk) > 0 {
			yield(chunk, nil)
		}
	}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &csvLineError{LineError{Line: pe.Line, Msg: pe.Err.Error()}, pe}
	}
	return fmt.Errorf("reading the CSV file: %w", err)
}

// csvLineError is a *LineError that also carries the CSV reader's error (for Fatal).
type csvLineError struct {
	LineError
	pe *csv.ParseError
}

func (e *csvLineError) Unwrap() []error { return []error{&e.LineError, e.pe} }

type param struct {
	name string
	col  int
}

type columns struct {
	identity, contact, channel int
	params                     []param
}

func mapHeader(header []string, used []string) (*columns, error) {
	c := &columns{identity: -1, contact: -1, channel: -1}
	byName := map[string]int{}
	for i, h := range header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if name == "" {
			return nil, &LineError{Line: 1, Msg: fmt.Sprintf("column %d has no name", i+1)}
		}
		if _, dup := byName[name]; dup {
			return nil, &LineError{Line: 1, Msg: fmt.Sprintf("column %q appears twice", name)}
		}
		byName[name] = i
		lower := strings.ToLower(name)
		switch {
		case lower == contactColumn:
			c.contact = i
		case lower == channelColumn:
			c.channel = i
		case slices.Contains(identityColumns, lower) && c.identity < 0:
			c.identity = i
		default:
			c.params = append(c.params, param{name, i})
		}
	}
	if c.identity < 0 && c.contact < 0 {
		return nil, &LineError{Line: 1, Msg: fmt.Sprintf("no recipient column: name one %s, or %s", strings.Join(identityColumns, ", "), contactColumn)}
	}
	var missing []string
	for _, p := range used {
		if !slices.ContainsFunc(c.params, func(q param) bool { return q.name == p }) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &LineError{Line: 1, Msg: fmt.Sprintf("the message uses ${%s} but the file has no such column", strings.Join(missing, "}, ${"))}
	}
	return c, nil
}

func (c *columns) row(rec []string, line int, defaultChannel string) (Row, error) {
	row := Row{Line: line}
	if c.contact >= 0 {
		row.ContactID = strings.TrimSpace(rec[c.contact])
	}
	if c.identity >= 0 {
		row.Identity = strings.TrimSpace(rec[c.identity])
	}
	switch {
	case row.ContactID != "" && row.Identity != "":
		return Row{}, &LineError{Line: line, Msg: "give a contact_id or a recipient, not both"}
	case row.ContactID == "" && row.Identity == "":
		return Row{}, &LineError{Line: line, Msg: "no recipient"}
	}
	if row.Identity != "" {
		row.Channel = defaultChannel
		if c.channel >= 0 {
			if ch := strings.ToUpper(strings.TrimSpace(rec[c.channel])); ch != "" {
				row.Channel = ch
			}
		}
		if row.Channel == "" {
			return Row{}, &LineError{Line: line, Msg: "no channel: add a channel column or pass --channel"}
		}
		if phone.Channel(row.Channel) {
			if !phone.Valid(row.Identity) {
				return Row{}, &LineError{Line: line, Msg: fmt.Sprintf("%q is not a phone number in international (E.164) form", row.Identity)}
			}
			row.Identity = phone.Normalize(row.Identity)
		}
	}
	// Copies: the CSV reader reuses its record.
	row.Identity = strings.Clone(row.Identity)
	row.ContactID = strings.Clone(row.ContactID)
	row.Params = make([]string, len(c.params))
	for i, p := range c.params {
		row.Params[i] = strings.Clone(rec[p.col])
	}
	return row, nil
}
