// Package stats counts what officers' weekly report is made of: every
// assessed conversation at medium or high risk and every case handed to
// officers, as an Event of a few closed fields (type, risk, paid, amount
// bucket, language, day, channel, and a district only from the
// deployment's list). No message text and nothing personal is ever
// counted: an Event has no free-text field, and a district not on the list
// is dropped.
//
// The one exception is a new-script sample (Sample): a flagged
// conversation that matches no known corpus script well keeps a short,
// redacted excerpt (review.Redact: ID numbers, cards, phones, names
// masked) for the report's "new scripts" section, kept for a shorter
// retention than the counts.
//
// Memory is the embedded default; Redis is shared by replicas.
package stats

import (
	"context"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/review"
)

// Kind says what was counted.
type Kind string

const (
	// KindAssessed is a conversation assessed at medium or high risk
	// (counted once per conversation and risk level reached).
	KindAssessed Kind = "assessed"
	// KindCase is a conversation handed to officers.
	KindCase Kind = "case"
	// KindStopPayment is a citizen who had already paid being handed the
	// stop-payment steps (110 / 96110).
	KindStopPayment Kind = "stop_payment"
)

// Kinds lists the kinds in a fixed order.
var Kinds = []Kind{KindAssessed, KindCase, KindStopPayment}

// Channel is where the conversation came from.
type Channel string

const (
	ChannelPrivate Channel = "private" // a citizen's own words in a private chat
	ChannelForward Channel = "forward" // a forwarded or pasted message
	ChannelGroup   Channel = "group"   // a group chat
	ChannelPicture Channel = "picture" // a screenshot (OCR, QR)
)

// Channels lists the channels in a fixed order.
var Channels = []Channel{ChannelPrivate, ChannelForward, ChannelGroup, ChannelPicture}

// Amount is a bucket of the largest amount of money a conversation
// mentions, in yuan.
type Amount string

const (
	AmountNone  Amount = ""         // no amount mentioned
	AmountLT1K  Amount = "lt1k"     // under 1,000
	AmountLT10K Amount = "1k-10k"   // 1,000 – 9,999
	Amount10K   Amount = "10k-100k" // 10,000 – 99,999
	Amount100K  Amount = "100k-1m"  // 100,000 – 999,999
	Amount1M    Amount = "ge1m"     // 1,000,000 and more
)

// Amounts lists the buckets, smallest first (none excluded).
var Amounts = []Amount{AmountLT1K, AmountLT10K, Amount10K, Amount100K, Amount1M}

// Floor is the bucket's lower bound in yuan: the report sums floors, so
// its amounts are "at least".
func (a Amount) Floor() float64 {
	switch a {
	case AmountLT10K:
		return 1_000
	case Amount10K:
		return 10_000
	case Amount100K:
		return 100_000
	case Amount1M:
		return 1_000_000
	}
	return 0
}

// Label is the bucket in Chinese, for the report and the console.
func (a Amount) Label() string {
	switch a {
	case AmountLT1K:
		return "1千元以下"
	case AmountLT10K:
		return "1千–1万元"
	case Amount10K:
		return "1万–10万元"
	case Amount100K:
		return "10万–100万元"
	case Amount1M:
		return "100万元以上"
	}
	return "未提及"
}

// BucketAmount returns the bucket of yuan.
func BucketAmount(yuan float64) Amount {
	switch {
	case yuan <= 0 || math.IsNaN(yuan):
		return AmountNone
	case yuan < 1_000:
		return AmountLT1K
	case yuan < 10_000:
		return AmountLT10K
	case yuan < 100_000:
		return Amount10K
	case yuan < 1_000_000:
		return Amount100K
	}
	return Amount1M
}

// Event is one counted thing. Every field is from a closed set; Day is a
// calendar date in the store's time zone, set by the store from At.
type Event struct {
	At       time.Time       `json:"-"`
	Kind     Kind            `json:"kind"`
	Type     fanzha.ScamType `json:"type"`
	Risk     fanzha.Risk     `json:"risk"`
	Paid     bool            `json:"paid"`
	Amount   Amount          `json:"amount"`
	Lang     fanzha.Lang     `json:"lang"`
	Channel  Channel         `json:"channel"`
	District string          `json:"district,omitempty"`
}

// FromAssessment builds the event of an assessed conversation: its type,
// risk, paid, language, and the bucket of the largest amount among its
// indicators. Nothing else of the assessment is kept.
func FromAssessment(kind Kind, a fanzha.Assessment, ch Channel, district string, at time.Time) Event {
	var most float64
	for _, in := range a.Indicators {
		if in.Kind == fanzha.IndAmount {
			most = max(most, ParseAmount(in.Value))
		}
	}
	return Event{At: at, Kind: kind, Type: a.Label, Risk: a.Risk, Paid: a.Paid, Amount: BucketAmount(most),
		Lang: a.Lang, Channel: ch, District: district}
}

// Districts is a deployment's list of districts a citizen may choose
// from. Anything else is never counted.
type Districts []string

// Canonical returns the listed district d names (exactly, after trimming
// spaces), or "" when it is not on the list.
func (ds Districts) Canonical(d string) string {
	d = strings.TrimSpace(d)
	if d != "" && slices.Contains(ds, d) {
		return d
	}
	return ""
}

// ParseDistricts splits a comma-separated list (FANZHA_DISTRICTS), trimming
// spaces and dropping empty and repeated names.
func ParseDistricts(s string) Districts {
	var out Districts
	for _, d := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(out, d) && !strings.Contains(d, "|") {
			out = append(out, d)
		}
	}
	return out
}

// clean returns e with every field reduced to its closed set: an unknown
// kind, type, language or channel becomes empty (or none), a district not
// on the list is dropped. A Store counts only clean events.
func (e Event) clean(ds Districts) (Event, bool) {
	if !slices.Contains(Kinds, e.Kind) {
		return e, false
	}
	if !e.Type.Valid() {
		e.Type = fanzha.None
	}
	if e.Risk < fanzha.RiskNone || e.Risk > fanzha.RiskHigh {
		e.Risk = fanzha.RiskNone
	}
	if e.Amount != AmountNone && !slices.Contains(Amounts, e.Amount) {
		e.Amount = AmountNone
	}
	if e.Lang != fanzha.ZH && e.Lang != fanzha.EN {
		e.Lang = ""
	}
	if !slices.Contains(Channels, e.Channel) {
		e.Channel = ""
	}
	e.District = ds.Canonical(e.District)
	return e, true
}

// prepare returns e cleaned (clean) with its time set (now when zero);
// false for an event of unknown kind, which is not counted.
func (o *Options) prepare(e Event) (Event, bool) {
	e, ok := e.clean(o.Districts)
	if ok && e.At.IsZero() {
		e.At = o.Now()
	}
	return e, ok
}

// key is the counter field of a clean event (all but At):
// kind|type|risk|paid|amount|lang|channel|district.
func (e Event) key() string {
	paid := "0"
	if e.Paid {
		paid = "1"
	}
	return strings.Join([]string{string(e.Kind), string(e.Type), e.Risk.String(), paid, string(e.Amount),
		string(e.Lang), string(e.Channel), e.District}, "|")
}

// parseKey is the inverse of key.
func parseKey(k string) (Event, bool) {
	p := strings.Split(k, "|")
	if len(p) != 8 {
		return Event{}, false
	}
	r, err := fanzha.ParseRisk(p[2])
	if err != nil {
		return Event{}, false
	}
	return Event{Kind: Kind(p[0]), Type: fanzha.ScamType(p[1]), Risk: r, Paid: p[3] == "1", Amount: Amount(p[4]),
		Lang: fanzha.Lang(p[5]), Channel: Channel(p[6]), District: p[7]}, true
}

// Count is a number of identical events on one day.
type Count struct {
	Day   time.Time // midnight in the store's time zone
	Event Event
	N     int64
}

// Sample is a flagged conversation that matches no known script well: its
// type and a redacted excerpt.
type Sample struct {
	At      time.Time       `json:"at"`
	Type    fanzha.ScamType `json:"type"`
	Risk    fanzha.Risk     `json:"risk"`
	Excerpt string          `json:"excerpt"` // redacted, at most MaxSample characters
}

// MaxSample is how many characters of a sample are kept.
const MaxSample = 300

// DefaultNovelScore: a conversation whose closest script of its own type
// scores under this (Match.Score, bigram similarity re-ranked) is "new".
// A hand number: in the dev set, known scripts' best same-type matches
// mostly score above it.
const DefaultNovelScore = 0.15

// IsNovel reports whether a is a flagged conversation (medium or high
// risk, a fraud type) whose closest scripts of its own type all score
// under minScore (DefaultNovelScore when 0).
func IsNovel(a fanzha.Assessment, minScore float64) bool {
	if minScore <= 0 {
		minScore = DefaultNovelScore
	}
	if a.Risk < fanzha.RiskMedium || !a.Label.IsFraud() {
		return false
	}
	for _, m := range a.Matches {
		if m.Type == a.Label && m.Score >= minScore {
			return false
		}
	}
	return true
}

// Store keeps the counts and the samples.
type Store interface {
	// Count adds one event (dropped silently when its kind is unknown).
	Count(ctx context.Context, e Event) error
	// Counts returns the counts of the days from ≤ day < to.
	Counts(ctx context.Context, from, to time.Time) ([]Count, error)
	// AddSample keeps a new-script sample (the excerpt is redacted again
	// and clipped here, whatever the caller did).
	AddSample(ctx context.Context, s Sample) error
	// Samples returns the samples taken from ≤ At < to.
	Samples(ctx context.Context, from, to time.Time) ([]Sample, error)
}

// Options configure Memory and Redis.
type Options struct {
	// Location sets the days (and the report's weeks); Asia/Shanghai (or
	// UTC+8 when the zone database is missing) when nil.
	Location *time.Location
	// Districts is the deployment's list; other districts are dropped.
	Districts Districts
	// Retention is how long counts are kept; 400 days when zero (a year
	// and a little, for year-on-year comparisons).
	Retention time.Duration
	// SampleRetention is how long new-script samples are kept; 90 days
	// when zero.
	SampleRetention time.Duration
	// MaxSamplesPerDay caps the samples of one day; 200 when zero.
	MaxSamplesPerDay int
	// Redact masks personal data in a sample's excerpt; review.Redact
	// when nil.
	Redact func(string) string
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// Shanghai returns Asia/Shanghai, or a fixed UTC+8 zone named CST when the
// zone database is missing.
func Shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

func (o *Options) setDefaults() {
	if o.Location == nil {
		o.Location = Shanghai()
	}
	if o.Retention <= 0 {
		o.Retention = 400 * 24 * time.Hour
	}
	if o.SampleRetention <= 0 {
		o.SampleRetention = 90 * 24 * time.Hour
	}
	if o.MaxSamplesPerDay <= 0 {
		o.MaxSamplesPerDay = 200
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Redact == nil {
		o.Redact = review.Redact
	}
}

// Day returns midnight of t's day in loc.
func Day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func dayKey(d time.Time) string { return d.Format("2006-01-02") }

// days lists the midnights from the day of from up to (excluding) to.
func days(from, to time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	for d := Day(from, loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

func (o *Options) prepareSample(s Sample) (Sample, bool) {
	if !s.Type.Valid() {
		s.Type = fanzha.None
	}
	if s.At.IsZero() {
		s.At = o.Now()
	}
	s.Excerpt = o.Redact(s.Excerpt)
	if r := []rune(s.Excerpt); len(r) > MaxSample {
		s.Excerpt = string(r[:MaxSample]) + "…"
	}
	return s, strings.TrimSpace(s.Excerpt) != ""
}

// ParseAmount reads an amount indicator ("3万", "3000元", "¥1,200",
// "五万", "百万") as yuan; 0 when it cannot.
func ParseAmount(s string) float64 {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := amountRE.FindStringSubmatch(s); m != nil {
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err != nil {
			return 0
		}
		switch {
		case strings.HasPrefix(m[2], "万"):
			v *= 10_000
		case strings.HasPrefix(m[2], "千"):
			v *= 1_000
		case strings.HasPrefix(m[2], "美元"), m[2] == "dollars", m[2] == "usd" || strings.HasPrefix(s, "$") || strings.HasPrefix(s, "usd"):
			v *= 7
		}
		return v
	}
	return chineseAmount(s)
}

var amountRE = regexp.MustCompile(`(\d[\d,]*(?:\.\d+)?)\s*(万元|万|千元|千|元|块钱|块|美元|dollars|usd|yuan|rmb)?`)

// chineseAmount reads 一万, 三十万, 两千, 百万 (digits in Chinese).
func chineseAmount(s string) float64 {
	digits := map[rune]float64{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]float64{'十': 10, '百': 100, '千': 1000}
	var total, section, cur float64
	seen := false
	for _, r := range s {
		switch {
		case digits[r] > 0:
			cur, seen = digits[r], true
		case units[r] > 0:
			if cur == 0 {
				cur = 1
			}
			section += cur * units[r]
			cur, seen = 0, true
		case r == '万':
			if cur == 0 && section == 0 {
				section = 1
			}
			total += (section + cur) * 10_000
			section, cur, seen = 0, 0, true
		}
	}
	if !seen {
		return 0
	}
	return total + section + cur
}
