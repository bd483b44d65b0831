package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist"
	"github.com/fanzha/fanzha/assist/rediscache"
	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/config"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/session"
)

// httpShutdownTimeout bounds the wait for HTTP requests in flight at
// shutdown; the bot's own drain is bounded by bot.DefaultDrainTimeout.
const httpShutdownTimeout = 5 * time.Second

// deliverShutdownTimeout bounds the wait for the review delivery loop at
// shutdown (one blocking read of the queue, one card being posted). A card
// cut off is not acknowledged and is delivered again.
const deliverShutdownTimeout = 5 * time.Second

// opinionTTL is how long the assistant's answer to a text is reused.
const opinionTTL = 24 * time.Hour

// readyPingTimeout bounds the Redis check of /readyz.
const readyPingTimeout = 300 * time.Millisecond

// serves numbers the serve runs of this process, so that two in one
// process (tests) are two consumers of the review queue.
var serves atomic.Int64

// consumerName names this replica in the review queue's consumer group:
// hostname-pid, as review.Redis does, plus the run's number after the
// first in a process.
func consumerName() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "fanzha"
	}
	name := fmt.Sprintf("%s-%d", host, os.Getpid())
	if n := serves.Add(1); n > 1 {
		name += fmt.Sprintf("-%d", n)
	}
	return name
}

// stores is where the bot keeps its state: sessions and update log, and
// the review queue (with its blocklist and audit log).
type stores struct {
	sessions interface {
		fanzha.SessionStore
		fanzha.UpdateLog
	}
	review bot.Review
	// redis is nil without FANZHA_REDIS_URL; memory is the session store
	// without it.
	redis  *session.Redis
	memory *session.Memory
	// inbox holds acknowledged updates until answered (Redis only).
	inbox fanzha.Inbox
}

// openStores picks the stores: Redis, shared by replicas, when redis.url is
// set; in memory otherwise. A Redis that does not answer at start is
// logged, not fatal: the bot answers without memory until it is back.
func (m *Main) openStores(ctx context.Context, log *slog.Logger) (*stores, error) {
	c := m.Config
	ro := review.Options{Officers: c.Review.Officers, Location: c.Location(), Logger: log.With("component", "review"),
		BlockTTL: c.Review.BlockTTL, AuditRetention: c.Review.AuditRetention}
	if c.Redis.URL == "" {
		mem := session.NewMemoryCap(c.Session.MaxChats, c.Session.MaxBytes)
		return &stores{sessions: mem, memory: mem, review: review.NewMemory(ro)}, nil
	}
	rs, err := session.OpenRedis(c.Redis.URL, session.RedisOptions{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("redis.url (FANZHA_REDIS_URL): %w", err)
	}
	m.closers = append(m.closers, rs.Close)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	if err := rs.Ping(pctx); err != nil {
		log.Error("redis is not answering; conversations are not remembered and cases cannot be submitted until it is", "err", err)
	}
	cancel()
	name := consumerName()
	q := review.NewRedis(rs.Conn(), review.RedisOptions{Options: ro, Consumer: name})
	inbox := rs.Inbox(session.InboxOptions{Consumer: name, ClaimIdle: c.Redis.InboxClaimIdle})
	return &stores{sessions: rs, review: q, redis: rs, inbox: inbox}, nil
}

// redisState is "off", "up" or "down"; with ping it asks Redis (briefly).
func (s *stores) redisState(ctx context.Context, ping bool) string {
	switch {
	case s.redis == nil:
		return "off"
	case ping:
		pctx, cancel := context.WithTimeout(ctx, readyPingTimeout)
		defer cancel()
		if s.redis.Ping(pctx) != nil {
			return "down"
		}
		return "up"
	case s.redis.Conn().Guard.Down():
		return "down"
	}
	return "up"
}

// collectors are the store's health gauges.
func (s *stores) collectors(reviewChat bool) []prometheus.Collector {
	backend := "memory"
	if s.redis != nil {
		backend = "redis"
	}
	return append(s.memoryCollectors(), []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "fanzha_store_up",
			Help:        "Whether the session and review store answers (1) or calls fail fast (0).",
			ConstLabels: prometheus.Labels{"backend": backend},
		}, func() float64 {
			if s.redisState(context.Background(), false) == "down" {
				return 0
			}
			return 1
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "fanzha_review_enabled",
			Help: "Whether cases are posted to a review chat.",
		}, func() float64 {
			if reviewChat {
				return 1
			}
			return 0
		}),
	}...)
}

// memoryCollectors are the in-memory session store's size and evictions
// (none with Redis).
func (s *stores) memoryCollectors() []prometheus.Collector {
	if s.memory == nil {
		return nil
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "fanzha_sessions_in_memory",
			Help: "Conversations kept in memory (without Redis).",
		}, func() float64 { return float64(s.memory.Len()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "fanzha_sessions_evicted_total",
			Help: "Conversations forgotten before their time because session.max_chats or session.max_bytes was reached (least recently used first).",
		}, func() float64 { return float64(s.memory.Evicted()) }),
	}
}

// serve runs the Telegram bot: polling, or webhook when a webhook URL is
// set, with /healthz, /readyz and /metrics (and the webhook) on Listen.
// It returns when ctx is cancelled, after in-flight replies are sent and
// the polling offset is confirmed. Each step is a small wiring function.
func (m *Main) serve(ctx context.Context) error {
	c := m.Config
	if c.Telegram.Token == "" {
		return errors.New("serve needs a Telegram bot token: set FANZHA_TELEGRAM_TOKEN (or telegram.token_file); to try Fanzha without one, run `fanzha chat`")
	}
	log := bot.RedactLogger(m.logger(), c.Telegram.Token, c.Telegram.WebhookSecret)
	// Sessions, the polling offset, the webhook's seen updates, the review
	// queue, blocklist and audit log: in memory, or in Redis (shared by
	// replicas) when FANZHA_REDIS_URL is set.
	st, err := m.openStores(ctx, log)
	if err != nil {
		return err
	}
	e, err := m.serveEngine(st, log)
	if err != nil {
		return err
	}
	warnReviewSetup(c, log)
	off, err := m.officerTools(st, e, log)
	if err != nil {
		return err
	}
	b, err := m.newBot(e, st, log, off)
	if err != nil {
		return err
	}
	mux, err := httpHandler(b, e, st, c.Review.Chat != 0, log)
	if err != nil {
		return err
	}
	mountConsole(mux, off)
	srv, served, err := listen(c.Listen, mux, log, c.Telegram.WebhookURL != "")
	if err != nil {
		return err
	}
	stopHTTP := func() {
		sctx, cancel := context.WithTimeout(context.Background(), httpShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("http shutdown", "err", err)
		}
	}
	if err := b.Open(ctx); err != nil {
		stopHTTP()
		return err
	}
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	ran := make(chan error, 1)
	go func() { ran <- b.Run(runCtx) }()
	stopDeliver := startDelivery(runCtx, c.Review.Chat, len(c.Review.Officers), st, b, log)
	stopWeekly := startWeekly(runCtx, m, st, b, log)
	defer stopWeekly()
	select {
	case <-ctx.Done():
		log.Info("shutting down")
		// Stop taking webhook requests and cases first; Run drains what
		// was taken.
		stopHTTP()
		stopDeliver()
		return <-ran
	case err := <-ran:
		stopHTTP()
		stopDeliver()
		return err
	case err := <-served:
		stopRun()
		stopDeliver()
		<-ran
		return fmt.Errorf("http server: %w", err)
	}
}

// serveEngine is the engine of the bot: with Redis, the assistant's
// answers are shared by replicas too.
func (m *Main) serveEngine(st *stores, log *slog.Logger) (*engine, error) {
	var mods []func(*assist.Options)
	if st.redis != nil {
		mods = append(mods, func(o *assist.Options) { o.Cache = rediscache.New(st.redis.Conn(), opinionTTL) })
	}
	return m.engineWith(log, mods...)
}

// warnReviewSetup says when the officers' review is half set up.
func warnReviewSetup(c *config.Config, log *slog.Logger) {
	reviewChat := c.Review.Chat != 0
	switch {
	case reviewChat && len(c.Review.Officers) == 0:
		log.Warn("review.chat is set but no officers are: cases are posted and nobody may act on them (set FANZHA_OFFICERS)")
	case !reviewChat && len(c.Review.Officers) > 0:
		log.Warn("officers are set but review.chat is not: citizens cannot hand cases to officers (set FANZHA_REVIEW_CHAT)")
	}
}

// newBot wires the bot: the conversation engine (with the blocklist), the
// stores and the Telegram settings.
func (m *Main) newBot(e *engine, st *stores, log *slog.Logger, off *officers) (*bot.Bot, error) {
	c := m.Config
	conv, err := e.conversation(st.review, c.Session.TTL, log, off.counting)
	if err != nil {
		return nil, err
	}
	bo := bot.Options{
		Token:          c.Telegram.Token,
		API:            c.Telegram.API,
		WebhookURL:     c.Telegram.WebhookURL,
		WebhookSecret:  c.Telegram.WebhookSecret,
		RatePerMinute:  c.Telegram.RatePerMinute,
		SessionTTL:     c.Session.TTL,
		Conversation:   conv,
		Sessions:       st.sessions,
		Updates:        st.sessions,
		Inbox:          st.inbox,
		InboxClaimIdle: c.Redis.InboxClaimIdle,
		ReplyLateAfter: c.Telegram.ReplyLateAfter,
		ReplyGiveUp:    c.Telegram.ReplyGiveUp,
		Review:         st.review,
		ReviewChat:     c.Review.Chat,
		Logger:         log,
		Pictures:       m.botPictures(log),
	}
	botOfficerOptions(off, c.Review.Officers)(&bo)
	b, err := bot.New(bo)
	if err != nil {
		return nil, err
	}
	off.cases.notify(b.CaseActed)
	return b, nil
}

// httpHandler serves /healthz, /readyz, /metrics and the webhook.
func httpHandler(b *bot.Bot, e *engine, st *stores, reviewChat bool, log *slog.Logger) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", bot.Health)
	// Ready while the bot takes updates, whatever Redis does: without it the
	// bot still answers (without memory), so taking a replica out of the
	// load balancer would only make things worse. The body says how Redis
	// is.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !b.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "not ready\n")
			return
		}
		state := st.redisState(r.Context(), true)
		note := ""
		if state == "down" {
			note = " (answering without memory; cases cannot be submitted)"
		}
		fmt.Fprintf(w, "ready\nredis: %s%s\n", state, note)
	})
	// One registry, written by client_golang: the bot's, the assistant's
	// (and its LLM client's) and the store's metrics.
	reg := prometheus.NewRegistry()
	reg.MustRegister(b.Metrics(), e.assist)
	reg.MustRegister(st.collectors(reviewChat)...)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}))
	if p := b.WebhookPath(); p != "" {
		switch p {
		case "/healthz", "/readyz", "/metrics":
			return nil, fmt.Errorf("telegram.webhook_url (FANZHA_WEBHOOK_URL): path %s is taken by the health and metrics endpoints", p)
		}
		mux.Handle(p, b)
	}
	return mux, nil
}

// listen binds addr now, so a bad address fails at once, and serves h;
// served gets the server's error.
func listen(addr string, h http.Handler, log *slog.Logger, webhook bool) (*http.Server, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen (FANZHA_LISTEN): %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	mode := "polling"
	if webhook {
		mode = "webhook"
	}
	log.Info("http listening", "addr", ln.Addr().String(), "mode", mode)
	return srv, served, nil
}

// startDelivery runs this replica's share of the review queue: each case is
// posted to the review chat by one replica, and acknowledged once posted.
// It returns the function that stops it (bounded).
func startDelivery(ctx context.Context, chat int64, officers int, st *stores, b *bot.Bot, log *slog.Logger) func() {
	if chat == 0 {
		return func() {}
	}
	dctx, cancel := context.WithCancel(ctx)
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		review.Deliver(dctx, st.review, b.PostCase, log.With("component", "review"))
	}()
	log.Info("posting cases to the review chat", "chat_id", chat, "officers", officers)
	return func() {
		cancel()
		select {
		case <-delivered:
		case <-time.After(deliverShutdownTimeout):
			log.Warn("review delivery did not stop in time", "timeout", deliverShutdownTimeout)
		}
	}
}
