package csvbatch

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestReadGood(t *testing.T) {
	in := "phone,name,code\n+46 70 123 4567,Ada,A1\n+15551234567,Linus,\"L,2\"\n"
	rows, err := Read(strings.NewReader(in), "Hi ${name}, your code is ${code}", "sms")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows", len(rows))
	}
	r := rows[1]
	if r.Line != 3 || r.Channel != "SMS" || r.Identity != "+15551234567" || r.Params["code"] != "L,2" || r.Params["name"] != "Linus" {
		t.Errorf("row 2 = %+v", r)
	}
	if rows[0].Identity != "+46701234567" {
		t.Errorf("identity not normalized: %q", rows[0].Identity)
	}
}

func TestReadChannelAndContactColumns(t *testing.T) {
	in := "recipient,channel,contact_id,x\n+15551230001,WHATSAPP,,1\n,,01CONTACT,2\n"
	rows, err := Read(strings.NewReader(in), "${x}", "SMS")
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
		{"duplicate", "phone\n+15551234567\n+1 555 123 4567\n", "hi", []int{3}, "repeats line 2"},
		{"both ids", "phone,contact_id\n+15551234567,C1\n", "hi", []int{2}, "not both"},
		{"empty recipient", "phone,name\n,Ada\n", "${name}", []int{2}, "no recipient"},
		{"bad quote", "phone,name\n+15551234567,\"Ada\n", "${name}", nil, "line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.in), c.msg, "SMS")
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

func TestReadEmpty(t *testing.T) {
	for _, in := range []string{"", "phone\n"} {
		if _, err := Read(strings.NewReader(in), "hi", "SMS"); err == nil {
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

func TestSplit(t *testing.T) {
	rows := make([]Row, 2501)
	chunks := Split(rows, 0)
	if len(chunks) != 3 || len(chunks[0]) != 1000 || len(chunks[2]) != 501 {
		t.Fatalf("chunks of %d", len(chunks))
	}
	if got := Split(rows, 5000); len(got[0]) != MaxRecipients {
		t.Errorf("size above the API limit not capped: %d", len(got[0]))
	}
	chunks[0] = append(chunks[0], Row{Line: -1})
	if chunks[1][0].Line == -1 {
		t.Error("appending to one chunk overwrote the next")
	}
}

func FuzzRead(f *testing.F) {
	f.Add("phone,name\n+15551234567,Ada\n", "Hi ${name}")
	f.Add("recipient,channel,contact_id\n,,C1\n", "x")
	f.Add("\"a\nb\",c\n1,2\n", "${c}")
	f.Fuzz(func(t *testing.T, in, msg string) {
		rows, err := Read(strings.NewReader(in), msg, "SMS")
		if err == nil && len(rows) == 0 {
			t.Fatal("no error and no rows")
		}
		for _, r := range rows {
			if r.Line < 2 || (r.Identity == "") == (r.ContactID == "") {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}
