package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/session"
)

// httpShutdownTimeout bounds the wait for HTTP requests in flight at
// shutdown; the bot's own drain is bounded by bot.DefaultDrainTimeout.
const httpShutdownTimeout = 5 * time.Second

// serve runs the Telegram bot: polling, or webhook when a webhook URL is
// set, with /healthz, /readyz and /metrics (and the webhook) on Listen.
// It returns when ctx is cancelled, after in-flight replies are sent and
// the polling offset is confirmed.
func (m *Main) serve(ctx context.Context) error {
	c := m.Config
	if c.Telegram.Token == "" {
		return errors.New("serve needs a Telegram bot token: set FANZHA_TELEGRAM_TOKEN (or telegram.token_file); to try Fanzha without one, run `fanzha chat`")
	}
	log := bot.RedactLogger(m.logger(), c.Telegram.Token, c.Telegram.WebhookSecret)
	e, err := m.engine()
	if err != nil {
		return err
	}
	// Sessions, the polling offset and the webhook's seen updates: in
	// memory, or in Redis (shared by replicas) when FANZHA_REDIS_URL is set.
	var store interface {
		fanzha.SessionStore
		fanzha.UpdateLog
	} = session.NewMemory()
	if c.Redis.URL != "" {
		r, err := session.OpenRedis(c.Redis.URL, session.RedisOptions{Logger: log})
		if err != nil {
			return fmt.Errorf("redis.url (FANZHA_REDIS_URL): %w", err)
		}
		m.closers = append(m.closers, r.Close)
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		if err := r.Ping(pctx); err != nil {
			// Not fatal: replies go on without memory until Redis is back.
			log.Error("redis is not answering; conversations are not remembered until it is", "err", err)
		}
		cancel()
		store = r
	}
	b, err := bot.New(bot.Options{
		Token:         c.Telegram.Token,
		API:           c.Telegram.API,
		WebhookURL:    c.Telegram.WebhookURL,
		WebhookSecret: c.Telegram.WebhookSecret,
		RatePerMinute: c.Telegram.RatePerMinute,
		Hotline:       c.Hotline,
		Police:        c.Police,
		SessionTTL:    c.Session.TTL,
		Classifier:    e.classifier,
		// The optional LLM assistant (off unless configured) gives a
		// second reading of what users ask about.
		Assess:     e.assist.Assess,
		Advisor:    e.advisor,
		Accumulate: classifier.Accumulate,
		Sessions:   store,
		Updates:    store,
		Logger:     log,
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", bot.Health)
	mux.HandleFunc("GET /readyz", b.ServeReady)
	mux.Handle("GET /metrics", b.Metrics())
	if p := b.WebhookPath(); p != "" {
		switch p {
		case "/healthz", "/readyz", "/metrics":
			return fmt.Errorf("telegram.webhook_url (FANZHA_WEBHOOK_URL): path %s is taken by the health and metrics endpoints", p)
		}
		mux.Handle(p, b)
	}
	// Bind now, so a bad address fails at once.
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen (FANZHA_LISTEN): %w", err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	mode := "polling"
	if c.Telegram.WebhookURL != "" {
		mode = "webhook"
	}
	log.Info("http listening", "addr", ln.Addr().String(), "mode", mode)
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
	select {
	case <-ctx.Done():
		log.Info("shutting down")
		// Stop taking webhook requests first; Run drains what was taken.
		stopHTTP()
		return <-ran
	case err := <-ran:
		stopHTTP()
		return err
	case err := <-served:
		stopRun()
		<-ran
		return fmt.Errorf("http server: %w", err)
	}
}
