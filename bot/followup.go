package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
)

// Follow-up questions: an ambiguous verdict (a fraud label at low or medium
// risk, no hard flag) ends with its type's deciding question and 是/否
// buttons. "Yes" adds a high-risk assessment of that type, with a hard flag
// quoting the question, to the conversation and sends the updated verdict;
// "no" leaves the risk as it is (it never drops) and says what to watch
// for. A question answered is not asked again in the conversation.

// followUpFor returns the question a verdict ends with, if any.
func (b *Bot) followUpFor(a fanzha.Assessment, sess fanzha.Session, lang fanzha.Lang) (string, fanzha.ScamType) {
	if !advice.NeedsQuestion(a) || slices.Contains(sess.Answered, a.Label) {
		return "", ""
	}
	q, ok := b.opts.Advisor.Question(a.Label)
	if !ok {
		return "", ""
	}
	return q.In(lang), a.Label
}

// onFollowUp handles 是/否 under a deciding question.
func (b *Bot) onFollowUp(ctx context.Context, p *press) {
	if !p.private || p.chatID == 0 || len(p.args) < 2 {
		b.answer(ctx, p.q.ID, "")
		return
	}
	t, yes, lang := fanzha.ScamType(p.args[0]), p.args[1] == "y", p.lang
	q, ok := b.opts.Advisor.Question(t)
	if !ok {
		b.answer(ctx, p.q.ID, "")
		return
	}
	key := sessionKey(p.chatID)
	sess, remembered := b.loadSession(ctx, key)
	if slices.Contains(sess.Answered, t) {
		b.answer(ctx, p.q.ID, b.text("bot_cb_answered", lang))
		return
	}
	b.answer(ctx, p.q.ID, b.text("bot_cb_noted", lang))
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, withoutAction(p.q.Message, "fu"))
	}
	answer := "no"
	if yes {
		answer = "yes"
	}
	b.metrics.event(famAnswers, `answer="`+answer+`"`)
	sess.Answered = append(sess.Answered, t)
	sess.Recent = addRecent(sess.Recent, b.textf("followup_recent_"+answer, fanzha.ZH, q.ZH), false)

	if yes {
		conf := fanzha.Assessment{
			Label:      t,
			Risk:       fanzha.RiskHigh,
			Score:      0.95,
			Lang:       lang,
			Flags:      []fanzha.Flag{advice.ConfirmedFlag(t, q)},
			Matches:    sess.Assessment.Matches,
			Indicators: []fanzha.Indicator{},
		}
		conv := conf
		if b.opts.Accumulate != nil && sess.Assessment.Label != "" {
			conv = b.opts.Accumulate(sess.Assessment, conf)
		}
		sess.Assessment = conv
		if remembered {
			remembered = b.saveSession(ctx, key, sess)
		}
		b.replyAssessment(ctx, p.chatID, 0, conv, lang, extras{forgetful: !remembered, offerOfficer: b.reviewOn()})
		return
	}
	if remembered {
		remembered = b.saveSession(ctx, key, sess)
	}
	// "No": the risk stays where it was; say what would change it.
	risk := sess.Assessment.Risk
	label := sess.Assessment.Label
	if !remembered || !label.IsFraud() {
		label, risk = t, fanzha.RiskMedium
	}
	var s strings.Builder
	s.WriteString("<b>" + esc(b.textf("followup_no", lang, b.riskName(risk, lang), b.opts.Advisor.TypeName(label, lang))) + "</b>\n")
	for _, w := range b.opts.Advisor.WatchFor(t, lang, 4) {
		s.WriteString("• " + esc(w) + "\n")
	}
	s.WriteString("\n" + esc(b.textf("followup_no_footer", lang, b.opts.Hotline, b.opts.Police)) + "\n")
	if !remembered {
		s.WriteString("\n<i>" + esc(b.text("bot_forgetful", lang)) + "</i>\n")
	}
	b.sendHTML(ctx, p.chatID, 0, s.String(), nil)
}
