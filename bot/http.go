package bot

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// SecretHeader is the header Telegram sends the webhook secret_token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// ServeHTTP receives webhook updates. The secret header is checked in
// constant time (wrong or missing: 401, nothing read); a body that is not
// an update is a 400; an update already received (same update_id) is
// acknowledged and dropped. The 200 is sent only once the update is taken
// in hand (see intake); it is handled after the response, in its chat's
// order.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get(SecretHeader)
	if subtle.ConstantTimeCompare([]byte(got), []byte(b.webhookSecret)) != 1 || b.webhookSecret == "" {
		b.metrics.Error("webhook_auth")
		b.log.Warn("webhook request with a wrong or missing secret token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if !b.Ready() {
		// Shutting down: Telegram will deliver it again (to us or a replica).
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	// 200 only once the update is taken in hand: queued in the inbox
	// (Redis), or dispatched here (memory mode). Otherwise Telegram
	// delivers it again.
	if _, err := b.intake(r.Context(), body, time.Now()); err != nil {
		if errors.Is(err, errNoUpdateID) {
			b.metrics.Error("malformed_update")
			b.log.Warn("malformed webhook update", "err", err)
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// Health serves /healthz: the process is up.
func Health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// ServeReady serves /readyz: 200 while the bot is open and not shutting
// down, 503 otherwise.
func (b *Bot) ServeReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !b.Ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "not ready\n")
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// redactHandler is a slog.Handler that removes secrets from messages and
// attribute values (errors and strings, in groups too) before they are
// written, so a token that slipped into an error is never logged.
type redactHandler struct {
	h slog.Handler
	r *redactor
}

// RedactLogger returns a logger that removes the given secrets (a bot
// token, a webhook secret) from everything logged through it.
func RedactLogger(l *slog.Logger, secrets ...string) *slog.Logger {
	return slog.New(redactHandler{h: l.Handler(), r: newRedactor(secrets...)})
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return redactHandler{h: h.h.WithAttrs(clean), r: h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h: h.h.WithGroup(name), r: h.r}
}

func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.r.String(x.Error()))
		case interface{ String() string }:
			return slog.String(a.Key, h.r.String(x.String()))
		}
		return slog.String(a.Key, h.r.String(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
