package sinch_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// Every Go snippet of the READMEs is complete: its imports, then declarations, so that a reader
// can paste it into a main.go. Each is compiled as package main (a snippet without func main
// gets an empty one), inside this module, without writing into the checkout (go build -overlay).
func TestReadmeSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every snippet with the go command")
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, readme := range []string{"README.md", "cmd/sinch/README.md", "wrappers/README.md"} {
		b, err := os.ReadFile(readme)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range goBlock.FindAllStringSubmatch(string(b), -1) {
			n++
			snippet := m[1]
			name := strings.NewReplacer("/", "_", ".", "_").Replace(readme) + "_" + string(rune('a'+i))
			t.Run(name, func(t *testing.T) {
				if !strings.HasPrefix(strings.TrimSpace(snippet), "import") && !strings.HasPrefix(strings.TrimSpace(snippet), "package") {
					t.Fatalf("%s snippet %d does not start with its imports:\n%s", readme, i+1, snippet)
				}
				src := snippet
				if !strings.HasPrefix(strings.TrimSpace(src), "package") {
					src = "package main\n\n" + src
				}
				if !strings.Contains(src, "func main()") {
					src += "\nfunc main() {}\n"
				}
				dir := t.TempDir()
				file := filepath.Join(dir, "main.go")
				if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
					t.Fatal(err)
				}
				target := filepath.Join(root, "_readme_snippets", name, "main.go")
				overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {target: file}})
				ovFile := filepath.Join(dir, "overlay.json")
				if err := os.WriteFile(ovFile, overlay, 0o600); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command("go", "build", "-o", os.DevNull, "-overlay", ovFile, "./_readme_snippets/"+name)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s snippet %d does not compile: %v\n%s\n%s", readme, i+1, err, out, src)
				}
			})
		}
	}
	if n < 4 {
		t.Errorf("found only %d Go snippets", n)
	}
}
