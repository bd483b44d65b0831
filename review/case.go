// Package review is the officers' side of Fanzha: flagged cases in a queue
// that bot replicas share, officers' actions on them with an audit log, the
// blocklist of confirmed scammers' indicators, and weekly statistics.
// Memory is the embedded default for one process; Redis (Streams with a
// consumer group) is shared by replicas and survives restarts.
package review

import (
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
)

// MaxExcerpt is how many characters of the citizen's words a case keeps.
const MaxExcerpt = 1500

// CaseInput is what a transport knows when a citizen hands a conversation
// to officers.
type CaseInput struct {
	Source string // chat key, "tg:<chat id>"
	UserID int64
	// UserPhone is the citizen's own phone when the transport knows it
	// (a shared contact); it is masked wherever it appears.
	UserPhone string
	Lang      fanzha.Lang
	// Text is the citizen's words (their messages, joined by newlines): it
	// is masked here, and its indicators are read from Assessment.
	Text       string
	Assessment fanzha.Assessment
	// Consent: the citizen agreed to be contacted about the outcome.
	Consent bool
	// District is the one the citizen chose (from the deployment's list).
	District string
}

// NewCase builds the case officers will see: the excerpt masked, the
// scammer's indicators only, flags as ids and explanations (never the
// citizen's words). Submit assigns the id and the creation time.
func NewCase(in CaseInput) fanzha.Case {
	a := in.Assessment
	own := OwnPhones(in.Text)
	if in.UserPhone != "" {
		own = append(own, in.UserPhone)
	}
	inds := ScammerIndicators(in.Text, a.Indicators, own)
	var keep []string
	for _, i := range inds {
		if i.Kind == fanzha.IndBankCard {
			keep = append(keep, i.Value)
		}
	}
	flags := make([]fanzha.CaseFlag, 0, len(a.Flags))
	for _, f := range a.Flags {
		flags = append(flags, fanzha.CaseFlag{ID: f.ID, Type: f.Type, Hard: f.Hard, Text: f.Text})
	}
	lang := in.Lang
	if lang == "" {
		lang = a.Lang
	}
	label := a.Label
	if label == "" {
		label = fanzha.None
	}
	return fanzha.Case{
		Source:     in.Source,
		UserID:     in.UserID,
		Lang:       lang,
		Label:      label,
		Risk:       a.Risk,
		Score:      a.Score,
		Paid:       a.Paid,
		Forwarded:  a.Forwarded,
		Flags:      flags,
		Excerpt:    truncate(Mask(in.Text, MaskOptions{OwnPhones: own, KeepCards: keep}), MaxExcerpt),
		Indicators: inds,
		Consent:    in.Consent,
		District:   in.District,
		Status:     fanzha.CaseOpen,
	}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// Options configure Memory and Redis.
type Options struct {
	// Officers may act on cases; anyone else is refused (and audited). An
	// empty set refuses everyone.
	Officers []int64
	Logger   *slog.Logger
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Location sets the weeks of the statistics (Monday 00:00 there);
	// China Standard Time (UTC+8) when nil.
	Location *time.Location
	// MinIdle is how long a delivered, unacknowledged case waits before it
	// is delivered again (to any consumer); 1 minute when zero.
	MinIdle time.Duration
	// BlockTTL is how long a blocklist entry lasts (config:
	// review.block_ttl); DefaultBlockTTL when zero.
	BlockTTL time.Duration
	// AuditRetention is how long the audit stream keeps an entry (config:
	// review.audit_retention); a year when zero.
	AuditRetention time.Duration
}

// CST is China Standard Time, the default week boundary.
var CST = time.FixedZone("CST", 8*3600)

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = CST
	}
	if o.MinIdle <= 0 {
		o.MinIdle = time.Minute
	}
	if o.BlockTTL <= 0 {
		o.BlockTTL = DefaultBlockTTL
	}
	if o.AuditRetention <= 0 {
		o.AuditRetention = 365 * 24 * time.Hour
	}
}

func officerSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// prepare checks a case for Submit and sets what Submit owns: the time,
// the open status, and a second masking pass over the excerpt (ID numbers
// and cards not kept as the scammer's), whatever the caller did.
func prepare(c fanzha.Case, now time.Time) (fanzha.Case, error) {
	if c.Source == "" {
		return c, fmt.Errorf("submit case: no source chat")
	}
	if !c.Label.Valid() {
		if c.Label != "" {
			return c, fmt.Errorf("submit case: unknown label %q", c.Label)
		}
		c.Label = fanzha.None
	}
	var keep []string
	for _, i := range c.Indicators {
		if i.Kind == fanzha.IndBankCard {
			keep = append(keep, i.Value)
		}
	}
	c.Indicators = slices.DeleteFunc(slices.Clone(c.Indicators), func(i fanzha.Indicator) bool { return i.Kind == fanzha.IndIDNumber })
	c.Flags = slices.Clone(c.Flags)
	c.Excerpt = truncate(Mask(c.Excerpt, MaskOptions{OwnPhones: OwnPhones(c.Excerpt), KeepCards: keep}), MaxExcerpt)
	c.ID = ""
	if c.Created.IsZero() {
		c.Created = now
	}
	c.Updated = now
	c.Status = fanzha.CaseOpen
	c.Officer = 0
	c.History = nil
	return c, nil
}

// apply performs an officer's action on c, returning the status before.
func apply(c *fanzha.Case, officer int64, action fanzha.OfficerAction, now time.Time) (fanzha.CaseStatus, error) {
	status, ok := action.Status()
	if !ok {
		return "", fmt.Errorf("unknown action %q", action)
	}
	prev := c.Status
	c.Status = status
	c.Officer = officer
	c.Updated = now
	c.History = append(c.History, fanzha.CaseEvent{At: now, Officer: officer, Action: action, Status: status})
	return prev, nil
}

// Week keys: ISO weeks, "2025-W09".

func weekOf(t time.Time, loc *time.Location) (key string, start time.Time) {
	t = t.In(loc)
	y, w := t.ISOWeek()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	wd := int(day.Weekday()+6) % 7 // Monday 0
	return fmt.Sprintf("%04d-W%02d", y, w), day.AddDate(0, 0, -wd)
}

const confirmedPrefix = "confirmed:"

// buildStats turns two weeks of counters (type → count; "confirmed:type"
// → count) into the statistics.
func buildStats(at time.Time, loc *time.Location, this, last map[string]int64) fanzha.WeekStats {
	key, start := weekOf(at, loc)
	lastKey, _ := weekOf(start.AddDate(0, 0, -7), loc)
	st := fanzha.WeekStats{Week: key, LastWeek: lastKey, Start: start}
	for _, t := range fanzha.ScamTypes {
		st.Total += this[string(t)]
		st.LastTotal += last[string(t)]
	}
	st.Change = change(st.Total, st.LastTotal)
	for _, t := range fanzha.ScamTypes {
		n, l := this[string(t)], last[string(t)]
		if n == 0 && l == 0 {
			continue
		}
		row := fanzha.TypeCount{Type: t, This: n, Last: l, Change: change(n, l), Confirmed: this[confirmedPrefix+string(t)]}
		if st.Total > 0 {
			row.Share = float64(n) / float64(st.Total)
		}
		if st.LastTotal > 0 {
			row.LastShare = float64(l) / float64(st.LastTotal)
		}
		st.Types = append(st.Types, row)
	}
	// By this week's count, then last week's, then taxonomy order (stable).
	for i := 1; i < len(st.Types); i++ {
		for j := i; j > 0 && less(st.Types[j], st.Types[j-1]); j-- {
			st.Types[j], st.Types[j-1] = st.Types[j-1], st.Types[j]
		}
	}
	return st
}

func less(a, b fanzha.TypeCount) bool {
	if a.This != b.This {
		return a.This > b.This
	}
	return a.Last > b.Last
}

func change(this, last int64) *float64 {
	if last == 0 {
		return nil
	}
	c := float64(this-last) / float64(last)
	return &c
}

// caseNum is a case id as a number, for ordering.
func caseNum(id string) int64 {
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

// normalizeAll is the blockable indicators among inds.
func normalizeAll(inds []fanzha.Indicator) []fanzha.Indicator {
	ok, _ := blockable(inds)
	return ok
}

func blockKey(in fanzha.Indicator) string { return string(in.Kind) + ":" + in.Value }

// lookupKeys returns the blocklist keys an indicator is looked up under.
func lookupKeys(in fanzha.Indicator) []fanzha.Indicator {
	if in.Kind != fanzha.IndURL {
		return []fanzha.Indicator{in}
	}
	var out []fanzha.Indicator
	for _, d := range domainKeys(in.Value) {
		out = append(out, fanzha.Indicator{Kind: fanzha.IndURL, Value: d})
	}
	return out
}

// validCaseID reports whether id can be an id Submit assigns (a decimal
// counter): the one check for ids that arrive from outside (button data,
// /case arguments).
func validCaseID(id string) bool {
	_, err := strconv.ParseUint(id, 10, 64)
	return err == nil
}
