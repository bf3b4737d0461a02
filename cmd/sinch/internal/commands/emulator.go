package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/emulator"
)

func init() {
	register(func(a *app) []*cobra.Command { return []*cobra.Command{a.emulatorCommand(), a.demoCommand()} })
}

func (a *app) emulatorCommand() *cobra.Command {
	var cfg emulator.Config
	var rateLimit int
	var pins, projects, unreachable []string
	var noValidation, noReads bool
	var ingressRate float64
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve a local, stateful Sinch API (Conversation, Templates, Batch, OAuth2) with signed callbacks",
		Long: `emulator serves the Conversation API v1, the Template Management API v2 and the OAuth2 token
endpoint at --addr, and the Batch API at --batch-addr, keeping state in memory, validating every
request against the specs, posting signed callbacks to the webhooks you create and simulating
delivery with the API's documented failures (a channel without credentials, a missing template,
WhatsApp outside its 24-hour window, a malformed phone number, ...). Test numbers: ending in 0000
they cannot be reached by SMS or MMS (so SMS -> WhatsApp fallback works with one number), in 3333
not by RCS, in 4040 not at all, in 4444 never delivered (MESSAGE_EXPIRED after their ttl), in
9999 they are invalid. Each region is served under /us, /eu and /br; the un-prefixed URLs serve
--default-region. It prints the environment that points this CLI, or an SDK, at it, and runs
until interrupted. Any project id and key are accepted unless pinned. The subcommands inject,
callbacks and clock drive a running emulator.`,
		Example: `  sinch emulator --addr 127.0.0.1:8787 --batch-addr 127.0.0.1:8788
  sinch emulator --rate-limit 0                      # no rate limit (benchmarks)
  sinch emulator --fault-429 0.1 --latency 50ms      # resilience tests
  sinch emulator --unreachable SMS:+15551234567      # this number falls back from SMS
  sinch emulator --ingress-rate 0                    # no pacing of deliveries (load tests)
  sinch emulator --pin-key my-key:my-secret --pin-project my-project`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case rateLimit < 0:
				return usagef("--rate-limit must be 0 (off) or more")
			case rateLimit == 0:
				cfg.RateLimit = emulator.RateLimitOff
			default:
				cfg.RateLimit = rateLimit
			}
			for _, p := range pins {
				id, secret, ok := strings.Cut(p, ":")
				if !ok || id == "" || secret == "" {
					return usagef("--pin-key %q: want KEY_ID:KEY_SECRET", p)
				}
				cfg.Credentials = append(cfg.Credentials, emulator.Credential{KeyID: id, KeySecret: secret})
			}
			cfg.Projects = projects
			if len(unreachable) > 0 {
				set := map[string]bool{}
				for _, u := range unreachable {
					ch, id, ok := strings.Cut(u, ":")
					if !ok || id == "" {
						return usagef("--unreachable %q: want CHANNEL:IDENTITY", u)
					}
					c, err := parseChannel(ch)
					if err != nil {
						return err
					}
					set[string(c)+":"+strings.TrimSpace(id)] = true
				}
				cfg.Undeliverable = func(channel, identity string) bool { return set[channel+":"+identity] }
			}
			cfg.DisableValidation = noValidation
			cfg.DisableReadReceipts = noReads
			switch {
			case ingressRate < 0:
				return usagef("--ingress-rate must be 0 (unlimited) or more")
			case ingressRate == 0:
				cfg.IngressRate = emulator.IngressUnlimited
			default:
				cfg.IngressRate = ingressRate
			}
			if cfg.IngressQueue < 0 {
				return usagef("--ingress-queue must be positive")
			}
			if a.verbose {
				cfg.Logger = slog.New(slog.NewTextHandler(a.env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
			srv, err := emulator.Start(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if a.json {
				// One JSON object with the addresses, for scripts that start the emulator.
				if err := a.printJSON(map[string]string{"conversation_url": srv.ConversationURL(), "template_url": srv.TemplateURL(),
					"batch_url": srv.BatchURL(), "auth_url": srv.TokenURL(), "control_url": srv.ControlURL()}); err != nil {
					return err
				}
			} else {
				a.printf("Sinch emulator running. Point the CLI or an SDK at it:\n\n")
				a.printf("  export SINCH_CONVERSATION_URL=%s\n  export SINCH_TEMPLATE_URL=%s\n  export SINCH_BATCH_URL=%s\n  export SINCH_AUTH_URL=%s\n",
					srv.ConversationURL(), srv.TemplateURL(), srv.BatchURL(), srv.TokenURL())
				if len(cfg.Projects) == 0 && len(cfg.Credentials) == 0 {
					a.printf("  export SINCH_PROJECT_ID=demo SINCH_KEY_ID=any SINCH_KEY_SECRET=any\n")
				}
				a.printf("\nThese URLs serve region %s; each region has its own under /us, /eu and /br (for example %s/eu).\n", cfg.DefaultRegion, srv.ConversationURL())
			a.printf("Control endpoints under %s (info, clock, messages, inbound messages and events, callbacks, reset);\n", srv.ControlURL())
			a.printf("the subcommands inject, callbacks and clock use them.\nPress Ctrl-C to stop.\n")
			}
			<-cmd.Context().Done()
			ctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				return fmt.Errorf("emulator shutdown: %w", err)
			}
			a.errorf("emulator stopped")
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8787", "address of the Conversation API, Template API, token and control endpoints")
	fs.StringVar(&cfg.BatchAddr, "batch-addr", "127.0.0.1:8788", "address of the Batch API")
	fs.IntVar(&rateLimit, "rate-limit", emulator.DefaultRateLimit, "requests per second per project before 429 (0 turns the limit off)")
	fs.Float64Var(&cfg.Faults.Rate429, "fault-429", 0, "share of requests answered 429 (0 to 1)")
	fs.Float64Var(&cfg.Faults.Rate503, "fault-503", 0, "share of requests answered 503 (0 to 1)")
	fs.Float64Var(&cfg.Faults.DropRate, "fault-drop", 0, "share of connections dropped without an answer (0 to 1)")
	fs.DurationVar(&cfg.Faults.Latency, "latency", 0, "latency added to every answer")
	fs.StringSliceVar(&pins, "pin-key", nil, "accept only these access keys, as KEY_ID:KEY_SECRET")
	fs.StringSliceVar(&projects, "pin-project", nil, "accept only these project ids")
	fs.DurationVar(&cfg.TokenTTL, "token-ttl", time.Hour, "lifetime of issued access tokens")
	fs.DurationVar(&cfg.Callbacks.StepDelay, "step-delay", 20*time.Millisecond, "simulated time between a message's delivery reports")
	fs.Float64Var(&cfg.Callbacks.RatePerApp, "callback-rate", 25, "callbacks per second per app")
	fs.StringSliceVar(&unreachable, "unreachable", nil, "identities that cannot be reached on a channel, as CHANNEL:IDENTITY (besides the test numbers)")
	fs.BoolVar(&noValidation, "no-validation", false, "do not validate requests against the specs")
	fs.BoolVar(&noReads, "no-read-receipts", false, "do not send READ after DELIVERED on channels that report reads")
	fs.Float64Var(&ingressRate, "ingress-rate", emulator.DefaultIngressRate, "messages per second leaving each app's ingress queue (0: unlimited)")
	fs.IntVar(&cfg.IngressQueue, "ingress-queue", emulator.DefaultIngressQueue, "messages each app's ingress queue holds before messages:send answers 429")
	fs.StringVar(&cfg.DefaultRegion, "default-region", emulator.DefaultRegion, "the region the un-prefixed URLs serve (us, eu or br)")
	cmd.AddCommand(a.emulatorControlCommands()...)
	return cmd
}
