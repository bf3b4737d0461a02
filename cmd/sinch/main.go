// Command sinch sends and receives messages with the Sinch Conversation API, the Template
// Management API and the Batch API, or with the local emulator. Run `sinch --help` for the
// commands, or `sinch demo` for a tour that needs no credentials.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/commands"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C asks the command to stop cleanly (batch send lets the batch in flight
	// finish and prints where to resume); a second one ends the process at once.
	go func() { <-ctx.Done(); stop() }()
	code := commands.Run(ctx, os.Args[1:], commands.OSEnv())
	stop()
	os.Exit(code)
}
