// Package classifier turns a text into an Assessment. Rules find the
// evidence — red flags in the user's own words, promised-return
// arithmetic, already-paid wording, indicators, judged links and numbers,
// the closest corpus scripts — and a trained, calibrated model (model.go)
// weighs it into p_fraud, a type and "already paid"; hard flags set a
// floor the model cannot lower, and every flag shown quotes what matched.
package classifier

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/learn"
	"github.com/fanzha/fanzha/linkcheck"
	"github.com/fanzha/fanzha/textnorm"
)

// MaxRunes bounds the text judged in one pass. A longer text (a pasted
// chat log, a `classify` line) is judged in overlapping windows and the
// windows' verdicts are merged as a conversation's are (Accumulate), so a
// scam sentence at character 8,100 counts; past maxWindows windows the
// middle is skipped and the assessment says so (Truncated).
const MaxRunes = 8000

const (
	windowRunes   = 4000
	windowOverlap = 400
	maxWindows    = 64 // about 230,000 characters: the head and tail halves are read
)

// retrieval shaping: how many of the closest scripts vote, below which
// similarity a match says nothing, and the most a vote can weigh. They
// shape one family of the model's inputs; the model learns what they mean.
const (
	neighbours    = 7
	minSimilarity = 0.06
	voteScale     = 3.0
)

// Classifier assesses texts. It is safe for concurrent use.
type Classifier struct {
	searcher fanzha.Searcher
	model    fanzha.TypeModel
	learned  *Model
}

// New returns a classifier that uses the embedded trained model and the
// scripts searcher finds; a nil searcher leaves out the retrieval evidence.
func New(searcher fanzha.Searcher) *Classifier {
	m, _ := Embedded()
	c := &Classifier{searcher: searcher, learned: m}
	c.model, _ = searcher.(fanzha.TypeModel)
	return c
}

// WithModel returns a copy of c that decides with m.
func (c *Classifier) WithModel(m *Model) *Classifier {
	cp := *c
	cp.learned = m
	return &cp
}

// signals is everything the rules find in one text: the model's input
// besides the n-grams, and the evidence a reply quotes.
type signals struct {
	f           textnorm.Folded
	lang        fanzha.Lang
	truncated   bool
	hits        []hit
	found       map[string]bool
	hard        bool
	hardIDs     []string
	hardTypes   map[fanzha.ScamType]bool
	flags       []fanzha.Flag
	linkIDs     []string // flags from the links and numbers (linkcheck)
	rate        *fanzha.Rate
	paid        bool
	paidSpan    string
	indicators  []fanzha.Indicator
	matches     []fanzha.Match
	retrieval   map[fanzha.ScamType]float64
	topMatch    float64
	sims        map[fanzha.ScamType]float64
	margin      float64
	manipulated bool
}

// Prepared is a text's signals and model input, computed once: training
// and cross-validation decide many times on the same texts.
type Prepared struct {
	sig *signals
	x   learn.Vec // everything: the type and fraud heads read it
	xp  learn.Vec // the clauses that move money: the paid head reads it
}

// Prepare computes what the rules find in text and the model's input.
// exclude names corpus scripts that must not count as neighbours (a script
// judged against the index it belongs to would find itself).
func (c *Classifier) Prepare(ctx context.Context, text string, exclude ...string) Prepared {
	s := c.signals(ctx, text, exclude)
	pay := paymentGrams(s.f.Text)
	return Prepared{sig: s, x: vectorise(s.f.Text, pay, signalFeatures(s)), xp: paidVector(s, pay)}
}

// Classify assesses one text. It never fails: a searcher error only removes
// the retrieval evidence.
func (c *Classifier) Classify(ctx context.Context, text string) fanzha.Assessment {
	if utf8.RuneCountInString(text) <= MaxRunes {
		return c.Decide(c.Prepare(ctx, text))
	}
	r := []rune(strings.ToValidUTF8(text, "\uFFFD"))
	var starts []int
	for i := 0; i < len(r); i += windowRunes - windowOverlap {
		starts = append(starts, i)
		if i+windowRunes >= len(r) {
			break
		}
	}
	skipped := false
	if len(starts) > maxWindows {
		half := maxWindows / 2
		starts = append(starts[:half:half], starts[len(starts)-half:]...)
		skipped = true
	}
	var a fanzha.Assessment
	for _, i := range starts {
		if ctx.Err() != nil {
			skipped = true
			break
		}
		w := c.Decide(c.Prepare(ctx, string(r[i:min(len(r), i+windowRunes)])))
		a = Accumulate(a, w)
	}
	a.Truncated = skipped
	return a
}

func (c *Classifier) signals(ctx context.Context, text string, exclude []string) *signals {
	text = strings.ToValidUTF8(text, "\uFFFD")
	s := &signals{found: map[string]bool{}, hardTypes: map[fanzha.ScamType]bool{}}
	if utf8.RuneCountInString(text) > MaxRunes {
		text, s.truncated = clip(text, MaxRunes), true
	}
	s.f = textnorm.Fold(text)
	s.lang = fanzha.Lang(textnorm.Lang(text))
	if strings.TrimSpace(s.f.Text) == "" {
		return s
	}
	t := newScan(s.f.Text)
	s.hits = detect(s.f, t)
	for _, h := range s.hits {
		s.found[h.det.id] = true
	}
	for _, h := range s.hits {
		x := h.det
		if x.reassuring {
			continue // reassuring signs are evidence, not red flags
		}
		// An anti-fraud advisory quotes the scripts it warns about: its
		// words count as evidence, but none of them is hard on its own.
		isHard := x.hard && satisfied(x, s.found, s.hits) && !s.found[flagAdvisory]
		if isHard {
			s.hard = true
			s.hardIDs = append(s.hardIDs, x.id)
			if x.typ != "" {
				s.hardTypes[x.typ] = true
			}
		}
		s.flags = append(s.flags, fanzha.Flag{ID: x.id, Type: x.typ, Hard: isHard, Span: s.f.Span(h.start, h.end), Text: x.text})
	}
	if r := findRate(s.f, t); r != nil {
		s.rate = r
		if fl, ok := rateFlag(r); ok {
			s.flags = append(s.flags, fl)
			if fl.Hard {
				s.hard = true
				s.hardIDs = append(s.hardIDs, fl.ID)
				s.hardTypes[fanzha.Investment] = true
			}
		}
	}
	// Links and numbers judged, not just listed: a look-alike bank domain,
	// an APK download, a virtual-operator number claimed as a bank's.
	for _, fl := range linkcheck.Judge(text) {
		if !slices.ContainsFunc(s.flags, func(g fanzha.Flag) bool { return g.ID == fl.ID }) {
			s.flags = append(s.flags, fl)
			s.linkIDs = append(s.linkIDs, fl.ID)
		}
		if fl.Hard {
			s.hard = true
			s.hardIDs = append(s.hardIDs, fl.ID)
		}
	}
	var ps, pe int
	s.paid, ps, pe = detectPaid(t)
	if s.paid {
		s.paidSpan = s.f.Span(ps, pe)
	}
	s.indicators = indicators(s.f, t)
	s.manipulated = s.found[flagManipulation]

	if c.searcher != nil {
		if ms, err := c.searcher.Search(ctx, text, s.lang, neighbours+len(exclude)); err == nil {
			ms = slices.DeleteFunc(ms, func(m fanzha.Match) bool { return slices.Contains(exclude, m.ID) })
			if len(ms) > neighbours {
				ms = ms[:neighbours]
			}
			s.matches = ms
			s.retrieval, s.topMatch = vote(ms)
		}
	}
	if c.model != nil {
		s.sims = c.model.TypeSimilarity(text)
		best := 0.0
		for _, t := range fanzha.ScamTypes {
			if v := s.sims[t]; t != fanzha.None && v > best {
				best = v
			}
		}
		s.margin = best - s.sims[fanzha.None]
	}
	return s
}

// Decide turns prepared evidence into an assessment with the classifier's
// model: the model gives the calibrated probability of fraud, the type and
// whether money already left; hard flags are a floor it cannot lower.
func (c *Classifier) Decide(p Prepared) fanzha.Assessment {
	s, m := p.sig, c.learned
	a := fanzha.Assessment{Label: fanzha.None, Risk: fanzha.RiskNone, Lang: s.lang, Truncated: s.truncated,
		Flags: []fanzha.Flag{}, Matches: []fanzha.Match{}, Indicators: []fanzha.Indicator{}}
	if s.matches != nil {
		a.Matches = s.matches
	}
	if s.indicators != nil {
		a.Indicators = s.indicators
	}
	if strings.TrimSpace(s.f.Text) == "" {
		return a
	}
	a.Rate = s.rate
	a.Flags = append(a.Flags, s.flags...)

	out := m.predict(p)
	a.PFraud = round3(out.fraud)
	label := out.bestFraudType(s.hardTypes)
	// High risk says "stop now": besides a hard flag it takes a confident
	// model and at least two red flags in the user's words beyond the ones
	// that only describe a setting, so "met online" or a loan advert's
	// "立即查看" never makes an alarm on their own.
	switch {
	case s.hard || out.fraud >= decision.high && specificFlags(s.flags) >= 2:
		a.Risk = fanzha.RiskHigh
	case out.fraud >= decision.medium:
		a.Risk = fanzha.RiskMedium
	case out.fraud >= decision.low:
		a.Risk = fanzha.RiskLow
	}
	if a.Risk > fanzha.RiskNone {
		a.Label = label
		// Not settled — no hard flag, and the type uncertain or the risk
		// below high: the reply asks the type's deciding question.
		a.Unsure = !s.hard && (out.typeShare < decision.sureType || a.Risk < fanzha.RiskHigh)
	}
	// Already paid: the model reads how people say it. The hand-written
	// rule, which knows the tenses and negations, also counts unless the
	// model is fairly sure it misread ("平台显示他已经付了"); its match is
	// the words the reply quotes.
	a.SaysPaid = out.paid >= decision.paid || s.paid && out.paid >= decision.paidWithRule
	if a.Label.IsFraud() && a.SaysPaid {
		a.Paid = true
		a.Risk = fanzha.RiskHigh
		a.Flags = append([]fanzha.Flag{paidFlag(s.paidSpan)}, a.Flags...)
	}
	if !a.Label.IsFraud() {
		// The flags of a text judged harmless are not shown as reasons,
		// but an attempt to steer the bot is.
		a.Flags = slices.DeleteFunc(a.Flags, func(f fanzha.Flag) bool { return f.ID != flagManipulation })
	}
	// A text that tries to steer the bot is never a reason to relax.
	if s.manipulated && a.Risk < fanzha.RiskHigh {
		a.Risk++
	}
	a.Score = score(out.fraud, a.Risk)
	sortFlags(a.Flags)
	return a
}

// settingFlags describe a situation many legitimate texts share (a loan,
// an online friend, haste, a payment) rather than a scammer's move.
var settingFlags = map[string]bool{"urgency": true, "loan_context": true, "online_partner": true, "romantic_talk": true, flagTransfer: true}

func specificFlags(fl []fanzha.Flag) int {
	n := 0
	for _, f := range fl {
		if !settingFlags[f.ID] {
			n++
		}
	}
	return n
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func paidFlag(span string) fanzha.Flag {
	return fanzha.Flag{ID: "already_paid", Span: span, Text: fanzha.Text{
		ZH: "你说钱已经转出：请立即报警止付，时间就是金钱", EN: "you say money has already left: report it now to stop the payment, minutes matter"}}
}

// satisfied reports whether a hard flag's conditions hold.
func satisfied(x *detector, found map[string]bool, hits []hit) bool {
	if len(x.needs) == 0 {
		return true
	}
	for _, n := range x.needs {
		if n == "type" {
			for _, h := range hits {
				if h.det != x && h.det.typ == x.typ && !h.det.reassuring {
					return true
				}
			}
			continue
		}
		if found[n] {
			return true
		}
	}
	return false
}

// vote turns matches into per-type evidence. Similarity is squared so one
// close script outweighs several distant ones; the total is scaled by how
// close the best match is.
func vote(ms []fanzha.Match) (map[fanzha.ScamType]float64, float64) {
	share := map[fanzha.ScamType]float64{}
	var total, top float64
	for i, m := range ms {
		if i >= neighbours || m.Score < minSimilarity {
			break
		}
		w := m.Score * m.Score
		share[m.Type] += w
		total += w
		if m.Score > top {
			top = m.Score
		}
	}
	out := map[fanzha.ScamType]float64{}
	if total == 0 {
		return out, top
	}
	strength := voteScale * math.Min(1, top/0.35)
	for _, t := range fanzha.ScamTypes {
		if v, ok := share[t]; ok {
			out[t] = strength * v / total
		}
	}
	return out, top
}

// score is the probability shown with a verdict: the model's, raised to
// the least each risk level means (the decision table's cut-offs) when
// hard flags or the paid rule set the level.
func score(p float64, r fanzha.Risk) float64 {
	floor := [...]float64{fanzha.RiskNone: 0, fanzha.RiskLow: decision.low, fanzha.RiskMedium: decision.medium, fanzha.RiskHigh: decision.high}
	if r >= fanzha.RiskNone && r <= fanzha.RiskHigh && p < floor[r] {
		p = floor[r]
	}
	return round3(p)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func sortFlags(fl []fanzha.Flag) {
	rank := func(f fanzha.Flag) int {
		switch {
		case f.ID == "already_paid":
			return 0
		case f.Hard:
			return 1
		case f.Type != "":
			return 2
		}
		return 3
	}
	sort.SliceStable(fl, func(i, j int) bool { return rank(fl[i]) < rank(fl[j]) })
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// Accumulate merges the assessment of a new message into a conversation's:
// within a conversation risk never drops and evidence is never forgotten,
// until the user starts over.
func Accumulate(prev, cur fanzha.Assessment) fanzha.Assessment {
	if prev.Label == "" {
		return cur
	}
	out := cur
	out.Risk = maxRisk(prev.Risk, cur.Risk)
	// The label follows the stronger evidence; a later "好的谢谢", a weaker
	// hint of another script, or a message whose type the model is unsure
	// of does not replace an established one.
	if prev.Label.IsFraud() && (!cur.Label.IsFraud() || cur.Unsure || cur.Score <= prev.Score) {
		out.Label = prev.Label
		out.Unsure = prev.Unsure && (!cur.Label.IsFraud() || cur.Unsure || cur.Label != prev.Label)
	}
	out.Score = math.Max(prev.Score, cur.Score)
	out.Paid = prev.Paid || cur.Paid || (cur.SaysPaid && out.Label.IsFraud())
	out.Flags = mergeFlags(cur.Flags, prev.Flags)
	if out.Paid && out.Label.IsFraud() {
		out.Risk = fanzha.RiskHigh
		if !cur.Paid && cur.SaysPaid {
			out.Flags = mergeFlags([]fanzha.Flag{paidFlag("")}, out.Flags)
		}
	}
	out.Indicators = mergeIndicators(prev.Indicators, cur.Indicators)
	if out.Rate == nil || (prev.Rate != nil && prev.Rate.Monthly > out.Rate.Monthly) {
		out.Rate = prev.Rate
	}
	return out
}

func maxRisk(a, b fanzha.Risk) fanzha.Risk {
	if a > b {
		return a
	}
	return b
}

func mergeFlags(a, b []fanzha.Flag) []fanzha.Flag {
	seen := map[string]bool{}
	var out []fanzha.Flag
	for _, f := range append(append([]fanzha.Flag{}, a...), b...) {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	sortFlags(out)
	return out
}

func mergeIndicators(a, b []fanzha.Indicator) []fanzha.Indicator {
	seen := map[fanzha.Indicator]bool{}
	var out []fanzha.Indicator
	for _, i := range append(append([]fanzha.Indicator{}, a...), b...) {
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}
