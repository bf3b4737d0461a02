// Package commands builds the sinch command tree. Run executes it with explicit standard streams
// and environment so that every command can be tested in process, end to end.
package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
)

// Env is what a run of the CLI sees of the outside world.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// IsTerminal reports whether Stderr is a terminal (progress bars are drawn only there).
	IsTerminal bool
}

// OSEnv returns the process's real streams and environment.
func OSEnv() Env {
	fi, err := os.Stderr.Stat()
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		IsTerminal: err == nil && fi.Mode()&os.ModeCharDevice != 0,
	}
}

// app is the state shared by the commands of one run.
type app struct {
	env        Env
	root       *cobra.Command
	json       bool
	verbose    bool
	maxRetries int
	dryRun     bool // send commands: print the request instead of sending it
	// cached is the SDK client of this run, built on first use.
	cached *sinchClient
	errMu  sync.Mutex // serialises lines written on stderr by concurrent work
}

// Run executes the CLI with args (without the program name) and returns the exit status:
// 0 on success, 1 on failure (after one line on stderr that says what to do), 2 on bad usage.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	a := &app{env: env}
	root := a.newRoot()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(env.Stderr, "sinch: "+oneLine(strings.TrimPrefix(a.target().describe(err), "sinch: ")))
	var usage *usageError
	if errors.As(err, &usage) || isCobraUsage(err) {
		return 2
	}
	return 1
}

// target is where this run's requests went: the emulator when every base URL of its client is
// a loopback address.
func (a *app) target() target {
	if a.cached == nil {
		return target{}
	}
	c := a.cached.c
	return targetOf(c.ConversationURL(), c.TemplateURL(), c.BatchURL())
}

func (a *app) newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "sinch",
		Short: "Send and receive messages with the Sinch Conversation API",
		Long: `sinch talks to the Sinch Conversation, Template Management and Batch APIs, or to the
local emulator. Credentials and defaults come from SINCH_* environment variables; flags
override them.`,
		Example: `  export SINCH_PROJECT_ID=... SINCH_KEY_ID=... SINCH_KEY_SECRET=... SINCH_APP_ID=...
  sinch send sms --to +15551234567 --message "Hello"
  sinch demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// `sinch completion bash|zsh|fish|powershell` prints a completion script (cobra's).
	root.CompletionOptions.HiddenDefaultCmd = false
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	config.Register(pf, config.Global...)
	pf.BoolVar(&a.json, "json", false, "print the API's answer as JSON")
	pf.IntVar(&a.maxRetries, "max-retries", 3, "how many times a failed call (429, 5xx, connection failure) is retried; 0 disables")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "say which region, URLs and credentials source are used, and log each request")
	a.root = root
	for _, add := range commandSets {
		root.AddCommand(add(a)...)
	}
	groupsRejectUnknown(root)
	return root
}

// groupsRejectUnknown makes every command that only groups others print its help when called
// alone, and fail with a usage error on an unknown subcommand (cobra would print the help and
// succeed).
func groupsRejectUnknown(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupsRejectUnknown(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("unknown command %q for %q: see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath())
		}
		return cmd.Help()
	}
}

// commandSets are the constructors of the top-level commands; each file registers its own.
var commandSets []func(*app) []*cobra.Command

func register(f func(*app) []*cobra.Command) { commandSets = append(commandSets, f) }

// resolver reads settings for cmd: its flags (including inherited ones), then the environment.
func (a *app) resolver(cmd *cobra.Command) config.Resolver {
	return config.Resolver{Flags: cmd.Flags(), Getenv: a.env.Getenv}
}

// logger returns a logger to stderr when --verbose is set, and a discarding one otherwise.
func (a *app) logger() *slog.Logger {
	if !a.verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(a.env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// usageError marks a mistake in the command line itself (exit status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:397] + "..."
	}
	return s
}

// isCobraUsage recognises the command-line mistakes cobra reports itself (a missing required
// flag, an unknown command, extra arguments), which come back as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"required flag(s)", "unknown command", "accepts ", "unknown flag", "unknown shorthand", "if any flags in the group", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
