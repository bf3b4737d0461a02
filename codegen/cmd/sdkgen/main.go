// Command sdkgen writes the hand-facing Go code that follows from the OpenAPI documents in specs/,
// from text/templates, reading the loaded specs (never another generator's output):
//
//   - wrappers/sinch/{conversation,templates,batch}_ops.go: one service type per resource and one
//     method per operation, grouped by each operation's x-sdk-method (Service.Method), plus an
//     iter.Seq2 iterator beside every list that pages with page_token;
//   - hmac/callback/events_gen.go: the typed callback event of every webhook trigger, and the
//     trigger table Parse uses, from the callback schemas' x-sdk-trigger.
//
// Adding an operation or a trigger is a spec edit plus `go generate ./...` (generate.go runs this
// command after oapi-codegen).
package main

import (
	"bytes"
	"embed"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"comment": comment,
	"ext":     func(imp string) bool { return strings.Contains(strings.Split(imp, "/")[0], ".") },
}).ParseFS(templateFiles, "templates/*.tmpl"))

func main() {
	root := flag.String("root", ".", "repository root to write into")
	flag.Parse()
	if err := run(*root); err != nil {
		log.Fatal("sdkgen: ", err)
	}
}

func run(root string) error {
	files, err := generateAll()
	if err != nil {
		return err
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(root, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generateAll returns every generated file's path (relative to the repository root) and content.
func generateAll() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, a := range apis {
		m, err := loadAPI(a)
		if err != nil {
			return nil, err
		}
		src, err := render("ops.go.tmpl", m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.spec, err)
		}
		out[filepath.Join("wrappers", "sinch", a.pkg+"_ops.go")] = src
	}
	ev, err := loadEvents()
	if err != nil {
		return nil, err
	}
	src, err := render("events.go.tmpl", ev)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	out[filepath.Join("hmac", "callback", "events_gen.go")] = src
	return out, nil
}

// render executes a template and gofmts the result.
func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format: %w\n%s", err, b.Bytes())
	}
	return src, nil
}
