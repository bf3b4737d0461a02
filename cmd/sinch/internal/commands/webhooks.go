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
			return nil, usagef("unknown trigger %q (the list: sinch webhooks create --help); for example --triggers MESSAGE_DELIVERY,MESSAGE_INBOUND", s)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// maxTargetLen is the longest webhook target the API accepts
// (https://developers.sinch.com/docs/conversation/api-reference/conversation/tag/Webhooks/ —
// target: at most 742 characters).
const maxTargetLen = 742

// checkURL refuses what is not an absolute http(s) URL (the API requires https for webhook
// targets; http is accepted here for the local emulator and listeners).
func checkURL(flag, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--%s %q is not an absolute http(s) URL; for example --%s https://example.com/sinch", flag, s, flag)
	}
	return nil
}

func checkTarget(s string) error {
	if err := checkURL("target", s); err != nil {
		return err
	}
	if len(s) > maxTargetLen {
		return usagef("--target is %d characters long; the API accepts at most %d", len(s), maxTargetLen)
	}
	return nil
}

// oauthFlags are a webhook's OAuth2 client-credentials flags (create and update).
type oauthFlags struct{ id, secret, endpoint string }

func (o *oauthFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.id, "oauth-client-id", "", "OAuth2 client id Sinch uses to fetch a token before posting callbacks")
	cmd.Flags().StringVar(&o.secret, "oauth-client-secret", "", "OAuth2 client secret")
	cmd.Flags().StringVar(&o.endpoint, "oauth-endpoint", "", "OAuth2 token endpoint (an https URL)")
}

// credentials returns the client credentials, nil when no flag is given, or an error when only
// some are given.
func (o *oauthFlags) credentials() (*conversation.ClientCredentials, error) {
	if o.id == "" && o.secret == "" && o.endpoint == "" {
		return nil, nil
	}
	if o.id == "" || o.secret == "" || o.endpoint == "" {
		return nil, usagef("--oauth-client-id, --oauth-client-secret and --oauth-endpoint go together; for example --oauth-client-id id --oauth-client-secret s --oauth-endpoint https://auth.example.com/token")
	}
	if err := checkURL("oauth-endpoint", o.endpoint); err != nil {
		return nil, err
	}
	return &conversation.ClientCredentials{ClientID: o.id, ClientSecret: o.secret, Endpoint: o.endpoint}, nil
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

	var target, secret string
	var oauth oauthFlags
	var triggers []string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a webhook on an app",
		Long: "Create a webhook: Sinch posts the callbacks of --triggers to --target (https, at most 742 characters),\n" +
			"signed with --secret, and with an OAuth2 token when the --oauth-* flags are given. The triggers:\n  " +
			strings.Join(samples.Triggers(), ", "),
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
			creds, err := oauth.credentials()
			if err != nil {
				return err
			}
			if creds != nil {
				req.ClientCredentials = *creds
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, s settings) (*conversation.Webhook, error) {
				var err error
				if req.AppID, err = requireAppID(s); err != nil {
					return nil, err
				}
				return c.Conversation.Webhooks.Create(ctx, req)
			}, func(w *conversation.Webhook) { a.printf("created webhook %s\n", str(w.ID)); a.printWebhook(w) })(cmd, nil)
		},
	}
	create.Flags().StringVar(&target, "target", "", "URL the callbacks are posted to")
	create.Flags().StringSliceVar(&triggers, "triggers", nil, "triggers to subscribe to, comma-separated")
	create.Flags().StringVar(&secret, "secret", "", "secret the callbacks are signed with (HMAC-SHA256)")
	oauth.register(create)
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
			return c.Conversation.Webhooks.List(ctx, appID)
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
			return c.Conversation.Webhooks.Get(ctx, id)
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
			creds, err := oauth.credentials()
			if err != nil {
				return err
			}
			if creds != nil && clearOAuth {
				return usagef("give the --oauth-* flags or --clear-oauth, not both")
			}
			if fs.Changed("target") {
				if err := checkTarget(target); err != nil {
					return err
				}
			}
			var trs []conversation.WebhookTrigger
			if fs.Changed("triggers") {
				if trs, err = parseTriggers(triggers); err != nil {
					return err
				}
				if len(trs) == 0 {
					return usagef("--triggers needs at least one trigger; for example --triggers MESSAGE_DELIVERY")
				}
			}
			var mask []string
			c, _, err := a.client(cmd)
			if err != nil {
				return err
			}
			cur, err := c.Conversation.Webhooks.Get(cmd.Context(), id)
			if err != nil {
				return err
			}
			req := conversation.UpdateWebhookRequest{Target: cur.Target}
			if fs.Changed("target") {
				req.Target = target
				mask = append(mask, "target")
			}
			if fs.Changed("triggers") {
				req.Triggers = trs
				mask = append(mask, "triggers")
			}
			if fs.Changed("secret") || clearSecret {
				req.Secret = ptr(secret)
				if clearSecret {
					req.Secret = ptr("")
				}
				mask = append(mask, "secret")
			}
			if clearOAuth || creds != nil {
				req.ClientCredentials = creds
				mask = append(mask, "client_credentials")
			}
			if len(mask) == 0 {
				return usagef("nothing to change: give --target, --triggers, --secret, --clear-secret, --oauth-client-id/--oauth-client-secret/--oauth-endpoint or --clear-oauth")
			}
			w, err := c.Conversation.Webhooks.Update(cmd.Context(), id, conversation.UpdateWebhookParams{UpdateMask: mask}, req)
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
	oauth.register(update)

	var yes bool
	del := &cobra.Command{
		Use: "delete", Short: "Delete a webhook", Args: cobra.NoArgs,
		Example: "  sinch webhooks delete --webhook-id 01W4FFL35P4NC4K35WEBHOOK01 --confirm",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.confirm(yes, "delete webhook "+id+"?"); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
				return emptyAnswer(c.Conversation.Webhooks.Delete(ctx, id))
			}, func(*conversation.Empty) { a.printf("deleted webhook %s\n", id) })(cmd, nil)
		},
	}
	idFlag(del)
	confirmFlag(del, &yes)

	wh.AddCommand(needingApp(create), needingApp(list), get, update, del, a.testTriggersCommand())
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
	var id, testURL, secret, trigger string
	var triggers []string
	var noSignature bool
	cmd := &cobra.Command{
		Use:   "test-triggers",
		Short: "Post signed sample callbacks to a test URL (a webhook's triggers, or one trigger)",
		Long: `test-triggers posts sample callbacks to --test-url, signed exactly as Sinch signs callbacks, and
reports what the URL answered. It fails when any answer is not 2xx. Two modes, as the sample
scripts have:

  --webhook-id ID --test-url URL [--triggers T1,T2]
      reads the webhook and posts one sample of each of its triggers (or of --triggers),
      signed with its secret (or --webhook-secret);
  --trigger T --test-url URL [--webhook-secret S]
      needs no webhook and no credentials: posts one sample of T, signed with S (or
      $` + webhookSecretEnv + `), unsigned without a secret.

--no-signature sends the samples without the signature headers, to check that your handler
refuses them.`,
		Example: `  sinch listen --secret s3cret --addr 127.0.0.1:8080 &
  sinch webhooks test-triggers --webhook-id 01W4FFL35P4NC4K35WEBHOOK01 --test-url http://127.0.0.1:8080/
  sinch webhooks test-triggers --trigger MESSAGE_INBOUND --test-url http://127.0.0.1:8080/ --webhook-secret s3cret
  sinch webhooks test-triggers --trigger MESSAGE_DELIVERY --test-url http://127.0.0.1:8080/ --no-signature`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkURL("test-url", testURL); err != nil {
				return err
			}
			if trigger != "" {
				triggers = append(triggers, trigger)
			}
			want, err := parseTriggers(triggers)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("secret") && cmd.Flags().Changed("webhook-secret") {
				return usagef("give --webhook-secret or --secret (its other name), not both")
			}
			if noSignature && secret != "" {
				return usagef("give --webhook-secret or --no-signature, not both")
			}
			var trs []conversation.WebhookTrigger
			appID, projectID := a.env.Getenv("SINCH_APP_ID"), a.env.Getenv("SINCH_PROJECT_ID")
			switch {
			case id != "":
				// Mode 1: the webhook's triggers and secret.
				c, s, err := a.client(cmd)
				if err != nil {
					return err
				}
				w, err := c.Conversation.Webhooks.Get(cmd.Context(), id)
				if err != nil {
					return err
				}
				trs = w.Triggers
				for _, t := range want {
					if !slices.Contains(w.Triggers, t) {
						return usagef("the webhook is not subscribed to %s (its triggers: %s)", t, triggerNames(w.Triggers))
					}
				}
				if len(want) > 0 {
					trs = want
				}
				if secret == "" {
					secret = w.Secret
				}
				appID, projectID = str(w.AppID), s.projectID
			case len(want) == 0:
				return usagef("give --webhook-id ID (the webhook's triggers) or --trigger T (one trigger, no credentials needed); for example --trigger MESSAGE_INBOUND --test-url http://127.0.0.1:8080/")
			default:
				// Mode 2: no webhook, no credentials.
				trs = want
				if secret == "" {
					secret = a.env.Getenv(webhookSecretEnv)
				}
			}
			if noSignature {
				secret = ""
			} else if secret == "" {
				a.errorf("no webhook secret: the samples go unsigned (give --webhook-secret, or --no-signature to say so)")
			}
			if appID == "" {
				appID = sampleAppID
			}
			if projectID == "" {
				projectID = sampleProjectID
			}
			hc := &http.Client{Timeout: 10 * time.Second}
			var results []triggerResult
			failed := 0
			for _, t := range trs {
				r := a.postSample(cmd, hc, testURL, string(t), appID, projectID, secret)
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
					signed := "signed"
					if !r.Signed {
						signed = "unsigned"
					}
					a.printf("%s (%s, %d ms)\n", line, signed, r.Millis)
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
	fs := cmd.Flags()
	fs.StringVar(&id, "webhook-id", "", "mode 1: the webhook whose triggers are tested (needs credentials)")
	fs.StringVar(&trigger, "trigger", "", "mode 2: the one trigger to post a sample of (no webhook, no credentials)")
	fs.StringVar(&testURL, "test-url", "", "URL to post the samples to (your handler, or sinch listen)")
	fs.StringSliceVar(&triggers, "triggers", nil, "mode 1: only these of the webhook's triggers")
	fs.StringVar(&secret, "webhook-secret", "", "sign with this secret (mode 1: instead of the webhook's; mode 2: default $"+webhookSecretEnv+")")
	fs.StringVar(&secret, "secret", "", "the same as --webhook-secret")
	fs.BoolVar(&noSignature, "no-signature", false, "send the samples without the signature headers")
	_ = cmd.MarkFlagRequired("test-url")
	return cmd
}

// The app and project ids of mode 2's samples when the environment names none.
const (
	sampleAppID     = "01W4FFL35P4NC4K35SAMPLEAPP"
	sampleProjectID = "00000000-0000-0000-0000-000000000000"
)

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
