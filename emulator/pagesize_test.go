package emulator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/specs"
)

// The page_size maxima the handlers enforce are the ones the spec documents, operation by
// operation, and every list operation of the spec with a page_size has one.
func TestPageSizeMaximaFollowTheSpec(t *testing.T) {
	doc, err := specs.Load(specs.Conversation)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			var max *float64
			for _, p := range o.Parameters {
				if p.Value != nil && p.Value.Name == "page_size" && p.Value.Schema != nil {
					max = p.Value.Schema.Value.Max
				}
			}
			if rb := o.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					if ps := mt.Schema.Value.Properties["page_size"]; ps != nil {
						max = ps.Value.Max
					}
				}
			}
			if max == nil {
				continue
			}
			seen[o.OperationID] = true
			if got, ok := pageSizeMax[o.OperationID]; !ok || float64(got) != *max {
				t.Errorf("%s %s (%s): page_size maximum %v in the spec, %d (present: %v) in pageSizeMax", method, path, o.OperationID, *max, got, ok)
			}
		}
	}
	for id := range pageSizeMax {
		if !seen[id] {
			t.Errorf("pageSizeMax has %s, which has no page_size maximum in the spec", id)
		}
	}
}

// page_size over each list's documented maximum is a 400 INVALID_ARGUMENT that names the
// maximum, and the maximum itself is served; the handlers enforce it, so it holds with request
// validation turned off too (it used to clamp to 1000 there, so page_size=21 listed 21
// contacts).
func TestPageSizeOverMaximumIsRefusedOnEveryList(t *testing.T) {
	for _, validation := range []bool{true, false} {
		t.Run(fmt.Sprintf("validation=%v", validation), func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.DisableValidation = !validation })
			app := e.createApp("CONVERSATION")
			for i := range 21 {
				e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": fmt.Sprintf("+1555000%04d", i)}}, "language": "EN_US"})
			}
			lists := map[string]func(n int) (string, string, any){
				"listContacts": func(n int) (string, string, any) { return "GET", e.conv(fmt.Sprintf("/contacts?page_size=%d", n)), nil },
				"listIdentityConflicts": func(n int) (string, string, any) {
					return "GET", e.conv(fmt.Sprintf("/contacts:identityConflicts?page_size=%d", n)), nil
				},
				"listConversations": func(n int) (string, string, any) {
					return "GET", e.conv(fmt.Sprintf("/conversations?only_active=false&page_size=%d", n)), nil
				},
				"listRecentConversations": func(n int) (string, string, any) {
					return "GET", e.conv(fmt.Sprintf("/conversations:recent?app_id=%s&page_size=%d", app, n)), nil
				},
				"listMessages": func(n int) (string, string, any) { return "GET", e.conv(fmt.Sprintf("/messages?page_size=%d", n)), nil },
				"listEvents":   func(n int) (string, string, any) { return "GET", e.conv(fmt.Sprintf("/events?page_size=%d", n)), nil },
				"listConsents": func(n int) (string, string, any) {
					return "GET", e.conv(fmt.Sprintf("/apps/%s/consents/OPT_OUT_ALL?page_size=%d", app, n)), nil
				},
				"fetchLastMessage": func(n int) (string, string, any) {
					return "POST", e.conv("/messages:fetch-last-message"), map[string]any{"channel_identities": []any{"+15550000001"}, "page_size": n}
				},
			}
			if len(lists) != len(pageSizeMax) {
				t.Fatalf("%d lists tried, %d have a maximum", len(lists), len(pageSizeMax))
			}
			for id, req := range lists {
				max := pageSizeMax[id]
				m, u, body := req(max + 1)
				st, out := e.do(m, u, body)
				if st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" {
					t.Errorf("%s page_size=%d: %d %v, want 400 INVALID_ARGUMENT", id, max+1, st, out)
				} else if msg := str(out, "error", "message"); !validation && !strings.Contains(msg, fmt.Sprint(max)) {
					t.Errorf("%s: message %q does not name the maximum %d", id, msg, max)
				}
				m, u, body = req(max)
				e.must(200, m, u, body)
			}
			// At the maximum the page holds that many: 20 of the 21 contacts.
			out := e.must(200, "GET", e.conv("/contacts?page_size=20"), nil)
			if n := len(arr(out["contacts"])); n != 20 || str(out, "next_page_token") == "" {
				t.Errorf("page_size=20 listed %d contacts (next %q), want 20 and a next page", n, str(out, "next_page_token"))
			}
		})
	}
}
