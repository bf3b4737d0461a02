package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTokenEndpoint(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Credentials = []Credential{{KeyID: "key", KeySecret: "secret"}} })
	form := url.Values{"grant_type": {"client_credentials"}}
	post := func(user, pass string, f url.Values) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("POST", e.srv.TokenURL(), strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := jsonDecode(resp.Body, &out); err != nil {
			t.Fatalf("token answer is not JSON: %v", err)
		}
		return resp, out
	}
	resp, tok := post("key", "secret", form)
	if resp.StatusCode != 200 || str(tok, "access_token") == "" || tok["expires_in"].(float64) != 3600 || str(tok, "token_type") != "bearer" {
		t.Fatalf("token answer %d %v", resp.StatusCode, tok)
	}
	if resp, _ := post("key", "wrong", form); resp.StatusCode != 401 {
		t.Errorf("wrong secret: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := post("", "", form); resp.StatusCode != 401 {
		t.Errorf("no credentials: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := post("key", "secret", url.Values{"grant_type": {"password"}}); resp.StatusCode != 400 {
		t.Errorf("wrong grant type: status %d, want 400", resp.StatusCode)
	}
	// The issued token works; an unknown one does not (credentials are pinned).
	if st, _ := e.doRaw("GET", e.conv("/apps"), nil, "Bearer "+str(tok, "access_token")); st != 200 {
		t.Errorf("issued token: status %d", st)
	}
	if st, _ := e.doRaw("GET", e.conv("/apps"), nil, "Bearer made-up"); st != 401 {
		t.Errorf("unknown token with pinned credentials: status %d, want 401", st)
	}
	req, _ := http.NewRequest("GET", e.conv("/apps"), nil)
	req.SetBasicAuth("key", "secret")
	if st, _ := e.doRaw("GET", e.conv("/apps"), nil, req.Header.Get("Authorization")); st != 200 {
		t.Errorf("basic auth: status %d", st)
	}
}

func TestTokenExpiresWithClock(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(c *Config) {
		c.Clock = clk
		c.Credentials = []Credential{{KeyID: "key", KeySecret: "secret"}}
	})
	tok := e.srv.tokens.issue(clk.Now(), time.Hour, true)
	if st, _ := e.doRaw("GET", e.conv("/apps"), nil, "Bearer "+tok); st != 200 {
		t.Fatalf("fresh token: status %d", st)
	}
	clk.advance(time.Hour)
	req, _ := http.NewRequest("GET", e.conv("/apps"), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("expired token: status %d, want 401", resp.StatusCode)
	}
	// Sinch's SDKs refresh their token only when the challenge says it expired.
	if ch := resp.Header.Get("WWW-Authenticate"); !strings.Contains(ch, "invalid_token") || !strings.Contains(ch, "expired") {
		t.Errorf("expired token: WWW-Authenticate %q, want a Bearer invalid_token challenge that says expired", ch)
	}
}

func TestAuthRequired(t *testing.T) {
	e := newEnv(t)
	for _, auth := range []string{"", "Bearer ", "Token abc", "Basic !!!"} {
		st, raw := e.doRaw("GET", e.conv("/apps"), nil, auth)
		if st != 401 {
			t.Errorf("auth %q: status %d, want 401", auth, st)
		}
		if !strings.Contains(string(raw), `"UNAUTHENTICATED"`) {
			t.Errorf("auth %q: body %s lacks the error shape", auth, raw)
		}
	}
	// Any key and any token are accepted by default.
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth("any", "thing")
	if st, _ := e.doRaw("GET", e.conv("/apps"), nil, req.Header.Get("Authorization")); st != 200 {
		t.Errorf("basic auth with any key: %d", st)
	}
}

func TestPinnedProjects(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Projects = []string{"other"} })
	if st, _ := e.do("GET", e.conv("/apps"), nil); st != 403 {
		t.Errorf("unpinned project: status %d, want 403", st)
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{e.conv("/apps/01K00000000000000000000000"), e.conv("/contacts/nope"), e.conv("/messages/nope"),
		e.conv("/webhooks/nope"), e.conv("/conversations/nope"), e.conv("/events/nope"), e.tmpl("/templates/nope"), e.batch("/messages/nope")} {
		st, out := e.do("GET", u, nil)
		if st != 404 || str(out, "error", "status") != "NOT_FOUND" || out["error"].(map[string]any)["code"].(float64) != 404 {
			t.Errorf("GET %s: %d %v, want 404 NOT_FOUND", u, st, out)
		}
	}
	for _, u := range []string{e.srv.ConversationURL() + "/nothing/here", e.conv("/no-such-collection"), e.conv("/messages:explode")} {
		st, out := e.do("GET", u, nil)
		if st != 404 || str(out, "error", "status") != "NOT_FOUND" {
			t.Errorf("GET %s: %d %v, want 404", u, st, out)
		}
	}
	// Batch paths are not served on the Conversation listener's Batch-only routes and vice versa.
	if st, _ := e.do("GET", e.srv.BatchURL()+"/v1/projects/p/apps", nil); st != 404 {
		t.Errorf("apps on the batch listener: %d, want 404", st)
	}
}

func TestValidationErrors(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	cases := map[string]any{
		"not json":             "{",
		"no recipient":         map[string]any{"app_id": app, "message": textMessage("hi")},
		"two kinds of message": map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550101"), "message": map[string]any{"text_message": map[string]any{"text": "a"}, "location_message": map[string]any{"title": "x", "coordinates": map[string]any{"latitude": 1, "longitude": 2}}}},
		"wrong type":           map[string]any{"app_id": 42, "recipient": smsRecipient("SMS", "+15550101"), "message": textMessage("hi")},
	}
	for name, body := range cases {
		st, out := e.do("POST", e.conv("/messages:send"), body)
		if st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" || str(out, "error", "message") == "" {
			t.Errorf("%s: %d %v, want 400 INVALID_ARGUMENT", name, st, out)
		}
	}
	// A bad page_size is a 400 too.
	if st, _ := e.do("GET", e.conv("/contacts?page_size=abc"), nil); st != 400 {
		t.Errorf("page_size=abc: %d, want 400", st)
	}
}

var ulidRE = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

func TestIDsAreNotDates(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 50; i++ {
		id := e.createApp("DISPATCH")
		if !ulidRE.MatchString(id) {
			t.Fatalf("id %q is not ULID-like", id)
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02", "20060102150405"} {
			if _, err := time.Parse(layout, id); err == nil {
				t.Fatalf("id %q parses as a date", id)
			}
		}
	}
}

func TestAppsCRUDAndUpdateMask(t *testing.T) {
	e := newEnv(t)
	a := e.must(200, "POST", e.conv("/apps"), appBody("One", "CONVERSATION"))
	id := a["id"].(string)
	got := e.must(200, "GET", e.conv("/apps/"+id), nil)
	if got["display_name"] != "One" || got["processing_mode"] != "CONVERSATION" {
		t.Fatalf("get: %v", got)
	}
	// Comma-joined mask: only the listed fields change, and a listed field absent from the
	// body is cleared.
	up := e.must(200, "PATCH", e.conv("/apps/"+id+"?update_mask=display_name,processing_mode"), map[string]any{"display_name": "Two", "processing_mode": "DISPATCH", "conversation_metadata_report_view": "FULL"})
	if up["display_name"] != "Two" || up["processing_mode"] != "DISPATCH" || up["conversation_metadata_report_view"] != "NONE" {
		t.Fatalf("comma-joined mask: %v", up)
	}
	// Repeated mask parameter.
	up = e.must(200, "PATCH", e.conv("/apps/"+id+"?update_mask=display_name&update_mask=conversation_metadata_report_view"), map[string]any{"display_name": "Three", "conversation_metadata_report_view": "FULL", "processing_mode": "CONVERSATION"})
	if up["display_name"] != "Three" || up["conversation_metadata_report_view"] != "FULL" || up["processing_mode"] != "DISPATCH" {
		t.Fatalf("repeated mask: %v", up)
	}
	// update_mask.paths, as some SDKs send it.
	up = e.must(200, "PATCH", e.conv("/apps/"+id+"?update_mask.paths=display_name"), map[string]any{"display_name": "Four"})
	if up["display_name"] != "Four" {
		t.Fatalf("update_mask.paths: %v", up)
	}
	// No mask: every field present changes.
	up = e.must(200, "PATCH", e.conv("/apps/"+id), map[string]any{"display_name": "Five"})
	if up["display_name"] != "Five" || up["conversation_metadata_report_view"] != "FULL" {
		t.Fatalf("no mask: %v", up)
	}
	// A path through a field that is not an object (here a list) names no field: 400, and
	// the app is left as it was (it used to turn channel_credentials into an object).
	if st, out := e.do("PATCH", e.conv("/apps/"+id+"?update_mask=display_name,channel_credentials.channel"), map[string]any{"display_name": "Six"}); st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" {
		t.Fatalf("mask through a list: %d %v, want 400", st, out)
	}
	got = e.must(200, "GET", e.conv("/apps/"+id), nil)
	if got["display_name"] != "Five" || len(arr(got["channel_credentials"])) != len(arr(appBody("", "")["channel_credentials"])) {
		t.Fatalf("after a refused update: %v", got)
	}
	list := e.must(200, "GET", e.conv("/apps"), nil)
	if len(arr(list["apps"])) != 1 {
		t.Fatalf("list: %v", list)
	}
	e.must(200, "DELETE", e.conv("/apps/"+id), nil)
	e.must(404, "GET", e.conv("/apps/"+id), nil)
	e.must(404, "DELETE", e.conv("/apps/"+id), nil)
}

func TestWebhookRules(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, e.webhook(app, "https://example.com/hook/"+string(rune('a'+i)), "", "MESSAGE_DELIVERY"))
	}
	st, out := e.do("POST", e.conv("/webhooks"), map[string]any{"app_id": app, "target": "https://example.com/hook/f", "target_type": "HTTP", "triggers": []any{"MESSAGE_DELIVERY"}})
	if st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" {
		t.Fatalf("sixth webhook: %d %v, want 400", st, out)
	}
	e.must(200, "DELETE", e.conv("/webhooks/"+ids[4]), nil)
	st, out = e.do("POST", e.conv("/webhooks"), map[string]any{"app_id": app, "target": "https://example.com/hook/a", "target_type": "HTTP", "triggers": []any{"MESSAGE_INBOUND"}})
	if st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" {
		t.Fatalf("duplicate target: %d %v, want 400", st, out)
	}
	// The same target in another app is fine.
	other := e.createApp("DISPATCH")
	e.webhook(other, "https://example.com/hook/a", "", "MESSAGE_INBOUND")
	// Update with a mask; moving onto another webhook's target is refused.
	up := e.must(200, "PATCH", e.conv("/webhooks/"+ids[0]+"?update_mask=triggers"), map[string]any{"triggers": []any{"MESSAGE_INBOUND", "EVENT_INBOUND"}, "target": "https://ignored.example.com"})
	if len(arr(up["triggers"])) != 2 || up["target"] != "https://example.com/hook/a" {
		t.Fatalf("update: %v", up)
	}
	if st, _ := e.do("PATCH", e.conv("/webhooks/"+ids[0]+"?update_mask=target"), map[string]any{"target": "https://example.com/hook/b"}); st != 400 {
		t.Fatalf("update onto a duplicate target: %d, want 400", st)
	}
	list := e.must(200, "GET", e.conv("/apps/"+app+"/webhooks"), nil)
	if len(arr(list["webhooks"])) != 4 {
		t.Fatalf("list: %v", list)
	}
	// Moving a webhook into an app that already has five is refused too.
	full := e.createApp("DISPATCH")
	for i := 0; i < 5; i++ {
		e.webhook(full, "https://example.com/full/"+string(rune('a'+i)), "", "MESSAGE_DELIVERY")
	}
	if st, out := e.do("PATCH", e.conv("/webhooks/"+ids[1]+"?update_mask=app_id"), map[string]any{"app_id": full}); st != 400 || str(out, "error", "status") != "INVALID_ARGUMENT" {
		t.Fatalf("moving a webhook into a full app: %d %v, want 400", st, out)
	}
	// Deleting the app deletes its webhooks.
	e.must(200, "DELETE", e.conv("/apps/"+app), nil)
	e.must(404, "GET", e.conv("/webhooks/"+ids[0]), nil)
	// A webhook for an unknown app is refused.
	if st, _ := e.do("POST", e.conv("/webhooks"), map[string]any{"app_id": "nope", "target": "https://x.example.com", "target_type": "HTTP", "triggers": []any{"MESSAGE_INBOUND"}}); st != 404 {
		t.Fatalf("webhook of unknown app: %d, want 404", st)
	}
}

func TestContactsPaginationAndDelete(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := 0; i < 7; i++ {
		c := e.must(200, "POST", e.conv("/contacts"), map[string]any{"display_name": "c", "channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+1555010" + string(rune('0'+i))}}, "language": "EN_US"})
		ids = append(ids, c["id"].(string))
	}
	var seen []string
	tok := ""
	pages := 0
	for {
		u := e.conv("/contacts?page_size=3")
		if tok != "" {
			u += "&page_token=" + url.QueryEscape(tok)
		}
		p := e.must(200, "GET", u, nil)
		pages++
		for _, c := range arr(p["contacts"]) {
			seen = append(seen, str(obj(c), "id"))
		}
		if p["total_size"].(float64) != 7 {
			t.Fatalf("total_size %v", p["total_size"])
		}
		tok = str(p, "next_page_token")
		if tok == "" {
			break
		}
	}
	if pages != 3 || strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("pages %d, seen %v, want %v", pages, seen, ids)
	}
	if st, _ := e.do("GET", e.conv("/contacts?page_token=garbage!"), nil); st != 400 {
		t.Fatalf("bad page token: %d, want 400", st)
	}
	// Filter by identity.
	p := e.must(200, "GET", e.conv("/contacts?channel=SMS&identity=%2B15550103"), nil)
	if len(arr(p["contacts"])) != 1 || str(obj(arr(p["contacts"])[0]), "id") != ids[3] {
		t.Fatalf("filter: %v", p)
	}
	e.must(200, "DELETE", e.conv("/contacts/"+ids[0]), nil)
	e.must(404, "GET", e.conv("/contacts/"+ids[0]), nil)
	up := e.must(200, "PATCH", e.conv("/contacts/"+ids[1]+"?update_mask=display_name"), map[string]any{"display_name": "Renamed", "email": "x@example.com"})
	if up["display_name"] != "Renamed" || up["email"] != nil {
		t.Fatalf("update: %v", up)
	}
}

func TestMergeContacts(t *testing.T) {
	e := newEnv(t)
	a := e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550111"}}, "language": "EN_US"})
	b := e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "WHATSAPP", "identity": "+15550111"}}, "language": "EN_US", "display_name": "Bea"})
	m := e.must(200, "POST", e.conv("/contacts/"+str(a, "id")+":merge"), map[string]any{"source_id": str(b, "id"), "strategy": "MERGE"})
	if len(arr(m["channel_identities"])) != 2 || m["display_name"] != "Bea" {
		t.Fatalf("merged: %v", m)
	}
	e.must(404, "GET", e.conv("/contacts/"+str(b, "id")), nil)
}

func TestIdentityConflicts(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 2; i++ {
		e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550222"}}, "language": "EN_US"})
	}
	out := e.must(200, "GET", e.conv("/contacts:identityConflicts"), nil)
	cs := arr(out["conflicts"])
	if len(cs) != 1 || str(obj(cs[0]), "identity") != "+15550222" || len(arr(obj(cs[0])["contact_ids"])) != 2 {
		t.Fatalf("conflicts: %v", out)
	}
	// A second conflict, read one page at a time.
	for i := 0; i < 2; i++ {
		e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550333"}}, "language": "EN_US"})
	}
	first := e.must(200, "GET", e.conv("/contacts:identityConflicts?page_size=1"), nil)
	tok := str(first, "next_page_token")
	if len(arr(first["conflicts"])) != 1 || tok == "" {
		t.Fatalf("first page: %v", first)
	}
	second := e.must(200, "GET", e.conv("/contacts:identityConflicts?page_size=1&page_token="+tok), nil)
	if got := arr(second["conflicts"]); len(got) != 1 || str(obj(got[0]), "identity") != "+15550333" || second["next_page_token"] != nil {
		t.Fatalf("second page: %v", second)
	}
	if st, _ := e.do("GET", e.conv("/contacts:identityConflicts?page_token=99"), nil); st != 400 {
		t.Fatalf("a token past the end: %d, want 400", st)
	}
}

func TestProjectSettings(t *testing.T) {
	e := newEnv(t)
	e.must(404, "GET", e.conv("/settings"), nil)
	created := e.must(200, "POST", e.conv("/settings"), map[string]any{"contact_settings": map[string]any{"unified_contact_id_enabled": true}})
	// The API answers {project_id, settings: {...}}, not the request body (the official SDKs read settings).
	if str(created, "project_id") != testProject || obj(created)["contact_settings"] != nil ||
		obj(obj(created)["settings"])["contact_settings"] == nil {
		t.Fatalf("create answered %v, want {project_id, settings: {contact_settings}}", created)
	}
	e.must(400, "POST", e.conv("/settings"), map[string]any{})
	patched := e.must(200, "PATCH", e.conv("/settings?update_mask=contact_settings.unified_contact_id_enabled"),
		map[string]any{"contact_settings": map[string]any{"unified_contact_id_enabled": false}})
	if v, ok := obj(obj(obj(patched)["settings"])["contact_settings"])["unified_contact_id_enabled"].(bool); !ok || v {
		t.Fatalf("update answered %v, want unified_contact_id_enabled false", patched)
	}
	got := e.must(200, "GET", e.conv("/settings"), nil)
	if str(got, "project_id") != testProject || obj(obj(got)["settings"])["contact_settings"] == nil {
		t.Fatalf("get answered %v", got)
	}
	e.must(200, "DELETE", e.conv("/settings"), nil)
	e.must(404, "GET", e.conv("/settings"), nil)
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.RateLimit = 5 })
	var last int
	var retry string
	for i := 0; i < 6; i++ {
		req, _ := http.NewRequest("GET", e.conv("/apps"), nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last, retry = resp.StatusCode, resp.Header.Get("Retry-After")
	}
	if n, err := strconv.Atoi(retry); last != 429 || err != nil || n < 1 {
		t.Fatalf("sixth request in a burst of 5/s: %d Retry-After %q, want 429 with Retry-After in whole seconds", last, retry)
	}
	// Another project has its own bucket.
	if st, _ := e.do("GET", e.srv.ConversationURL()+"/v1/projects/other/apps", nil); st != 200 {
		t.Fatalf("other project: %d", st)
	}
}

func TestFaultInjection(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Faults.Rate503 = 1 })
	st, out := e.do("GET", e.conv("/apps"), nil)
	if st != 503 || str(out, "error", "status") != "UNAVAILABLE" {
		t.Fatalf("503 fault: %d %v", st, out)
	}
	e2 := newEnv(t, func(c *Config) { c.Faults.Rate429 = 1 })
	req, _ := http.NewRequest("GET", e2.conv("/apps"), nil)
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("429 fault: %d", resp.StatusCode)
	}
	e3 := newEnv(t, func(c *Config) { c.Faults.DropRate = 1 })
	req, _ = http.NewRequest("GET", e3.conv("/apps"), nil)
	req.Header.Set("Authorization", "Bearer x")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection: got status %d, want a transport error", resp.StatusCode)
	}
	// The token endpoint is not subject to faults.
	req, _ = http.NewRequest("POST", e3.srv.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("k", "s")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token endpoint under faults: %v %v", err, resp)
	}
	resp.Body.Close()
	if _, err := New(Config{Faults: Faults{Rate429: 0.7, Rate503: 0.7}}); err == nil {
		t.Fatal("fault rates above 1 accepted")
	}
}

func TestContentTypeVariants(t *testing.T) {
	e := newEnv(t)
	body := `{"display_name":"x","channel_credentials":[]}`
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", ""} {
		req, _ := http.NewRequest("POST", e.conv("/apps"), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer t")
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("Content-Type %q: %d", ct, resp.StatusCode)
		}
	}
}

func TestFaultLatency(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Faults.Latency = 60 * time.Millisecond })
	start := time.Now()
	e.must(200, "GET", e.conv("/apps"), nil)
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("answer after %v with 60ms of injected latency", d)
	}
}

func TestCloseDoesNotWaitForHangingCallbacks(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	target := newHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	s, err := Start(context.Background(), Config{Callbacks: CallbackConfig{Timeout: 30 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: s}
	app := e.createApp("DISPATCH")
	e.webhook(app, target, "", "MESSAGE_SUBMIT")
	e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550100001"), "message": textMessage("x")})
	time.Sleep(50 * time.Millisecond) // the callback is in flight
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v", d)
	}
	// A second Close is harmless.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestShutdownWaitsForRequestsInFlight(t *testing.T) {
	s, err := Start(context.Background(), Config{Faults: Faults{Latency: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", s.ConversationURL()+"/v1/projects/p/apps", nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if st := <-done; st != 200 {
		t.Fatalf("request in flight during Shutdown: %d", st)
	}
}

func TestMaxStoredForgetsTheOldest(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxStored = 3 })
	app := e.createApp("DISPATCH")
	var ids []string
	for i := 0; i < 5; i++ {
		out := e.must(200, "POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15550100001"), "message": textMessage("x")})
		ids = append(ids, str(out, "message_id"))
	}
	e.must(404, "GET", e.conv("/messages/"+ids[1]), nil)
	e.must(200, "GET", e.conv("/messages/"+ids[2]), nil)
	if n := len(arr(e.must(200, "GET", e.conv("/messages?messages_source=DISPATCH_SOURCE"), nil)["messages"])); n != 3 {
		t.Fatalf("%d messages kept, want 3", n)
	}
}

func TestParameterErrorsDoNotEchoValues(t *testing.T) {
	e := newEnv(t)
	_, out := e.do("GET", e.conv("/contacts?page_size=s3cr3t"), nil)
	if msg := str(out, "error", "message"); strings.Contains(msg, "s3cr3t") || !strings.Contains(msg, "page_size") {
		t.Fatalf("message %q", msg)
	}
	st, out := e.do("GET", e.conv("/conversations:recent"), nil)
	if msg := str(out, "error", "message"); st != 400 || !strings.Contains(msg, "app_id") || !strings.Contains(msg, "required") {
		t.Fatalf("missing app_id: %d %q", st, msg)
	}
}

func TestIdentityQueryKeepsPlus(t *testing.T) {
	cases := map[string]string{
		"identity=+15551234567&x=1": "+15551234567", // unencoded, as the Node SDK sends it
		"identity=%2B15551234567":   "+15551234567", // encoded
		"x=1&identity=46701234567":  "46701234567",
		"identity=%zz":              "", // not decodable: form decoding drops the pair too
		"other=+1":                  "",
	}
	for raw, want := range cases {
		r, _ := http.NewRequest("GET", "http://h/p?"+raw, nil)
		if got := identityQuery(r, "identity"); got != want {
			t.Errorf("%s: got %q, want %q", raw, got, want)
		}
	}
}

func TestListContactsByUnencodedPhone(t *testing.T) {
	e := newEnv(t)
	e.must(200, "POST", e.conv("/contacts"), map[string]any{"channel_identities": []any{map[string]any{"channel": "SMS", "identity": "+15550333"}}, "language": "EN_US"})
	req, _ := http.NewRequest("GET", e.conv("/contacts?channel=SMS&identity=+15550333"), nil)
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if n := len(arr(out["contacts"])); resp.StatusCode != 200 || n != 1 {
		t.Fatalf("status %d, %d contacts, want 200 and 1: %v", resp.StatusCode, n, out)
	}
}
