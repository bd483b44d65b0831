package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// poll fetches updates until ctx is cancelled. Each update is taken in
// hand (intake: queued in the inbox, or dispatched here) and then the
// offset moves past it, so the next getUpdates acknowledges it to
// Telegram: fetching never waits for a chat's replies. It returns an error
// only when Telegram refuses the token.
func (b *Bot) poll(ctx context.Context) error {
	start, err := b.opts.Updates.Offset(ctx, b.scope)
	if err != nil {
		b.log.Warn("cannot read the stored offset; starting from Telegram's", "err", err)
		start = 0
	}
	b.offset = start
	failures := 0
	stored := start
	lastFresh := time.Now()
	for ctx.Err() == nil {
		// After a week without updates Telegram numbers the next one at
		// random, possibly below our offset, which would confirm (drop) it
		// unseen: after IdleReset of silence, poll from Telegram's offset.
		if time.Since(lastFresh) > b.opts.IdleReset && b.offset != 0 {
			b.log.Info("no updates for a long time; polling from Telegram's own offset", "idle", time.Since(lastFresh).Round(time.Second))
			lastFresh, stored, b.offset = time.Now(), 0, 0
		}
		asked := time.Now()
		ups, err := b.getUpdates(ctx, b.offset, 100, b.opts.PollTimeout)
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
		if b.offset > stored {
			if err := b.opts.Updates.SetOffset(ctx, b.scope, b.offset); err != nil && ctx.Err() == nil {
				// An unavailable store has said so once; Telegram keeps the
				// offset meanwhile.
				b.storeFailed("cannot store the polling offset", b.scope, err)
			} else {
				stored = b.offset
			}
		}
		now := time.Now()
		for _, raw := range ups {
			id, err := b.intake(ctx, raw, now)
			if errors.Is(err, errNoUpdateID) {
				b.metrics.Error("malformed_update")
				b.log.Warn("update without an update_id ignored", "err", err)
				continue
			}
			if err != nil {
				// Not taken in hand (shutting down): not acknowledged either,
				// so Telegram delivers it again.
				break
			}
			if id >= b.offset {
				b.offset = id + 1
			}
			lastFresh = now
		}
		if len(ups) == 0 && time.Since(asked) < 20*time.Millisecond {
			// A server that does not long-poll: do not spin.
			_ = sleep(ctx, 20*time.Millisecond)
		}
	}
	return nil
}

// confirm tells Telegram (and the store) that every update taken in hand is
// acknowledged: getUpdates with the next offset confirms the ones before it.
func (b *Bot) confirm() error {
	offset := b.offset
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
