// Package report builds the officers' weekly report from the counted events
// (package stats) and the confirmed cases (package review): the week
// (Monday to Sunday in the deployment's time zone) against the week before,
// types ranked with shares and change, the type that rose most, districts,
// the already-paid share and stop-payment hand-offs, the top confirmed
// indicators, and new scripts grouped by similarity. Text renders it in
// Chinese as the police weekly report does; PNG draws its chart with
// gonum/plot; SVG draws the same charts for the web console.
package report

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/stats"
)

// Cases is what the report reads of the review queue: review.Memory and
// review.Redis.
type Cases interface {
	Query(ctx context.Context, q review.Query) (review.Page, error)
}

// Options configure a Builder.
type Options struct {
	// Location sets the weeks (Monday 00:00 there); Asia/Shanghai when nil.
	// Use the stats store's.
	Location *time.Location
	// Districts is the deployment's list, in its order (ties in the
	// ranking follow it).
	Districts []string
	// TypeName names a type in Chinese (knowledge.Corpus.Name(t, zh)); the
	// built-in official names when nil.
	TypeName func(fanzha.ScamType) string
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Weeks is how many weeks the trend shows; 12 when zero.
	Weeks int
	// Similarity is the bigram Jaccard similarity above which two
	// new-script samples are one group; 0.25 when zero.
	Similarity float64
	// MaxGroups caps the new-script groups shown; 5 when zero.
	MaxGroups int
	// Hotline is the anti-fraud hotline in the text; 96110 when empty.
	Hotline string
	// Fonts are the CJK font files tried for the chart, in order;
	// DefaultFonts when nil.
	Fonts  []string
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Location == nil {
		o.Location = stats.Shanghai()
	}
	if o.TypeName == nil {
		o.TypeName = OfficialName
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Weeks <= 0 {
		o.Weeks = 12
	}
	if o.Similarity <= 0 {
		o.Similarity = 0.25
	}
	if o.MaxGroups <= 0 {
		o.MaxGroups = 5
	}
	if o.Hotline == "" {
		o.Hotline = "96110"
	}
	if o.Fonts == nil {
		o.Fonts = DefaultFonts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// officialNames are the official Chinese categories (BRIEF.md, taxonomy):
// the fallback when no corpus names them.
var officialNames = map[fanzha.ScamType]string{
	fanzha.Investment: "虚假投资理财", fanzha.TaskRebate: "刷单返利", fanzha.FakeLoan: "虚假网络贷款",
	fanzha.CustomerService: "冒充电商物流客服", fanzha.Police: "冒充公检法及政府机关", fanzha.CreditRepair: "虚假征信",
	fanzha.Acquaintance: "冒充领导熟人", fanzha.Romance: "网络婚恋交友", fanzha.GameTrade: "网络游戏产品虚假交易",
	fanzha.Shopping: "虚假购物服务", fanzha.OtherFraud: "其他", fanzha.None: "无诈骗迹象",
}

// OfficialName returns the official Chinese category of t.
func OfficialName(t fanzha.ScamType) string {
	if n, ok := officialNames[t]; ok {
		return n
	}
	return string(t)
}

// Builder builds reports.
type Builder struct {
	stats stats.Store
	cases Cases
	opts  Options
	chart *chartFonts
}

// New returns a Builder reading counts from st and confirmed cases from
// cases (nil: no indicators section). The chart font is loaded on first
// use.
func New(st stats.Store, cases Cases, o Options) *Builder {
	o.setDefaults()
	return &Builder{stats: st, cases: cases, opts: o, chart: &chartFonts{paths: o.Fonts, log: o.Logger}}
}

// TypeRow is one scam type in the report.
type TypeRow struct {
	Type       fanzha.ScamType
	Name       string
	This, Last int64
	Share      float64  // of this week's total, 0..1
	Change     *float64 // nil when last week had none
}

// Diff is this week's count minus last week's.
func (r TypeRow) Diff() int64 { return r.This - r.Last }

// DistrictRow is one district.
type DistrictRow struct {
	Name       string
	This, Last int64
	Share      float64
	Change     *float64
}

// Diff is this week's count minus last week's.
func (r DistrictRow) Diff() int64 { return r.This - r.Last }

// IndicatorRow is a confirmed scammer's indicator and how many confirmed
// cases of the week carry it.
type IndicatorRow struct {
	Kind  fanzha.IndicatorKind
	Value string
	Cases int
}

// ScriptGroup is a group of similar new-script samples.
type ScriptGroup struct {
	Type    fanzha.ScamType
	Name    string
	Count   int
	Example string // redacted
}

// WeekPoint is one week of the trend.
type WeekPoint struct {
	Start   time.Time
	Label   string // "12-01"
	Total   int64
	Handed  int64
	Partial bool // the current week, not over yet
}

// AmountRow is one bucket of mentioned amounts.
type AmountRow struct {
	Bucket     stats.Amount
	This, Last int64
}

// Report is one week's report.
type Report struct {
	Week        string    // ISO week, "2026-W49"
	Start, End  time.Time // Monday 00:00 and the next Monday 00:00
	AsOf        time.Time // when it was built
	SoFar       bool      // the week is not over
	Total, Last int64     // conversations at medium or high risk
	Change      *float64
	// Handed is the cases handed to officers.
	Handed, LastHanded int64
	HandedChange       *float64
	// Amount is the sum of the amount buckets' floors: at least this many
	// yuan were mentioned.
	Amount, LastAmount float64
	AmountChange       *float64
	Amounts            []AmountRow
	Types              []TypeRow // by this week's count
	// Rising is the type whose count rose most; nil when none rose.
	Rising    *TypeRow
	Districts []DistrictRow // by this week's count; only districts with counts
	// RisingDistricts are the districts that rose most (up to 3).
	RisingDistricts []DistrictRow
	// NoDistrict counts conversations without a chosen district.
	NoDistrict  int64
	Paid        int64
	PaidShare   float64
	StopPayment int64
	Indicators  []IndicatorRow
	NewScripts  []ScriptGroup
	NewSamples  int // samples grouped
	Trend       []WeekPoint
	Hotline     string
}

// WeekStart returns Monday 00:00 of the week containing t, in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	d := stats.Day(t, loc)
	return d.AddDate(0, 0, -(int(d.Weekday())+6)%7)
}

// Current builds the report of this week so far.
func (b *Builder) Current(ctx context.Context) (*Report, error) {
	return b.Week(ctx, b.opts.Now())
}

// Previous builds the report of last week (the one the Monday report
// sends).
func (b *Builder) Previous(ctx context.Context) (*Report, error) {
	return b.Week(ctx, WeekStart(b.opts.Now(), b.opts.Location).AddDate(0, 0, -7))
}

// Week builds the report of the week containing at.
func (b *Builder) Week(ctx context.Context, at time.Time) (*Report, error) {
	loc := b.opts.Location
	now := b.opts.Now()
	start := WeekStart(at, loc)
	end := start.AddDate(0, 0, 7)
	first := start.AddDate(0, 0, -7*(b.opts.Weeks-1))
	counts, err := b.stats.Counts(ctx, first, end)
	if err != nil {
		return nil, fmt.Errorf("weekly report: %w", err)
	}
	samples, err := b.stats.Samples(ctx, start, end)
	if err != nil {
		return nil, fmt.Errorf("weekly report: %w", err)
	}
	var confirmed []fanzha.Case
	if b.cases != nil {
		p, err := b.cases.Query(ctx, review.Query{Status: fanzha.CaseConfirmed, From: start, To: end})
		if err != nil {
			return nil, fmt.Errorf("weekly report: %w", err)
		}
		confirmed = p.Cases
	}
	r := &Report{Start: start, End: end, AsOf: now, SoFar: now.Before(end), Hotline: b.opts.Hotline}
	y, w := start.ISOWeek()
	r.Week = fmt.Sprintf("%04d-W%02d", y, w)
	b.tally(r, counts, first)
	r.Indicators = topIndicators(confirmed, 10)
	r.NewScripts = b.group(samples)
	r.NewSamples = len(samples)
	return r, nil
}

// tally fills the counts from the events of the weeks from first.
func (b *Builder) tally(r *Report, counts []stats.Count, first time.Time) {
	lastStart := r.Start.AddDate(0, 0, -7)
	types := map[fanzha.ScamType]*TypeRow{}
	districts := map[string]*DistrictRow{}
	amounts := map[stats.Amount]*AmountRow{}
	for i := range b.opts.Weeks {
		ws := first.AddDate(0, 0, 7*i)
		r.Trend = append(r.Trend, WeekPoint{Start: ws, Label: ws.Format("01-02"), Partial: r.SoFar && ws.Equal(r.Start)})
	}
	for _, c := range counts {
		wi := int(c.Day.Sub(first).Hours()+12) / (24 * 7) // +12: days are 23–25 h across DST
		if wi < 0 || wi >= len(r.Trend) {
			continue
		}
		e := c.Event
		switch e.Kind {
		case stats.KindCase:
			r.Trend[wi].Handed += c.N
		case stats.KindAssessed:
			r.Trend[wi].Total += c.N
		}
		this, last := !c.Day.Before(r.Start), !c.Day.Before(lastStart) && c.Day.Before(r.Start)
		if !this && !last {
			continue
		}
		add := func(p *int64, q *int64) {
			if this {
				*p += c.N
			} else {
				*q += c.N
			}
		}
		switch e.Kind {
		case stats.KindCase:
			add(&r.Handed, &r.LastHanded)
		case stats.KindStopPayment:
			if this {
				r.StopPayment += c.N
			}
		case stats.KindAssessed:
			add(&r.Total, &r.Last)
			t := types[e.Type]
			if t == nil {
				t = &TypeRow{Type: e.Type, Name: b.opts.TypeName(e.Type)}
				types[e.Type] = t
			}
			add(&t.This, &t.Last)
			if e.District != "" {
				d := districts[e.District]
				if d == nil {
					d = &DistrictRow{Name: e.District}
					districts[e.District] = d
				}
				add(&d.This, &d.Last)
			} else if this {
				r.NoDistrict += c.N
			}
			if e.Amount != stats.AmountNone {
				a := amounts[e.Amount]
				if a == nil {
					a = &AmountRow{Bucket: e.Amount}
					amounts[e.Amount] = a
				}
				add(&a.This, &a.Last)
				if this {
					r.Amount += float64(c.N) * e.Amount.Floor()
				} else {
					r.LastAmount += float64(c.N) * e.Amount.Floor()
				}
			}
			if e.Paid && this {
				r.Paid += c.N
			}
		}
	}
	r.Change = change(r.Total, r.Last)
	r.HandedChange = change(r.Handed, r.LastHanded)
	if r.LastAmount > 0 {
		c := (r.Amount - r.LastAmount) / r.LastAmount
		r.AmountChange = &c
	}
	if r.Total > 0 {
		r.PaidShare = float64(r.Paid) / float64(r.Total)
	}
	for _, a := range stats.Amounts {
		if row := amounts[a]; row != nil {
			r.Amounts = append(r.Amounts, *row)
		}
	}
	// Types: by this week's count, then last week's, then taxonomy order.
	for _, t := range fanzha.ScamTypes {
		if row := types[t]; row != nil {
			row.Change = change(row.This, row.Last)
			if r.Total > 0 {
				row.Share = float64(row.This) / float64(r.Total)
			}
			r.Types = append(r.Types, *row)
		}
	}
	slices.SortStableFunc(r.Types, func(a, b TypeRow) int {
		return cmp.Or(cmp.Compare(b.This, a.This), cmp.Compare(b.Last, a.Last))
	})
	for i, t := range r.Types {
		if t.Diff() > 0 && (r.Rising == nil || t.Diff() > r.Rising.Diff()) {
			r.Rising = &r.Types[i]
		}
	}
	// Districts: the configured order breaks ties; names no longer on the
	// list (counted before a change) come after, by name.
	order := func(name string) int {
		if i := slices.Index(b.opts.Districts, name); i >= 0 {
			return i
		}
		return len(b.opts.Districts)
	}
	for _, d := range districts {
		d.Change = change(d.This, d.Last)
		if r.Total > 0 {
			d.Share = float64(d.This) / float64(r.Total)
		}
		r.Districts = append(r.Districts, *d)
	}
	slices.SortFunc(r.Districts, func(a, b DistrictRow) int {
		return cmp.Or(cmp.Compare(b.This, a.This), cmp.Compare(b.Last, a.Last), cmp.Compare(order(a.Name), order(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	for _, d := range r.Districts {
		if d.Diff() > 0 {
			r.RisingDistricts = append(r.RisingDistricts, d)
		}
	}
	slices.SortStableFunc(r.RisingDistricts, func(a, b DistrictRow) int { return cmp.Compare(b.Diff(), a.Diff()) })
	if len(r.RisingDistricts) > 3 {
		r.RisingDistricts = r.RisingDistricts[:3]
	}
}

func change(this, last int64) *float64 {
	if last == 0 {
		return nil
	}
	c := float64(this-last) / float64(last)
	return &c
}

// topIndicators counts the indicators of confirmed cases (normalised, one
// per case), amounts and ID numbers left out.
func topIndicators(cases []fanzha.Case, n int) []IndicatorRow {
	counts := map[fanzha.Indicator]int{}
	for _, c := range cases {
		seen := map[fanzha.Indicator]bool{}
		for _, in := range c.Indicators {
			if in.Kind == fanzha.IndAmount || in.Kind == fanzha.IndIDNumber {
				continue
			}
			norm, ok := review.Normalize(in)
			if !ok || seen[norm] {
				continue
			}
			seen[norm] = true
			counts[norm]++
		}
	}
	rows := make([]IndicatorRow, 0, len(counts))
	for in, c := range counts {
		rows = append(rows, IndicatorRow{Kind: in.Kind, Value: in.Value, Cases: c})
	}
	slices.SortFunc(rows, func(a, b IndicatorRow) int {
		return cmp.Or(cmp.Compare(b.Cases, a.Cases), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Value, b.Value))
	})
	if len(rows) > n {
		rows = rows[:n]
	}
	return rows
}
