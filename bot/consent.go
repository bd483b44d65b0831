package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/review"
)

// The citizen's side of the review: "Ask an officer", the consent screen
// showing exactly what is shared, submit and cancel.

// caseFor builds the case a conversation would become: exactly what the
// consent screen shows and what officers get.
func (b *Bot) caseFor(chatID, user int64, sess fanzha.Session, consent bool) fanzha.Case {
	return review.NewCase(review.CaseInput{
		Source:     sessionKey(chatID),
		UserID:     user,
		Lang:       b.conv.SessionLang(sess, ""),
		Text:       excerptText(sess.Recent),
		Assessment: sess.Assessment,
		Consent:    consent,
		District:   sess.District,
	})
}

// fingerprint identifies what a case shares, whatever the citizen's choice
// about being contacted: 12 hex digits of a SHA-256 of the case.
func fingerprint(c fanzha.Case) string {
	c.Consent = false
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// excerptText joins the latest messages that fit in a case's excerpt,
// oldest first, forwards and pictures marked for officers.
func excerptText(recent []fanzha.Message) string {
	lines := make([]string, len(recent))
	for i, m := range recent {
		lines[i] = excerptMarks[m.Kind] + m.Text
	}
	n, budget := 0, review.MaxExcerpt
	for i := len(lines) - 1; i >= 0; i-- {
		l := utf8.RuneCountInString(lines[i]) + 1
		if l > budget && n > 0 {
			break
		}
		budget -= l
		n++
	}
	return strings.Join(lines[len(lines)-n:], "\n")
}

// excerptMarks say on an officer's excerpt what a line was.
var excerptMarks = map[fanzha.MessageKind]string{
	fanzha.MsgForwarded: "[转发] ",
	fanzha.MsgPicture:   "[图片] ",
}

// onAskOfficer answers "Ask an officer": the consent screen.
func (b *Bot) onAskOfficer(ctx context.Context, p *press) {
	lang := p.lang
	if !b.reviewOn() {
		b.answer(ctx, p.q.ID, b.text("bot_cb_officer_off", lang))
		if p.chatID != 0 {
			b.sendPlain(ctx, p.chatID, p.msgID, b.textf("bot_review_off", lang, b.hotline, b.police), nil)
		}
		return
	}
	if !p.private || p.user() == 0 {
		// A verdict in a group: a case is built from a private
		// conversation, which the citizen can see and agree to.
		b.alert(ctx, p.q.ID, b.text("bot_officer_group", lang))
		return
	}
	sess, ok := b.loadSession(ctx, sessionKey(p.chatID))
	if !ok {
		b.answer(ctx, p.q.ID, "")
		b.sendPlain(ctx, p.chatID, 0, b.textf("bot_review_unavailable", lang, b.hotline, b.police), nil)
		return
	}
	if len(sess.Recent) == 0 {
		b.answer(ctx, p.q.ID, "")
		b.sendPlain(ctx, p.chatID, 0, b.text("bot_officer_empty", lang), nil)
		return
	}
	b.answer(ctx, p.q.ID, b.text("bot_cb_officer", lang))
	b.sendConsent(ctx, p.chatID, p.user(), sess, lang)
}

func (b *Bot) sendConsent(ctx context.Context, chatID, user int64, sess fanzha.Session, lang fanzha.Lang) {
	c := b.caseFor(chatID, user, sess, true)
	fp := fingerprint(c)
	kb := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(button(b.text("btn_submit", lang), cbData(actSubmit, lang, fp, "c"))),
		tgbotapi.NewInlineKeyboardRow(button(b.text("btn_submit_nocontact", lang), cbData(actSubmit, lang, fp, "n"))),
		tgbotapi.NewInlineKeyboardRow(button(b.text("btn_cancel", lang), cbData(actCancel, lang))),
	)
	var s strings.Builder
	s.WriteString("<b>" + esc(b.text("consent_title", lang)) + "</b>\n\n")
	s.WriteString(b.caseBody(c, lang, false))
	s.WriteString("\n" + esc(b.text("consent_footer", lang)) + "\n")
	b.sendHTML(ctx, chatID, 0, s.String(), &kb)
}

// onSubmit hands the conversation to officers, as shown on the consent
// screen the button is under.
func (b *Bot) onSubmit(ctx context.Context, p *press) {
	lang := p.lang
	if !b.reviewOn() || !p.private || len(p.args) < 2 || p.user() == 0 {
		b.answer(ctx, p.q.ID, "")
		return
	}
	shown, consent := p.args[0], p.args[1] == "c"
	key := sessionKey(p.chatID)
	sess, ok := b.loadSession(ctx, key)
	if !ok {
		b.answer(ctx, p.q.ID, "")
		b.sendPlain(ctx, p.chatID, 0, b.textf("bot_review_unavailable", lang, b.hotline, b.police), nil)
		return
	}
	c := b.caseFor(p.chatID, p.user(), sess, consent)
	switch {
	case sess.Case != "" && sess.CaseOf == shown:
		b.answer(ctx, p.q.ID, "")
		b.sendPlain(ctx, p.chatID, 0, b.textf("bot_already_submitted", lang, sess.Case), nil)
		return
	case fingerprint(c) != shown || len(sess.Recent) == 0:
		// The conversation changed (or expired) after the screen was shown:
		// show what would be shared now.
		b.answer(ctx, p.q.ID, b.text("bot_cb_consent_changed", lang))
		if p.msgID != 0 {
			b.editMarkup(ctx, p.chatID, p.msgID, nil)
		}
		if len(sess.Recent) == 0 {
			b.sendPlain(ctx, p.chatID, 0, b.text("bot_officer_empty", lang), nil)
			return
		}
		b.sendConsent(ctx, p.chatID, p.user(), sess, lang)
		return
	}
	id, err := b.opts.Review.Submit(ctx, c)
	if err != nil {
		b.metrics.Error("store")
		if errors.Is(err, fanzha.ErrUnavailable) {
			b.log.Debug("cannot submit a case", "chat_id", p.chatID, "err", err)
		} else {
			b.log.Error("cannot submit a case", "chat_id", p.chatID, "err", err)
		}
		b.answer(ctx, p.q.ID, "")
		b.sendPlain(ctx, p.chatID, 0, b.textf("bot_review_unavailable", lang, b.hotline, b.police), nil)
		return
	}
	b.metrics.event(famSubmitted, "")
	b.log.Info("case submitted by a citizen", "case_id", id, "chat_id", p.chatID, "consent", consent, "label", c.Label, "risk", c.Risk)
	sess.Case, sess.CaseOf = id, shown
	b.conv.Handed(ctx, sess)
	b.saveSession(ctx, key, sess)
	b.answer(ctx, p.q.ID, b.text("bot_cb_submitted", lang))
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, nil)
	}
	k := "bot_submitted"
	if !consent {
		k = "bot_submitted_nocontact"
	}
	b.sendPlain(ctx, p.chatID, 0, b.textf(k, lang, id, b.hotline, b.police), nil)
}

func (b *Bot) onCancelSubmit(ctx context.Context, p *press) {
	b.answer(ctx, p.q.ID, "")
	if p.chatID == 0 {
		return
	}
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, nil)
	}
	b.sendPlain(ctx, p.chatID, 0, b.text("bot_cancelled", p.lang), nil)
}
