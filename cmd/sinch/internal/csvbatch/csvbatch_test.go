package csvbatch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"testing"
)

// readAll checks in and then streams it, as batch send does, returning every row.
func readAll(in, msg, channel string) ([]Row, error) {
	if _, err := Check(strings.NewReader(in), msg, channel, 0); err != nil {
		return nil, err
	}
	var rows []Row
	for chunk, err := range chunks(strings.NewReader(in), msg, channel, 0, 0) {
		if err != nil {
			return nil, err
		}
		rows = append(rows, chunk...)
	}
	return rows, nil
}

// chunks opens r and streams its chunks.
func chunks(r io.Reader, msg, channel string, size, from int) iter.Seq2[[]Row, error] {
	rd, err := NewReader(r, msg, channel)
	if err != nil {
		return func(yield func([]Row, error) bool) { yield(nil, err) }
	}
	return rd.Chunks(size, from)
}

func TestReadGood(t *testing.T) {
	in := "phone,name,code\n+46 70 123 4567,Ada,A1\n+15551234567,Linus,\"L,2\"\n"
	rows, err := readAll(in, "Hi ${name}, your code is ${code}", "sms")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows", len(rows))
	}
	r := rows[1]
	if r.Line != 3 || r.Channel != "SMS" || r.Identity != "+15551234567" || strings.Join(r.Params, "|") != "Linus|L,2" {
		t.Errorf("row 2 = %+v", r)
	}
	if rows[0].Identity != "+46701234567" || strings.Join(rows[0].Params, "|") != "Ada|A1" {
		t.Errorf("row 1 = %+v", rows[0])
	}
	rd, _ := NewReader(strings.NewReader(in), "", "SMS")
	if strings.Join(rd.Params(), ",") != "name,code" {
		t.Errorf("params %v", rd.Params())
	}
}

func TestReadChannelAndContactColumns(t *testing.T) {
	in := "recipient,channel,contact_id,x\n+15551230001,WHATSAPP,,1\n,,01CONTACT,2\n"
	rows, err := readAll(in, "${x}", "SMS")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Channel != "WHATSAPP" || rows[1].ContactID != "01CONTACT" || rows[1].Channel != "" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestReadErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		name, in, msg string
		wantLines     []int
		wantText      string
	}{
		{"missing column", "phone,name\n+15551234567,Ada\n", "Hi ${name} ${code}", []int{1}, "${code}"},
		{"no recipient column", "name\nAda\n", "${name}", []int{1}, "no recipient column"},
		{"bad phone", "phone,name\n+15551234567,Ada\nnot-a-phone,Bob\n", "${name}", []int{3}, "E.164"},
		{"field count", "phone,name\n+15551234567\n+15551234568,Bob,extra\n", "${name}", []int{2, 3}, "wrong number of fields"},
		{"duplicate", "phone\n+15551234567\n+15551234560\n+1 555 123 4567\n", "hi", []int{4}, "repeats line 2"},
		{"both ids", "phone,contact_id\n+15551234567,C1\n", "hi", []int{2}, "not both"},
		{"empty recipient", "phone,name\n,Ada\n", "${name}", []int{2}, "no recipient"},
		{"bad quote", "phone,name\n+15551234567,\"Ada\n", "${name}", nil, "line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check(strings.NewReader(c.in), c.msg, "SMS", 0)
			if err == nil {
				t.Fatal("accepted a bad file")
			}
			if !strings.Contains(err.Error(), c.wantText) {
				t.Errorf("error %q does not mention %q", err, c.wantText)
			}
			for _, l := range c.wantLines {
				if !strings.Contains(err.Error(), fmt.Sprintf("line %d:", l)) {
					t.Errorf("error %q does not name line %d", err, l)
				}
			}
			var le *LineError
			if c.wantLines != nil && !errors.As(err, &le) {
				t.Errorf("error %v carries no *LineError", err)
			}
		})
	}
}

// Problems are listed in line order, at most MaxReported, then counted.
func TestCheckBoundsTheReport(t *testing.T) {
	var b strings.Builder
	b.WriteString("phone\n")
	for range 50 {
		b.WriteString("nope\n")
	}
	b.WriteString("+15551234567\n+15551234567\n")
	_, err := Check(strings.NewReader(b.String()), "hi", "SMS", 0)
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxReported+1 || !strings.HasPrefix(lines[0], "line 2:") || lines[MaxReported] != "and 31 more problems" {
		t.Errorf("%d lines: first %q last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestReadEmpty(t *testing.T) {
	for _, in := range []string{"", "phone\n"} {
		if _, err := Check(strings.NewReader(in), "hi", "SMS", 0); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	got, err := Placeholders("${a} ${b.c} ${a} $notone {x}")
	if err != nil || strings.Join(got, ",") != "a,b.c" {
		t.Errorf("got %v, %v", got, err)
	}
	for _, bad := range []string{"${}", "${first name}"} {
		if _, err := Placeholders(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestChunks(t *testing.T) {
	var b strings.Builder
	b.WriteString("phone,n\n")
	for i := range 2501 {
		fmt.Fprintf(&b, "+1555%07d,%d\n", i, i)
	}
	in := b.String()
	sum, err := Check(strings.NewReader(in), "${n}", "SMS", 1502)
	if err != nil || sum.Rows != 2501 || sum.FirstLine != 2 || sum.LastLine != 2502 || sum.Pending != 1001 {
		t.Fatalf("check: %+v %v", sum, err)
	}
	count := func(size, from int) (sizes []int, first int) {
		first = -1
		for chunk, err := range chunks(strings.NewReader(in), "${n}", "SMS", size, from) {
			if err != nil {
				t.Fatal(err)
			}
			if first < 0 {
				first = chunk[0].Line
			}
			sizes = append(sizes, len(chunk))
		}
		return sizes, first
	}
	if sizes, first := count(0, 0); fmt.Sprint(sizes) != "[1000 1000 501]" || first != 2 {
		t.Errorf("default size: %v from line %d", sizes, first)
	}
	if sizes, _ := count(5000, 0); sizes[0] != MaxRecipients {
		t.Errorf("size above the API limit not capped: %v", sizes)
	}
	// --resume-from: rows before the line are skipped.
	if sizes, first := count(1000, 1502); fmt.Sprint(sizes) != "[1000 1]" || first != 1502 {
		t.Errorf("resumed: %v from line %d", sizes, first)
	}
	// A file changed after the check ends the stream with an error.
	var gotErr error
	for _, err := range chunks(strings.NewReader("phone\n+15551234567\nbad\n"), "", "SMS", 1, 0) {
		gotErr = err
	}
	if gotErr == nil || !strings.Contains(gotErr.Error(), "changed since it was checked") {
		t.Errorf("changed file: %v", gotErr)
	}
}

func FuzzRead(f *testing.F) {
	f.Add("phone,name\n+15551234567,Ada\n", "Hi ${name}")
	f.Add("recipient,channel,contact_id\n,,C1\n", "x")
	f.Add("\"a\nb\",c\n1,2\n", "${c}")
	f.Fuzz(func(t *testing.T, in, msg string) {
		sum, err := Check(strings.NewReader(in), msg, "SMS", 0)
		if err != nil {
			return
		}
		n := 0
		for chunk, err := range chunks(strings.NewReader(in), msg, "SMS", 3, 0) {
			if err != nil {
				t.Fatalf("checked file fails to stream: %v", err)
			}
			for _, r := range chunk {
				n++
				if r.Line < sum.FirstLine || r.Line > sum.LastLine || (r.Identity == "") == (r.ContactID == "") {
					t.Fatalf("bad row %+v of %+v", r, sum)
				}
			}
		}
		if n != sum.Rows || n == 0 {
			t.Fatalf("streamed %d rows, checked %d", n, sum.Rows)
		}
	})
}

// synthetic returns a recipient file of n rows with two parameters.
func synthetic(n int) []byte {
	var b bytes.Buffer
	b.WriteString("phone,name,code\n")
	for i := range n {
		fmt.Fprintf(&b, "+1555%07d,Customer %d,C%06d\n", i, i, i)
	}
	return b.Bytes()
}

// BenchmarkCheck and BenchmarkChunks show what a row costs: Check keeps 16 bytes per row (the
// recipient hashes), Chunks allocates per row only the row's own strings, which die with its
// chunk. Run: go test ./cmd/sinch/internal/csvbatch -bench . -benchmem -benchtime 2x
func BenchmarkCheck(b *testing.B) {
	in := synthetic(100_000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Check(bytes.NewReader(in), "Hi ${name}, ${code}", "SMS", 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100_000), "ns/row")
}

func BenchmarkChunks(b *testing.B) {
	in := synthetic(100_000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		for _, err := range chunks(bytes.NewReader(in), "Hi ${name}, ${code}", "SMS", 1000, 0) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100_000), "ns/row")
}

// Repeats are found across the index's blocks, each named with the first line of its recipient.
func TestRepeatsAcrossBlocks(t *testing.T) {
	var b strings.Builder
	b.WriteString("phone\n")
	n := indexBlock + 5000
	for i := range n {
		switch i {
		case indexBlock + 10, indexBlock + 4000: // repeat line 2's and line 4's recipients
			fmt.Fprintf(&b, "+1555%07d\n", (i-indexBlock-10)/3990*2)
		default:
			fmt.Fprintf(&b, "+1555%07d\n", i)
		}
	}
	_, err := Check(strings.NewReader(b.String()), "hi", "SMS", 0)
	want := fmt.Sprintf("line %d: recipient repeats line 2\nline %d: recipient repeats line 4", indexBlock+12, indexBlock+4002)
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
