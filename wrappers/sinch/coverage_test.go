package sinch

import (
	"reflect"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/specs"
)

// TestEveryOperationIsReachable walks every operation of the three specs and checks that the
// client has the method its x-sdk-method names (Client.<API>.<Service>.<Method>, with Page for a
// paginated list): it fails when a spec gains an operation and `go generate ./...` was not run.
func TestEveryOperationIsReachable(t *testing.T) {
	c, err := NewClient(WithProjectID("p"), WithRegion(RegionEU), WithBearerToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range specs.Names {
		doc, err := specs.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := doc.Extensions["x-sdk-api"].(map[string]any)
		apiField, _ := info["field"].(string)
		n := 0
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				n++
				ext, _ := op.Extensions["x-sdk-method"].(string)
				recv := reflect.ValueOf(c).Elem().FieldByName(apiField)
				if !recv.IsValid() {
					t.Fatalf("%s: Client has no field %s", name, apiField)
				}
				parts := strings.Split(ext, ".")
				for _, svc := range parts[:len(parts)-1] {
					recv = recv.Elem().FieldByName(svc)
					if !recv.IsValid() {
						t.Errorf("%s %s (%s): %s has no service %s", method, path, op.OperationID, apiField, svc)
						break
					}
				}
				if !recv.IsValid() {
					continue
				}
				m := parts[len(parts)-1]
				if recv.MethodByName(m).IsValid() || recv.MethodByName(m+"Page").IsValid() {
					continue
				}
				t.Errorf("%s %s (%s): Client.%s.%s has no method", method, path, op.OperationID, apiField, ext)
			}
		}
		if n == 0 {
			t.Errorf("%s: no operations", name)
		}
		t.Logf("%s: %d operations reachable", name, n)
	}
}
