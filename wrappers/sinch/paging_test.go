package sinch

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// messagePages serves ListMessages in pages of two over five messages, keyed by page_token.
func messagePages(t *testing.T, failOn string) (*fakeSinch, *[]string) {
	var mu sync.Mutex
	var queries []string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/projects/p-123/messages" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		tok := r.URL.Query().Get("page_token")
		if tok == failOn {
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "bad page token")
			return
		}
		start := 0
		if tok != "" {
			_, _ = fmt.Sscanf(tok, "from-%d", &start)
		}
		var msgs []string
		for i := start; i < min(start+2, 5); i++ {
			msgs = append(msgs, fmt.Sprintf(`{"id":"msg-%d"}`, i))
		}
		next := ""
		if start+2 < 5 {
			next = fmt.Sprintf("from-%d", start+2)
		}
		okJSON(fmt.Sprintf(`{"messages":[%s],"next_page_token":%q}`, join(msgs), next))(w, r)
	})
	return f, &queries
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func TestListMessagesIteratesLazily(t *testing.T) {
	f, queries := messagePages(t, "never")
	c := f.client(t)
	size := int32(2)
	params := conversation.ListMessagesParams{PageSize: &size}
	var ids []string
	for m, err := range c.Conversation.Messages.List(t.Context(), params) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if !slices.Equal(ids, []string{"msg-0", "msg-1", "msg-2", "msg-3", "msg-4"}) {
		t.Fatalf("ids %v", ids)
	}
	if !slices.Equal(*queries, []string{"page_size=2", "page_size=2&page_token=from-2", "page_size=2&page_token=from-4"}) {
		t.Fatalf("queries %q", *queries)
	}
	if params.PageToken != nil {
		t.Fatal("the iterator modified the caller's params")
	}
}

func TestListMessagesBreakStopsFetching(t *testing.T) {
	f, queries := messagePages(t, "never")
	c := f.client(t)
	n := 0
	for _, err := range c.Conversation.Messages.List(t.Context(), conversation.ListMessagesParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if len(*queries) != 2 {
		t.Fatalf("fetched %d pages for 3 items; want 2", len(*queries))
	}
}

func TestListMessagesErrorEndsWalk(t *testing.T) {
	f, _ := messagePages(t, "from-2")
	c := f.client(t)
	var ids []string
	var errs []error
	for m, err := range c.Conversation.Messages.List(t.Context(), conversation.ListMessagesParams{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.ID)
	}
	if len(ids) != 2 || len(errs) != 1 {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	var ae *APIError
	if !asAPIError(errs[0], &ae) || ae.StatusCode != 400 {
		t.Fatalf("err %v", errs[0])
	}
}

func TestListMessagesPageReturnsOnePage(t *testing.T) {
	f, queries := messagePages(t, "never")
	c := f.client(t)
	tok := "from-2"
	page, err := c.Conversation.Messages.ListPage(t.Context(), conversation.ListMessagesParams{PageToken: &tok})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 || page.Messages[0].ID != "msg-2" || page.NextPageToken != "from-4" || len(*queries) != 1 {
		t.Fatalf("page %+v", page)
	}
}
