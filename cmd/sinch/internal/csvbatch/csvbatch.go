// Package csvbatch reads the recipient file of `sinch batch send`: a CSV whose header names a
// recipient column and one column per ${parameter} of the message. It checks the whole file
// before anything is sent and names the line of every problem it finds.
package csvbatch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// MaxRecipients is the Batch API's limit on recipients in one request.
const MaxRecipients = 1000

// Row is one recipient of the file.
type Row struct {
	Line      int               // 1-based line number in the file
	Channel   string            // channel of the identity; empty when ContactID is set
	Identity  string            // channel identity (a phone number for SMS, WhatsApp, RCS, MMS)
	ContactID string            // set instead of Identity when the file addresses contacts
	Params    map[string]string // ${parameter} values, keyed by column name
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
	e164        = regexp.MustCompile(`^\+?[1-9][0-9]{6,14}$`)
)

// phoneChannels address recipients by phone number.
var phoneChannels = map[string]bool{"SMS": true, "WHATSAPP": true, "RCS": true, "MMS": true, "VIBERBM": true}

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

// Read parses the whole file. defaultChannel applies to rows without a channel column. Every
// placeholder of message must have a column. All problems are reported together (each a
// *LineError, joined with errors.Join), so that a bad file is fixed in one pass and nothing is
// sent from it.
func Read(r io.Reader, message, defaultChannel string) ([]Row, error) {
	params, err := Placeholders(message)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = 0 // every row has as many fields as the header
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the CSV file is empty: it needs a header row and at least one recipient")
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := mapHeader(header, params)
	if err != nil {
		return nil, err
	}
	var (
		rows []Row
		errs []error
		seen = map[string]int{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(err))
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue // a wrong field count is local to its row; keep checking the rest
			}
			break
		}
		line, _ := cr.FieldPos(0)
		row, err := cols.row(rec, line, defaultChannel)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		key := row.ContactID
		if key == "" {
			key = row.Channel + ":" + row.Identity
		}
		if first, dup := seen[key]; dup {
			errs = append(errs, &LineError{Line: line, Msg: fmt.Sprintf("recipient repeats line %d", first)})
			continue
		}
		seen[key] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(rows) == 0 {
		return nil, errors.New("the CSV file has a header but no recipients")
	}
	return rows, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Msg: pe.Err.Error()}
	}
	return fmt.Errorf("reading the CSV file: %w", err)
}

type columns struct {
	identity, contact, channel int
	params                     map[string]int
}

func mapHeader(header []string, params []string) (*columns, error) {
	c := &columns{identity: -1, contact: -1, channel: -1, params: map[string]int{}}
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
		case contains(identityColumns, lower) && c.identity < 0:
			c.identity = i
		default:
			c.params[name] = i
		}
	}
	if c.identity < 0 && c.contact < 0 {
		return nil, &LineError{Line: 1, Msg: fmt.Sprintf("no recipient column: name one %s, or %s", strings.Join(identityColumns, ", "), contactColumn)}
	}
	var missing []string
	for _, p := range params {
		if _, ok := c.params[p]; !ok {
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
	row := Row{Line: line, Params: make(map[string]string, len(c.params))}
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
		row.Channel = strings.ToUpper(defaultChannel)
		if c.channel >= 0 {
			if ch := strings.ToUpper(strings.TrimSpace(rec[c.channel])); ch != "" {
				row.Channel = ch
			}
		}
		if row.Channel == "" {
			return Row{}, &LineError{Line: line, Msg: "no channel: add a channel column or pass --channel"}
		}
		if phoneChannels[row.Channel] {
			normalized := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(row.Identity)
			if !e164.MatchString(normalized) {
				return Row{}, &LineError{Line: line, Msg: fmt.Sprintf("%q is not a phone number in international (E.164) form", row.Identity)}
			}
			row.Identity = normalized
		}
	}
	for name, i := range c.params {
		row.Params[name] = rec[i]
	}
	return row, nil
}

// Split cuts rows into chunks of at most size (MaxRecipients when size ≤ 0 or larger).
func Split(rows []Row, size int) [][]Row {
	if size <= 0 || size > MaxRecipients {
		size = MaxRecipients
	}
	var out [][]Row
	for len(rows) > 0 {
		n := min(size, len(rows))
		out = append(out, rows[:n:n])
		rows = rows[n:]
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
