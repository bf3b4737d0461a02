package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/emulator"
)

// The subcommands of `sinch emulator` that drive a running emulator through its control
// endpoints (/_emulator/...): inject, callbacks, clock.

// controlBase finds the running emulator's control URL from --conversation-url or
// SINCH_CONVERSATION_URL (as `sinch emulator` prints them), ignoring a region prefix.
func (a *app) controlBase(cmd *cobra.Command) (string, error) {
	raw := a.resolver(cmd).Get(config.ConversationURL)
	if raw == "" {
		return "", usagef("no emulator to talk to: set SINCH_CONVERSATION_URL (or --conversation-url) to the URL `sinch emulator` printed")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", usagef("--conversation-url %q is not an http(s) URL", raw)
	}
	return u.Scheme + "://" + u.Host + "/_emulator", nil
}

// control calls a control endpoint and decodes its JSON answer into out (when not nil).
func (a *app) control(ctx context.Context, method, u string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the emulator at %s did not answer (is `sinch emulator` running?): %w", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("the emulator answered %d: %s", resp.StatusCode, e.Error.Message)
		}
		return fmt.Errorf("the emulator answered %d", resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

func (a *app) emulatorControlCommands() []*cobra.Command {
	return []*cobra.Command{a.emulatorInjectCommand(), a.emulatorCallbacksCommand(), a.emulatorClockCommand()}
}

func (a *app) emulatorInjectCommand() *cobra.Command {
	var channel, identity, text, media, choice, replyTo, event, raw, metadata string
	cmd := &cobra.Command{
		Use:   "inject",
		Short: "Make a contact send a message or event to an app of a running emulator",
		Long: `inject makes a contact write to an app (MESSAGE_INBOUND, or EVENT_INBOUND for --event): a text,
a media URL, a reply to a choice message, or any ContactMessage as JSON. A WhatsApp message from
the contact opens WhatsApp's 24-hour window for free-form messages to it. The emulator is found
through SINCH_CONVERSATION_URL; the project and app through SINCH_PROJECT_ID and SINCH_APP_ID
(or their flags).`,
		Example: `  sinch emulator inject --channel WHATSAPP --identity +15551234567 --text "Where is my order?"
  sinch emulator inject --channel RCS --identity +15551234567 --media https://example.com/photo.jpg
  sinch emulator inject --channel WHATSAPP --identity +15551234567 --choice yes --reply-to MESSAGE_ID
  sinch emulator inject --channel WHATSAPP --identity +15551234567 --event composing
  sinch emulator inject --channel SMS --identity +15551234567 --json '{"text_message":{"text":"STOP"}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base, err := a.controlBase(cmd)
			if err != nil {
				return err
			}
			r := a.resolver(cmd)
			project, err := r.Require(config.ProjectID)
			if err != nil {
				return err
			}
			appID, err := r.Require(config.AppID)
			if err != nil {
				return err
			}
			if channel == "" || identity == "" {
				return usagef("--channel and --identity say who writes; both are required")
			}
			ch, err := parseChannel(channel)
			if err != nil {
				return err
			}
			kinds := 0
			for _, v := range []string{text, media, choice, event, raw} {
				if v != "" {
					kinds++
				}
			}
			if kinds != 1 {
				return usagef("give exactly one of --text, --media, --choice, --event and --json")
			}
			var content any
			switch {
			case text != "":
				content = map[string]any{"text_message": map[string]any{"text": text}}
			case media != "":
				content = map[string]any{"media_message": map[string]any{"url": media}}
			case choice != "":
				reply := map[string]any{"postback_data": choice}
				if replyTo != "" {
					reply["message_id"] = replyTo
				}
				content = map[string]any{"choice_response_message": reply}
			case event != "":
				switch event {
				case "composing":
					content = map[string]any{"composing_event": map[string]any{}}
				case "composing_end", "composing-end":
					content = map[string]any{"composing_end_event": map[string]any{}}
				default:
					return usagef("--event %q: want composing or composing_end", event)
				}
			default:
				var v map[string]any
				if err := json.Unmarshal([]byte(raw), &v); err != nil || v == nil {
					return usagef("--json must be a JSON object: a ContactMessage such as {\"text_message\":{\"text\":\"hi\"}}")
				}
				content = v
			}
			in := map[string]any{"app_id": appID, "channel": string(ch), "identity": identity}
			path := "/messages"
			key := "contact_message"
			if event != "" {
				path, key = "/events", "contact_event"
			}
			in[key] = content
			if metadata != "" {
				in["metadata"] = metadata
			}
			var out map[string]string
			if err := a.control(cmd.Context(), http.MethodPost, base+"/projects/"+url.PathEscape(project)+"/inbound"+path, in, &out); err != nil {
				return err
			}
			return a.emit(out, func() {
				if id := out["message_id"]; id != "" {
					a.printf("message %s from %s %s injected\n", id, ch, identity)
				} else {
					a.printf("event %s from %s %s injected\n", out["event_id"], ch, identity)
				}
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&channel, "channel", "", "the contact's channel, for example WHATSAPP")
	fs.StringVar(&identity, "identity", "", "the contact's identity on the channel, for example +15551234567")
	fs.StringVar(&text, "text", "", "a text message")
	fs.StringVar(&media, "media", "", "a media message: the media's URL")
	fs.StringVar(&choice, "choice", "", "a reply to a choice message: the chosen option's postback data")
	fs.StringVar(&replyTo, "reply-to", "", "with --choice: the id of the message whose choice was picked")
	fs.StringVar(&event, "event", "", "an event instead of a message: composing or composing_end")
	fs.StringVar(&raw, "json", "", "a ContactMessage as JSON")
	fs.StringVar(&metadata, "metadata", "", "message metadata echoed in the callback")
	return cmd
}

func (a *app) emulatorCallbacksCommand() *cobra.Command {
	var follow bool
	var trigger, appID string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "callbacks",
		Short: "List the callbacks a running emulator sent, and follow new ones",
		Long: `callbacks lists the callbacks the emulator sent to webhooks and callback URLs, oldest first, with
their state and attempts. With --follow it keeps printing new ones until interrupted.`,
		Example: `  sinch emulator callbacks
  sinch emulator callbacks --follow --trigger MESSAGE_DELIVERY
  sinch emulator callbacks --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base, err := a.controlBase(cmd)
			if err != nil {
				return err
			}
			if interval <= 0 {
				return usagef("--interval must be positive")
			}
			q := url.Values{}
			if trigger != "" {
				q.Set("trigger", strings.ToUpper(trigger))
			}
			if appID != "" {
				q.Set("app_id", appID)
			}
			if p := a.resolver(cmd).Get(config.ProjectID); p != "" {
				q.Set("project_id", p)
			}
			u := base + "/callbacks?" + q.Encode()
			seen := map[string]bool{}
			for {
				var out struct {
					Callbacks []emulator.CallbackRecord `json:"callbacks"`
				}
				if err := a.control(cmd.Context(), http.MethodGet, u, nil, &out); err != nil {
					if cmd.Context().Err() != nil {
						return nil
					}
					return err
				}
				for _, rec := range out.Callbacks {
					if seen[rec.ID] {
						continue
					}
					seen[rec.ID] = true
					if a.json {
						b, _ := json.Marshal(rec)
						a.printf("%s\n", b)
						continue
					}
					a.printf("%s\n", callbackLine(rec))
				}
				if !follow {
					return nil
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(interval):
				}
			}
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&follow, "follow", "f", false, "keep printing new callbacks until interrupted")
	fs.StringVar(&trigger, "trigger", "", "only callbacks of this trigger, for example MESSAGE_DELIVERY")
	fs.StringVar(&appID, "only-app", "", "only callbacks of this app")
	fs.DurationVar(&interval, "interval", 500*time.Millisecond, "with --follow: how often to ask the emulator")
	return cmd
}

// callbackLine is one callback in a line: time, trigger, the delivery status when there is
// one, state and target.
func callbackLine(rec emulator.CallbackRecord) string {
	var body struct {
		Report *struct {
			MessageID string `json:"message_id"`
			Status    string `json:"status"`
			Channel   struct {
				Channel  string `json:"channel"`
				Identity string `json:"identity"`
			} `json:"channel_identity"`
			Reason *struct {
				Code string `json:"code"`
			} `json:"reason"`
		} `json:"message_delivery_report"`
	}
	_ = json.Unmarshal(rec.Body, &body)
	detail := ""
	if r := body.Report; r != nil {
		detail = fmt.Sprintf(" %s message=%s %s %s", r.Status, r.MessageID, r.Channel.Channel, r.Channel.Identity)
		if r.Reason != nil && r.Reason.Code != "" {
			detail += " reason=" + r.Reason.Code
		}
	}
	return fmt.Sprintf("%s %s%s -> %s (%s, %s)", rec.CreatedAt.UTC().Format(time.RFC3339), rec.Trigger, detail, rec.Target, rec.State, plural(len(rec.Attempts), "attempt"))
}

func (a *app) emulatorClockCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Show a running emulator's clock",
		Long: `clock shows the emulator's time. The emulator has one clock for token expiry, WhatsApp's 24-hour
window, message ttl, batch send_after and delivery timing; "clock advance" moves it forward.`,
		Example: `  sinch emulator clock
  sinch emulator clock advance 25h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base, err := a.controlBase(cmd)
			if err != nil {
				return err
			}
			var out map[string]string
			if err := a.control(cmd.Context(), http.MethodGet, base+"/clock", nil, &out); err != nil {
				return err
			}
			return a.emit(out, func() { a.printf("%s\n", out["now"]) })
		},
	}
	advance := &cobra.Command{
		Use:   "advance DURATION",
		Short: "Move a running emulator's clock forward",
		Long: `advance moves the emulator's clock forward by DURATION (a Go duration: 90s, 25h, 1h30m): tokens
expire, WhatsApp windows close, messages pass their ttl and scheduled batches start as if that
time had passed. It prints the new time.`,
		Example: `  sinch emulator clock advance 25h   # close every WhatsApp 24-hour window`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := time.ParseDuration(args[0])
			if err != nil || d <= 0 {
				return usagef("DURATION %q: want a positive Go duration such as 25h or 90s", args[0])
			}
			base, err := a.controlBase(cmd)
			if err != nil {
				return err
			}
			var out map[string]string
			if err := a.control(cmd.Context(), http.MethodPost, base+"/clock/advance", map[string]string{"duration": d.String()}, &out); err != nil {
				return err
			}
			return a.emit(out, func() { a.printf("%s\n", out["now"]) })
		},
	}
	cmd.AddCommand(advance)
	return cmd
}
