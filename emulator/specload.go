package emulator

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/relaykit/sinch-go/specs"
)

// loadSpecs returns the documents to validate against: the embedded ones, replaced by any
// given in override.
func loadSpecs(override *Specs) (Specs, error) {
	var out Specs
	if override != nil {
		out = *override
	}
	for _, x := range []struct {
		dst  **openapi3.T
		name string
	}{{&out.Conversation, specs.Conversation}, {&out.Templates, specs.Templates}, {&out.Batch, specs.Batch}} {
		if *x.dst != nil {
			continue
		}
		doc, err := specs.Load(x.name)
		if err != nil {
			return Specs{}, fmt.Errorf("emulator: %w", err)
		}
		*x.dst = doc
	}
	return out, nil
}
