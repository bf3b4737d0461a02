package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/cmd/sinch/internal/csvbatch"
	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	msg "github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

func init() { register(batchCommands) }

// maxSendAfter is how far ahead the Batch API accepts send_after.
const maxSendAfter = 7 * 24 * time.Hour

// sentBatch is one accepted batch of a `batch send` run.
type sentBatch struct {
	BatchID    string     `json:"batch_id"`
	Recipients int        `json:"recipients"`
	FirstLine  int        `json:"first_line"`
	LastLine   int        `json:"last_line"`
	SendAfter  *time.Time `json:"send_after,omitempty"`
}

// batchSummary is the outcome of `batch send`.
type batchSummary struct {
	Recipients int         `json:"recipients"`
	Batches    []sentBatch `json:"batches"`
}

// parseSendAfter accepts an RFC 3339 time or a delay from now such as 10m or 2h.
func parseSendAfter(s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	var t time.Time
	if d, err := time.ParseDuration(s); err == nil {
		t = now.Add(d)
	} else if t, err = time.Parse(time.RFC3339, s); err != nil {
		return nil, usagef("--send-after %q: give an RFC 3339 time (2026-12-01T09:00:00Z) or a delay (30m)", s)
	}
	if t.Before(now.Add(-time.Minute)) {
		return nil, usagef("--send-after %s is in the past", t.UTC().Format(time.RFC3339))
	}
	if t.After(now.Add(maxSendAfter)) {
		return nil, usagef("--send-after %s is more than 7 days ahead, which the Batch API refuses", t.UTC().Format(time.RFC3339))
	}
	t = t.UTC()
	return &t, nil
}

func batchCommands(a *app) []*cobra.Command {
	b := &cobra.Command{Use: "batch", Short: "Send one message to many recipients with the Batch API", Args: cobra.NoArgs,
		Example: "  sinch batch send --csv customers.csv --message 'Hi ${name}, your code is ${code}'\n  sinch batch status --batch-id 01W4FFL35P4NC4K35BATCH0001"}

	var csvPath, message, channel, sendAfter string
	var chunk int
	var perSecond float64
	var redisURL string
	var meta []string
	send := &cobra.Command{
		Use:   "send",
		Short: "Send a text with ${parameters} to every recipient of a CSV file",
		Long: `batch send reads a CSV file whose header names a recipient column (recipient, to, phone or
identity; or contact_id) and one column per ${parameter} of --message, optionally a channel
column. The whole file is checked first: every malformed row is reported with its line number
and nothing is sent. The recipients then go out in batches of up to 1000, paced so that the
recipients per second stay under --rate (the API processes 800 messages per second per
project). With --redis, every batch send of the project that names the same Redis (on any
machine) shares --rate; if Redis cannot be reached the run stops, as after a failed batch. A
progress bar is drawn when stderr is a terminal; the batch ids are printed at the end. When a
batch fails, the ids of the batches already accepted are printed before the error.`,
		Example: `  # recipients.csv:
  #   phone,name,code
  #   +15551230001,Ada,1234
  sinch batch send --csv recipients.csv --message 'Hi ${name}, your code is ${code}'
  sinch batch send --csv recipients.csv --message 'Sale starts now' --send-after 2026-12-01T09:00:00Z --metadata campaign=winter
  sinch batch send --csv part1.csv --message 'Sale starts now' --redis redis://localhost:6379/0   # with part2.csv elsewhere`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			after, err := parseSendAfter(sendAfter, time.Now())
			if err != nil {
				return err
			}
			if chunk < 1 || chunk > csvbatch.MaxRecipients {
				return usagef("--chunk-size must be between 1 and %d", csvbatch.MaxRecipients)
			}
			if perSecond <= 0 {
				return usagef("--rate must be positive")
			}
			batchMeta := map[string]any{}
			for _, kv := range meta {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usagef("--metadata %q: want KEY=VALUE", kv)
				}
				batchMeta[k] = v
			}
			f, err := os.Open(csvPath)
			if err != nil {
				return usagef("--csv: %v", err)
			}
			rows, err := csvbatch.Read(f, message, channel)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w (nothing was sent)", csvPath, joinLines(err))
			}
			c, appID, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			sender := a.resolver(cmd).Get(config.SMSSender)
			chunks := csvbatch.Split(rows, chunk)
			limiter, closeLimiter, err := newRecipientPacer(redisURL, c.ProjectID(), perSecond, chunk)
			if err != nil {
				return err
			}
			defer closeLimiter()
			var bar *progressbar.ProgressBar
			if a.env.IsTerminal && !a.json {
				bar = progressbar.NewOptions(len(rows), progressbar.OptionSetWriter(a.env.Stderr),
					progressbar.OptionSetDescription("sending"), progressbar.OptionShowCount(),
					progressbar.OptionSetItsString("recipients"), progressbar.OptionShowIts(),
					progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
			}
			sum := batchSummary{Batches: []sentBatch{}}
			var sendErr error
			for i, ch := range chunks {
				if err := limiter.WaitN(cmd.Context(), len(ch)); err != nil {
					sendErr = err
					break
				}
				req := batch.SendBatchMessageRequest{AppID: appID, SendAfter: after,
					Message: msg.Text(message)}
				if len(batchMeta) > 0 {
					req.BatchMetadata = batchMeta
				}
				for _, r := range ch {
					br := batch.BatchRecipient{Parameters: r.Params}
					if r.ContactID != "" {
						br.Recipient = recipient.Contact(r.ContactID)
					} else {
						br.Recipient = recipient.Identity(conversation.ConversationChannel(r.Channel), r.Identity)
					}
					if len(br.Parameters) == 0 {
						br.Parameters = nil
					}
					req.RecipientAndParams = append(req.RecipientAndParams, br)
					if sender != "" && r.Channel == "SMS" {
						req.ChannelProperties = msg.Properties(msg.SMSSender(sender))
					}
				}
				resp, err := c.Batch.Send(cmd.Context(), req)
				if err != nil {
					sendErr = fmt.Errorf("batch %d of %d (lines %d-%d): %w", i+1, len(chunks), ch[0].Line, ch[len(ch)-1].Line, err)
					break
				}
				sb := sentBatch{BatchID: deref(resp.BatchID), Recipients: len(ch), FirstLine: ch[0].Line, LastLine: ch[len(ch)-1].Line, SendAfter: resp.SendAfter}
				sum.Batches = append(sum.Batches, sb)
				sum.Recipients += len(ch)
				if bar != nil {
					_ = bar.Add(len(ch))
				}
			}
			if bar != nil {
				_ = bar.Finish()
			}
			if err := a.emit(sum, func() {
				if len(sum.Batches) == 0 {
					return
				}
				a.printf("sent %s in %s:\n", plural(sum.Recipients, "recipient"), plural(len(sum.Batches), "batch"))
				rows := [][]string{{"BATCH ID", "RECIPIENTS", "CSV LINES", "SEND AFTER"}}
				for _, sb := range sum.Batches {
					rows = append(rows, []string{sb.BatchID, fmt.Sprint(sb.Recipients), fmt.Sprintf("%d-%d", sb.FirstLine, sb.LastLine), ts(sb.SendAfter)})
				}
				a.table(rows)
			}); err != nil {
				return err
			}
			if sendErr != nil {
				if len(sum.Batches) > 0 {
					return fmt.Errorf("%w; %d of %d batches were accepted (ids above), the rest were not sent", sendErr, len(sum.Batches), len(chunks))
				}
				return sendErr
			}
			return nil
		},
	}
	needingApp(send)
	fs := send.Flags()
	fs.StringVar(&csvPath, "csv", "", "CSV file of recipients and parameters")
	fs.StringVar(&message, "message", "", "message text; ${name} is replaced by the row's name column")
	fs.StringVar(&channel, "channel", "SMS", "channel for rows without a channel column")
	fs.StringVar(&sendAfter, "send-after", "", "schedule: an RFC 3339 time or a delay such as 30m (at most 7 days ahead)")
	fs.StringSliceVar(&meta, "metadata", nil, "batch metadata as KEY=VALUE, to find the batches later with batch status/cancel --metadata-key KEY --metadata-value VALUE")
	fs.IntVar(&chunk, "chunk-size", csvbatch.MaxRecipients, "recipients per batch request (at most 1000)")
	fs.Float64Var(&perSecond, "rate", 800, "recipients per second to stay under (the API's per-project message rate)")
	fs.StringVar(&redisURL, "redis", "", "share --rate with every batch send of the project through this Redis (redis://host:port/db); without Redis reachable the run stops")
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
				req := batch.CancelBatchMessagesRequest{BatchID: optional(batchID), MetadataKey: optional(metaKey), MetadataValue: optional(metaValue)}
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
