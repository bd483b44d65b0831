// Package bot is Fanzha's Telegram transport: it receives updates by long
// polling or by webhook, answers private chats, forwarded messages, groups
// and button presses with the classifier's verdict and the advisor's reply,
// and keeps working through Telegram's rate limits and errors.
//
// telegram-bot-api v5 is used for its types and for sending; the rest is
// done here, because the library cannot: a polling loop that stops with a
// context and confirms its offset, the webhook secret_token, forward_origin,
// retry_after on 429, splitting long texts, and keeping the token out of
// error messages.
package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/ocr"
)

// Defaults for Options.
const (
	DefaultPollTimeout  = 30 * time.Second
	DefaultWorkers      = 32
	DefaultDrainTimeout = 10 * time.Second
	// seenTTL is how long an update id is remembered against redelivery
	// in memory mode.
	seenTTL = time.Hour
	// maxBody bounds a webhook request body.
	maxBody = 1 << 20
)

// Advisor renders verdicts and names types; *advice.Advisor is one.
type Advisor interface {
	Render(w advice.View) advice.Reply
	// TypeName is a scam type's official name.
	TypeName(t fanzha.ScamType, lang fanzha.Lang) string
}

// Review is the officers' side the bot works with: the queue cases are
// submitted to and acted on, the blocklist every message is checked
// against, and the audit log. *review.Memory and *review.Redis are both.
type Review interface {
	fanzha.ReviewQueue
	fanzha.Blocklist
	fanzha.AuditLog
	// IsOfficer reports whether a Telegram user id may act on cases.
	IsOfficer(user int64) bool
}

// Options configure a Bot. Token, Conversation, Sessions and Updates are
// required.
type Options struct {
	Token string
	// API is the Bot API base URL; the bot calls API/bot<token>/<method>.
	API string
	// WebhookURL switches to webhook mode: the bot registers it with
	// setWebhook and serves updates at its path (see WebhookPath).
	WebhookURL string
	// WebhookSecret is the secret_token Telegram sends back in the
	// X-Telegram-Bot-Api-Secret-Token header. When empty in webhook mode,
	// one is derived from the token, so replicas agree on it.
	WebhookSecret string
	// RatePerMinute is the per-user message limit; 0 means no limit.
	RatePerMinute int
	// SessionTTL is how long a conversation is kept without activity.
	SessionTTL time.Duration

	// Conversation decides every verdict and what to say; the bot only
	// translates Telegram to and from it.
	Conversation *conversation.Service
	// Advisor renders verdicts; the conversation's advisor when nil.
	Advisor Advisor
	// Sessions keeps conversations; Updates the polling offset and the
	// webhook updates seen (session.Memory is both).
	Sessions fanzha.SessionStore
	Updates  fanzha.UpdateLog
	// Inbox, when set (Redis), holds every acknowledged update until it is
	// answered, shared by replicas (at-least-once). Without it updates are
	// handled in this process once acknowledged: best-effort, a crash loses
	// what is in hand.
	Inbox fanzha.Inbox
	// InboxClaimIdle is the inbox's takeover time; items in hand are held
	// every third of it. 30 s when zero.
	InboxClaimIdle time.Duration
	// ReplyLateAfter: a reply sent this long after its update arrived
	// starts with a short "sorry for the delay". ReplyGiveUp: how long a
	// reply is retried through Telegram errors (429, 5xx, network) before it
	// is given up as no longer useful. Both required (config has the
	// defaults).
	ReplyLateAfter time.Duration
	ReplyGiveUp    time.Duration
	// Review, when set, checks every message against the blocklist of
	// confirmed scammers' indicators; with ReviewChat too, citizens can
	// hand a conversation to officers ("Ask an officer", after consent),
	// cards are posted to ReviewChat (PostCase), officers act on them with
	// buttons and use /queue, /case and /stats there.
	Review Review
	// ReviewChat is the officers' chat id (FANZHA_REVIEW_CHAT).
	ReviewChat int64
	// Reports, when set, answers officers' /report and /report last with
	// the weekly report (a chart and the text); Console, when set, gives
	// an officer a one-time sign-in link on /console; Cards remembers each
	// case's card in the review chat, so an action taken elsewhere (the
	// console) shows on it.
	Reports Reports
	Console Console
	Cards   Cards
	// Officers get the officers' command menu in their private chats
	// (setMyCommands); Review decides who is one.
	Officers []int64
	Logger   *slog.Logger
	Metrics  *Metrics
	// HTTPClient's Transport carries the Bot API calls; its timeout is
	// replaced (long polls need a longer one than sends).
	HTTPClient *http.Client
	// PollTimeout is the getUpdates long-poll timeout.
	PollTimeout time.Duration
	// Workers bounds the updates handled at once.
	Workers int
	// DrainTimeout bounds the wait for in-flight updates at shutdown.
	DrainTimeout time.Duration
	// IdleReset: after this long without an update, polling forgets its
	// offset (Telegram renumbers updates after a week of silence); 6 days
	// when zero.
	IdleReset time.Duration
	// Now returns the time (tests move it for the rate limit).
	Now func() time.Time
	// Pictures reads photos and images sent as documents (OCR and QR
	// codes); nil: pictures get "I cannot read pictures now".
	Pictures *ocr.Engine
}

// Bot is a running Telegram bot. Create it with New, start it with Open,
// then Run until the context is cancelled.
type Bot struct {
	opts    Options
	conv    *conversation.Service
	advisor Advisor
	// hotline and police are the numbers the bot's own texts give.
	hotline, police string
	log             *slog.Logger
	metrics         *Metrics
	redact          *redactor

	pollClient *http.Client
	sendClient *http.Client
	api        *tgbotapi.BotAPI
	self       tgbotapi.User
	scope      string

	webhookPath   string
	webhookSecret string

	hardCtx    context.Context // cancelled when the drain deadline passes
	hardCancel context.CancelFunc
	disp       *dispatcher
	limiter    *limiter
	hand       *inHand
	offset     int64 // polling: the next update id to ask for (poll goroutine, then shutdown)
	holdStop   context.CancelFunc
	blocked    sync.Map // chat id → struct{}: a 403 was logged
	ready      atomic.Bool
	opened     atomic.Bool
	albums     albums
}

// New checks the options and fills in defaults. It makes no network call.
func New(o Options) (*Bot, error) {
	if o.Token == "" {
		return nil, errors.New("bot: no Telegram token")
	}
	if o.Conversation == nil {
		return nil, errors.New("bot: a conversation service is required")
	}
	if o.Advisor == nil {
		o.Advisor = o.Conversation.Advisor()
	}
	if o.Sessions == nil || o.Updates == nil {
		return nil, errors.New("bot: a session store and an update log are required")
	}
	// The Bot API URL and the session lifetime have their defaults in
	// config, like every setting a user may change.
	if o.API == "" {
		return nil, errors.New("bot: no Bot API URL")
	}
	if o.SessionTTL <= 0 {
		return nil, errors.New("bot: the session lifetime must be positive")
	}
	if o.ReplyLateAfter <= 0 || o.ReplyGiveUp <= 0 {
		return nil, errors.New("bot: ReplyLateAfter and ReplyGiveUp must be positive")
	}
	if o.InboxClaimIdle <= 0 {
		o.InboxClaimIdle = 30 * time.Second
	}
	o.API = strings.TrimRight(o.API, "/")
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.PollTimeout <= 0 {
		o.PollTimeout = DefaultPollTimeout
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.IdleReset <= 0 {
		o.IdleReset = 6 * 24 * time.Hour
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = DefaultDrainTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	adv := o.Conversation.Advisor()
	b := &Bot{opts: o, metrics: o.Metrics, conv: o.Conversation, advisor: o.Advisor, hotline: adv.Hotline(), police: adv.Police()}
	b.webhookSecret = o.WebhookSecret
	if o.WebhookURL != "" {
		u, err := url.Parse(o.WebhookURL)
		if err != nil || u.Host == "" {
			return nil, errors.New("bot: the webhook URL is not a URL")
		}
		b.webhookPath = u.Path
		if b.webhookPath == "" {
			b.webhookPath = "/"
		}
		if b.webhookSecret == "" {
			mac := hmac.New(sha256.New, []byte(o.Token))
			mac.Write([]byte("fanzha webhook secret"))
			b.webhookSecret = hex.EncodeToString(mac.Sum(nil))
		}
	}
	b.redact = newRedactor(o.Token, o.WebhookSecret)
	b.log = slog.New(redactHandler{h: o.Logger.Handler(), r: b.redact}).With("component", "telegram")

	var tr http.RoundTripper
	if o.HTTPClient != nil && o.HTTPClient.Transport != nil {
		tr = o.HTTPClient.Transport
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.Workers + 2
		t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		tr = t
	}
	b.pollClient = &http.Client{Transport: tr, Timeout: o.PollTimeout + 15*time.Second}
	b.sendClient = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	b.hardCtx, b.hardCancel = context.WithCancel(context.Background())
	b.disp = newDispatcher(o.Workers)
	b.limiter = newLimiter(o.RatePerMinute, o.Now)
	b.hand = newInHand()
	return b, nil
}

// Metrics returns the bot's metrics.
func (b *Bot) Metrics() *Metrics { return b.metrics }

// Username returns the bot's username (after Open).
func (b *Bot) Username() string { return b.self.UserName }

// WebhookPath is the path the webhook is served at; empty in polling mode.
func (b *Bot) WebhookPath() string { return b.webhookPath }

// Ready reports whether the bot is open and not shutting down.
func (b *Bot) Ready() bool { return b.ready.Load() }

// Open checks the token with getMe (retrying network errors until ctx is
// done), then registers the webhook, or removes one in polling mode so
// getUpdates works. Errors never contain the token.
func (b *Bot) Open(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		api, err := tgbotapi.NewBotAPIWithClient(b.opts.Token, b.opts.API+"/bot%s/%s", ctxDoer{ctx, b.sendClient})
		if err == nil {
			b.api = api
			break
		}
		err = b.redact.Error(err)
		if ctx.Err() != nil {
			return fmt.Errorf("telegram getMe: %w (last error: %v)", ctx.Err(), err)
		}
		if te, ok := apiError(err); ok && te.Code >= 400 && te.Code < 500 && te.Code != http.StatusTooManyRequests {
			return fmt.Errorf("telegram getMe: %w (is FANZHA_TELEGRAM_TOKEN right?)", err)
		}
		wait := backoff(attempt)
		if te, ok := apiError(err); ok && te.RetryAfter > 0 {
			wait = time.Duration(te.RetryAfter) * time.Second
		}
		b.log.Warn("telegram not reachable, retrying", "err", err, "wait", wait)
		if sleep(ctx, wait) != nil {
			return fmt.Errorf("telegram getMe: %w (last error: %v)", ctx.Err(), err)
		}
	}
	b.api.Client = ctxDoer{b.hardCtx, b.sendClient}
	b.self = b.api.Self
	b.scope = strconv.FormatInt(b.self.ID, 10)

	if b.opts.WebhookURL != "" {
		if err := b.setWebhook(ctx); err != nil {
			return err
		}
		b.log.Info("webhook registered", "bot", b.self.UserName, "path", b.webhookPath)
	} else {
		if _, err := b.api.MakeRequest("deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}); err != nil {
			b.log.Warn("deleteWebhook failed; polling anyway", "err", b.redact.Error(err))
		}
		b.log.Info("polling for updates", "bot", b.self.UserName)
	}
	b.publishCommands(ctx)
	b.opened.Store(true)
	b.ready.Store(true)
	return nil
}

func (b *Bot) setWebhook(ctx context.Context) error {
	au := `["` + strings.Join(allowedUpdates, `","`) + `"]`
	params := tgbotapi.Params{
		"url":             b.opts.WebhookURL,
		"secret_token":    b.webhookSecret,
		"allowed_updates": au,
		"max_connections": strconv.Itoa(min(b.opts.Workers, 100)),
	}
	for attempt := 0; ; attempt++ {
		_, err := b.api.MakeRequest("setWebhook", params)
		if err == nil {
			return nil
		}
		err = b.redact.Error(err)
		b.metrics.Error(errKind(err))
		te, isAPI := apiError(err)
		if isAPI && te.Code < 500 && te.Code != http.StatusTooManyRequests || attempt >= maxRetriesTransient {
			return fmt.Errorf("telegram setWebhook: %w", err)
		}
		wait := backoff(attempt)
		if isAPI && te.RetryAfter > 0 {
			wait = time.Duration(te.RetryAfter) * time.Second
		}
		if sleep(ctx, wait) != nil {
			return fmt.Errorf("telegram setWebhook: %w", ctx.Err())
		}
	}
}

// Run handles updates until ctx is cancelled: it polls, or in webhook mode
// waits while ServeHTTP receives them. Then it stops taking updates, lets
// the in-flight ones finish (up to DrainTimeout), confirms the polling
// offset with Telegram and stores it. It returns nil on a clean stop.
func (b *Bot) Run(ctx context.Context) error {
	if !b.opened.Load() {
		return errors.New("bot: Run before Open")
	}
	var pumped sync.WaitGroup
	if b.opts.Inbox != nil {
		hctx, hcancel := context.WithCancel(context.Background())
		b.holdStop = hcancel
		go b.hold(hctx, b.opts.InboxClaimIdle/3)
		pumped.Add(1)
		go func() {
			defer pumped.Done()
			b.pump(ctx)
		}()
	}
	var err error
	if b.opts.WebhookURL == "" {
		err = b.poll(ctx)
	} else {
		<-ctx.Done()
	}
	b.ready.Store(false)
	pumped.Wait()
	if serr := b.shutdown(); err == nil {
		err = serr
	}
	return err
}

// shutdown drains the in-flight updates and confirms the offset.
func (b *Bot) shutdown() error {
	dctx, cancel := context.WithTimeout(context.Background(), b.opts.DrainTimeout)
	defer cancel()
	if !b.disp.close(dctx) {
		left := b.hand.count()
		if b.opts.Inbox != nil {
			b.log.Warn("in-flight updates did not finish in time; leaving them in the inbox for another replica", "timeout", b.opts.DrainTimeout, "left", left)
		} else {
			b.log.Error("in-flight updates did not finish in time; without Redis they are lost", "timeout", b.opts.DrainTimeout, "lost", left)
		}
		b.hardCancel()
		wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Second)
		b.disp.close(wctx)
		wcancel()
	}
	if b.holdStop != nil {
		b.holdStop()
	}
	var err error
	if b.opts.WebhookURL == "" {
		err = b.confirm()
	}
	b.hardCancel()
	b.log.Info("stopped")
	return err
}

// handle runs one update, recovering a panic. done learns whether it ran
// to the end (false: cut off at shutdown, to be answered again).
func (b *Bot) handle(in *incoming, done func(bool)) {
	b.metrics.addInflight(1)
	defer func() {
		if v := recover(); v != nil {
			b.metrics.Error("panic")
			b.log.Error("panic while handling an update", "update_id", in.id, "chat_id", in.key(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			b.sorry(in)
		}
		b.metrics.addInflight(-1)
		b.metrics.Observe(time.Since(in.received))
		if done != nil {
			done(b.hardCtx.Err() == nil)
		}
	}()
	if in.notice {
		b.sayLimited(b.hardCtx, in)
		return
	}
	b.route(withReceipt(b.hardCtx, in.received), in)
}

// sorry tells a private chat that something went wrong, after a panic.
func (b *Bot) sorry(in *incoming) {
	defer func() { _ = recover() }()
	m := in.u.Message
	if m == nil || m.Chat == nil || !m.Chat.IsPrivate() {
		return
	}
	_ = b.sendPlain(b.hardCtx, m.Chat.ID, 0, b.textf("bot_error", fanzha.ZH, b.hotline), nil)
}

// dispatch queues an update for its chat.
func (b *Bot) dispatch(in *incoming, done func(bool)) bool {
	b.metrics.Update(in.kind())
	return b.disp.submit(in.key(), func() { b.handle(in, done) })
}
