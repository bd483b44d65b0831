package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
)

// Retry policy for calls to the Bot API.
const (
	// maxRetriesTransient is how many times setWebhook is repeated after a
	// 5xx or a network error at start (replies are retried by time, not
	// count: see request).
	maxRetriesTransient = 5
	backoffBase         = 200 * time.Millisecond
	backoffMax          = 10 * time.Second
)

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// ctxDoer binds every request the library makes to ctx: the library's
// methods take no context, so this is how a shutdown deadline reaches them.
type ctxDoer struct {
	ctx context.Context
	hc  *http.Client
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	return d.hc.Do(req.WithContext(d.ctx))
}

// redactor removes secrets (the bot token, the webhook secret) from text.
type redactor struct{ r *strings.Replacer }

func newRedactor(secrets ...string) *redactor {
	var pairs []string
	add := func(s string) {
		if len(s) >= 6 {
			pairs = append(pairs, s, "[REDACTED]")
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		add(s)
		add(url.PathEscape(s))
		add(url.QueryEscape(s))
		// The part of a bot token after the colon is the secret part.
		if i := strings.IndexByte(s, ':'); i >= 0 {
			add(s[i+1:])
		}
	}
	return &redactor{strings.NewReplacer(pairs...)}
}

func (r *redactor) String(s string) string { return r.r.Replace(s) }

// Error returns err with every secret removed from its message. errors.Is
// and errors.As still see the original chain (for *tgbotapi.Error and
// context errors); its message is never printed.
func (r *redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	var re *redactedError
	if errors.As(err, &re) {
		return err
	}
	return &redactedError{msg: r.r.Replace(err.Error()), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// apiError returns the Bot API error in err, if any.
func apiError(err error) (*tgbotapi.Error, bool) {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return te, true
	}
	return nil, false
}

// errKind names the kind of a failed call for metrics and logs.
func errKind(err error) string {
	if te, ok := apiError(err); ok {
		switch {
		case te.Code == http.StatusTooManyRequests:
			return "telegram_429"
		case te.Code == http.StatusForbidden:
			return "telegram_403"
		case te.Code >= 500:
			return "telegram_5xx"
		case te.Code == http.StatusBadRequest:
			return "telegram_400"
		default:
			return "telegram_4xx"
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "canceled"
	}
	return "network"
}

// backoff returns the wait before retry n (0-based): exponential with
// jitter, capped.
func backoff(n int) time.Duration {
	d := backoffBase << min(n, 10)
	if d > backoffMax {
		d = backoffMax
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// receipt is what a reply knows of its update: when it arrived, and
// whether the "sorry for the delay" opener was already said.
type receipt struct {
	at     time.Time
	opened atomic.Bool
}

type receiptKey struct{}

// withReceipt marks ctx as the handling of an update received at at.
func withReceipt(ctx context.Context, at time.Time) context.Context {
	if at.IsZero() {
		return ctx
	}
	return context.WithValue(ctx, receiptKey{}, &receipt{at: at})
}

func receiptOf(ctx context.Context) *receipt {
	r, _ := ctx.Value(receiptKey{}).(*receipt)
	return r
}

// request sends c through the library. Telegram's temporary refusals — 429
// (waiting exactly retry_after, however long), 5xx and network errors
// (backing off, at most backoffMax apart) — are retried for as long as the
// reply is useful: until ReplyGiveUp after its update arrived, or until ctx
// ends (shutdown: the update stays in the inbox). Never for a count. A
// message sent later than ReplyLateAfter starts with a short "sorry for the
// delay". Other errors (400, 403…) are returned at once. Returned errors
// are redacted.
func (b *Bot) request(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	rc := receiptOf(ctx)
	transient := 0
	for {
		c = b.late(rc, c)
		resp, err := b.api.Request(c)
		if err == nil {
			return resp, nil
		}
		err = b.redact.Error(err)
		kind := errKind(err)
		b.metrics.Error(kind)
		if ctx.Err() != nil {
			return nil, err
		}
		te, isAPI := apiError(err)
		var wait time.Duration
		switch {
		case kind == "telegram_429":
			wait = time.Duration(te.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			b.log.Debug("telegram asks to slow down", "retry_after", wait, "err", err)
		case kind == "telegram_5xx" || !isAPI:
			wait = backoff(transient)
			transient++
			b.log.Debug("telegram call failed, retrying", "kind", kind, "wait", wait, "err", err)
		default:
			return nil, err
		}
		if rc != nil && time.Since(rc.at)+wait > b.opts.ReplyGiveUp {
			b.metrics.Error("reply_given_up")
			return nil, fmt.Errorf("reply no longer useful after %v: %w", b.opts.ReplyGiveUp, err)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// late adds the "sorry for the delay" opener to the first message of a
// late reply.
func (b *Bot) late(rc *receipt, c tgbotapi.Chattable) tgbotapi.Chattable {
	m, ok := c.(tgbotapi.MessageConfig)
	if !ok || rc == nil || time.Since(rc.at) < b.opts.ReplyLateAfter || rc.opened.Load() {
		return c
	}
	if !rc.opened.CompareAndSwap(false, true) {
		return c
	}
	opener := b.text("bot_late", fanzha.ZH) + " " + b.text("bot_late", fanzha.EN)
	if m.ParseMode == tgbotapi.ModeHTML {
		opener = "<i>" + html.EscapeString(opener) + "</i>"
	}
	if len([]rune(m.Text))+len([]rune(opener))+1 > MaxMessageLen {
		return c // a full part: the opener would not fit
	}
	m.Text = opener + "\n" + m.Text
	b.metrics.event(famLate, "")
	return m
}

// getUpdates asks for updates from offset on, long-polling for timeout. It
// returns each update raw, so that fields the library does not know
// (forward_origin) can be read, and so that one malformed update cannot
// spoil the batch.
func (b *Bot) getUpdates(ctx context.Context, offset int64, limit int, timeout time.Duration) ([]json.RawMessage, error) {
	form := url.Values{}
	if offset > 0 {
		form.Set("offset", strconv.FormatInt(offset, 10))
	}
	form.Set("limit", strconv.Itoa(limit))
	form.Set("timeout", strconv.Itoa(int(timeout/time.Second)))
	au, _ := json.Marshal(allowedUpdates)
	form.Set("allowed_updates", string(au))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.methodURL("getUpdates"), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, b.redact.Error(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.pollClient.Do(req)
	if err != nil {
		return nil, b.redact.Error(err)
	}
	defer resp.Body.Close()
	var r tgbotapi.APIResponse
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, b.redact.Error(fmt.Errorf("getUpdates: HTTP %d, undecodable response: %w", resp.StatusCode, err))
	}
	if !r.Ok {
		e := &tgbotapi.Error{Code: r.ErrorCode, Message: r.Description}
		if e.Code == 0 {
			e.Code = resp.StatusCode
		}
		if r.Parameters != nil {
			e.ResponseParameters = *r.Parameters
		}
		return nil, b.redact.Error(e)
	}
	var ups []json.RawMessage
	if err := json.Unmarshal(r.Result, &ups); err != nil {
		return nil, fmt.Errorf("getUpdates: result is not a list of updates: %w", err)
	}
	return ups, nil
}

func (b *Bot) methodURL(method string) string {
	return b.opts.API + "/bot" + b.opts.Token + "/" + method
}
