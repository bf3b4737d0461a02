package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// GET /_emulator/info gives every region's three URLs, the token URL and the default region.
func TestControlInfo(t *testing.T) {
	e := newEnv(t)
	in := e.must(200, "GET", e.srv.ControlURL()+"/info", nil)
	if str(in, "default_region") != "us" || str(in, "token_url") != e.srv.TokenURL() {
		t.Fatalf("info: %v", in)
	}
	for _, r := range []string{"us", "eu", "br"} {
		reg := obj(obj(in["regions"])[r])
		if str(reg, "conversation_url") != e.srv.ConversationURL()+"/"+r || str(reg, "template_url") != e.srv.TemplateURL()+"/"+r || str(reg, "batch_url") != e.srv.BatchURL()+"/"+r {
			t.Errorf("region %s: %v", r, reg)
		}
	}
}

// An app lives in the region whose URL created it: the same request on another region's URL
// is 404; the un-prefixed URLs serve the default region.
func TestRegions(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.DefaultRegion = "br" })
	url := func(region, path string) string {
		return e.srv.ConversationURL() + "/" + region + "/v1/projects/" + testProject + path
	}
	eu := e.must(200, "POST", url("eu", "/apps"), appBody("EU app", "DISPATCH"))
	id := str(eu, "id")
	e.must(200, "GET", url("eu", "/apps/"+id), nil)
	if st, out := e.do("GET", url("us", "/apps/"+id), nil); st != 404 || !strings.Contains(str(out, "error", "message"), "region") {
		t.Fatalf("EU app on the US URL: %d %v", st, out)
	}
	if st, _ := e.do("GET", e.conv("/apps/"+id), nil); st != 404 {
		t.Fatalf("EU app on the default (BR) URL: %d", st)
	}
	if st, _ := e.do("POST", url("us", "/messages:send"), map[string]any{"app_id": id, "recipient": smsRecipient("SMS", "+15551234567"), "message": textMessage("x")}); st != 404 {
		t.Fatalf("send for an EU app on the US URL: %d", st)
	}
	if n := len(arr(e.must(200, "GET", url("us", "/apps"), nil)["apps"])); n != 0 {
		t.Fatalf("US list shows %d apps", n)
	}
	if n := len(arr(e.must(200, "GET", url("eu", "/apps"), nil)["apps"])); n != 1 {
		t.Fatalf("EU list shows %d apps", n)
	}
	// The default region: created without prefix, found with the br prefix.
	br := str(e.must(200, "POST", e.conv("/apps"), appBody("BR app", "DISPATCH")), "id")
	e.must(200, "GET", url("br", "/apps/"+br), nil)
	// The Batch API's region prefix works the same way.
	if st, _ := e.do("POST", e.srv.BatchURL()+"/us/v1/projects/"+testProject+"/consents", map[string]any{"app_id": id, "consent_records": []any{map[string]any{"identification": "+15551234567"}}}); st != 404 {
		t.Fatalf("batch consents for an EU app on the US URL: %d", st)
	}
	e.must(200, "POST", e.srv.BatchURL()+"/eu/v1/projects/"+testProject+"/consents", map[string]any{"app_id": id, "consent_records": []any{map[string]any{"identification": "+15551234567"}}})
}

// The clock endpoints read and advance the one clock; issued tokens expire with it.
func TestClockEndpointsAndTokenExpiry(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Credentials = []Credential{{KeyID: "k", KeySecret: "s"}} })
	before := e.srv.Now()
	got := e.must(200, "GET", e.srv.ControlURL()+"/clock", nil)
	if _, err := time.Parse(time.RFC3339Nano, str(got, "now")); err != nil {
		t.Fatalf("clock: %v", got)
	}
	req, _ := http.NewRequest("POST", e.srv.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("k", "s")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := jsonDecode(resp.Body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	resp.Body.Close()
	call := func() int {
		r, _ := http.NewRequest("GET", e.conv("/apps"), nil)
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := call(); st != 200 {
		t.Fatalf("fresh token: %d", st)
	}
	adv := e.must(200, "POST", e.srv.ControlURL()+"/clock/advance", map[string]any{"duration": "25h"})
	now, err := time.Parse(time.RFC3339Nano, str(adv, "now"))
	if err != nil || now.Sub(before) < 25*time.Hour {
		t.Fatalf("advance answered %v (before %v)", adv, before)
	}
	if st := call(); st != 401 {
		t.Fatalf("token after 25h: %d, want 401", st)
	}
	for _, bad := range []string{"", "-1h", "soon"} {
		if st, _ := e.do("POST", e.srv.ControlURL()+"/clock/advance", map[string]any{"duration": bad}); st != 400 {
			t.Errorf("advance %q: %d, want 400", bad, st)
		}
	}
}

// The ingress queue: messages are listed once accepted, delivered one per 1/rate of emulator
// time, and past the queue's size messages:send answers 429.
func TestIngressQueue(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.IngressRate = 0.01; c.IngressQueue = 2 }) // one message per 100 s
	app := e.createApp("CONVERSATION")
	var ids []string
	for i := range 3 {
		ids = append(ids, e.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", fmt.Sprintf("+155588800%02d", i)), "message": textMessage("x")}))
	}
	e.path(ids[0], 2) // the first leaves the queue at once
	st, out := e.do("POST", e.conv("/messages:send"), map[string]any{"app_id": app, "recipient": smsRecipient("SMS", "+15558880009"), "message": textMessage("x")})
	if st != 429 || str(out, "error", "status") != "RESOURCE_EXHAUSTED" {
		t.Fatalf("full queue: %d %v", st, out)
	}
	if n := len(arr(e.must(200, "GET", e.conv("/messages?app_id="+app), nil)["messages"])); n != 3 {
		t.Fatalf("listed %d messages, want the 3 accepted", n)
	}
	if tr := e.must(200, "GET", e.srv.ControlURL()+"/messages/"+ids[1], nil); str(tr, "status") != "" {
		t.Fatalf("second message left the queue early: %v", tr)
	}
	if qs := obj(e.must(200, "GET", e.conv("/apps/"+app), nil)["queue_stats"]); qs["outbound_size"] != float64(2) || qs["outbound_limit"] != float64(2) {
		t.Fatalf("queue_stats: %v", qs)
	}
	e.must(200, "POST", e.srv.ControlURL()+"/clock/advance", map[string]any{"duration": "100s"})
	e.path(ids[1], 2)
	// Unlimited: no queue at all.
	u := newEnv(t, func(c *Config) { c.IngressRate = IngressUnlimited; c.IngressQueue = 1 })
	app = u.createApp("DISPATCH")
	for i := range 20 {
		u.send(map[string]any{"app_id": app, "recipient": smsRecipient("SMS", fmt.Sprintf("+155588810%02d", i)), "message": textMessage("x")})
	}
}

// GET /_emulator/messages/{id} shows the path and each channel's transcoded form.
func TestMessageTrace(t *testing.T) {
	e := newEnv(t)
	app := e.createApp("DISPATCH")
	choice := map[string]any{"choice_message": map[string]any{"text_message": map[string]any{"text": "Deliver when?"}, "choices": []any{
		map[string]any{"text_message": map[string]any{"text": "Morning"}}, map[string]any{"text_message": map[string]any{"text": "Evening"}},
	}}}
	id := e.send(map[string]any{"app_id": app, "recipient": smsRecipient("RCS", "+15559993333", "SMS", "+15559993333"), "message": choice, "ttl": "60s"})
	e.path(id, 4)
	tr := e.must(200, "GET", e.srv.ControlURL()+"/messages/"+id, nil)
	chans := arr(tr["channels"])
	if str(tr, "status") != "DELIVERED" || str(tr, "ttl") != "60s" || len(chans) != 2 {
		t.Fatalf("trace: %v", tr)
	}
	rcs, sms := obj(chans[0]), obj(chans[1])
	if str(rcs, "channel") != "RCS" || str(rcs, "form") == "text" || rcs["transcoded"] == nil {
		t.Errorf("RCS form: %v", rcs)
	}
	if str(sms, "channel") != "SMS" || str(sms, "form") != "text" || !strings.Contains(str(sms, "text"), "Evening") {
		t.Errorf("SMS form (choices listed as text): %v", sms)
	}
	if st, _ := e.do("GET", e.srv.ControlURL()+"/messages/nope", nil); st != 404 {
		t.Errorf("unknown message: %d", st)
	}
}
