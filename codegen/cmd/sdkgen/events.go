package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/relaykit/sinch-go/specs"
)

// eventsModel is what events.go.tmpl renders: every callback schema with an x-sdk-trigger.
type eventsModel struct {
	Imports []string
	Events  []*eventModel
}

type eventModel struct {
	Type      string // the event type in hmac/callback (the schema's Go name)
	GenType   string // conversation.MessageDeliveryEvent
	Trigger   string // MESSAGE_DELIVERY
	Const     string // TriggerMessageDelivery
	Key       string // message_delivery_report
	About     string
	Dedup     []string
	DedupDoc  string
	Spec      string
	Component string
}

// triggerConst names a trigger's constant: MESSAGE_DELIVERY -> TriggerMessageDelivery.
func triggerConst(name string) string {
	var b strings.Builder
	b.WriteString("Trigger")
	for _, w := range strings.Split(strings.ToLower(name), "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func loadEvents() (*eventsModel, error) {
	m := &eventsModel{}
	imports := map[string]bool{}
	seenKey, seenTrigger := map[string]string{}, map[string]string{}
	for _, a := range apis {
		doc, err := specs.Load(a.spec)
		if err != nil {
			return nil, err
		}
		for name, ref := range doc.Components.Schemas {
			ext, ok := ref.Value.Extensions["x-sdk-trigger"].(map[string]any)
			if !ok {
				continue
			}
			str := func(k string) string { s, _ := ext[k].(string); return s }
			ev := &eventModel{
				Type: codegen.ToCamelCaseWithInitialisms(name), Trigger: str("name"), Key: str("key"),
				About: str("about"), DedupDoc: str("dedup-doc"), Spec: a.spec, Component: name,
			}
			ev.GenType = a.pkg + "." + ev.Type
			ev.Const = triggerConst(ev.Trigger)
			where := fmt.Sprintf("%s: schema %s: x-sdk-trigger", a.spec, name)
			if ev.Trigger == "" || ev.Key == "" || ev.About == "" || ev.DedupDoc == "" {
				return nil, fmt.Errorf("%s needs name, key, about and dedup-doc", where)
			}
			if _, ok := ref.Value.Properties[ev.Key]; !ok {
				return nil, fmt.Errorf("%s: the schema has no property %q", where, ev.Key)
			}
			if other, dup := seenKey[ev.Key]; dup {
				return nil, fmt.Errorf("%s: key %q is also %s's", where, ev.Key, other)
			}
			if other, dup := seenTrigger[ev.Trigger]; dup {
				return nil, fmt.Errorf("%s: trigger %s is also %s's", where, ev.Trigger, other)
			}
			seenKey[ev.Key], seenTrigger[ev.Trigger] = name, name
			list, _ := ext["dedup"].([]any)
			for _, d := range list {
				s, ok := d.(string)
				if !ok || s == "" {
					return nil, fmt.Errorf("%s: dedup lists payload field paths (strings)", where)
				}
				ev.Dedup = append(ev.Dedup, s)
			}
			imports["github.com/relaykit/sinch-go/gen/"+a.pkg] = true
			m.Events = append(m.Events, ev)
		}
	}
	if len(m.Events) == 0 {
		return nil, fmt.Errorf("no schema has an x-sdk-trigger")
	}
	// The Conversation API's triggers first, by name, then the others.
	rank := func(e *eventModel) int {
		if e.Spec == specs.Conversation {
			return 0
		}
		return 1
	}
	slices.SortFunc(m.Events, func(a, b *eventModel) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Trigger, b.Trigger))
	})
	for imp := range imports {
		m.Imports = append(m.Imports, imp)
	}
	slices.Sort(m.Imports)
	return m, nil
}
