// Package specs embeds this SDK's OpenAPI documents (conversation.yaml, templates.yaml and
// batch.yaml) and loads them with kin-openapi, so that validators in the emulator, the contract
// tests and user tests work from any directory without reading files at run time.
package specs

import (
	"context"
	"embed"
	"fmt"
	"net/url"
	"path"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed *.yaml
var files embed.FS

// The names of the embedded documents.
const (
	Conversation = "conversation.yaml"
	Templates    = "templates.yaml"
	Batch        = "batch.yaml"
)

// Names lists the embedded documents in a stable order.
var Names = []string{Conversation, Templates, Batch}

// Raw returns the bytes of one embedded document.
func Raw(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("specs: no embedded document %q", name)
	}
	return b, nil
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*openapi3.T{}
)

// Load parses and validates one embedded document, resolving its relative $refs (for example
// templates.yaml's references into conversation.yaml) from the embedded files. The result is
// cached and shared: callers must treat it as read-only.
func Load(name string) (*openapi3.T, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if doc, ok := cache[name]; ok {
		return doc, nil
	}
	doc, err := load(name)
	if err != nil {
		return nil, err
	}
	cache[name] = doc
	return doc, nil
}

// LoadCopy parses and validates one embedded document like Load, but returns a new copy on
// every call, which the caller owns and may change (for example to prepare it for a validator).
func LoadCopy(name string) (*openapi3.T, error) {
	return load(name)
}

func load(name string) (*openapi3.T, error) {
	raw, err := Raw(name)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if u.Scheme != "" || u.Host != "" {
			return nil, fmt.Errorf("specs: only references to embedded documents are allowed, not %q", u.String())
		}
		return files.ReadFile(path.Clean(u.Path))
	}
	doc, err := loader.LoadFromDataWithPath(raw, &url.URL{Path: name})
	if err != nil {
		return nil, fmt.Errorf("specs: load %s: %w", name, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("specs: %s is not a valid OpenAPI document: %w", name, err)
	}
	return doc, nil
}
