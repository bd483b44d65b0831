// Package classifier turns a text into an Assessment: red flags found in the
// user's own words, promised-return arithmetic, indicators, already-paid
// detection and the closest corpus scripts, combined in a way that stays
// explainable — every high risk names the flags or scripts behind it.
package classifier

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// MaxRunes bounds the text analysed: Telegram caps messages at 4096
// characters; anything longer is judged on its first MaxRunes.
const MaxRunes = 8000

// The fraud score S adds up evidence on one scale: red-flag weights (about 2
// is "suspicious on its own"), the vocabulary margin and the closest scripts'
// vote. The constants were set on the dev set in testdata/ (see README).
const (
	thresholdLow    = 1.5 // S at which a text is labelled fraud (risk low)
	thresholdMedium = 3.5
	thresholdHigh   = 6.0
	// longText (runes) and lengthWeight: the bar rises by lengthWeight for
	// every doubling of the length beyond longText.
	longText     = 120
	lengthWeight = 0.5
	// vocabOnlyExtra raises the bar when no red flag was found.
	vocabOnlyExtra = 0.3
	// marginWeight scales the vocabulary margin (best scam type's centroid
	// cosine minus the legitimate look-alikes'); marginZero is the margin
	// that says nothing either way.
	marginWeight = 60.0
	marginZero   = 0.01
	marginZeroEN = 0.04
	// marginCap bounds the vocabulary evidence: it may make a text
	// suspicious, but a high risk needs red flags.
	marginCap = 3.0
	// retrievalWeight scales the closest scripts' fraud-minus-none vote.
	retrievalWeight = 0.5
	// vocabWeight and voteWeight turn centroid cosines and script votes
	// into type evidence for choosing the label.
	vocabWeight = 30.0
	voteWeight  = 0.5
	// voteScale is the most evidence the closest scripts can add.
	voteScale = 3.0
	// minSimilarity below which a corpus match says nothing.
	minSimilarity = 0.06
	// typeCap stops one type's many weak flags from drowning the rest.
	typeCap = 8.0
	// neighbours is how many matches vote.
	neighbours = 7
)

// Classifier assesses texts. It is safe for concurrent use.
type Classifier struct {
	searcher fanzha.Searcher
	model    fanzha.TypeModel
}

// New returns a classifier that votes with the scripts searcher finds; a
// nil searcher means flags only.
func New(searcher fanzha.Searcher) *Classifier {
	c := &Classifier{searcher: searcher}
	c.model, _ = searcher.(fanzha.TypeModel)
	return c
}

// Classify assesses one text. It never fails: a searcher error only removes
// the retrieval evidence.
func (c *Classifier) Classify(ctx context.Context, text string) fanzha.Assessment {
	text = clip(strings.ToValidUTF8(text, "\uFFFD"), MaxRunes)
	f := textnorm.Fold(text)
	a := fanzha.Assessment{Label: fanzha.None, Risk: fanzha.RiskNone, Lang: fanzha.Lang(textnorm.Lang(text)), Flags: []fanzha.Flag{}, Matches: []fanzha.Match{}, Indicators: []fanzha.Indicator{}}
	if strings.TrimSpace(f.Text) == "" {
		return a
	}

	typed := map[fanzha.ScamType]float64{}
	var general float64
	found := map[string]bool{}
	t := newScan(f.Text)
	hits := detect(f, t)
	for _, h := range hits {
		found[h.det.id] = true
	}
	hardTypes := map[fanzha.ScamType]bool{}
	hard := false
	for _, h := range hits {
		x := h.det
		if x.typ == "" {
			general += x.weight
		} else {
			typed[x.typ] += x.weight
		}
		if x.weight <= 0 {
			continue // reassuring signs are evidence, not red flags
		}
		// An anti-fraud advisory quotes the scripts it warns about: its
		// words count as evidence, but none of them is hard on its own.
		isHard := x.hard && satisfied(x, found, hits) && !found[flagAdvisory]
		if isHard {
			hard = true
			if x.typ != "" {
				hardTypes[x.typ] = true
			}
		}
		a.Flags = append(a.Flags, fanzha.Flag{ID: x.id, Type: x.typ, Hard: isHard, Span: f.Span(h.start, h.end), Text: x.text})
	}
	if r := findRate(f, t); r != nil {
		a.Rate = r
		if fl, ok := rateFlag(r); ok {
			a.Flags = append(a.Flags, fl)
			if fl.Hard {
				hard = true
				hardTypes[fanzha.Investment] = true
				typed[fanzha.Investment] += 4
			} else {
				typed[fanzha.Investment] += 1.5
			}
		}
	}
	paid, ps, pe := detectPaid(t)
	a.Indicators = indicators(f, t)

	// Retrieval: the closest scripts vote by type, weighted by similarity.
	retrieval := map[fanzha.ScamType]float64{}
	var retrievalFraud, retrievalNone float64
	if c.searcher != nil {
		if ms, err := c.searcher.Search(ctx, text, a.Lang, neighbours); err == nil {
			a.Matches = ms
			retrieval, retrievalFraud, retrievalNone = vote(ms)
		}
	}
	// Vocabulary: how much closer the text is to some scam type's scripts
	// than to the legitimate look-alikes.
	var sims map[fanzha.ScamType]float64
	var margin float64
	if c.model != nil {
		sims = c.model.TypeSimilarity(text)
		best := 0.0
		for t, v := range sims {
			if t != fanzha.None && v > best {
				best = v
			}
		}
		margin = best - sims[fanzha.None]
	}

	// Sums over types run in taxonomy order, not map order, so the score
	// has the same bits on every run.
	var flagSum float64
	for _, t := range fanzha.ScamTypes {
		flagSum += math.Min(typed[t], typeCap)
	}
	zero := marginZero
	if a.Lang == fanzha.EN {
		// The English scripts are fewer, so their centroids are noisier.
		zero = marginZeroEN
	}
	s := flagSum + general + retrievalWeight*(retrievalFraud-retrievalNone) + clamp(marginWeight*(margin-zero), -marginCap, marginCap)
	manipulated := found[flagManipulation]

	// The label: the type with the most evidence from flags, vocabulary and
	// the closest scripts.
	best, bestScore := fanzha.None, math.Inf(-1)
	for _, t := range fanzha.ScamTypes {
		if t == fanzha.None {
			continue
		}
		v := math.Min(typed[t], typeCap) + vocabWeight*sims[t] + voteWeight*retrieval[t]
		if hardTypes[t] {
			v += 3
		}
		if v > bestScore {
			best, bestScore = t, v
		}
	}
	// Vocabulary alone (no red flag at all) must be clearer before it names
	// a scam: a game's own top-up receipt shares words with game scams.
	threshold := thresholdLow
	if flagSum+math.Max(general, 0) == 0 {
		threshold += vocabOnlyExtra
	}
	// A long text has more chances to brush against weak signs ("转账",
	// "马上", "贷款" in an ordinary call): the bar rises slowly with length.
	if n := utf8.RuneCountInString(f.Text); n > longText {
		threshold += lengthWeight * math.Log2(float64(n)/longText)
	}
	if hard || s >= threshold {
		a.Label = best
	}

	switch {
	case !a.Label.IsFraud():
		// below the bar: no risk (an instruction to the bot still raises it below)
	case hard, s >= thresholdHigh:
		a.Risk = fanzha.RiskHigh
	case s >= thresholdMedium:
		a.Risk = fanzha.RiskMedium
	default:
		a.Risk = fanzha.RiskLow
	}
	a.SaysPaid = paid
	if a.Label.IsFraud() && paid {
		a.Paid = true
		a.Risk = fanzha.RiskHigh
		a.Flags = append([]fanzha.Flag{paidFlag(f.Span(ps, pe))}, a.Flags...)
	}
	// A text that tries to steer the bot is never a reason to relax.
	if manipulated && a.Risk < fanzha.RiskHigh {
		a.Risk++
	}
	a.Score = score(s, a.Risk)
	sortFlags(a.Flags)
	return a
}

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
				if h.det != x && h.det.typ == x.typ && h.det.weight > 0 {
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
func vote(ms []fanzha.Match) (map[fanzha.ScamType]float64, float64, float64) {
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
		return out, 0, 0
	}
	strength := voteScale * math.Min(1, top/0.35)
	var fraud float64
	for _, t := range fanzha.ScamTypes {
		v, ok := share[t]
		if !ok {
			continue
		}
		out[t] = strength * v / total
		if t != fanzha.None {
			fraud += out[t]
		}
	}
	return out, fraud, out[fanzha.None]
}

// score maps the evidence to 0..1, consistent with the risk level.
// scoreFloor is the least score each risk level shows, indexed by Risk.
var scoreFloor = [...]float64{fanzha.RiskNone: 0, fanzha.RiskLow: 0.5, fanzha.RiskMedium: 0.6, fanzha.RiskHigh: 0.85}

func score(s float64, r fanzha.Risk) float64 {
	v := 1 / (1 + math.Exp(-(s-thresholdLow)*0.9))
	if r >= fanzha.RiskNone && r <= fanzha.RiskHigh && v < scoreFloor[r] {
		v = scoreFloor[r]
	}
	if r == fanzha.RiskNone && v > 0.49 {
		v = 0.49
	}
	return math.Round(v*1000) / 1000
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
	// The label follows the stronger evidence; a later "好的谢谢" or a
	// weaker hint of another script does not replace an established one.
	if prev.Label.IsFraud() && (!cur.Label.IsFraud() || cur.Score <= prev.Score) {
		out.Label = prev.Label
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
