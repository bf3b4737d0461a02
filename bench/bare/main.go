// Command bare is the floor of the send benchmarks (bench/floor.sh): a net/http server that
// reads each request's body and answers a fixed messages:send response, doing nothing else.
// What the emulator does per request beyond this costs the difference.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	flag.Parse()
	answer := []byte(`{"message_id":"01KBARE0000000000000000000","accepted_time":"2026-01-01T00:00:00Z"}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	})
	log.Fatal(http.ListenAndServe(*addr, h))
}
