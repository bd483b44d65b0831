package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/console"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/report"
	"github.com/fanzha/fanzha/stats"
)

// officers is the officers' side beyond the review chat: the counts for
// the weekly report, the report builder, the web console, and where the
// bot keeps its cards' message ids.
type officers struct {
	stats     stats.Store
	districts stats.Districts
	reports   *report.Builder
	console   *console.Console
	tokens    console.Tokens
	cases     *actedCases
	loc       *time.Location
	now       func() time.Time
}

// now is the clock of the counts, the report and the console (tests set
// Main.Now to script a week).
func (m *Main) now() func() time.Time {
	if m.Now != nil {
		return m.Now
	}
	return time.Now
}

// officerTools wires stats (in Redis when it is on), the report and the
// console.
func (m *Main) officerTools(st *stores, e *engine, log *slog.Logger) (*officers, error) {
	c := m.Config
	loc := c.Location()
	ds := stats.ParseDistricts(strings.Join(c.Report.Districts, ","))
	so := stats.Options{Location: loc, Districts: ds, Retention: c.Report.StatsRetention, SampleRetention: c.Report.SampleRetention, Now: m.now()}
	o := &officers{districts: ds, loc: loc, now: m.now(), cases: &actedCases{Cases: st.review.(console.Cases)}}
	if st.redis != nil {
		o.stats = stats.NewRedis(st.redis.Conn(), so)
		o.tokens = console.NewRedisTokens(st.redis.Conn())
	} else {
		o.stats = stats.NewMemory(so)
		o.tokens = console.NewMemoryTokens(m.now())
	}
	typeName := func(t fanzha.ScamType) string { return e.corpus.Name(t, fanzha.ZH) }
	ro := report.Options{Location: loc, Districts: ds, Hotline: c.Hotline, TypeName: typeName, Now: m.now(), Logger: log.With("component", "report")}
	if c.Report.Font != "" {
		ro.Fonts = []string{c.Report.Font}
	}
	o.reports = report.New(o.stats, st.review.(report.Cases), ro)
	con, err := console.New(console.Options{Officers: c.Review.Officers, PublicURL: c.PublicOrigin(), Cases: o.cases, Stats: o.stats,
		Reports: o.reports, Tokens: o.tokens, Location: loc, Districts: ds, TypeName: typeName, Now: m.now(), Logger: log.With("component", "console")})
	if err != nil {
		return nil, err
	}
	o.console = con
	return o, nil
}

// counting makes the conversation count for the report and ask districts.
func (o *officers) counting(opts *conversation.Options) {
	opts.Stats, opts.Districts, opts.Now = o.stats, o.districts, o.now
}

// mountConsole serves the console under /console on the listener.
func mountConsole(mux *http.ServeMux, o *officers) {
	mux.Handle("/console/", o.console)
	mux.Handle("/console", o.console)
}

// actedCases is the review store as the console uses it: an action taken
// there also shows on the case's card in the review chat, and the citizen
// who agreed is told, as a tap on the card does.
type actedCases struct {
	console.Cases
	mu    sync.Mutex
	acted func(ctx context.Context, c fanzha.Case, officer int64)
}

func (a *actedCases) Act(ctx context.Context, id string, officer int64, action fanzha.OfficerAction) (fanzha.Case, error) {
	c, err := a.Cases.Act(ctx, id, officer, action)
	if err != nil {
		return c, err
	}
	a.mu.Lock()
	acted := a.acted
	a.mu.Unlock()
	if acted != nil {
		acted(ctx, c, officer)
	}
	return c, nil
}

func (a *actedCases) notify(f func(ctx context.Context, c fanzha.Case, officer int64)) {
	a.mu.Lock()
	a.acted = f
	a.mu.Unlock()
}

// botOfficerOptions gives the bot the report, the console's links and
// the card store.
func botOfficerOptions(o *officers, ids []int64) func(*bot.Options) {
	return func(bo *bot.Options) {
		bo.Reports, bo.Console, bo.Cards, bo.Officers = o.reports, o.console, o.tokens, ids
	}
}

// weeklyLock makes one replica send each Monday report: with Redis a SETNX
// per week, in memory a set of weeks sent.
type weeklyLock struct {
	st   *stores
	mu   sync.Mutex
	sent map[string]bool
}

func (l *weeklyLock) claim(ctx context.Context, week string) (bool, error) {
	if l.st.redis == nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.sent == nil {
			l.sent = map[string]bool{}
		}
		if l.sent[week] {
			return false, nil
		}
		l.sent[week] = true
		return true, nil
	}
	conn := l.st.redis.Conn()
	var ok bool
	err := conn.Do(ctx, "report lock", func(ctx context.Context) error {
		var err error
		ok, err = conn.Client.SetNX(ctx, conn.Key("report", "sent", week), consumerName(), 8*24*time.Hour).Result()
		return err
	})
	return ok, err
}

// nextReport is the next Monday at hour (in loc) strictly after t.
func nextReport(t time.Time, loc *time.Location, hour int) time.Time {
	monday := report.WeekStart(t, loc)
	at := time.Date(monday.Year(), monday.Month(), monday.Day(), hour, 0, 0, 0, loc)
	if !at.After(t) {
		m := monday.AddDate(0, 0, 7)
		at = time.Date(m.Year(), m.Month(), m.Day(), hour, 0, 0, 0, loc)
	}
	return at
}

// isoWeek names the week of t as the report does ("2026-W49").
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// startWeekly sends last week's report to the review chat every Monday at
// the configured hour, from one replica (the first to claim the week).
// It returns the function that stops it.
func startWeekly(ctx context.Context, m *Main, st *stores, b *bot.Bot, log *slog.Logger) func() {
	c := m.Config
	if c.Review.Chat == 0 {
		return func() {}
	}
	loc, hour, now := c.Location(), c.Report.Hour, m.now()
	lock := &weeklyLock{st: st}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			at := now()
			next := nextReport(at, loc, hour)
			t := time.NewTimer(next.Sub(at))
			select {
			case <-wctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			week := isoWeek(next.AddDate(0, 0, -7).In(loc))
			ok, err := lock.claim(wctx, week)
			if err != nil {
				log.Error("cannot claim the Monday report; not sending it from this replica", "week", week, "err", err)
				continue
			}
			if ok {
				_ = b.SendReport(wctx, c.Review.Chat, true)
			}
		}
	}()
	log.Info("weekly report scheduled", "chat_id", c.Review.Chat, "hour", hour, "timezone", loc.String())
	return func() {
		cancel()
		<-done
	}
}
