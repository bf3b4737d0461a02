package commands

import (
	"context"
	"fmt"
	"github.com/relaykit/sinch-go/gen/conversation"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// settings are the resolved connection settings of one command.
type settings struct {
	projectID, keyID, keySecret, appID string
	region                             sinch.Region
	conversationURL, templateURL       string
	batchURL, authURL                  string
}

// resolveSettings reads the connection settings from flags and the environment. The project id
// and the access key are required; the region defaults to us, as the Sinch sample scripts do.
func (a *app) resolveSettings(cmd *cobra.Command) (settings, error) {
	r := a.resolver(cmd)
	var s settings
	required := []config.Setting{config.ProjectID, config.KeyID, config.KeySecret}
	if needsApp(cmd) {
		required = append(required, config.AppID)
	}
	// Every missing variable at once, so that a new user fixes the environment in one go.
	vals, err := r.RequireAll(required...)
	if err != nil {
		return s, err
	}
	s.projectID, s.keyID, s.keySecret = vals[0], vals[1], vals[2]
	s.appID = r.Get(config.AppID)
	region, from := r.Lookup(config.Region)
	if region == "" {
		region, from = config.DefaultRegion, "the default"
	}
	s.region, err = sinch.ParseRegion(region)
	if err != nil {
		return s, usagef("unknown region %q (from %s): use us, eu or br", region, from)
	}
	a.verbosef("region %s (from %s)", s.region, from)
	s.conversationURL = r.Get(config.ConversationURL)
	s.templateURL = r.Get(config.TemplateURL)
	s.batchURL = r.Get(config.BatchURL)
	s.authURL = tokenURL(r.Get(config.AuthURL))
	_, keyFrom := r.Lookup(config.KeyID)
	a.verbosef("project %s, access key %s (from %s)", s.projectID, s.keyID, keyFrom)
	return s, nil
}

// tokenURL accepts either the token endpoint or the base URL of the auth service (as `sinch
// emulator` prints it) and returns the token endpoint.
func tokenURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || strings.Trim(u.Path, "/") != "" {
		return s
	}
	return strings.TrimRight(s, "/") + "/oauth2/token"
}

// sinchClient is a built client with the settings it was built from.
type sinchClient struct {
	c *sinch.Client
	s settings
}

// client builds the SDK client for cmd from its settings, once per run (a command that makes
// several calls shares one client, and so one OAuth2 token).
func (a *app) client(cmd *cobra.Command) (*sinch.Client, settings, error) {
	if a.cached != nil {
		return a.cached.c, a.cached.s, nil
	}
	c, s, err := a.newClient(cmd)
	if err == nil {
		a.cached = &sinchClient{c, s}
	}
	return c, s, err
}

func (a *app) newClient(cmd *cobra.Command) (*sinch.Client, settings, error) {
	s, err := a.resolveSettings(cmd)
	if err != nil {
		return nil, s, err
	}
	opts := []sinch.Option{
		sinch.WithProjectID(s.projectID),
		sinch.WithRegion(s.region),
		sinch.WithOAuth2(s.keyID, s.keySecret),
		sinch.WithLogger(a.logger()),
		sinch.WithUserAgent("sinch-cli"),
		sinch.WithMaxRetries(a.maxRetries),
	}
	if s.appID != "" {
		opts = append(opts, sinch.WithAppID(s.appID))
	}
	for _, o := range []struct {
		v   string
		opt func(string) sinch.Option
	}{
		{s.conversationURL, sinch.WithConversationURL},
		{s.templateURL, sinch.WithTemplateURL},
		{s.batchURL, sinch.WithBatchURL},
		{s.authURL, sinch.WithAuthURL},
	} {
		if o.v != "" {
			opts = append(opts, o.opt(o.v))
		}
	}
	c, err := sinch.NewClient(opts...)
	if err != nil {
		return nil, s, err
	}
	a.verbosef("Conversation API %s, Template API %s, Batch API %s", c.ConversationURL(), c.TemplateURL(), c.BatchURL())
	return c, s, nil
}

// runCall returns the RunE of a command that makes one API call: it builds the client, makes call
// with the command's context, and prints the result as JSON with --json or with human otherwise.
// A command that checks its flags first does so and then returns runCall(...)(cmd, args).
func runCall[T any](a *app, call func(ctx context.Context, c *sinch.Client, s settings) (T, error), human func(T)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		c, s, err := a.client(cmd)
		if err != nil {
			return err
		}
		v, err := call(cmd.Context(), c, s)
		if err != nil {
			return err
		}
		return a.emit(v, func() { human(v) })
	}
}

// appClient is a.client for commands that act on an app: it also returns the app id from
// --app-id or SINCH_APP_ID, or the error that names both.
func (a *app) appClient(cmd *cobra.Command) (*sinch.Client, string, error) {
	c, s, err := a.client(cmd)
	if err != nil {
		return nil, "", err
	}
	appID, err := requireAppID(s)
	if err != nil {
		return nil, "", err
	}
	return c, appID, nil
}

// requireAppID returns the app id from --app-id or SINCH_APP_ID.
func requireAppID(s settings) (string, error) {
	if s.appID == "" {
		return "", &config.MissingError{Settings: []config.Setting{config.AppID}}
	}
	return s.appID, nil
}

// annNeedsApp marks a command that acts on an app: its missing app id is reported together
// with the other missing settings.
const annNeedsApp = "sinch/needs-app"

// needingApp marks cmd as acting on an app and returns it.
func needingApp(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annNeedsApp] = "true"
	return cmd
}

func needsApp(cmd *cobra.Command) bool { return cmd.Annotations[annNeedsApp] == "true" }

// verbosef writes a line to stderr when --verbose is set.
func (a *app) verbosef(format string, args ...any) {
	if a.verbose {
		fmt.Fprintf(a.env.Stderr, "sinch: "+format+"\n", args...)
	}
}

// emptyAnswer turns the error of an SDK call that answers nothing (a delete, a cancel) into the
// {} runCall prints.
func emptyAnswer(err error) (*conversation.Empty, error) {
	if err != nil {
		return nil, err
	}
	return &conversation.Empty{}, nil
}
