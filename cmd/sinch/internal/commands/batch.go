package commands

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/cmd/sinch/internal/csvbatch"
	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func init() { register(batchCommands) }

// maxSendAfter is how far ahead the Batch API accepts send_after.
const maxSendAfter = 7 * 24 * time.Hour

// sentBatch is one accepted batch of a `batch send` run.
type sentBatch struct {
	BatchID    string    `json:"batch_id"`
	Recipients int       `json:"recipients"`
	FirstLine  int       `json:"first_line"`
	LastLine   int       `json:"last_line"`
	SendAfter  time.Time `json:"send_after,omitzero"`
}

// batchSummary is the outcome of `batch send`.
type batchSummary struct {
	Recipients int         `json:"recipients"`
	Batches    []sentBatch `json:"batches"`
	// ResumeFrom is the CSV line to pass to --resume-from when the run stopped early.
	ResumeFrom int `json:"resume_from,omitempty"`
	// MaybeSent is the batch whose request got no answer: Sinch may have accepted it.
	MaybeSent *sentBatch `json:"maybe_sent,omitempty"`
}

// parseSendAfter accepts an RFC 3339 time or a delay from now such as 10m or 2h.
func parseSendAfter(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	if d, err := time.ParseDuration(s); err == nil {
		t = now.Add(d)
	} else if t, err = time.Parse(time.RFC3339, s); err != nil {
		return time.Time{}, usagef("--send-after %q: give an RFC 3339 time (2026-12-01T09:00:00Z) or a delay (30m)", s)
	}
	if t.Before(now.Add(-time.Minute)) {
		return time.Time{}, usagef("--send-after %s is in the past", t.UTC().Format(time.RFC3339))
	}
	if t.After(now.Add(maxSendAfter)) {
		return time.Time{}, usagef("--send-after %s is more than 7 days ahead, which the Batch API refuses", t.UTC().Format(time.RFC3339))
	}
	return t.UTC(), nil
}

func batchCommands(a *app) []*cobra.Command {
	b := &cobra.Command{Use: "batch", Short: "Send one message to many recipients with the Batch API", Args: cobra.NoArgs,
		Example: "  sinch batch send --csv customers.csv --message 'Hi ${name}, your code is ${code}'\n  sinch batch status --batch-id 01W4FFL35P4NC4K35BATCH0001"}

	var bf batchFlags
	send := &cobra.Command{
		Use:   "send",
		Short: "Send a text with ${parameters} to every recipient of a CSV file",
		Long: `batch send reads a CSV file (--csv FILE, or --csv - for standard input) whose header names a
recipient column (recipient, to, phone or identity; or contact_id) and one column per
${parameter} of --message, optionally a channel column.

The whole file is checked first: every malformed row is reported with its line number and
nothing is sent. The file is then read again and streamed, so memory does not grow with it.
The recipients go out in batches of up to 1000, paced so that recipients per second stay under
--rate (the API processes 800 messages per second per project). With --redis, every batch
send of the project that names the same Redis (on any machine) shares --rate; if Redis cannot
be reached the run stops as after a failed batch.

On a terminal a progress line shows the recipients sent, the rate and the time left; otherwise
nothing is drawn. The table of batch ids (with their CSV lines) is printed at the end. When a
batch fails, or the run is interrupted (Ctrl-C lets the batch in flight finish), the batches
that went are printed with the line to resume from: run the same command with
--resume-from LINE to send the rest.`,
		Example: `  # recipients.csv:
  #   phone,name,code
  #   +15551230001,Ada,1234
  sinch batch send --csv recipients.csv --message 'Hi ${name}, your code is ${code}'
  sinch batch send --csv recipients.csv --message 'Hi ${name}' --resume-from 40002
  generate-recipients | sinch batch send --csv - --message 'Sale starts now' --send-after 2026-12-01T09:00:00Z --metadata campaign=winter`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.batchSend(cmd, &bf) },
	}
	needingApp(send)
	fs := send.Flags()
	fs.StringVar(&bf.csvPath, "csv", "", "CSV file of recipients and parameters (- for standard input)")
	fs.StringVar(&bf.message, "message", "", "message text; ${name} is replaced by the row's name column")
	fs.StringVar(&bf.channel, "channel", "SMS", "channel for rows without a channel column")
	fs.StringVar(&bf.sendAfter, "send-after", "", "schedule: an RFC 3339 time or a delay such as 30m (at most 7 days ahead)")
	fs.StringSliceVar(&bf.meta, "metadata", nil, "batch metadata as KEY=VALUE, to find the batches later with batch status/cancel --metadata-key KEY --metadata-value VALUE")
	fs.IntVar(&bf.chunk, "chunk-size", csvbatch.MaxRecipients, "recipients per batch request (at most 1000)")
	fs.Float64Var(&bf.perSecond, "rate", 800, "recipients per second to stay under (the API's per-project message rate)")
	fs.StringVar(&bf.redisURL, "redis", "", "share --rate with every batch send of the project through this Redis (redis://host:port/db); without Redis reachable the run stops")
	fs.IntVar(&bf.resumeFrom, "resume-from", 0, "send only the rows from this CSV line on (the line an interrupted run printed)")
	config.Register(fs, config.SMSSender)
	_ = send.MarkFlagRequired("csv")
	_ = send.MarkFlagRequired("message")

	var batchID, metaKey, metaValue string
	selector := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&batchID, "batch-id", "", "the batch's id")
		cmd.Flags().StringVar(&metaKey, "metadata-key", "", "select batches by a batch-metadata key...")
		cmd.Flags().StringVar(&metaValue, "metadata-value", "", "...and its value")
	}
	checkSelector := func() error {
		switch {
		case batchID != "" && (metaKey != "" || metaValue != ""):
			return usagef("give --batch-id or --metadata-key/--metadata-value, not both")
		case batchID == "" && (metaKey == "" || metaValue == ""):
			return usagef("give --batch-id, or both --metadata-key and --metadata-value")
		}
		return nil
	}
	printBatches := func(list []batch.Batch) {
		if len(list) == 0 {
			a.printf("no batches\n")
			return
		}
		rows := [][]string{{"BATCH ID", "STATUS", "SEND AFTER"}}
		for _, bt := range list {
			rows = append(rows, []string{str(bt.BatchID), str(bt.Status), ts(bt.SendAfter)})
		}
		a.table(rows)
	}
	status := &cobra.Command{
		Use: "status", Short: "Show a batch's status (READY, SCHEDULED, PROCESSED, CANCELLED)", Args: cobra.NoArgs,
		Example: "  sinch batch status --batch-id 01W4FFL35P4NC4K35BATCH0001\n  sinch batch status --metadata-key campaign --metadata-value winter",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkSelector(); err != nil {
				return err
			}
			c, _, err := a.client(cmd)
			if err != nil {
				return err
			}
			if batchID != "" {
				bt, err := c.Batch.Get(cmd.Context(), batchID)
				if err != nil {
					return err
				}
				return a.emit(bt, func() { printBatches([]batch.Batch{*bt}) })
			}
			list, err := c.Batch.List(cmd.Context(), batch.ListBatchMessagesParams{MetadataKey: metaKey, MetadataValue: metaValue})
			if err != nil {
				return err
			}
			if list == nil {
				list = &batch.ListBatchMessagesResponse{}
			}
			return a.emit(*list, func() { printBatches(*list) })
		},
	}
	selector(status)
	cancel := &cobra.Command{
		Use: "cancel", Short: "Cancel scheduled batches (by id or by metadata)", Args: cobra.NoArgs,
		Long:    "Cancellation is asynchronous and only stops batches whose send_after has not passed; check with `sinch batch status`.",
		Example: "  sinch batch cancel --batch-id 01W4FFL35P4NC4K35BATCH0001",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkSelector(); err != nil {
				return err
			}
			return runCall(a, func(ctx context.Context, c *sinch.Client, _ settings) (*conversation.Empty, error) {
				req := batch.CancelBatchMessagesRequest{BatchID: batchID, MetadataKey: metaKey, MetadataValue: metaValue}
				return emptyAnswer(c.Batch.Cancel(ctx, req))
			}, func(*conversation.Empty) {
				if batchID != "" {
					a.printf("cancellation of batch %s requested\n", batchID)
				} else {
					a.printf("cancellation of the batches with %s=%s requested\n", metaKey, metaValue)
				}
			})(cmd, nil)
		},
	}
	selector(cancel)
	b.AddCommand(send, status, cancel)
	return []*cobra.Command{b}
}

// joinLines turns errors.Join's multi-line text into "; "-separated text on one line.
func joinLines(err error) error {
	var parts []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return errors.New(strings.Join(parts, "; "))
}
