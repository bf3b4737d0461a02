package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/relaykit/sinch-go/emulator"
	"github.com/relaykit/sinch-go/emulator/inbox"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// The cast of the browser test. The customer cannot be reached over SMS, so a text sent
// SMS-first falls back to WhatsApp.
const (
	project  = "inbox-project"
	customer = "+15551230100"
	rcsPhone = "+15551230101"
	secret   = "inbox-test-secret"
)

// chromium finds the browser: $CHROMIUM, else chromium on the PATH. Without one the test
// is skipped, except when CI=true or SINCH_BROWSER_REQUIRED is set (.ci/run sets it): there it
// fails, so that CI never passes without running it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("CHROMIUM"), "chromium", "/usr/bin/chromium", "chromium-browser"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" || os.Getenv("SINCH_BROWSER_REQUIRED") != "" {
		t.Fatal("no Chromium found (install the Debian package chromium, or set CHROMIUM); CI=true or SINCH_BROWSER_REQUIRED is set, so the browser test fails instead of skipping")
	}
	t.Skip("no Chromium found (install the Debian package chromium, or set CHROMIUM)")
	return ""
}

// screenshotDir is where the screenshots go: $INBOX_SCREENSHOTS when set, else a directory
// removed after the test.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("INBOX_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// receiver is the app's webhook: it checks each callback's signature and keeps the bodies.
type receiver struct {
	mu     sync.Mutex
	bodies []map[string]any
	bad    int
	notify chan struct{}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	var body map[string]any
	err := hmac.Verify(r.Header, buf.Bytes(), secret)
	rc.mu.Lock()
	if err != nil || json.Unmarshal(buf.Bytes(), &body) != nil {
		rc.bad++
	} else {
		rc.bodies = append(rc.bodies, body)
	}
	rc.mu.Unlock()
	select {
	case rc.notify <- struct{}{}:
	default:
	}
}

// waitFor waits until a received callback body satisfies ok, and returns it.
func (rc *receiver) waitFor(t *testing.T, what string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		rc.mu.Lock()
		for _, b := range rc.bodies {
			if ok(b) {
				rc.mu.Unlock()
				return b
			}
		}
		n, bad := len(rc.bodies), rc.bad
		rc.mu.Unlock()
		select {
		case <-rc.notify:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no callback with %s arrived (%d callbacks, %d badly signed)", what, n, bad)
		}
	}
}

func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// pictures serves a small PNG, so that cards and carousels show real images offline.
func pictures(t *testing.T) *httptest.Server {
	img := image.NewRGBA(image.Rect(0, 0, 320, 180))
	for y := 0; y < 180; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(40 + x/3), uint8(90 + y/3), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestInboxInChromium drives the inbox page in headless Chromium against a running emulator:
// messages sent through the SDK appear in their threads with their rendering and delivery
// status, a tapped choice and a typed reply reach the app as MESSAGE_INBOUND callbacks, and
// the callback log shows the attempts of a callback whose target fails. It saves screenshots
// of the main views.
func TestInboxInChromium(t *testing.T) {
	browser := chromium(t)
	shots := screenshotDir(t)
	ctx := context.Background()

	rc := &receiver{notify: make(chan struct{}, 1)}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)
	pics := pictures(t)

	srv, err := emulator.Start(ctx, emulator.Config{
		RateLimit:     emulator.RateLimitOff,
		Undeliverable: func(channel, identity string) bool { return channel == "SMS" && identity == customer },
		Callbacks:     emulator.CallbackConfig{StepDelay: 30 * time.Millisecond, InitialBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, MaxAttempts: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	c, err := sinch.NewClient(sinch.WithProjectID(project), sinch.WithOAuth2("inbox-key", "inbox-secret"),
		sinch.WithConversationURL(srv.ConversationURL()), sinch.WithTemplateURL(srv.TemplateURL()),
		sinch.WithBatchURL(srv.BatchURL()), sinch.WithAuthURL(srv.TokenURL()), sinch.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	mode := conversation.ProcessingModeConversation
	var creds []conversation.ChannelCredentials
	for _, ch := range []conversation.ConversationChannel{"SMS", "WHATSAPP", "RCS"} {
		ch := ch
		creds = append(creds, conversation.ChannelCredentials{Channel: ch, StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "inbox-" + string(ch), Token: "t"}})
	}
	app, err := c.Conversation.Apps.Create(ctx, conversation.CreateAppRequest{DisplayName: "Shop", ProcessingMode: mode, ChannelCredentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	appID := app.ID
	sec := secret
	if _, err := c.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{AppID: appID, Target: hook.URL + "/callbacks", Secret: sec,
		Triggers: []conversation.WebhookTrigger{"MESSAGE_DELIVERY", "MESSAGE_INBOUND", "EVENT_INBOUND"}}); err != nil {
		t.Fatal(err)
	}
	down, err := c.Conversation.Webhooks.Create(ctx, conversation.CreateWebhookRequest{AppID: appID, Target: failing.URL + "/down",
		Triggers: []conversation.WebhookTrigger{"MESSAGE_SUBMIT"}})
	if err != nil {
		t.Fatal(err)
	}

	// The customer writes first on WhatsApp: that opens WhatsApp's 24-hour window for free-form
	// messages.
	if _, err := srv.InjectInbound(ctx, emulator.InboundMessage{ProjectID: project, AppID: appID, Channel: "WHATSAPP", Identity: customer,
		ContactMessage: json.RawMessage(`{"text_message":{"text":"Hi! Where is my order?"}}`)}); err != nil {
		t.Fatal(err)
	}
	send := func(what string, req conversation.SendMessageRequest) string {
		t.Helper()
		req.AppID = appID
		res, err := c.Conversation.Messages.Send(ctx, req)
		if err != nil {
			t.Fatalf("send %s: %v", what, err)
		}
		return res.MessageID
	}
	textID := send("the text", conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.SMS(customer), recipient.WhatsApp(customer)),
		Message: message.Text("Your order #4711 ships today. Reply to change the delivery time.")})
	choiceID := send("the choice", conversation.SendMessageRequest{Recipient: recipient.Fallback(recipient.WhatsApp(customer), recipient.SMS(customer)),
		Message: message.Choices("When should we deliver?", message.TextChoice("Morning", "slot-morning"), message.TextChoice("Evening", "slot-evening"))})
	cardID := send("the card", conversation.SendMessageRequest{Recipient: recipient.Identity("RCS", rcsPhone),
		Message: message.Card("Spring collection", "New arrivals are in.", pics.URL+"/spring.png",
			message.TextChoice("Show me", "show"), message.URLChoice("Shop online", "https://example.com/shop"))})
	carouselID := send("the carousel", conversation.SendMessageRequest{Recipient: recipient.Identity("RCS", rcsPhone),
		Message: message.Carousel([]conversation.CardMessage{
			message.CardContent("Trail shoe", "Light and grippy.", pics.URL+"/shoe.png", message.TextChoice("Buy", "buy-shoe")),
			message.CardContent("Rain jacket", "Packs into its pocket.", pics.URL+"/jacket.png", message.TextChoice("Buy", "buy-jacket")),
			message.CardContent("Day pack", "20 litres.", pics.URL+"/pack.png", message.TextChoice("Buy", "buy-pack")),
		}, message.TextChoice("More", "more"))})

	// The browser: headless Chromium with the flags of the brief and a fresh profile.
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	var shot func(name string)
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			shot("failed")
			t.Fatalf("%s: %v (the page at that moment: %s)", step, err, filepath.Join(shots, "failed.png"))
		}
	}
	shot = func(name string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, 15*time.Second)
		defer cancel()
		b, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The first action starts the browser: without a timeout, which would end the browser.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// The page's errors and console output go to the test log.
	if err := chromedp.Listen(bctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			t.Logf("page exception: %s", (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			t.Logf("page console.%s: %s", e.Type, strings.Join(parts, " "))
		}
	}); err != nil {
		t.Fatal(err)
	}
	msg := func(id string) string { return fmt.Sprintf(`.msg[data-message-id=%q]`, id) }
	// delivered selects a message delivered on the channel (and maybe read since).
	delivered := func(id, channel string) string {
		return fmt.Sprintf(`.msg[data-message-id=%q][data-channel=%q]:is([data-status="DELIVERED"],[data-status="READ"])`, id, channel)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// The customer's thread: the text fell back from SMS to WhatsApp and was delivered there;
	// the choice went out on WhatsApp as reply buttons.
	do("open the inbox", chromedp.Navigate(srv.ConversationURL()+"/"), chromedp.WaitVisible(css(`body[data-loaded="true"]`)))
	do("the threads are listed", chromedp.WaitVisible(css(`.thread-link[data-thread^="contact:"]`)))
	// openThreadOf opens the thread that shows the message: it finds the thread's key in the
	// inbox's view model and clicks its link from the page's own script (a live update may
	// redraw or reorder the list at any moment, which would leave a protocol-level click on a
	// stale node).
	openThreadOf := func(id string) {
		t.Helper()
		key := threadKey(t, srv.ConversationURL(), id)
		click := fmt.Sprintf(`(() => { const l = [...document.querySelectorAll(".thread-link")].find((x) => x.dataset.thread === %q); if (l) l.click(); return !!document.querySelector(%q); })()`, key, msg(id))
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](click))
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				shot("failed")
				t.Fatalf("thread %s does not show message %s (the page at that moment: %s)", key, id, filepath.Join(shots, "failed.png"))
			}
		}
	}
	openThreadOf(textID)
	do("the text is delivered on WhatsApp after switching from SMS",
		chromedp.WaitVisible(css(delivered(textID, "WHATSAPP"))),
		chromedp.Click(css(msg(textID)+` details.path summary`)),
		chromedp.WaitVisible(css(msg(textID)+` li[data-status="SWITCHING_CHANNEL"]`)),
	)
	waitText(t, bctx, msg(textID)+` li[data-status="SWITCHING_CHANNEL"] .reason`, "RECIPIENT_NOT_REACHABLE")
	// ... with the report's reason description after it.
	waitText(t, bctx, msg(textID)+` li[data-status="SWITCHING_CHANNEL"] .reason`, "RECIPIENT_NOT_REACHABLE: ")
	do("the choice shows its reply buttons on WhatsApp",
		chromedp.WaitVisible(css(delivered(choiceID, "WHATSAPP")+` .buttons button[data-postback="slot-morning"]`)),
		chromedp.WaitVisible(css(msg(choiceID)+` .buttons button[data-postback="slot-evening"]`)))
	shot("thread-whatsapp")

	// The switch shows the same choice as SMS shows it: plain text listing the choices.
	do("show the choice as SMS", chromedp.Click(css(msg(choiceID)+` .switch button[data-channel="SMS"]`)),
		chromedp.WaitVisible(css(msg(choiceID)+`[data-channel="SMS"] .bubble[data-plain="true"]`)))
	for _, want := range []string{"When should we deliver?", "Morning", "Evening"} { // the text and both choices
		waitText(t, bctx, msg(choiceID)+` .bubble[data-plain="true"]`, want)
	}
	do("the SMS rendering tells its encoding and parts", chromedp.WaitVisible(css(msg(choiceID)+` .sms-meta[data-encoding="GSM-7"][data-parts="1"]`)))
	shot("thread-as-sms")
	do("back to WhatsApp", chromedp.Click(css(msg(choiceID)+` .switch button[data-channel="WHATSAPP"]`)),
		chromedp.WaitVisible(css(msg(choiceID)+` .buttons button[data-postback="slot-morning"]`)))

	// Tapping a choice answers as the contact: the app gets a choice_response_message.
	do("tap Morning", chromedp.Click(css(msg(choiceID)+` button[data-postback="slot-morning"]`)))
	got := rc.waitFor(t, "the choice response", func(b map[string]any) bool {
		return dig(b, "message", "contact_message", "choice_response_message") != nil
	})
	if pb := dig(got, "message", "contact_message", "choice_response_message", "postback_data"); pb != "slot-morning" {
		t.Fatalf("choice response postback_data = %v, want slot-morning", pb)
	}
	if mid := dig(got, "message", "contact_message", "choice_response_message", "message_id"); mid != choiceID {
		t.Fatalf("choice response message_id = %v, want %s", mid, choiceID)
	}
	if ch := dig(got, "message", "channel_identity", "channel"); ch != "WHATSAPP" {
		t.Fatalf("the choice response came over %v, want WHATSAPP (where the choice was delivered)", ch)
	}

	// Typing a reply sends a text inbound.
	do("type a reply", chromedp.SendKeys(css(`#reply-text`), "Evening works better, thanks!\r"))
	rc.waitFor(t, "the typed reply", func(b map[string]any) bool {
		return dig(b, "message", "contact_message", "text_message", "text") == "Evening works better, thanks!"
	})
	do("the replies show in the thread", chromedp.WaitVisible(css(`.msg.to-app[data-kind="choice_response_message"]`)))
	waitText(t, bctx, `.messages .msg.to-app:last-child .bubble`, "Evening works better, thanks!")
	shot("thread-replies")

	// The RCS thread: a rich card with suggestion chips, and a carousel of three cards.
	openThreadOf(cardID)
	do("the card is a rich card on RCS",
		chromedp.WaitVisible(css(delivered(cardID, "RCS")+` .rich.card[data-title="Spring collection"] img`)),
		chromedp.WaitVisible(css(msg(cardID)+` .chipsrow button[data-postback="show"]`)))
	do("the carousel shows its cards",
		chromedp.WaitVisible(css(delivered(carouselID, "RCS")+` .carousel .rich.card:nth-child(3)`)),
		chromedp.WaitVisible(css(msg(carouselID)+` .chipsrow button[data-postback="more"]`)))
	cards, err := chromedp.Run(bctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, msg(carouselID)+` .carousel .rich.card`)))
	if err != nil || cards != 3 {
		t.Fatalf("the carousel shows %d cards (%v), want 3", cards, err)
	}
	do("tap a carousel card's button", chromedp.Click(css(msg(carouselID)+` button[data-postback="buy-jacket"]`)))
	rc.waitFor(t, "the carousel choice", func(b map[string]any) bool {
		return dig(b, "message", "contact_message", "choice_response_message", "postback_data") == "buy-jacket"
	})
	shot("thread-rcs")

	// The callback log: the failing webhook's MESSAGE_SUBMIT was tried three times, 503 each.
	do("open the callback log", chromedp.Click(css(`#tab-callbacks`)), chromedp.WaitVisible(css(`#cb-list`)),
		chromedp.SetValue(css(`#cb-filter select[name="webhook"]`), down.ID),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#cb-filter').dispatchEvent(new Event('input'))`),
		chromedp.WaitVisible(css(`.cb-item[data-state="FAILED"][data-trigger="MESSAGE_SUBMIT"]`)),
		chromedp.Click(css(`.cb-item[data-state="FAILED"] summary`)),
		chromedp.WaitVisible(css(`.cb-item[data-state="FAILED"] table.attempts tr[data-status="503"]`)))
	attempts, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelector('.cb-item[data-state="FAILED"]').querySelectorAll('table.attempts tbody tr[data-status="503"]').length`))
	if err != nil || attempts != 3 {
		t.Fatalf("the failed callback shows %d attempts answered 503 (%v), want 3", attempts, err)
	}
	shot("callbacks-failed")
	do("show every callback", chromedp.SetValue(css(`#cb-filter select[name="webhook"]`), ""),
		chromedp.SetValue(css(`#cb-filter input[name="message"]`), choiceID),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#cb-filter').dispatchEvent(new Event('input'))`),
		chromedp.WaitVisible(css(`.cb-item[data-trigger="MESSAGE_DELIVERY"]`)),
		chromedp.Click(css(`.cb-item[data-trigger="MESSAGE_INBOUND"] summary`)),
		chromedp.WaitVisible(css(`.cb-item[data-trigger="MESSAGE_INBOUND"] pre.json`)))
	shot("callbacks-signed")

	// The controls: advancing the clock past 24 hours closes WhatsApp's window, so a free-form
	// text to the customer on WhatsApp now fails with OUTSIDE_ALLOWED_SENDING_WINDOW.
	do("open the controls", chromedp.Click(css(`#tab-controls`)), chromedp.WaitVisible(css(`#faults`)))
	shot("controls")
	before, err := chromedp.Run(bctx, pageText(`#clock-now`))
	if err != nil {
		t.Fatal(err)
	}
	do("advance the clock 25 h", chromedp.Click(css(`button[data-advance="25h"]`)),
		chromedp.WaitVisible(css(`#clock-form output:not(.bad)`)))
	waitText(t, bctx, `#clock-form output`, "advanced 25h")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		after, err := chromedp.Run(bctx, pageText(`#clock-now`))
		if err == nil && after != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the clock still shows %q after advancing (%v)", after, err)
		}
	}
	// A fresh client: the first one's token expired with the clock.
	c2, err := sinch.NewClient(sinch.WithProjectID(project), sinch.WithOAuth2("inbox-key", "inbox-secret"),
		sinch.WithConversationURL(srv.ConversationURL()), sinch.WithTemplateURL(srv.TemplateURL()),
		sinch.WithBatchURL(srv.BatchURL()), sinch.WithAuthURL(srv.TokenURL()), sinch.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	late, err := c2.Conversation.Messages.Send(ctx, conversation.SendMessageRequest{AppID: appID, Recipient: recipient.Identity("WHATSAPP", customer),
		Message: message.Text("Are you still there?")})
	if err != nil {
		t.Fatal(err)
	}
	do("the late WhatsApp text fails outside the window", chromedp.Click(css(`#tab-threads`)))
	openThreadOf(textID)
	do("the failure shows its reason", chromedp.WaitVisible(css(msg(late.MessageID)+`[data-status="FAILED"]`)),
		chromedp.Click(css(msg(late.MessageID)+` details.path summary`)),
		chromedp.WaitVisible(css(msg(late.MessageID)+` li[data-status="FAILED"] .reason`)))
	waitText(t, bctx, msg(late.MessageID)+` li[data-status="FAILED"] .reason`, "OUTSIDE_ALLOWED_SENDING_WINDOW")
	shot("thread-window-closed")

	// The same page on a phone-sized window, in dark mode.
	do("phone-sized, dark", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), darkMode(),
		chromedp.Click(css(`#tab-threads`)), chromedp.WaitVisible(css(`#reply-text`)))
	shot("phone-thread-dark")
	do("back to the thread list", chromedp.Click(css(`.thread-head .back`)), chromedp.WaitVisible(css(`.thread-link`)))
	shot("phone-threads-dark")
}

// threadKey finds the key of the thread that holds a message, in the inbox's view model.
func threadKey(t *testing.T, base, messageID string) string {
	t.Helper()
	resp, err := http.Get(base + inbox.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st inbox.State
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	for _, p := range st.Projects {
		for _, a := range p.Apps {
			for _, th := range a.Threads {
				for _, m := range th.Messages {
					if m.ID == messageID {
						return th.Key
					}
				}
			}
		}
	}
	t.Fatalf("no thread holds message %s", messageID)
	return ""
}

// pageText reads an element's text from the page's own script ("" when it is not there).
func pageText(sel string) chromedp.Action[string] {
	return chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel))
}

// waitText waits until the element's text contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Read from the page's own script: a live update may replace the node at any moment.
		got, err := chromedp.Run(ctx, pageText(sel))
		if err == nil && strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s reads %q (%v), want %q", sel, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// darkMode makes the page see prefers-color-scheme: dark.
func darkMode() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	})
}
