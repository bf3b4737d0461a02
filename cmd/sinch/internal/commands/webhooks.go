package commands

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/samples"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/hmac"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func init() { register(webhookCommands) }

func parseTriggers(list []string) ([]conversation.WebhookTrigger, error) {
	var out []conversation.WebhookTrigger
	for _, s := range list {
		t := conversation.WebhookTrigger(strings.ToUpper(strings.TrimSpace(s)))
		if t == "" {
			continue
		}
		if !t.Valid() || t == "UNSPECIFIED_TRIGGER" {
			return nil, usagef("unknown trigger %q (for example MESSAGE_DELIVERY, MESSAGE_INBOUND, EVENT_INBOUND, CONTACT_CREATE)", s)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func checkTarget(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--target %q is not an absolute http(s) URL", s)
	}
	return nil
}

func triggerNames(ts []conversation.WebhookTrigger) string {
	var s []string
	for _, t := range ts {
		s = append(s, string(t))
	}
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}

func (a *app) printWebhook(w *conversation.Webhook) {
	secret := "no"
	if w.Secret != "" {
		secret = "yes"
	}
	oauth := "no"
	if w.ClientCredentials.Endpoint != "" {
		oauth = "yes (" + w.ClientCredentials.Endpoint + ")"
	}
	a.printf("webhook %s\n  app       %s\n  target    %s\n  triggers  %s\n  secret    %s\n  oauth     %s\n", str(w.ID), str(w.AppID), w.Target, triggerNames(w.Triggers), secret, oauth)
}

func webhookCommands(a *app) []*cobra.Command {
	wh := &cobra.Command{Use: "webhooks", Short: "Manage the webhooks that receive an app's callbacks", Args: cobra.NoArgs,
		Example: "  sinch webhooks list --app-id 01W4FFL35P4NC4K35CONVAPP001\n  sinch webhooks create --target https://example.com/sinch --triggers MESSAGE_DELIVERY,MESSAGE_INBOUND --secret s3cret"}

	var target, secret, oauthID, oauthSecret, oauthEndpoint string
	var triggers []string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a webhook on an app",
		Example: `  sinch webhooks create --app-id 01W4FFL35P4NC4K35CONVAPP001 --target https://example.com/sinch --triggers MESSAGE_DELIVERY,MESSAGE_INBOUND --secret s3cret
  sinch webhooks create --target https://example.com/sinch --triggers MESSAGE_INBOUND --oauth-client-id id --oauth-client-secret s --oauth-endpoint https://auth.example.com/token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkTarget(target); err != nil {
				return err
			}
			trs, err := parseTriggers(triggers)
			if err != nil {
				return err
			}
			if len(trs) == 0 {
				return usagef("--triggers needs at least one trigger")
			}
			req := conversation.CreateWebhookRequest{Target: target, Triggers: trs, Secret: secret, TargetType: conversation.WebhookTargetType("HTTP")}
			if oauthID != "" || oauthSecret != "" || oauthEndpoint != "" {
				if oauthID == "" || oauthSecret == "" || oauthEndpoint == "" {
					return usagef("--oauth-client-id, --oauth-client-secret and --oauth-endpoint go together")
				}
				req.ClientCredentials = conversation.ClientCredentials{ClientID: oauthID, ClientSecret: oauthSecret, Endpoint: oauthEndpoint}
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.Webhook, error) {
				var err error
				if req.AppID, err = requireAppID(s); err != nil {
					return nil, err
				}
				return c.Conversation.CreateWebhook(ctx, req)
			}, func(w *conversation.Webhook) { a.printf("created webhook %s\n", str(w.ID)); a.printWebhook(w) })(cmd, nil)
		},
	}
	create.Flags().StringVar(&target, "target", "", "URL the callbacks are posted to")
	create.Flags().StringSliceVar(&triggers, "triggers", nil, "triggers to subscribe to, comma-separated")
	create.Flags().StringVar(&secret, "secret", "", "secret the callbacks are signed with (HMAC-SHA256)")
	create.Flags().StringVar(&oauthID, "oauth-client-id", "", "OAuth2 client id Sinch uses to fetch a token before posting")
	create.Flags().StringVar(&oauthSecret, "oauth-client-secret", "", "OAuth2 client secret")
	create.Flags().StringVar(&oauthEndpoint, "oauth-endpoint", "", "OAuth2 token endpoint")
	_ = create.MarkFlagRequired("target")
	_ = create.MarkFlagRequired("triggers")

	list := &cobra.Command{
		Use: "list", Short: "List an app's webhooks", Args: cobra.NoArgs,
		Example: "  sinch webhooks list --app-id 01W4FFL35P4NC4K35CONVAPP001",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.ListWebhooksResponse, error) {
			appID, err := requireAppID(s)
			if err != nil {
				return nil, err
			}
			return c.Conversation.ListWebhooks(ctx, appID)
		}, func(resp *conversation.ListWebhooksResponse) {
			if len(resp.Webhooks) == 0 {
				a.printf("no webhooks\n")
				return
			}
			rows := [][]string{{"ID", "TARGET", "TRIGGERS"}}
			for _, w := range resp.Webhooks {
				rows = append(rows, []string{str(w.ID), w.Target, triggerNames(w.Triggers)})
			}
			a.table(rows)
		}),
	}

	var id string
	idFlag := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&id, "webhook-id", "", "the webhook's id")
		_ = cmd.MarkFlagRequired("webhook-id")
	}
	get := &cobra.Command{
		Use: "get", Short: "Show a webhook", Args: cobra.NoArgs,
		Example: "  sinch webhooks get --webhook-id 01W4FFL35P4NC4K35WEBHOOK01",
		RunE: runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Webhook, error) {
			return c.Conversation.GetWebhook(ctx, id)
		}, func(w *conversation.Webhook) { a.printWebhook(w) }),
	}
	idFlag(get)

	var clearSecret, clearOAuth bool
	update := &cobra.Command{
		Use:   "update",
		Short: "Change a webhook's target, triggers, secret or OAuth settings",
		Example: `  sinch webhooks update --webhook-id 01W4FFL35P4NC4K35WEBHOOK01 --triggers MESSAGE_DELIVERY --secret n3w
  sinch webhooks update --webhook-id 01W4FFL35P4NC4K35WEBHOOK01 --clear-secret --clear-oauth`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			if fs.Changed("secret") && clearSecret {
				return usagef("give --secret or --clear-secret, not both")
			}
			var mask []string
			c, _, err := a.client(cmd)
			if err != nil {
				return err
			}
			cur, err := c.Conversation.GetWebhook(cmd.Context(), id)
			if err != nil {
				return err
			}
			req := conversation.UpdateWebhookRequest{Target: cur.Target}
			if fs.Changed("target") {
				if err := checkTarget(target); err != nil {
					return err
				}
				req.Target = target
				mask = append(mask, "target")
			}
			if fs.Changed("triggers") {
				if req.Triggers, err = parseTriggers(triggers); err != nil {
					return err
				}
				if len(req.Triggers) == 0 {
					return usagef("--triggers needs at least one trigger")
				}
				mask = append(mask, "triggers")
			}
			if fs.Changed("secret") || clearSecret {
				req.Secret = ptr(secret)
				if clearSecret {
					req.Secret = ptr("")
				}
				mask = append(mask, "secret")
			}
			if clearOAuth {
				mask = append(mask, "client_credentials")
			}
			if len(mask) == 0 {
				return usagef("nothing to change: give --target, --triggers, --secret, --clear-secret or --clear-oauth")
			}
			w, err := c.Conversation.UpdateWebhook(cmd.Context(), id, &conversation.UpdateWebhookParams{UpdateMask: mask}, req)
			if err != nil {
				return err
			}
			return a.emit(w, func() { a.printf("updated %s\n", strings.Join(mask, ", ")); a.printWebhook(w) })
		},
	}
	idFlag(update)
	update.Flags().StringVar(&target, "target", "", "new target URL")
	update.Flags().StringSliceVar(&triggers, "triggers", nil, "new triggers, comma-separated (replace the old ones)")
	update.Flags().StringVar(&secret, "secret", "", "new signing secret")
	update.Flags().BoolVar(&clearSecret, "clear-secret", false, "remove the signing secret")
	update.Flags().BoolVar(&clearOAuth, "clear-oauth", false, "remove the OAuth2 client credentials")

	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete a webhook", Args: cobra.NoArgs,
		Example: "  sinch webhooks delete --webhook-id 01W4FFL35P4NC4K35WEBHOOK01 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.confirm(yes, "delete webhook "+id+"?"); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
				return c.Conversation.DeleteWebhook(ctx, id)
			}, func(*conversation.Empty) { a.printf("deleted webhook %s\n", id) })(cmd, nil)
		},
	}
	idFlag(del)
	del.Flags().BoolVar(&yes, "confirm", false, "delete without asking")

	wh.AddCommand(create, list, get, update, del, a.testTriggersCommand())
	return []*cobra.Command{wh}
}

// triggerResult is what the URL under test answered to one sample callback.
type triggerResult struct {
	Trigger    string `json:"trigger"`
	StatusCode int    `json:"status_code,omitempty"`
	Error      string `json:"error,omitempty"`
	Millis     int64  `json:"duration_ms"`
	Signed     bool   `json:"signed"`
}

func (a *app) testTriggersCommand() *cobra.Command {
	var id, testURL, secret string
	var triggers []string
	cmd := &cobra.Command{
		Use:   "test-triggers",
		Short: "Post a signed sample callback of each of a webhook's triggers to a test URL",
		Long: `test-triggers reads the webhook, then posts to --test-url one sample callback for each of its
triggers (or of --triggers), signed with the webhook's secret (or --secret) exactly as Sinch
signs callbacks, and reports what the URL answered. It fails when any answer is not 2xx.`,
		Example: `  sinch listen --secret s3cret --addr 127.0.0.1:8080 &
  sinch webhooks test-triggers --webhook-id 01W4FFL35P4NC4K35WEBHOOK01 --test-url http://127.0.0.1:8080/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := url.Parse(testURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usagef("--test-url %q is not an absolute http(s) URL", testURL)
			}
			c, s, err := a.client(cmd)
			if err != nil {
				return err
			}
			w, err := c.Conversation.GetWebhook(cmd.Context(), id)
			if err != nil {
				return err
			}
			trs := w.Triggers
			if len(triggers) > 0 {
				want, err := parseTriggers(triggers)
				if err != nil {
					return err
				}
				for _, t := range want {
					if !slices.Contains(w.Triggers, t) {
						return usagef("the webhook is not subscribed to %s (its triggers: %s)", t, triggerNames(w.Triggers))
					}
				}
				trs = want
			}
			if !cmd.Flags().Changed("secret") && w.Secret != "" {
				secret = w.Secret
			}
			if secret == "" {
				a.verbosef("the webhook has no secret: the samples go unsigned")
			}
			appID := str(w.AppID)
			hc := &http.Client{Timeout: 10 * time.Second}
			var results []triggerResult
			failed := 0
			for _, t := range trs {
				r := a.postSample(cmd, hc, testURL, string(t), appID, s.projectID, secret)
				if r.Error != "" || r.StatusCode < 200 || r.StatusCode > 299 {
					failed++
				}
				results = append(results, r)
				if !a.json {
					line := fmt.Sprintf("%-45s ", r.Trigger)
					if r.Error != "" {
						line += "error: " + r.Error
					} else {
						line += fmt.Sprintf("%d %s", r.StatusCode, http.StatusText(r.StatusCode))
					}
					a.printf("%s (%d ms)\n", line, r.Millis)
				}
			}
			if a.json {
				if err := a.printJSON(results); err != nil {
					return err
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d sample callbacks were not accepted by %s", failed, len(results), testURL)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&id, "webhook-id", "", "the webhook whose triggers are tested")
	cmd.Flags().StringVar(&testURL, "test-url", "", "URL to post the samples to (your handler, or `sinch listen`)")
	cmd.Flags().StringSliceVar(&triggers, "triggers", nil, "only these of the webhook's triggers")
	cmd.Flags().StringVar(&secret, "secret", "", "sign with this secret instead of the webhook's")
	_ = cmd.MarkFlagRequired("webhook-id")
	_ = cmd.MarkFlagRequired("test-url")
	return cmd
}

func (a *app) postSample(cmd *cobra.Command, hc *http.Client, target, trigger, appID, projectID, secret string) (r triggerResult) {
	r.Trigger = trigger
	start := time.Now()
	defer func() { r.Millis = time.Since(start).Milliseconds() }()
	body, err := samples.Body(trigger, appID, projectID, time.Now())
	if err != nil {
		r.Error = err.Error()
		return r
	}
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		r.Error = err.Error()
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		hmac.SignRequest(req, secret, body, time.Now())
		r.Signed = true
	}
	resp, err := hc.Do(req)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	r.StatusCode = resp.StatusCode
	return r
}
