package review

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/fanzha/fanzha"
)

// stuckAfter is the failed posts of one case after which it is reported as
// stuck.
const stuckAfter = 5

// Deliver runs a replica's share of the queue until ctx is done: it takes
// each case from q (Next), posts it with post (the card in the review
// chat), and acknowledges it (Ack) once posted. A case whose posting fails
// is not acknowledged, so the queue delivers it again after MinIdle (to this
// replica or another). While the queue is unavailable it waits, backing off
// from 100 ms to 5 s; the outage itself is logged by the store, once.
func Deliver(ctx context.Context, q fanzha.ReviewQueue, post func(context.Context, fanzha.Case) error, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	const first, most = 100 * time.Millisecond, 5 * time.Second
	backoff := first
	failures := map[string]int{} // case id → failed posts, this replica
	for {
		c, err := q.Next(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !errors.Is(err, fanzha.ErrUnavailable) {
				log.Error("review queue", "err", err)
			}
			t := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			backoff = min(2*backoff, most)
			continue
		}
		backoff = first
		if err := post(ctx, c); err != nil {
			// A case is never dropped, but one that keeps failing (a wrong
			// review chat, the bot removed from it) is reported loudly once
			// and then quietly, not every MinIdle for ever.
			failures[c.ID]++
			switch n := failures[c.ID]; {
			case n < stuckAfter:
				log.Warn("posting a case failed; it will be delivered again", "case_id", c.ID, "attempt", n, "err", err)
			case n == stuckAfter:
				log.Error("a case keeps failing to post: check FANZHA_REVIEW_CHAT and that the bot is in that chat", "case_id", c.ID, "attempts", n, "err", err)
			default:
				log.Debug("posting a case failed again", "case_id", c.ID, "attempt", n, "err", err)
			}
			continue
		}
		delete(failures, c.ID)
		if err := q.Ack(ctx, c.ID); err != nil {
			log.Warn("acknowledging a posted case failed; it may be posted twice", "case_id", c.ID, "err", err)
		}
	}
}
