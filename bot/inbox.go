package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/fanzha/fanzha"
)

// maxInHand bounds the updates taken from the inbox (or dispatched in
// memory mode) and not yet handled. A flood sits in its own chat's queue,
// so other chats go on; past this bound intake waits.
const maxInHand = 20000

// doneRetry is how long removing an answered update from the inbox is
// retried through a Redis outage.
const doneRetry = time.Minute

// errNotQueued means an update could not be taken in hand (the bot is
// shutting down); the caller must not acknowledge it.
var errNotQueued = errors.New("update not queued")

// intake takes one raw update in hand, and only then may the caller
// acknowledge it to Telegram (raise the polling offset, answer the webhook
// 200). The per-user rate limit applies here, before anything is queued: a
// message over the limit is dropped (coalesced), except the first one of an
// episode, which is queued as a "slow down" notice — a flood costs the
// flooder, never the other chats.
//
// With an Inbox (Redis) the update is stored there and answered by
// whichever replica takes it; a redelivered update id is dropped. Without
// one, or while the inbox cannot be reached, it is dispatched in this
// process (best-effort: a crash loses what is in hand).
func (b *Bot) intake(ctx context.Context, raw []byte, received time.Time) (int64, error) {
	in, id, err := decodeUpdate(raw, received)
	if errors.Is(err, errNoUpdateID) {
		return 0, err
	}
	if err != nil {
		b.metrics.Error("malformed_update")
		b.log.Warn("malformed update skipped", "update_id", id, "err", err)
		return id, nil
	}
	if user, ok := limitedSender(in); ok {
		allowed, notify := b.limiter.allow(user)
		if !allowed {
			b.metrics.RateLimited()
			if !notify {
				return id, nil
			}
			in.notice = true
		}
	}
	if b.opts.Inbox != nil {
		queued, err := b.opts.Inbox.Put(ctx, b.scope, id, raw, in.notice)
		if err == nil {
			if queued {
				b.metrics.event(famInbox, `outcome="queued"`)
			} else {
				b.metrics.Duplicate()
				b.metrics.event(famInbox, `outcome="duplicate"`)
			}
			return id, nil
		}
		if ctx.Err() != nil {
			return id, errNotQueued
		}
		// Redis is down: answer from here rather than not at all.
		b.storeFailed("cannot queue an update in the inbox; handling it in this process", b.scope, err)
	}
	first, err := b.opts.Updates.MarkSeen(ctx, b.scope, id, seenTTL)
	if err != nil {
		first = true // better twice than never
	}
	if !first {
		b.metrics.Duplicate()
		b.metrics.event(famInbox, `outcome="duplicate"`)
		return id, nil
	}
	b.hand.wait(ctx)
	b.hand.add("")
	if !b.dispatch(in, func(bool) { b.hand.remove("") }) {
		b.hand.remove("")
		_ = b.opts.Updates.Unmark(context.WithoutCancel(ctx), b.scope, id)
		return id, errNotQueued
	}
	b.metrics.event(famInbox, `outcome="local"`)
	return id, nil
}

// limitedSender is the user whose rate limit an update counts against:
// messages in private chats. Group messages are limited where the bot
// decides to answer them (most are not for it); button taps have their
// own check.
func limitedSender(in *incoming) (int64, bool) {
	m := in.u.Message
	if m == nil || m.Chat == nil || !m.Chat.IsPrivate() {
		return 0, false
	}
	return senderID(m), true
}

// inHand counts the updates dispatched and not yet handled, with the
// inbox references among them (held against takeover).
type inHand struct {
	mu   sync.Mutex
	n    int
	refs map[string]bool
	free chan struct{}
}

func newInHand() *inHand { return &inHand{refs: map[string]bool{}, free: make(chan struct{}, 1)} }

// add takes ref in hand; false when it already is.
func (h *inHand) add(ref string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ref != "" {
		if h.refs[ref] {
			return false
		}
		h.refs[ref] = true
	}
	h.n++
	return true
}

func (h *inHand) remove(ref string) {
	h.mu.Lock()
	if ref != "" {
		delete(h.refs, ref)
	}
	h.n--
	h.mu.Unlock()
	select {
	case h.free <- struct{}{}:
	default:
	}
}

func (h *inHand) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

func (h *inHand) held() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.refs))
	for r := range h.refs {
		out = append(out, r)
	}
	return out
}

// wait blocks while maxInHand updates are in hand.
func (h *inHand) wait(ctx context.Context) {
	for h.count() >= maxInHand && ctx.Err() == nil {
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-h.free:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// pump takes the inbox's items for this replica until ctx is done and
// dispatches each to its chat's queue: chats proceed independently, one
// chat's updates in order. An item is removed from the inbox once handled
// to the end; one cut off at shutdown stays for another replica.
func (b *Bot) pump(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		b.hand.wait(ctx)
		items, err := b.opts.Inbox.Take(ctx, b.scope, 100)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.storeFailed("cannot take updates from the inbox", b.scope, err)
			_ = sleep(ctx, backoff(failures))
			failures++
			continue
		}
		failures = 0
		for _, it := range items {
			b.take(it)
		}
	}
}

// take dispatches one inbox item.
func (b *Bot) take(it fanzha.InboxItem) {
	if !b.hand.add(it.Ref) {
		return // already in hand here (reclaimed from ourselves)
	}
	received := it.Queued
	if received.IsZero() || received.After(time.Now()) {
		received = time.Now()
	}
	in, _, err := decodeUpdate(it.Raw, received)
	if err != nil {
		b.log.Warn("undecodable update in the inbox; removing it", "update_id", it.UpdateID, "err", err)
		b.inboxDone(it)
		b.hand.remove(it.Ref)
		return
	}
	in.notice = it.Notice
	if it.Reclaimed {
		b.metrics.event(famInbox, `outcome="reclaimed"`)
		b.log.Info("update taken over from a stopped replica", "update_id", it.UpdateID)
	}
	ok := b.dispatch(in, func(done bool) {
		if !done {
			b.metrics.event(famInbox, `outcome="left"`)
			b.hand.remove(it.Ref)
			return
		}
		// Removed at once (the shorter the time between the reply and
		// this, the fewer replies a kill -9 makes twice); when Redis does
		// not answer, retried in the background, so the chat is not held
		// up; the item stays in hand (held) until then.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := b.opts.Inbox.Done(ctx, b.scope, it.Ref)
		cancel()
		if err == nil {
			b.metrics.event(famInbox, `outcome="done"`)
			b.hand.remove(it.Ref)
			return
		}
		go func() {
			b.inboxDone(it)
			b.hand.remove(it.Ref)
		}()
	})
	if !ok {
		b.metrics.event(famInbox, `outcome="left"`)
		b.hand.remove(it.Ref)
	}
}

func (b *Bot) inboxDone(it fanzha.InboxItem) {
	// Redis may be restarting: keep trying (the item is held meanwhile),
	// so an answered update is not answered again.
	deadline := time.Now().Add(doneRetry)
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := b.opts.Inbox.Done(ctx, b.scope, it.Ref)
		cancel()
		if err == nil {
			b.metrics.event(famInbox, `outcome="done"`)
			return
		}
		if time.Now().After(deadline) {
			// It will be answered again after the takeover time: a
			// duplicate rather than a loss.
			b.storeFailed("cannot remove an answered update from the inbox", b.scope, err)
			return
		}
		time.Sleep(min(backoff(attempt), time.Until(deadline)+time.Millisecond))
	}
}

// hold keeps the items in hand from being taken over while this replica
// lives: every holdEvery until ctx is done.
func (b *Bot) hold(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		refs := b.hand.held()
		for len(refs) > 0 {
			n := min(len(refs), 500)
			if err := b.opts.Inbox.Hold(ctx, b.scope, refs[:n]); err != nil && ctx.Err() == nil {
				b.storeFailed("cannot hold the updates in hand", b.scope, err)
			}
			refs = refs[n:]
		}
	}
}
