package sinch

import (
	"strings"
	"testing"
)

func TestRegionsAndOverrides(t *testing.T) {
	creds := WithBearerToken("t")
	tests := []struct {
		name                       string
		opts                       []Option
		conversation, tmpl, batchU string
	}{
		{"us", []Option{WithRegion(RegionUS)}, "https://us.conversation.api.sinch.com", "https://us.template.api.sinch.com", "https://us.conversationbatch.api.sinch.com"},
		{"eu", []Option{WithRegion(RegionEU)}, "https://eu.conversation.api.sinch.com", "https://eu.template.api.sinch.com", "https://eu.conversationbatch.api.sinch.com"},
		{"br", []Option{WithRegion(RegionBR)}, "https://br.conversation.api.sinch.com", "https://br.template.api.sinch.com", "https://br.conversationbatch.api.sinch.com"},
		{"one override", []Option{WithRegion(RegionEU), WithConversationURL("http://localhost:8080/")},
			"http://localhost:8080", "https://eu.template.api.sinch.com", "https://eu.conversationbatch.api.sinch.com"},
		{"all overridden, no region", []Option{WithConversationURL("http://emu:1"), WithTemplateURL("http://emu:2"), WithBatchURL("http://emu:3")},
			"http://emu:1", "http://emu:2", "http://emu:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(append([]Option{WithProjectID("p"), creds}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if c.ConversationURL() != tt.conversation || c.TemplateURL() != tt.tmpl || c.BatchURL() != tt.batchU {
				t.Fatalf("URLs %s %s %s", c.ConversationURL(), c.TemplateURL(), c.BatchURL())
			}
		})
	}
}

func TestParseRegion(t *testing.T) {
	for in, want := range map[string]Region{"us": RegionUS, "EU": RegionEU, " br ": RegionBR} {
		if got, err := ParseRegion(in); err != nil || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "usa", "ap", "eu1"} {
		if _, err := ParseRegion(in); err == nil {
			t.Errorf("ParseRegion(%q) accepted", in)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"no region", []Option{WithProjectID("p"), WithBearerToken("t")}, "a region is required"},
		{"unknown region", []Option{WithProjectID("p"), WithBearerToken("t"), WithRegion("ap")}, `unknown region "ap"`},
		{"partial override, no region", []Option{WithProjectID("p"), WithBearerToken("t"), WithConversationURL("http://emu")}, "region is required for the Template API"},
		{"no project", []Option{WithRegion(RegionUS), WithBearerToken("t")}, "project id is required"},
		{"no credentials", []Option{WithProjectID("p"), WithRegion(RegionUS)}, "credentials are required"},
		{"empty secret", []Option{WithProjectID("p"), WithRegion(RegionUS), WithOAuth2("id", "")}, "must both be non-empty"},
		{"empty bearer", []Option{WithProjectID("p"), WithRegion(RegionUS), WithBearerToken("")}, "bearer token is empty"},
		{"relative URL", []Option{WithProjectID("p"), WithRegion(RegionUS), WithBearerToken("t"), WithBatchURL("/x")}, "not an absolute http(s) URL"},
		{"URL with user", []Option{WithProjectID("p"), WithRegion(RegionUS), WithBearerToken("t"), WithBatchURL("https://u:pw@h")}, "user information"},
		{"non-http URL with user", []Option{WithProjectID("p"), WithRegion(RegionUS), WithBearerToken("t"), WithBatchURL("ftp://u:pw@h")}, "not an absolute http(s) URL"},
		{"unparsable URL with user", []Option{WithProjectID("p"), WithRegion(RegionUS), WithBearerToken("t"), WithBatchURL("https://u:pw@h/%zz")}, "Batch URL: the value is not a URL"},
		{"bad auth URL", []Option{WithProjectID("p"), WithRegion(RegionUS), WithOAuth2("a", "b"), WithAuthURL("ftp://x")}, "auth URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "pw") {
				t.Fatalf("error leaks URL password: %v", err)
			}
		})
	}
}

func TestEnvConfig(t *testing.T) {
	set := func(t *testing.T, kv map[string]string) {
		for _, k := range []string{EnvProjectID, EnvKeyID, EnvKeySecret, EnvAppID, EnvRegion, EnvSMSSenderID, EnvConversationURL, EnvTemplateURL, EnvBatchURL, EnvAuthURL} {
			t.Setenv(k, kv[k])
		}
	}
	t.Run("all variables", func(t *testing.T) {
		set(t, map[string]string{EnvProjectID: "p-env", EnvKeyID: "id", EnvKeySecret: "secret", EnvAppID: "app-env",
			EnvRegion: "EU", EnvSMSSenderID: "+15550001111", EnvConversationURL: "http://emu:9000", EnvAuthURL: "http://emu:9000/oauth2/token"})
		c, err := NewClientFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		if c.ProjectID() != "p-env" || c.Region() != RegionEU || c.AppID() != "app-env" || c.SMSSender() != "+15550001111" ||
			c.ConversationURL() != "http://emu:9000" || c.TemplateURL() != "https://eu.template.api.sinch.com" || c.cfg.auth != authOAuth2 ||
			c.cfg.authURL != "http://emu:9000/oauth2/token" {
			t.Fatalf("config %+v", c.cfg)
		}
	})
	t.Run("options override env", func(t *testing.T) {
		set(t, map[string]string{EnvProjectID: "p-env", EnvKeyID: "id", EnvKeySecret: "secret", EnvRegion: "eu", EnvAppID: "app-env"})
		c, err := NewClientFromEnv(WithProjectID("p-opt"), WithRegion(RegionBR), WithAppID("app-opt"), WithBearerToken("tok"))
		if err != nil {
			t.Fatal(err)
		}
		if c.ProjectID() != "p-opt" || c.Region() != RegionBR || c.AppID() != "app-opt" || c.cfg.auth != authBearer {
			t.Fatalf("config %+v", c.cfg)
		}
	})
	t.Run("unknown region", func(t *testing.T) {
		set(t, map[string]string{EnvProjectID: "p", EnvKeyID: "id", EnvKeySecret: "s", EnvRegion: "asia"})
		_, err := NewClientFromEnv()
		if err == nil || !strings.Contains(err.Error(), EnvRegion) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no region", func(t *testing.T) {
		set(t, map[string]string{EnvProjectID: "p", EnvKeyID: "id", EnvKeySecret: "s"})
		_, err := NewClientFromEnv()
		if err == nil || !strings.Contains(err.Error(), "region is required") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("key id without secret", func(t *testing.T) {
		set(t, map[string]string{EnvProjectID: "p", EnvKeyID: "id", EnvRegion: "us"})
		_, err := NewClientFromEnv()
		if err == nil || !strings.Contains(err.Error(), EnvKeySecret) {
			t.Fatalf("err = %v", err)
		}
	})
}
