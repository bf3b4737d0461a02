// Package samples holds one realistic callback body per webhook trigger, for `sinch webhooks
// test-triggers`, which posts them, signed, to a URL under test.
package samples

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

//go:embed data/*.json
var files embed.FS

// Triggers lists the triggers that have a sample, sorted.
func Triggers() []string {
	entries, _ := files.ReadDir("data")
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// Body returns the sample callback of trigger, addressed to appID and projectID, with its
// accepted and event times set to now. It fails for a trigger without a sample.
func Body(trigger, appID, projectID string, now time.Time) ([]byte, error) {
	raw, err := files.ReadFile("data/" + trigger + ".json")
	if err != nil {
		return nil, fmt.Errorf("no sample callback for trigger %q", trigger)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("sample %s: %w", trigger, err)
	}
	if appID != "" {
		m["app_id"] = appID
	}
	if projectID != "" {
		m["project_id"] = projectID
	}
	stamp := now.UTC().Format("2006-01-02T15:04:05.000Z")
	for _, k := range []string{"accepted_time", "event_time"} {
		if _, ok := m[k]; ok {
			m[k] = stamp
		}
	}
	return json.Marshal(m)
}
