package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/relaykit/sinch-go/cmd/sinch/internal/config"
	"github.com/relaykit/sinch-go/cmd/sinch/internal/csvbatch"
	"github.com/relaykit/sinch-go/cmd/sinch/internal/progress"
	"github.com/relaykit/sinch-go/gen/batch"
	"github.com/relaykit/sinch-go/gen/conversation"
	msg "github.com/relaykit/sinch-go/wrappers/message"
	"github.com/relaykit/sinch-go/wrappers/recipient"
	"github.com/relaykit/sinch-go/wrappers/sinch"
)

// batchFlags are the flags of `batch send`.
type batchFlags struct {
	csvPath, message, channel, sendAfter string
	meta                                 []string
	chunk, resumeFrom                    int
	perSecond                            float64
	redisURL                             string // --redis: share --rate through Redis
}

// batchRequestTimeout bounds one batch request, which an interrupt lets finish.
const batchRequestTimeout = 2 * time.Minute

// batchMemoryLimit is the soft memory limit of batch send (runtime/debug.SetMemoryLimit).
const batchMemoryLimit = 40 << 20

// batchSend checks the whole CSV file, then streams it in paced batches.
func (a *app) batchSend(cmd *cobra.Command, f *batchFlags) error {
	after, err := parseSendAfter(f.sendAfter, time.Now())
	if err != nil {
		return err
	}
	if f.chunk < 1 || f.chunk > csvbatch.MaxRecipients {
		return usagef("--chunk-size must be between 1 and %d", csvbatch.MaxRecipients)
	}
	if f.perSecond <= 0 {
		return usagef("--rate must be positive; for example --rate 800")
	}
	if f.resumeFrom < 0 {
		return usagef("--resume-from must be a CSV line number (2 or more)")
	}
	batchMeta := map[string]any{}
	for _, kv := range f.meta {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usagef("--metadata %q: want KEY=VALUE, for example --metadata campaign=winter", kv)
		}
		batchMeta[k] = v
	}
	// A soft memory limit makes the collector return the garbage of each batch before the heap
	// doubles (GOGC), so that the process stays small on files of millions of rows.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(batchMemoryLimit))
	src, name, cleanup, err := a.openCSV(f.csvPath)
	if err != nil {
		return err
	}
	defer cleanup()

	// Pass 1: the whole file, every problem at once; nothing is sent from a bad file.
	sum, err := csvbatch.Check(src, f.message, f.channel, f.resumeFrom)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was sent)", name, joinLines(err))
	}
	if f.resumeFrom > 0 && (f.resumeFrom < sum.FirstLine || f.resumeFrom > sum.LastLine) {
		return usagef("--resume-from %d: the recipients of %s are on lines %d to %d", f.resumeFrom, name, sum.FirstLine, sum.LastLine)
	}
	c, appID, err := a.appClient(cmd)
	if err != nil {
		return err
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	sender := a.resolver(cmd).Get(config.SMSSender)
	chunks := (sum.Pending + f.chunk - 1) / f.chunk

	// Pass 2: streamed, paced. The first batch goes at once; each next one when its recipients
	// fit under --rate (shared through Redis with --redis, see batch_redis.go).
	limiter, closeLimiter, err := newRecipientPacer(f.redisURL, c.ProjectID(), f.perSecond, f.chunk)
	if err != nil {
		return err
	}
	defer closeLimiter()
	var bar *progress.Bar
	if a.env.IsTerminal && !a.json {
		bar = progress.New(a.env.Stderr, sum.Pending, f.perSecond, nil)
	}
	ctx := cmd.Context()
	out := batchSummary{Batches: []sentBatch{}}
	var (
		stopErr error
		i       int
	)
	rd, err := csvbatch.NewReader(src, f.message, f.channel)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	names := rd.Params()
	for ch, err := range rd.Chunks(f.chunk, f.resumeFrom) {
		if err != nil {
			stopErr = fmt.Errorf("%s: %w", name, err)
			break
		}
		i++
		if ctx.Err() != nil {
			stopErr, out.ResumeFrom = ctx.Err(), ch[0].Line
			break
		}
		if err := limiter.WaitN(ctx, len(ch)); err != nil {
			stopErr, out.ResumeFrom = err, ch[0].Line
			break
		}
		if bar != nil && i == 1 {
			bar.Start(100 * time.Millisecond)
		}
		req := batch.SendBatchMessageRequest{AppID: appID, SendAfter: after, Message: msg.Text(f.message)}
		if len(batchMeta) > 0 {
			req.BatchMetadata = batchMeta
		}
		req.RecipientAndParams = make([]batch.BatchRecipient, 0, len(ch))
		for _, r := range ch {
			br := batch.BatchRecipient{}
			if r.ContactID != "" {
				br.Recipient = recipient.Contact(r.ContactID)
			} else {
				br.Recipient = recipient.Identity(conversation.ConversationChannel(r.Channel), r.Identity)
			}
			if len(r.Params) > 0 {
				br.Parameters = make(map[string]string, len(r.Params))
				for k, v := range r.Params {
					br.Parameters[names[k]] = v
				}
			}
			req.RecipientAndParams = append(req.RecipientAndParams, br)
			if sender != "" && r.Channel == "SMS" {
				req.ChannelProperties = msg.Properties(msg.SMSSender(sender))
			}
		}
		// An interrupt lets the request in flight finish, so that its outcome is known.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchRequestTimeout)
		resp, err := c.Batch.Send(rctx, req)
		cancel()
		if err != nil {
			stopErr = fmt.Errorf("batch %d of %d (lines %d-%d): %w", i, chunks, ch[0].Line, ch[len(ch)-1].Line, err)
			out.ResumeFrom = ch[0].Line
			if errors.Is(err, sinch.ErrMaybeSent) {
				// No answer came after the request went out: Sinch may have accepted it, and
				// resuming from its first line could send it twice.
				out.MaybeSent = &sentBatch{Recipients: len(ch), FirstLine: ch[0].Line, LastLine: ch[len(ch)-1].Line}
			}
			break
		}
		out.Batches = append(out.Batches, sentBatch{BatchID: resp.BatchID, Recipients: len(ch), FirstLine: ch[0].Line, LastLine: ch[len(ch)-1].Line, SendAfter: resp.SendAfter})
		out.Recipients += len(ch)
		if bar != nil {
			bar.Accepted(len(ch))
		}
	}
	if bar != nil {
		bar.Stop()
	}
	if err := a.emit(out, func() { a.printBatchTable(out) }); err != nil {
		return err
	}
	if stopErr == nil {
		return nil
	}
	return stoppedError(stopErr, out, chunks)
}

// stoppedError says why a run stopped, what went and where to resume.
func stoppedError(err error, out batchSummary, chunks int) error {
	resume := ""
	if out.ResumeFrom > 0 {
		resume = fmt.Sprintf("; to send the rest, run the same command with --resume-from %d", out.ResumeFrom)
	}

	went := "no batch was sent"
	if n := len(out.Batches); n > 0 {
		went = fmt.Sprintf("%d of %d batches were accepted (CSV lines %d-%d, ids above), the rest were not sent",
			n, chunks, out.Batches[0].FirstLine, out.Batches[n-1].LastLine)
	}
	if m := out.MaybeSent; m != nil {
		if n := len(out.Batches); n > 0 {
			went = plural(n, "batch") + " before it accepted (ids above)"
		}
		return fmt.Errorf("no answer came for the batch of CSV lines %d-%d (%v), so Sinch may have accepted it; %s; check with sinch batch status, then run the same command with --resume-from %d to send those lines again or --resume-from %d to skip them",
			m.FirstLine, m.LastLine, rootCause(err), went, m.FirstLine, m.LastLine+1)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted: %s%s", went, resume)
	}
	return fmt.Errorf("%w; %s%s", err, went, resume)
}

// rootCause is the innermost error of a chain (for a dropped connection: EOF).
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

func (a *app) printBatchTable(sum batchSummary) {
	if len(sum.Batches) == 0 {
		return
	}
	a.printf("sent %s in %s:\n", plural(sum.Recipients, "recipient"), plural(len(sum.Batches), "batch"))
	rows := [][]string{{"BATCH ID", "RECIPIENTS", "CSV LINES", "SEND AFTER"}}
	for _, sb := range sum.Batches {
		rows = append(rows, []string{sb.BatchID, fmt.Sprint(sb.Recipients), fmt.Sprintf("%d-%d", sb.FirstLine, sb.LastLine), ts(sb.SendAfter)})
	}
	a.table(rows)
}

// openCSV opens --csv for two passes. Standard input (-) is copied to a temporary file while
// it is checked, so that it can be read again; cleanup removes it.
func (a *app) openCSV(path string) (src io.ReadSeeker, name string, cleanup func(), err error) {
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, "", nil, usagef("--csv: %v", err)
		}
		return f, path, func() { f.Close() }, nil
	}
	tmp, err := os.CreateTemp("", "sinch-batch-*.csv")
	if err != nil {
		return nil, "", nil, fmt.Errorf("--csv -: %w", err)
	}
	cleanup = func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, a.env.Stdin); err != nil {
		cleanup()
		return nil, "", nil, fmt.Errorf("--csv -: reading standard input: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return tmp, "standard input", cleanup, nil
}
