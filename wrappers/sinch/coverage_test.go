package sinch

import (
	"reflect"
	"strings"
	"testing"

	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/gen/templates"
)

// TestEveryOperationIsWrapped fails when the generated clients gain an operation that no service
// method wraps (run the wrapper script again after regenerating gen/).
func TestEveryOperationIsWrapped(t *testing.T) {
	cases := []struct {
		gen reflect.Type
		svc reflect.Type
	}{
		{reflect.TypeFor[*conversation.ClientWithResponses](), reflect.TypeFor[*ConversationService]()},
		{reflect.TypeFor[*templates.ClientWithResponses](), reflect.TypeFor[*TemplatesService]()},
		{reflect.TypeFor[*batch.ClientWithResponses](), reflect.TypeFor[*BatchService]()},
	}
	for _, c := range cases {
		n := 0
		for i := 0; i < c.gen.NumMethod(); i++ {
			name := c.gen.Method(i).Name
			if !strings.HasSuffix(name, "WithResponse") || strings.HasSuffix(name, "WithBodyWithResponse") {
				continue
			}
			n++
			op := strings.TrimSuffix(name, "WithResponse")
			if _, ok := c.svc.MethodByName(op); !ok {
				t.Errorf("%s has no method %s", c.svc, op)
			}
		}
		if n == 0 {
			t.Errorf("%s: no operations found", c.gen)
		}
		t.Logf("%s: %d operations wrapped", c.svc.Elem().Name(), n)
	}
}
