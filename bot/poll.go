package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// tracker follows the updates fetched by polling, so the offset sent to
// Telegram only moves past an update once it has been handled: an update
// confirmed to Telegram has been answered, and one that has not been
// answered is delivered again after a crash. Telegram sends an unconfirmed
// update again on every poll; the tracker knows it is already in hand.
type tracker struct {
	mu       sync.Mutex
	floor    int64 // every id below has been confirmed (or was before our time)
	maxID    int64
	known    map[int64]*tracked
	pending  int
	progress chan struct{}
}

type tracked struct {
	started time.Time
	done    bool
}

func newTracker(offset int64) *tracker {
	return &tracker{floor: offset, maxID: offset - 1, known: map[int64]*tracked{}, progress: make(chan struct{}, 1)}
}

// add takes id in hand; false when it already is, or is below the floor.
func (t *tracker) add(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id < t.floor || t.known[id] != nil {
		return false
	}
	t.known[id] = &tracked{started: now}
	t.pending++
	if id > t.maxID {
		t.maxID = id
	}
	return true
}

// finish marks id handled.
func (t *tracker) finish(id int64) {
	t.mu.Lock()
	if k := t.known[id]; k != nil && !k.done {
		k.done = true
		t.pending--
	}
	t.mu.Unlock()
	select {
	case t.progress <- struct{}{}:
	default:
	}
}

// offset returns the offset to poll with: the smallest id still being
// handled for less than hold, else one past the largest id seen. Ids below
// it are forgotten: the next poll confirms them.
func (t *tracker) offset(now time.Time, hold time.Duration) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	off := t.maxID + 1
	for id, k := range t.known {
		if !k.done && now.Sub(k.started) < hold && id < off {
			off = id
		}
	}
	for id, k := range t.known {
		if id < off {
			if !k.done {
				t.pending--
			}
			delete(t.known, id)
		}
	}
	if off > t.floor {
		t.floor = off
	}
	return off
}

// reset forgets every id, so the next poll asks from Telegram's own offset;
// false (and nothing changes) while an update is still in hand.
func (t *tracker) reset() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending > 0 {
		return false
	}
	t.floor, t.maxID, t.known = 0, -1, map[int64]*tracked{}
	return true
}

func (t *tracker) inHand() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending
}

// poll fetches updates until ctx is cancelled. It returns an error only
// when Telegram refuses the token.
func (b *Bot) poll(ctx context.Context) error {
	start, err := b.opts.Updates.Offset(ctx, b.scope)
	if err != nil {
		b.log.Warn("cannot read the stored offset; starting from Telegram's", "err", err)
		start = 0
	}
	b.tracker = newTracker(start)
	t := b.tracker
	failures := 0
	stored := start
	// idle is how long to wait when a poll brings only updates already in
	// hand: short at first, longer while one stays unfinished (a long
	// retry_after, a slow assistant), so polls do not spin.
	idle := 50 * time.Millisecond
	lastFresh := time.Now()
	for ctx.Err() == nil {
		// After a week without updates Telegram numbers the next one at
		// random, possibly below our offset, which would confirm (drop) it
		// unseen: after IdleReset of silence, poll from Telegram's offset.
		if time.Since(lastFresh) > b.opts.IdleReset && t.reset() {
			b.log.Info("no updates for a long time; polling from Telegram's own offset", "idle", time.Since(lastFresh).Round(time.Second))
			lastFresh, stored = time.Now(), 0
		}
		if t.inHand() >= maxPending {
			b.waitProgress(ctx, time.Second)
			continue
		}
		offset := t.offset(time.Now(), holdLimit)
		asked := time.Now()
		ups, err := b.getUpdates(ctx, offset, 100, b.opts.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			kind := errKind(err)
			b.metrics.Error(kind)
			wait := backoff(failures)
			failures++
			if te, ok := apiError(err); ok {
				switch {
				case te.Code == http.StatusUnauthorized:
					return fmt.Errorf("telegram getUpdates: %w (is FANZHA_TELEGRAM_TOKEN right?)", err)
				case te.Code == http.StatusTooManyRequests && te.RetryAfter > 0:
					wait = time.Duration(te.RetryAfter) * time.Second
				case te.Code == http.StatusConflict:
					// A webhook is set (or another poller runs): remove the
					// webhook; another poller is an operator's mistake.
					if _, derr := b.api.MakeRequest("deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}); derr != nil {
						b.log.Warn("deleteWebhook failed", "err", b.redact.Error(derr))
					}
				}
			}
			b.log.Warn("getUpdates failed", "kind", kind, "err", err, "wait", wait)
			if sleep(ctx, wait) != nil {
				break
			}
			continue
		}
		failures = 0
		if offset > stored {
			if err := b.opts.Updates.SetOffset(ctx, b.scope, offset); err != nil && ctx.Err() == nil {
				// An unavailable store has said so once; Telegram keeps the
				// offset meanwhile.
				b.storeFailed("cannot store the polling offset", b.scope, err)
			} else {
				stored = offset
			}
		}
		now := time.Now()
		fresh := 0
		for _, raw := range ups {
			in, id, derr := decodeUpdate(raw, now)
			if errors.Is(derr, errNoUpdateID) {
				b.metrics.Error("malformed_update")
				b.log.Warn("update without an update_id ignored", "err", derr)
				continue
			}
			if !t.add(id, now) {
				continue
			}
			fresh++
			if derr != nil {
				b.metrics.Error("malformed_update")
				b.log.Warn("malformed update skipped", "update_id", id, "err", derr)
				t.finish(id)
				continue
			}
			if !b.dispatch(in, func() { t.finish(id) }) {
				t.finish(id)
			}
		}
		if fresh > 0 {
			idle = 50 * time.Millisecond
			lastFresh = now
		}
		switch {
		case fresh == 0 && len(ups) > 0:
			// Everything Telegram sent is still being handled: wait for
			// some of it to finish instead of asking again at once.
			b.waitProgress(ctx, idle)
			idle = min(2*idle, time.Second)
			continue
		case len(ups) == 0 && time.Since(asked) < 20*time.Millisecond:
			// A server that does not long-poll: do not spin.
			_ = sleep(ctx, 20*time.Millisecond)
		}
	}
	return nil
}

func (b *Bot) waitProgress(ctx context.Context, max time.Duration) {
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-b.tracker.progress:
	case <-t.C:
	case <-ctx.Done():
	}
}

// confirm tells Telegram (and the store) that every handled update is done:
// getUpdates with the next offset confirms the ones before it. Updates still
// unfinished at the drain deadline are not confirmed, so they come again.
func (b *Bot) confirm() error {
	offset := b.tracker.offset(time.Now(), time.Duration(1<<62))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.opts.Updates.SetOffset(ctx, b.scope, offset); err != nil {
		b.log.Warn("cannot store the polling offset", "err", err)
	}
	if offset <= 0 {
		return nil
	}
	if _, err := b.getUpdates(ctx, offset, 1, 0); err != nil {
		b.metrics.Error(errKind(err))
		b.log.Warn("could not confirm the last updates with Telegram; they may be answered again after a restart", "offset", offset, "err", err)
		return nil
	}
	b.log.Info("offset confirmed", "offset", offset)
	return nil
}
