// Package assist is the policy around an optional fanzha.Assistant (an LLM):
// when to ask it, how much, what to remember, how long to wait, and the
// safety floor that keeps its answer from ever weakening a warning.
//
// The deterministic classifier is the floor. Engine.Assess classifies the
// text, decides whether to ask the assistant (Mode), answers from the cache
// when it can, applies per-user and global call limits, waits at most
// Options.Timeout from the moment Assess was called, and merges the
// assistant's opinion with Merge. On any failure — timeout, 429, 5xx, a
// malformed answer, a limit reached — the deterministic assessment is
// returned as it was. Every outcome is counted (Stats; the Engine is a
// prometheus.Collector).
//
// assist does not import the LLM client or the classifier: both come in as
// a fanzha.Assistant and a ClassifyFunc.
package assist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// Mode says when the assistant is asked.
type Mode string

const (
	// Off: never; Assess is the deterministic classifier.
	Off Mode = "off"
	// Uncertain: only gray-zone cases (see Engine.ShouldAsk).
	Uncertain Mode = "uncertain"
	// Always: every non-empty message (within the limits).
	Always Mode = "always"
)

// ParseMode parses off, uncertain or always.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case Off, Uncertain, Always:
		return m, nil
	}
	return Off, fmt.Errorf("assist: unknown mode %q (want off, uncertain or always)", s)
}

// ClassifyFunc is the deterministic assessment, e.g. (*classifier.Classifier).Classify.
type ClassifyFunc func(ctx context.Context, text string) fanzha.Assessment

// Options configure an Engine. Zero values take the defaults given.
type Options struct {
	Mode Mode
	// Timeout is the whole budget of one Assess call, classification
	// included (default 8s). The assistant is cut off when it passes.
	Timeout time.Duration
	// UserPerMinute and GlobalPerMinute limit assistant calls (cache hits
	// are free) with token buckets that refill continuously and hold at most
	// a minute's worth. Defaults 6 and 120; a negative value means no limit.
	UserPerMinute, GlobalPerMinute int
	// Cache remembers opinions by normalised text. Default: an in-memory
	// LRU of 4096 entries kept 24h. NoCache turns caching off.
	Cache Cache
	// CacheNamespace separates opinions of different models in a shared
	// cache; set it to the model name.
	CacheNamespace string
	// LongText is the length in runes above which a message without a hard
	// flag counts as uncertain (default 300).
	LongText int
	// GrayScore is the score at or above which a message labelled none
	// counts as uncertain (default 0.2; the fraud threshold is 0.5).
	GrayScore float64
	// Allowed are the numbers the assistant's words may contain (the
	// hotline and police numbers); any other number of 5+ digits drops the
	// line it is in.
	Allowed []string
	// Logger gets failures at warn, outcomes at debug; never the user's
	// text. Default: discard.
	Logger *slog.Logger
	// Now is the clock of the limits (tests); default time.Now.
	Now func() time.Time
}

// Engine combines the deterministic classifier and an optional assistant.
// It is safe for concurrent use.
type Engine struct {
	classify  ClassifyFunc
	assistant fanzha.Assistant
	o         Options
	log       *slog.Logger
	limits    *limiter

	assessments, skipped, cacheHits, calls atomic.Int64
	limitedUser, limitedGlobal             atomic.Int64
	accepted, raised, relabelled           atomic.Int64
	failures                               map[fanzha.FailureKind]*atomic.Int64
	overruled                              map[Verdict]*atomic.Int64
}

// New returns an engine. A nil assistant, or Mode Off, makes Assess the
// classifier alone.
func New(classify ClassifyFunc, assistant fanzha.Assistant, o Options) *Engine {
	if o.Mode == "" {
		o.Mode = Uncertain
	}
	if assistant == nil {
		o.Mode = Off
	}
	if o.Timeout <= 0 {
		o.Timeout = 8 * time.Second
	}
	if o.UserPerMinute == 0 {
		o.UserPerMinute = 6
	}
	if o.GlobalPerMinute == 0 {
		o.GlobalPerMinute = 120
	}
	if o.Cache == nil {
		o.Cache = NewMemoryCache(4096, 24*time.Hour)
	}
	if o.LongText <= 0 {
		o.LongText = 300
	}
	if o.GrayScore <= 0 {
		o.GrayScore = 0.2
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{
		classify: classify, assistant: assistant, o: o,
		log:       log.With("subsystem", "assist"),
		limits:    newLimiter(o.UserPerMinute, o.GlobalPerMinute, o.Now),
		failures:  map[fanzha.FailureKind]*atomic.Int64{},
		overruled: map[Verdict]*atomic.Int64{OverruledHardFlags: {}, OverruledMilder: {}},
	}
	for _, k := range fanzha.FailureKinds {
		e.failures[k] = new(atomic.Int64)
	}
	return e
}

// Mode returns the mode in force (Off when there is no assistant).
func (e *Engine) Mode() Mode { return e.o.Mode }

// Timeout returns the budget of one Assess call.
func (e *Engine) Timeout() time.Duration { return e.o.Timeout }

// Assess classifies text and, when the mode says so, asks the assistant,
// all within Options.Timeout from now. userKey identifies the person for
// the per-user limit (a Telegram user id, "cli"); it is never logged.
// It never fails: the deterministic assessment is the fallback.
func (e *Engine) Assess(ctx context.Context, userKey, text string) fanzha.Assessment {
	deadline := time.Now().Add(e.o.Timeout)
	det := e.classify(ctx, text)
	return e.review(ctx, deadline, userKey, text, det)
}

// Review is Assess for a caller that already has the deterministic
// assessment det of text: the budget Options.Timeout starts now.
func (e *Engine) Review(ctx context.Context, userKey, text string, det fanzha.Assessment) fanzha.Assessment {
	return e.review(ctx, time.Now().Add(e.o.Timeout), userKey, text, det)
}

// ShouldAsk is the uncertain-mode rule: ask the assistant when the
// rules found no hard flag (a hard flag already means high risk on
// evidence) and the case is in the gray zone —
//   - a fraud label at low or medium risk, or
//   - label none with a score of at least GrayScore (0.2 by default: some
//     evidence, below the fraud threshold 0.5), or
//   - a long text (more than LongText runes, 300 by default) that the
//     rules may have read only in part.
//
// Empty texts are never sent.
func (e *Engine) ShouldAsk(a fanzha.Assessment, text string) bool {
	if strings.TrimSpace(text) == "" || a.HasHardFlag() {
		return false
	}
	switch {
	case a.Label.IsFraud() && (a.Risk == fanzha.RiskLow || a.Risk == fanzha.RiskMedium):
		return true
	case !a.Label.IsFraud() && a.Score >= e.o.GrayScore:
		return true
	}
	return utf8.RuneCountInString(text) > e.o.LongText
}

type result struct {
	op  fanzha.Opinion
	err error
}

func (e *Engine) review(ctx context.Context, deadline time.Time, userKey, text string, det fanzha.Assessment) fanzha.Assessment {
	e.assessments.Add(1)
	switch {
	case e.o.Mode == Off:
		return det
	case strings.TrimSpace(text) == "":
		e.skipped.Add(1)
		return det
	case e.o.Mode == Uncertain && !e.ShouldAsk(det, text):
		e.skipped.Add(1)
		return det
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	key := e.key(text)
	if op, ok := e.o.Cache.Get(ctx, key); ok {
		e.cacheHits.Add(1)
		return e.merge(det, op, "cache")
	}
	if ok, scope := e.limits.allow(userKey); !ok {
		if scope == "user" {
			e.limitedUser.Add(1)
		} else {
			e.limitedGlobal.Add(1)
		}
		e.log.Debug("assistant not asked: limit reached", "scope", scope)
		return det
	}
	e.calls.Add(1)
	// The assistant runs in its own goroutine so that one ignoring its
	// context still cannot hold the reply past the deadline.
	ch := make(chan result, 1)
	go func() {
		op, err := e.assistant.Review(ctx, text, det)
		ch <- result{op, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			e.failed(r.err)
			return det
		}
		e.o.Cache.Set(ctx, key, r.op)
		return e.merge(det, r.op, "model")
	case <-ctx.Done():
		err := ctx.Err()
		if errors.Is(err, context.DeadlineExceeded) {
			err = &fanzha.AssistantError{Kind: fanzha.FailTimeout, Err: err}
		}
		e.failed(err)
		return det
	}
}

func (e *Engine) failed(err error) {
	k := fanzha.FailureKindOf(err)
	e.failures[k].Add(1)
	if k == fanzha.FailBackoff {
		e.log.Debug("assistant skipped, fell back to the rules", "kind", k)
		return
	}
	e.log.Warn("assistant failed, fell back to the rules", "kind", k, "err", err)
}

func (e *Engine) merge(det fanzha.Assessment, op fanzha.Opinion, source string) fanzha.Assessment {
	out, v := Merge(det, op, e.o.Allowed...)
	if v != Accepted {
		e.overruled[v].Add(1)
		e.log.Info("assistant overruled by the safety floor", "reason", v, "source", source, "rules", det.String(), "model_label", op.Label, "model_risk", op.Risk)
		return out
	}
	e.accepted.Add(1)
	if out.Risk > det.Risk {
		e.raised.Add(1)
	}
	if out.Label != det.Label {
		e.relabelled.Add(1)
	}
	e.log.Debug("assistant opinion merged", "source", source, "rules", det.String(), "result", out.String())
	return out
}

// key is the cache key of text: its normalised form (textnorm: case,
// width, traditional characters, filler symbols between Han characters),
// with spaces dropped except one between two Latin words, hashed with the
// namespace.
func (e *Engine) key(text string) string {
	var b strings.Builder
	words := strings.Fields(textnorm.String(text))
	for i, w := range words {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(words[i-1])
			next, _ := utf8.DecodeRuneInString(w)
			if prev < utf8.RuneSelf && next < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	h := sha256.Sum256([]byte(e.o.CacheNamespace + "\x00" + b.String()))
	return "fanzha:llm:v1:" + hex.EncodeToString(h[:])
}

// Stats is a snapshot of the engine's counters.
type Stats struct {
	Assessments   int64 // Assess and Review calls
	Skipped       int64 // not asked: clear case in uncertain mode, or empty text
	CacheHits     int64
	Calls         int64 // assistant calls started
	LimitedUser   int64 // not asked: per-user limit
	LimitedGlobal int64 // not asked: global limit
	Failures      map[fanzha.FailureKind]int64
	Accepted      int64 // opinions merged
	Raised        int64 // of which raised the risk
	Relabelled    int64 // of which changed the label
	Overruled     map[Verdict]int64
}

// Stats returns the counters so far.
func (e *Engine) Stats() Stats {
	s := Stats{
		Assessments: e.assessments.Load(), Skipped: e.skipped.Load(), CacheHits: e.cacheHits.Load(),
		Calls: e.calls.Load(), LimitedUser: e.limitedUser.Load(), LimitedGlobal: e.limitedGlobal.Load(),
		Accepted: e.accepted.Load(), Raised: e.raised.Load(), Relabelled: e.relabelled.Load(),
		Failures: map[fanzha.FailureKind]int64{}, Overruled: map[Verdict]int64{},
	}
	for k, v := range e.failures {
		s.Failures[k] = v.Load()
	}
	for k, v := range e.overruled {
		s.Overruled[k] = v.Load()
	}
	return s
}

var _ prometheus.Collector = (*Engine)(nil)

// Describe sends the metrics' descriptions (prometheus.Collector).
func (e *Engine) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(e, ch) }

// Collect sends the counters (prometheus.Collector), followed by the
// assistant's own when it is a collector too (llm.Client is).
func (e *Engine) Collect(ch chan<- prometheus.Metric) {
	s := e.Stats()
	metric := func(name, help string, t prometheus.ValueType, v int64, label, value string) {
		var names, values []string
		if label != "" {
			names, values = []string{label}, []string{value}
		}
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, names, nil), t, float64(v), values...)
	}
	one := func(name, help string, v int64) { metric(name, help, prometheus.CounterValue, v, "", "") }
	metric("fanzha_assistant_mode", "The assistant mode in force (1 for the mode).", prometheus.GaugeValue, 1, "mode", string(e.o.Mode))
	one("fanzha_assistant_assessments_total", "Messages assessed through the assistant policy.", s.Assessments)
	one("fanzha_assistant_skipped_total", "Messages the assistant was not asked about (clear cases in uncertain mode, empty texts).", s.Skipped)
	one("fanzha_assistant_cache_hits_total", "Opinions answered from the cache.", s.CacheHits)
	one("fanzha_assistant_calls_total", "Assistant calls started.", s.Calls)
	const limited = "Assistant calls not made because a limit was reached."
	metric("fanzha_assistant_limited_total", limited, prometheus.CounterValue, s.LimitedUser, "scope", "user")
	metric("fanzha_assistant_limited_total", limited, prometheus.CounterValue, s.LimitedGlobal, "scope", "global")
	for _, k := range fanzha.FailureKinds {
		metric("fanzha_assistant_failures_total", "Assistant calls that fell back to the rules, by kind.", prometheus.CounterValue, s.Failures[k], "kind", string(k))
	}
	one("fanzha_assistant_accepted_total", "Opinions merged into the reply.", s.Accepted)
	one("fanzha_assistant_raised_total", "Merged opinions that raised the risk.", s.Raised)
	one("fanzha_assistant_relabelled_total", "Merged opinions that changed the label.", s.Relabelled)
	for _, v := range []Verdict{OverruledHardFlags, OverruledMilder} {
		metric("fanzha_assistant_overruled_total", "Opinions discarded by the safety floor, by reason.", prometheus.CounterValue, s.Overruled[v], "reason", string(v))
	}
	if c, ok := e.assistant.(prometheus.Collector); ok {
		c.Collect(ch)
	}
}

// limiter holds the per-user and global token buckets.
type limiter struct {
	mu              sync.Mutex
	perUser, global float64 // tokens per minute; < 0: unlimited
	users           map[string]*bucket
	all             bucket
	now             func() time.Time
	pruned          time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxUsers bounds the per-user table; idle (full) buckets are dropped.
const maxUsers = 100000

func newLimiter(perUser, global int, now func() time.Time) *limiter {
	l := &limiter{perUser: float64(perUser), global: float64(global), users: map[string]*bucket{}, now: now}
	l.all = bucket{tokens: l.global, last: now()}
	return l
}

func (b *bucket) refill(rate float64, now time.Time) {
	b.tokens = min(rate, b.tokens+rate*now.Sub(b.last).Minutes())
	b.last = now
}

// allow takes one token from the user's bucket and the global one, or from
// neither, and says which limit was reached.
func (l *limiter) allow(user string) (bool, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var ub *bucket
	if l.perUser >= 0 {
		ub = l.users[user]
		if ub == nil {
			l.prune(now)
			ub = &bucket{tokens: l.perUser, last: now}
			l.users[user] = ub
		}
		ub.refill(l.perUser, now)
		if ub.tokens < 1 {
			return false, "user"
		}
	}
	if l.global >= 0 {
		l.all.refill(l.global, now)
		if l.all.tokens < 1 {
			return false, "global"
		}
		l.all.tokens--
	}
	if ub != nil {
		ub.tokens--
	}
	return true, ""
}

func (l *limiter) prune(now time.Time) {
	if len(l.users) < maxUsers || now.Sub(l.pruned) < time.Minute {
		return
	}
	l.pruned = now
	for k, b := range l.users {
		if b.tokens+l.perUser*now.Sub(b.last).Minutes() >= l.perUser {
			delete(l.users, k)
		}
	}
}
