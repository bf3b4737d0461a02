package emulator

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/relaykit/sinch-go/gen/conversation"
)

// storeEnv is an emulator holding n messages of a CONVERSATION app, sent to 100 recipients
// through the send path (without HTTP, so that 200,000 are stored in seconds).
type storeEnv struct {
	s     *Server
	h     http.Handler
	ids   []string // message ids, oldest first
	convs []string
}

var storeEnvs = map[int]*storeEnv{}

func newStoreEnv(b *testing.B, n int) *storeEnv {
	b.Helper()
	if e, ok := storeEnvs[n]; ok {
		return e
	}
	s, err := newServer(Config{RateLimit: RateLimitOff, IngressRate: IngressUnlimited, MaxStored: -1})
	if err != nil {
		b.Fatal(err)
	}
	e := &storeEnv{s: s, h: s.ConversationHandler()}
	// 100 messages through the send path (one per recipient: contacts and conversations),
	// then copies of them with new ids, stored as the send path stores them.
	fillMessages(b, s, "CONVERSATION", 100, false)
	p := s.store.project("bench")
	p.mu.Lock()
	mc := p.messages
	sent := append([]string(nil), mc.ids...)
	for i := 100; i < n; i++ {
		m := *mc.rec(sent[i%100])
		m.id = s.newID()
		s.keep(mc, &m)
	}
	p.mu.Unlock()
	e.ids = append([]string(nil), p.messages.ids...)
	e.convs = append([]string(nil), p.conversations.ids...)
	storeEnvs[n] = e
	return e
}

// fillMessages stores n messages of a new app in project "bench" through sendLocked; with
// deliver, their delivery simulations run too, and it returns once every message has its
// reports (the trace keeps them).
func fillMessages(b *testing.B, s *Server, mode string, n int, deliver bool) {
	b.Helper()
	fillMessagesWith(b, s, mode, n, deliver, nil)
}

// fillMessagesWith is fillMessages with the channel_properties props on every message.
func fillMessagesWith(b *testing.B, s *Server, mode string, n int, deliver bool, props map[string]string) {
	b.Helper()
	p := s.store.project("bench")
	app := &conversation.App{ID: s.newID(), DisplayName: "bench", ProcessingMode: conversation.ProcessingMode(mode)}
	for _, ch := range []conversation.ConversationChannel{"SMS", "WHATSAPP", "RCS"} {
		app.ChannelCredentials = append(app.ChannelCredentials, conversation.ChannelCredentials{Channel: ch, StaticBearer: conversation.StaticBearerCredential{ClaimedIdentity: "bench", Token: "bench-token"}})
	}
	var ids []string
	p.mu.Lock()
	p.apps.put(app.ID, app)
	ob := &outbox{s: s, projectID: "bench", proj: p}
	for i := 0; i < n; i++ {
		in := sendInput{
			appID:             app.ID,
			recipient:         smsRecipient("SMS", fmt.Sprintf("+1555010%04d", 1000+i%100)),
			message:           textMessage("Your order 4711 has shipped and will arrive on Friday."),
			metadata:          "order-4711",
			channelProperties: maps.Clone(props), // a map of its own, as each request has
		}
		m, err := s.sendLocked(ob, in)
		if err != nil {
			p.mu.Unlock()
			b.Fatal(err)
		}
		if deliver {
			ids = append(ids, m.id)
			ob.flush()
		}
		ob.out, ob.after, ob.sim, ob.moreSims = nil, nil, nil, nil
	}
	p.mu.Unlock()
	for _, id := range ids {
		for deadline := time.Now().Add(time.Minute); len(s.traces.reports(id)) < 2; {
			if time.Now().After(deadline) {
				b.Fatalf("message %s was not delivered within a minute", id)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func listOnce(b *testing.B, h http.Handler, query string) {
	req := httptest.NewRequest("GET", "/v1/projects/bench/messages?"+query, nil)
	req.Header.Set("Authorization", "Bearer t")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatalf("status %d: %s", w.Code, w.Body)
	}
}

// BenchmarkListMessages lists messages (page_size 10, newest first) at 10,000 and 200,000
// stored: the first page, a deep page (from the middle), and the first page of one
// conversation. With the indexes each costs about the same at both sizes.
func BenchmarkListMessages(b *testing.B) {
	for _, n := range []int{10_000, 200_000} {
		e := newStoreEnv(b, n)
		mid := base64.RawURLEncoding.EncodeToString([]byte("p1:" + e.ids[len(e.ids)/2]))
		for _, c := range []struct{ name, query string }{
			{"first", "page_size=10"},
			{"deep", "page_size=10&page_token=" + mid},
			{"conversation", "page_size=10&conversation_id=" + e.convs[len(e.convs)/2]},
		} {
			b.Run(fmt.Sprintf("stored=%d/%s", n, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					listOnce(b, e.h, c.query)
				}
			})
		}
	}
}

// BenchmarkStoredMessageMemory reports the heap each stored message takes (message,
// indexes, and what the send path keeps besides, such as its trace with the delivery
// reports), from 10,000 messages sent through the send path and delivered. Run it with
// -benchtime 1x.
func BenchmarkStoredMessageMemory(b *testing.B) {
	storedMessageMemory(b, "CONVERSATION", nil)
}

// BenchmarkStoredDispatchMessageMemory is BenchmarkStoredMessageMemory for the messages of
// bench/floor.sh: an app in DISPATCH mode (no contact or conversation) and an SMS_SENDER
// channel property on every message.
func BenchmarkStoredDispatchMessageMemory(b *testing.B) {
	storedMessageMemory(b, "DISPATCH", map[string]string{"SMS_SENDER": "+15559876543"})
}

// storedMessageMemory reports the heap bytes and objects per stored and delivered message of
// an app in mode, each message with the channel_properties props.
func storedMessageMemory(b *testing.B, mode string, props map[string]string) {
	const n = 10_000
	for b.Loop() {
		s, err := newServer(Config{RateLimit: RateLimitOff, IngressRate: IngressUnlimited, MaxStored: -1})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		fillMessagesWith(b, s, mode, n, true, props)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/message")
		// Each live object costs the garbage collector's marking, whatever its size.
		b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/n, "heap-objects/message")
		runtime.KeepAlive(s)
	}
}

// BenchmarkStoredMessageGC reports the CPU time of one full garbage collection with 100,000
// messages of bench/floor.sh's shape (DISPATCH, SMS_SENDER) stored and delivered: what the
// stored data costs each collection cycle of a load test, whatever the allocation rate.
// Compare layouts side by side; run it with -benchtime 20x or so.
func BenchmarkStoredMessageGC(b *testing.B) {
	const n = 100_000
	s, err := newServer(Config{RateLimit: RateLimitOff, IngressRate: IngressUnlimited, MaxStored: -1})
	if err != nil {
		b.Fatal(err)
	}
	fillMessagesWith(b, s, "DISPATCH", n, true, map[string]string{"SMS_SENDER": "+15559876543"})
	runtime.GC()
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		runtime.GC()
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "gc-cpu-us/op")
	}
	runtime.KeepAlive(s)
}
