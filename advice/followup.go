package advice

import (
	"fmt"

	"github.com/fanzha/fanzha"
)

// Follow-up questions: when a verdict is ambiguous, the reply ends with the
// one question from the type's script that decides it ("对方有没有让你把钱
// 转到所谓的安全账户，或者下载会议/共享屏幕软件？"). The bot asks it with
// yes/no buttons; a "yes" adds a hard flag quoting the question.

// FlagConfirmedByUser is the id of the hard flag a "yes" to the deciding
// question adds to the conversation.
const FlagConfirmedByUser = "confirmed_by_user"

// NeedsQuestion reports whether a is ambiguous enough to end with its
// type's deciding question: a fraud label at low or medium risk, no hard
// flag, and no money sent yet.
func NeedsQuestion(a fanzha.Assessment) bool {
	return a.Label.IsFraud() && (a.Risk == fanzha.RiskLow || a.Risk == fanzha.RiskMedium) &&
		!a.HasHardFlag() && !a.Paid
}

// Question returns the deciding question of type t, false when the corpus
// has none (or t is not a fraud type).
func (v *Advisor) Question(t fanzha.ScamType) (fanzha.Text, bool) {
	info := v.corpus.Info(t)
	if !t.IsFraud() || info == nil || info.Question.ZH == "" || info.Question.EN == "" {
		return fanzha.Text{}, false
	}
	return info.Question, true
}

// ConfirmedFlag is the hard flag a "yes" to t's deciding question adds: it
// quotes the question, so the reply says what the user confirmed.
func ConfirmedFlag(t fanzha.ScamType, q fanzha.Text) fanzha.Flag {
	return fanzha.Flag{
		ID:   FlagConfirmedByUser,
		Type: t,
		Hard: true,
		Text: fanzha.Text{
			ZH: "你确认了：" + q.ZH + "——这正是这类诈骗的关键一步",
			EN: "You confirmed: " + q.EN + " — that is the decisive step of this scam",
		},
	}
}

// TypeName returns the official name of t in lang.
func (v *Advisor) TypeName(t fanzha.ScamType, lang fanzha.Lang) string {
	return v.corpus.Name(t, lang)
}

// WatchFor returns up to n of type t's red flags, to tell a user who
// answered "no" what to look out for.
func (v *Advisor) WatchFor(t fanzha.ScamType, lang fanzha.Lang, n int) []string {
	info := v.corpus.Info(t)
	if info == nil {
		return nil
	}
	return texts(info.RedFlags, lang, n)
}

// FollowUpNo is the reply to "no" under type t's deciding question: the
// risk stays (it never drops), and what to watch for.
func (v *Advisor) FollowUpNo(risk fanzha.Risk, label, t fanzha.ScamType, lang fanzha.Lang) Reply {
	return Reply{
		Verdict:  fmt.Sprintf(text("followup_no", lang), text("risk_"+risk.String(), lang), v.TypeName(label, lang)),
		Sections: []Section{{Lines: v.WatchFor(t, lang, 4)}},
		Footer:   fmt.Sprintf(text("followup_no_footer", lang), v.opts.Hotline, v.opts.Police),
	}
}
