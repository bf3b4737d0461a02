package sinch

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeImports are the packages README snippets may use; each is kept in use by a blank
// declaration, so a snippet need not use them all.
var readmeImports = map[string]string{
	"context":       "context.Background",
	"encoding/json": "json.Marshal",
	"errors":        "errors.New",
	"fmt":           "fmt.Sprint",
	"log":           "log.Println",
	"net/http":      "http.NewServeMux",
	"os":            "os.Getenv",
	"testing":       "testing.Short",
	"time":          "time.Now",
	"github.com/relaykit/sinch-go/wrappers/sinch": "sinch.NewClient",
	"github.com/relaykit/sinch-go/emulator":       "emulator.Start",
	"github.com/relaykit/sinch-go/hmac/webhook":   "webhook.New",
}

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// TestReadmeSnippetsCompile extracts every Go snippet of README.md and type-checks it: the
// snippets that declare functions as they are, the others in order as the body of one function
// (a reader follows them top to bottom) with ctx, contactID and appID in scope.
func TestReadmeSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a package with the go command")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("README.md has %d Go snippets; expected the everyday tasks", len(blocks))
	}
	var top, body strings.Builder
	for _, b := range blocks {
		if strings.HasPrefix(b[1], "func ") {
			top.WriteString(b[1] + "\n")
		} else {
			body.WriteString(b[1] + "\n")
		}
	}
	var src strings.Builder
	src.WriteString("// Code assembled by TestReadmeSnippetsCompile from README.md.\n\npackage readme\n\nimport (\n")
	for imp := range readmeImports {
		src.WriteString("\t\"" + imp + "\"\n")
	}
	src.WriteString(")\n\n")
	for _, use := range readmeImports {
		src.WriteString("var _ = " + use + "\n")
	}
	src.WriteString("\n" + top.String() + "\nfunc readme(ctx context.Context, contactID, appID string) {\n" + body.String() + "}\n")

	dir, err := os.MkdirTemp(".", "_readme_snippets_")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "readme.go"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "vet", "./"+filepath.Base(dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("README snippets do not compile:\n%s\n--- assembled source ---\n%s", out, numbered(src.String()))
	}
}

func numbered(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.Repeat(" ", 4-len(itoa(i+1))) + itoa(i+1) + "  " + lines[i]
	}
	return strings.Join(lines, "\n")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
