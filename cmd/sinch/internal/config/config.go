// Package config resolves the sinch CLI's settings from flags and the environment: the same
// SINCH_* variables the Sinch sample scripts read, with flags taking precedence.
package config

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// Setting describes one value the CLI can read from a flag or an environment variable.
type Setting struct {
	Flag  string // flag name without dashes
	Env   string // environment variable
	Usage string // flag help
	// Secret settings are never echoed, neither in --verbose output nor in errors.
	Secret bool
}

// The settings every command understands.
var (
	ProjectID       = Setting{Flag: "project-id", Env: "SINCH_PROJECT_ID", Usage: "Sinch project id"}
	KeyID           = Setting{Flag: "key-id", Env: "SINCH_KEY_ID", Usage: "access key id"}
	KeySecret       = Setting{Flag: "key-secret", Env: "SINCH_KEY_SECRET", Usage: "access key secret", Secret: true}
	AppID           = Setting{Flag: "app-id", Env: "SINCH_APP_ID", Usage: "Conversation API app id"}
	Region          = Setting{Flag: "region", Env: "SINCH_REGION", Usage: "API region: us, eu or br (default us)"}
	SMSSender       = Setting{Flag: "sender", Env: "SINCH_SMS_SENDER_ID", Usage: "SMS sender (number or alphanumeric id)"}
	ConversationURL = Setting{Flag: "conversation-url", Env: "SINCH_CONVERSATION_URL", Usage: "override the Conversation API base URL"}
	TemplateURL     = Setting{Flag: "template-url", Env: "SINCH_TEMPLATE_URL", Usage: "override the Template Management API base URL"}
	BatchURL        = Setting{Flag: "batch-url", Env: "SINCH_BATCH_URL", Usage: "override the Batch API base URL"}
	AuthURL         = Setting{Flag: "auth-url", Env: "SINCH_AUTH_URL", Usage: "override the OAuth2 token URL"}
)

// Global lists the settings registered on the root command as persistent flags. The SMS sender
// is registered by the commands that send SMS, as the sample scripts do.
var Global = []Setting{ProjectID, KeyID, KeySecret, AppID, Region, ConversationURL, TemplateURL, BatchURL, AuthURL}

// DefaultRegion is the region the CLI uses when neither --region nor SINCH_REGION is set, as the
// Sinch sample scripts do. The library itself never defaults a region; --verbose says which one
// the CLI chose.
const DefaultRegion = "us"

// Resolver reads settings from a flag set first, then from the environment.
type Resolver struct {
	Flags  *pflag.FlagSet
	Getenv func(string) string
}

// Lookup returns a setting's value and where it came from ("--flag", "$ENV" or "").
func (r Resolver) Lookup(s Setting) (value, source string) {
	if r.Flags != nil {
		if f := r.Flags.Lookup(s.Flag); f != nil && f.Changed {
			return strings.TrimSpace(f.Value.String()), "--" + s.Flag
		}
	}
	if r.Getenv != nil {
		if v := strings.TrimSpace(r.Getenv(s.Env)); v != "" {
			return v, "$" + s.Env
		}
	}
	return "", ""
}

// Get returns a setting's value or "".
func (r Resolver) Get(s Setting) string {
	v, _ := r.Lookup(s)
	return v
}

// Require returns a setting's value, or an error naming both the variable and the flag.
func (r Resolver) Require(s Setting) (string, error) {
	if v := r.Get(s); v != "" {
		return v, nil
	}
	return "", &MissingError{Settings: []Setting{s}}
}

// MissingError reports the required settings that neither a flag nor the environment
// provides, all of them at once.
type MissingError struct{ Settings []Setting }

func (e *MissingError) Error() string {
	if len(e.Settings) == 1 {
		s := e.Settings[0]
		return fmt.Sprintf("missing %s: set %s or pass --%s", strings.TrimPrefix(s.Usage, "override the "), s.Env, s.Flag)
	}
	var envs, flags []string
	for _, s := range e.Settings {
		envs = append(envs, s.Env)
		flags = append(flags, "--"+s.Flag)
	}
	return fmt.Sprintf("missing %s: set them or pass %s", strings.Join(envs, ", "), strings.Join(flags, ", "))
}

// RequireAll returns the values of the settings in order, or one MissingError that names
// every setting without a value.
func (r Resolver) RequireAll(settings ...Setting) ([]string, error) {
	vals := make([]string, len(settings))
	var missing []Setting
	for i, s := range settings {
		if vals[i] = r.Get(s); vals[i] == "" {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return vals, &MissingError{Settings: missing}
	}
	return vals, nil
}

// Register adds the settings as flags on fs (persistent flags of the root command, typically).
func Register(fs *pflag.FlagSet, settings ...Setting) {
	for _, s := range settings {
		if fs.Lookup(s.Flag) != nil {
			continue
		}
		fs.String(s.Flag, "", s.Usage+" (env "+s.Env+")")
	}
}
