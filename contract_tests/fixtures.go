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
	files, err := jsonFiles(dir, "contract fixtures")
	if err != nil {
		return nil, err
	}
	out := make([]Fixture, 0, len(files))
	for _, file := range files {
		f := Fixture{File: file.name}
		dec := json.NewDecoder(bytes.NewReader(file.raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s/%s: not a fixture: %w", dir, file.name, err)
		}
		if f.Method == "" || f.Path == "" {
			return nil, fmt.Errorf("%s/%s: method and path are required", dir, file.name)
		}
		if f.Status == 0 {
			f.Status = http.StatusOK
		}
		out = append(out, f)
	}
	return out, nil
}

// jsonFile is one .json file of the embedded corpus: its name and its bytes.
type jsonFile struct {
	name string
	raw  []byte
}

// jsonFiles reads the .json files of dir in the embedded corpus, sorted by name. Finding none
// is an error, since the corpus is part of this repository; what names the corpus in errors.
func jsonFiles(dir, what string) ([]jsonFile, error) {
	entries, err := testdata.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, dir, err)
	}
	var out []jsonFile
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		raw, err := testdata.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, jsonFile{name: e.Name(), raw: raw})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s %s: none found", what, dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
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
	files, err := jsonFiles(path.Join("testdata", api, "callbacks"), "callback fixtures")
	if err != nil {
		return nil, err
	}
	out := make([]CallbackFixture, 0, len(files))
	for _, f := range files {
		trigger, _, _ := strings.Cut(f.name, ".")
		out = append(out, CallbackFixture{File: f.name, Trigger: trigger, Body: f.raw})
	}
	return out, nil
}
