package redistest

import (
	"context"
	"log/slog"
	"sync"
)

// Logs is a slog.Handler that records what was logged, for tests that
// check an outage is logged once.
type Logs struct {
	mu      sync.Mutex
	records []slog.Record
}

// Logger returns a logger writing into l.
func (l *Logs) Logger() *slog.Logger { return slog.New(l) }

func (l *Logs) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelInfo }

func (l *Logs) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	return nil
}

func (l *Logs) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *Logs) WithGroup(string) slog.Handler      { return l }

// Count returns how many records at level carry msg.
func (l *Logs) Count(level slog.Level, msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.records {
		if r.Level == level && r.Message == msg {
			n++
		}
	}
	return n
}

// Messages returns every message logged, in order.
func (l *Logs) Messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, len(l.records))
	for i, r := range l.records {
		out[i] = r.Level.String() + " " + r.Message
	}
	return out
}
