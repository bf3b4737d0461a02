package contracttests

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
)

//go:embed testdata
var testdata embed.FS

// Fixture is one recorded HTTP exchange of the contract corpus (see testdata/README.md).
type Fixture struct {
	File     string          `json:"-"`      // file name, e.g. "sendMessage.card.json"
	Method   string          `json:"method"` // HTTP method
	Path     string          `json:"path"`   // request path, project id included
	Query    string          `json:"query"`  // raw query string, without '?'
	Request  json.RawMessage `json:"request"`
	Status   int             `json:"status"` // 200 when the file gives none
	Response json.RawMessage `json:"response"`
	Reject   string          `json:"reject"` // negative fixtures: "request" or "response"
	Why      string          `json:"why"`    // negative fixtures: why it must be rejected
}

// Fixtures returns the fixtures of one API ("conversation", "templates" or "batch") and kind
// ("ops" or "negative"), sorted by file name. Every file must decode strictly (no unknown
// keys) and name a method and a path; an empty folder is an error, since the corpus is part of
// this repository and finding nothing means a path is wrong.
func Fixtures(api, kind string) ([]Fixture, error) {
	dir := path.Join("testdata", api, kind)
	names, err := testdata.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("contract fixtures %s: %w", dir, err)
	}
	var out []Fixture
	for _, e := range names {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		raw, err := testdata.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		f := Fixture{File: e.Name()}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s/%s: not a fixture: %w", dir, e.Name(), err)
		}
		if f.Method == "" || f.Path == "" {
			return nil, fmt.Errorf("%s/%s: method and path are required", dir, e.Name())
		}
		if f.Status == 0 {
			f.Status = http.StatusOK
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("contract fixtures %s: none found", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

// CallbackFixture is one callback body of the corpus (testdata/<api>/callbacks), as Sinch posts
// it to a webhook.
type CallbackFixture struct {
	File    string // file name, e.g. "MESSAGE_INBOUND.media.json"
	Trigger string // the trigger the file is named for, e.g. "MESSAGE_INBOUND"
	Body    []byte // the raw body
}

// Callbacks returns the callback bodies of one API ("conversation" or "batch"), sorted by file
// name; an empty folder is an error.
func Callbacks(api string) ([]CallbackFixture, error) {
	dir := path.Join("testdata", api, "callbacks")
	names, err := testdata.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("callback fixtures %s: %w", dir, err)
	}
	var out []CallbackFixture
	for _, e := range names {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		raw, err := testdata.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		trigger, _, _ := strings.Cut(e.Name(), ".")
		out = append(out, CallbackFixture{File: e.Name(), Trigger: trigger, Body: raw})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("callback fixtures %s: none found", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}
