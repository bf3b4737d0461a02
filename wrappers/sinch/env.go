package sinch

import (
	"fmt"
	"os"
)

// The environment variables NewClientFromEnv reads.
const (
	EnvProjectID       = "SINCH_PROJECT_ID"
	EnvKeyID           = "SINCH_KEY_ID"
	EnvKeySecret       = "SINCH_KEY_SECRET"
	EnvAppID           = "SINCH_APP_ID"
	EnvRegion          = "SINCH_REGION"
	EnvSMSSenderID     = "SINCH_SMS_SENDER_ID"
	EnvConversationURL = "SINCH_CONVERSATION_URL"
	EnvTemplateURL     = "SINCH_TEMPLATE_URL"
	EnvBatchURL        = "SINCH_BATCH_URL"
	EnvAuthURL         = "SINCH_AUTH_URL"
)

// NewClientFromEnv builds a Client from the SINCH_* environment variables, then applies opts,
// which override them. SINCH_KEY_ID and SINCH_KEY_SECRET select OAuth2; SINCH_REGION must be
// us, eu or br when set. Unset variables are left alone, so required settings must come from
// one source or the other.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	env, err := envOptions(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	return NewClient(append(env, opts...)...)
}

func envOptions(lookup func(string) (string, bool)) ([]Option, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	var opts []Option
	if v := get(EnvProjectID); v != "" {
		opts = append(opts, WithProjectID(v))
	}
	if v := get(EnvRegion); v != "" {
		r, err := ParseRegion(v)
		if err != nil {
			return nil, fmt.Errorf("sinch: %s: %w", EnvRegion, err)
		}
		opts = append(opts, WithRegion(r))
	}
	id, secret := get(EnvKeyID), get(EnvKeySecret)
	switch {
	case id != "" && secret != "":
		opts = append(opts, WithOAuth2(id, secret))
	case id != "" || secret != "":
		return nil, fmt.Errorf("sinch: %s and %s must be set together", EnvKeyID, EnvKeySecret)
	}
	for _, kv := range []struct {
		key string
		opt func(string) Option
	}{
		{EnvAppID, WithAppID},
		{EnvSMSSenderID, WithSMSSender},
		{EnvConversationURL, WithConversationURL},
		{EnvTemplateURL, WithTemplateURL},
		{EnvBatchURL, WithBatchURL},
		{EnvAuthURL, WithAuthURL},
	} {
		if v := get(kv.key); v != "" {
			opts = append(opts, kv.opt(v))
		}
	}
	return opts, nil
}
