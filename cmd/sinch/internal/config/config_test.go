package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestResolverPrecedence(t *testing.T) {
	env := map[string]string{"SINCH_PROJECT_ID": "from-env", "SINCH_APP_ID": "  app-env  "}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	Register(fs, Global...)
	if err := fs.Parse([]string{"--project-id", "from-flag"}); err != nil {
		t.Fatal(err)
	}
	r := Resolver{Flags: fs, Getenv: func(k string) string { return env[k] }}
	cases := []struct {
		s          Setting
		want, from string
	}{
		{ProjectID, "from-flag", "--project-id"},
		{AppID, "app-env", "$SINCH_APP_ID"},
		{KeyID, "", ""},
	}
	for _, c := range cases {
		v, from := r.Lookup(c.s)
		if v != c.want || from != c.from {
			t.Errorf("%s: got %q from %q, want %q from %q", c.s.Flag, v, from, c.want, c.from)
		}
	}
}

func TestRequireNamesVariableAndFlag(t *testing.T) {
	r := Resolver{Getenv: func(string) string { return "" }}
	_, err := r.Require(KeyID)
	var missing *MissingError
	if !errors.As(err, &missing) {
		t.Fatalf("got %v, want *MissingError", err)
	}
	msg := err.Error()
	for _, want := range []string{"SINCH_KEY_ID", "--key-id"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not mention %s", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
}
