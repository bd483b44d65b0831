package assist

import (
	"regexp"
	"slices"
	"strings"

	"github.com/fanzha/fanzha"
)

// Verdict says what the safety floor did with an opinion.
type Verdict string

const (
	// Accepted: the opinion was merged; it may have raised the risk, set a
	// fraud label on a text the rules found clean, and added its reasons.
	Accepted Verdict = "accepted"
	// OverruledHardFlags: the opinion called the message safe (label none,
	// or risk none or low) although the rules found a hard red flag. It is
	// discarded whole: neither its verdict nor its words reach the user.
	OverruledHardFlags Verdict = "hard_flags"
	// OverruledMilder: the opinion was milder than the rules' verdict —
	// label none against a fraud label, or risk none/low under a higher
	// risk. Its words would weaken the warning, so it is discarded whole.
	OverruledMilder Verdict = "milder"
)

// scoreFloor keeps the score consistent with a raised risk (the same floors
// the classifier uses).
var scoreFloor = map[fanzha.Risk]float64{fanzha.RiskLow: 0.5, fanzha.RiskMedium: 0.6, fanzha.RiskHigh: 0.85}

// Merge applies the safety floor: the deterministic assessment det is the
// floor and the opinion op can only add to it.
//
//   - Discarded whole (det is returned unchanged) when op declares the
//     message safe against a hard flag (label none, or risk none/low), when
//     op says none against a fraud label, or when op's risk is none/low and
//     lower than det's.
//   - Otherwise: risk = max(det, op), except that a none label never gets
//     more than low; the score is raised to match.
//   - Label: a none label takes op's label. A fraud label changes to op's
//     (other) fraud label only when no hard flag of det's own type backs it;
//     hard evidence of a type is never outvoted.
//   - Paid, flags, matches and indicators are det's: the model adds none.
//   - op's reasons and question (cleaned by Sanitize) are attached as
//     det.Assistant, for the reply to show marked as the assistant's reading.
func Merge(det fanzha.Assessment, op fanzha.Opinion, allowed ...string) (fanzha.Assessment, Verdict) {
	declaresSafe := op.Label == fanzha.None || op.Risk <= fanzha.RiskLow
	switch {
	case det.HasHardFlag() && declaresSafe:
		return det, OverruledHardFlags
	case det.Label.IsFraud() && op.Label == fanzha.None:
		return det, OverruledMilder
	case op.Risk <= fanzha.RiskLow && op.Risk < det.Risk:
		return det, OverruledMilder
	}
	out := det
	switch {
	case !det.Label.IsFraud():
		out.Label = op.Label
	case op.Label != det.Label && !hardFlagOf(det, det.Label):
		out.Label = op.Label
	}
	r := max(det.Risk, op.Risk)
	if !out.Label.IsFraud() {
		r = max(det.Risk, min(r, fanzha.RiskLow))
	}
	out.Risk = r
	if f := scoreFloor[r]; out.Score < f {
		out.Score = f
	}
	clean := Sanitize(op, allowed...)
	out.Assistant = &clean
	return out, Accepted
}

func hardFlagOf(a fanzha.Assessment, t fanzha.ScamType) bool {
	for _, f := range a.Flags {
		if f.Hard && f.Type == t {
			return true
		}
	}
	return false
}

var (
	reURL    = regexp.MustCompile(`(?i)(https?://|www\.|t\.me/|\b[a-z0-9-]+\.(com|cn|net|org|top|xyz|vip|cc|io|app|me|link|shop|site|info)\b)`)
	reDigits = regexp.MustCompile(`[0-9０-９][0-9０-９ \-]*[0-9０-９]`)
	reAmount = regexp.MustCompile(`(?i)^\s*(元|块|万|亿|%|％|美元|rmb|yuan|usd|dollars?)`)
	reHandle = regexp.MustCompile(`(?i)(@[a-z0-9_]{3,}|(微信|v信|飞机|账号|帐号)号?\s*[:：]?\s*[a-z][a-z0-9_-]{4,}|\b(vx|wx|v|wechat|telegram|tg|line|qq)\s*(id|号)?\s*[:：]\s*[a-z0-9_-]{3,}|wxid_)`)
)

// maxLength bounds one shown line, in runes.
const maxLength = 200

// Sanitize keeps only what may safely be shown to a user from a model's
// words. A reason or question is dropped when it carries a link, a
// messenger handle or id, or a number of five or more digits that is not an
// amount (元, 万, %) and not one of the allowed numbers (the hotline and the
// police): a manipulated model must not hand out a scammer's contact under
// Fanzha's name. Label and risk are kept as they are.
func Sanitize(op fanzha.Opinion, allowed ...string) fanzha.Opinion {
	ok := func(s string) bool {
		if s == "" || len([]rune(s)) > maxLength {
			return false
		}
		if reURL.MatchString(s) || reHandle.MatchString(s) {
			return false
		}
		for _, loc := range reDigits.FindAllStringIndex(s, -1) {
			d := strings.NewReplacer(" ", "", "-", "").Replace(s[loc[0]:loc[1]])
			if len([]rune(d)) < 5 || slices.Contains(allowed, d) || reAmount.MatchString(s[loc[1]:]) {
				continue
			}
			return false
		}
		return true
	}
	out := fanzha.Opinion{Label: op.Label, Risk: op.Risk}
	for _, r := range op.Reasons {
		if r = strings.TrimSpace(r); ok(r) {
			out.Reasons = append(out.Reasons, r)
		}
	}
	if q := strings.TrimSpace(op.Question); ok(q) {
		out.Question = q
	}
	return out
}
