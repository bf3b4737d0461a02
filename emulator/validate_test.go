package emulator

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// The path parameters the validator passes without kin-openapi are those kin-openapi takes
// whatever their non-empty value: for every operation of the specs, every such parameter
// accepts odd values there too.
func TestPlainPathParamsAgreeWithKinOpenAPI(t *testing.T) {
	s, err := newServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checked := 0
	for _, ix := range []*specIndex{s.convIx, s.batchIx} {
		for key, route := range ix.routes {
			v := newRequestValidator(route, ix.checkers)
			for i, p := range v.params {
				if !v.plain[i] {
					continue
				}
				for _, val := range []string{"x", "01K9ZD6M1XG3P4T2W8Y6N5QJ7B", "+15551234567", "a b", "%", "ä∂", "-1", "true", "{}"} {
					params := map[string]string{}
					for _, q := range v.params {
						if q.In == "path" {
							params[q.Name] = "x"
						}
					}
					params[p.Name] = val
					in := &openapi3filter.RequestValidationInput{Request: httptest.NewRequest(route.Method, "/", nil), PathParams: params, Route: route, Options: validationOptions}
					if err := openapi3filter.ValidateParameter(context.Background(), in, p); err != nil {
						t.Errorf("%s: path parameter %s = %q: kin-openapi refuses it: %v", key, p.Name, val, err)
					}
					checked++
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no plain path parameter found")
	}
}
