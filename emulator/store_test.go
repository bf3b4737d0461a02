package emulator

import (
	"fmt"
	"testing"
	"time"
)

// pagesOf reads every page of a listing and returns the ids in order and the totals seen.
func pagesOf(t *testing.T, list func(token string) (page[*storedMessage], error)) (ids []string, totals []int) {
	t.Helper()
	token := ""
	for i := 0; i < 1000; i++ {
		p, err := list(token)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.items {
			ids = append(ids, d.id)
		}
		totals = append(totals, p.total)
		if token = p.nextToken; token == "" {
			return ids, totals
		}
	}
	t.Fatal("the listing never ended")
	return nil, nil
}

// The indexed listing of messages finds exactly what a full scan with the same filter finds,
// page by page and with the same totals, also after messages are deleted, evicted or moved to
// another contact by a merge.
//
// It runs with DISPATCH messages that have a conversation and contact, and with DISPATCH
// messages without them, as the API keeps them (a conversation filter then implies
// CONVERSATION_SOURCE).
func TestIndexedMessageListingMatchesFullScan(t *testing.T) {
	for _, linked := range []bool{true, false} {
		t.Run(fmt.Sprintf("linked DISPATCH=%v", linked), func(t *testing.T) { testIndexedListing(t, linked) })
	}
}

func testIndexedListing(t *testing.T, linkedDispatch bool) {
	c := newIndexedCollection(messageIndexes)
	g := &idGen{}
	var ids []string
	for i := 0; i < 300; i++ {
		mode, dir := "CONVERSATION", "TO_CONTACT"
		if i%3 == 0 {
			mode = "DISPATCH"
		}
		if i%4 == 0 {
			dir = "TO_APP"
		}
		id := g.next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		m := doc{"id": id, "processing_mode": mode, "direction": dir, "app_id": fmt.Sprintf("app%d", i%2),
			"conversation_id": fmt.Sprintf("conv%d", i%7), "contact_id": fmt.Sprintf("ct%d", i%5),
			"channel_identity": doc{"channel": []string{"SMS", "WHATSAPP", "RCS"}[i%3], "identity": fmt.Sprintf("+1555%d", i%11), "app_id": fmt.Sprintf("app%d", (i/2)%2)},
			"accept_time":      "2026-01-01T00:00:00Z"}
		if mode == "DISPATCH" && !linkedDispatch {
			delete(m, "conversation_id")
			delete(m, "contact_id")
		}
		c.put(id, recordFromDoc(m))
		ids = append(ids, id)
	}
	// Changes: deletions, the oldest evicted, a merge moving ct1's messages to ct2.
	for _, id := range []string{ids[0], ids[1], ids[150], ids[299]} {
		c.remove(id)
	}
	for _, id := range c.ids {
		if c.rec(id).contactID == "ct1" {
			c.update(id, func(m *storedMessage) { m.contactID = "ct2" })
		}
	}
	filters := []messageFilter{
		{},
		{source: "CONVERSATION_SOURCE"},
		{source: "DISPATCH_SOURCE", appID: "app1"},
		{appID: "app0"},
		{conversationID: "conv3", direction: "TO_APP"},
		{contactIDs: []string{"ct2"}},
		{contactIDs: []string{"ct1"}},
		{identities: []string{"+15553"}, channel: "SMS"},
		{channel: "RCS", onlyRecipientOriginated: true},
		{contactIDs: []string{"ct0", "ct3"}},
		{appID: "nope"},
		{source: "CONVERSATION_SOURCE", conversationID: "conv3"},
		{source: "CONVERSATION_SOURCE", contactIDs: []string{"ct2"}},
		{source: "DISPATCH_SOURCE", conversationID: "conv3"},
		{source: "CONVERSATION_SOURCE", conversationID: "conv4", direction: "TO_APP"},
	}
	for i, f := range filters {
		for _, size := range []int{1, 7, 1000} {
			for _, desc := range []bool{true, false} {
				want, wantTotals := pagesOf(t, func(tok string) (page[*storedMessage], error) { return c.list(f.keep, size, tok, desc) })
				cands, exact := f.candidates(c)
				got, gotTotals := pagesOf(t, func(tok string) (page[*storedMessage], error) { return c.listIn(cands, f.keep, exact, size, tok, desc) })
				if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotTotals) != fmt.Sprint(wantTotals) {
					t.Fatalf("filter %d size %d desc %v:\nindexed %v %v\nscan    %v %v", i, size, desc, got, gotTotals, want, wantTotals)
				}
			}
		}
	}
	if l, _ := c.candidates("contact", "ct1"); len(l) != 0 {
		t.Fatalf("merged-away contact still indexed: %v", l)
	}
}

// TestCursorFindsRecords: a cursor finds each record of a sorted subset of the ids, visited
// forward, backward or in no order, and the zero record for an id that is not stored; a
// collection keeps its records right through puts out of order, replacements and removals.
func TestCursorFindsRecords(t *testing.T) {
	c := newCollection[*storedMessage]()
	for _, i := range []int{5, 1, 9, 3, 7, 0, 8, 2, 6, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19} {
		id := fmt.Sprintf("id%03d", i)
		c.put(id, &storedMessage{id: id})
	}
	c.put("id004", &storedMessage{id: "id004", metadata: "replaced"})
	c.remove("id000")
	c.remove("id010")
	if len(c.ids) != 18 || len(c.recs) != 18 || c.rec("id004").metadata != "replaced" {
		t.Fatalf("after puts and removals: %d ids, %d records, id004 %+v", len(c.ids), len(c.recs), c.rec("id004"))
	}
	for i, id := range c.ids {
		if c.recs[i].id != id || (i > 0 && c.ids[i-1] >= id) {
			t.Fatalf("record %d is %s under id %s", i, c.recs[i].id, id)
		}
	}
	orders := [][]int{{}, {1}, {1, 2, 3, 19}, {19, 18, 17, 2, 1}, {4, 15, 3, 16, 2, 17}, {1, 3, 5, 7, 9, 11, 13, 15, 17, 19}}
	for _, order := range orders {
		r := cursor[*storedMessage]{c: c, pos: -1}
		for _, want := range append(order, 0, 10, 99) {
			id := fmt.Sprintf("id%03d", want)
			got := r.rec(id)
			stored := want != 0 && want != 10 && want != 99
			if stored != (got != nil) || (got != nil && got.id != id) {
				t.Errorf("order %v: %s found %+v", order, id, got)
			}
		}
	}
}
