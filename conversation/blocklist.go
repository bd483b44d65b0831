package conversation

import (
	"github.com/fanzha/fanzha"
)

// FlagBlocklisted is the id of the flag a blocklist hit adds, with the kind
// appended: "blocklisted_phone", "blocklisted_url", …
const FlagBlocklisted = "blocklisted"

// blockTexts explain a hit to the citizen, by indicator kind.
var blockTexts = map[fanzha.IndicatorKind]fanzha.Text{
	fanzha.IndPhone:    {ZH: "该号码已被民警确认用于诈骗", EN: "Police have confirmed this number is used by scammers"},
	fanzha.IndURL:      {ZH: "该网址已被民警确认用于诈骗", EN: "Police have confirmed this website is used by scammers"},
	fanzha.IndBankCard: {ZH: "该账户已被民警确认用于诈骗", EN: "Police have confirmed this account is used by scammers"},
	fanzha.IndQQ:       {ZH: "该QQ号已被民警确认用于诈骗", EN: "Police have confirmed this QQ account is used by scammers"},
	fanzha.IndWeChat:   {ZH: "该微信号已被民警确认用于诈骗", EN: "Police have confirmed this WeChat account is used by scammers"},
	fanzha.IndApp:      {ZH: "该APP已被民警确认用于诈骗", EN: "Police have confirmed this app is used by scammers"},
}

// BlockFlag returns the hard red flag for a blocklist hit.
func BlockFlag(h fanzha.BlockHit) fanzha.Flag {
	t, ok := blockTexts[h.Indicator.Kind]
	if !ok {
		t = blockTexts[fanzha.IndPhone]
	}
	label := h.Label
	if !label.IsFraud() {
		label = ""
	}
	return fanzha.Flag{
		ID:   FlagBlocklisted + "_" + string(h.Indicator.Kind),
		Type: label,
		Hard: true,
		Span: h.Indicator.Value,
		Text: t,
	}
}

// Escalate folds blocklist hits into an assessment (a decision of the
// conversation, not of the store that keeps the blocklist): one hard flag per hit
// (first, before the classifier's), risk high, a score of at least 0.95,
// and the confirmed case's scam type when the text alone showed none.
func Escalate(a *fanzha.Assessment, hits []fanzha.BlockHit) {
	if len(hits) == 0 {
		return
	}
	flags := make([]fanzha.Flag, 0, len(hits)+len(a.Flags))
	for _, h := range hits {
		flags = append(flags, BlockFlag(h))
	}
	a.Flags = append(flags, a.Flags...)
	a.Risk = fanzha.RiskHigh
	a.Score = max(a.Score, 0.95)
	if !a.Label.IsFraud() {
		for _, h := range hits {
			if h.Label.IsFraud() {
				a.Label = h.Label
				break
			}
		}
		if !a.Label.IsFraud() {
			a.Label = fanzha.OtherFraud
		}
	}
}
