package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/review"
)

// The officers' review, as the bot sees it.
//
// Citizen: "Ask an officer" shows a consent screen with exactly what will be
// shared — the case officers will see, built from the conversation with
// review.NewCase (masked excerpt, red flags, the other side's indicators) —
// and three buttons: agree and submit (and be told the outcome), submit
// without being contacted, cancel. The buttons carry a fingerprint of what
// the screen shows: if the conversation changed before the tap (a new
// message, "I already paid", /new, /forget…), a new screen is shown instead
// of submitting something the citizen has not seen.
//
// Officers: each case is posted to the review chat as a card (PostCase,
// driven by review.Deliver) with Confirm scam / Not a scam / Call back
// needed. Only officers may act; anyone else's tap is refused with a
// pop-up, logged and audited (by the queue). After an action the card shows
// who did what, and a citizen who agreed is told the outcome. /queue,
// /case ID and /stats work in the review chat, for officers only.

// reviewOn reports whether citizens can hand cases to officers.
func (b *Bot) reviewOn() bool { return b.opts.Review != nil && b.opts.ReviewChat != 0 }

func (b *Bot) isReviewChat(chatID int64) bool { return b.reviewOn() && chatID == b.opts.ReviewChat }

// --- citizen side ---

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

// --- what a case shows ---

func esc(s string) string { return html.EscapeString(s) }

func (b *Bot) riskName(r fanzha.Risk, lang fanzha.Lang) string {
	return b.text("risk_"+r.String(), lang)
}

func (b *Bot) yesNo(v bool, lang fanzha.Lang) string {
	if v {
		return b.text("word_yes", lang)
	}
	return b.text("word_no", lang)
}

// caseBody renders what a case shares, as Telegram HTML: type, risk,
// money sent, red flags (explanations, never the citizen's words), the
// other side's indicators and the masked excerpt. The consent screen and
// the officers' card both use it, so the citizen sees what officers see.
// The consent screen leaves out whether the citizen may be contacted: that
// is the choice its buttons ask for.
func (b *Bot) caseBody(c fanzha.Case, lang fanzha.Lang, withConsent bool) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s\n", esc(fmt.Sprintf(b.text("case_type", lang), b.opts.Advisor.TypeName(c.Label, lang), b.riskName(c.Risk, lang))))
	meta := fmt.Sprintf(b.text("case_paid", lang), b.yesNo(c.Paid, lang))
	if withConsent {
		meta += fmt.Sprintf(b.text("case_consent", lang), b.yesNo(c.Consent, lang))
	}
	fmt.Fprintf(&s, "%s\n", esc(meta))
	if len(c.Flags) > 0 {
		s.WriteString("\n<b>" + esc(b.text("case_flags", lang)) + "</b>\n")
		for i, f := range c.Flags {
			if i == 8 {
				s.WriteString("• …\n")
				break
			}
			expl := f.Text.In(lang)
			if expl == "" {
				expl = f.ID
			}
			s.WriteString("• " + esc(expl) + "\n")
		}
	}
	s.WriteString("\n<b>" + esc(b.text("case_indicators", lang)) + "</b>\n")
	if len(c.Indicators) == 0 {
		s.WriteString(esc(b.text("case_none", lang)) + "\n")
	}
	for i, in := range c.Indicators {
		if i == 20 {
			s.WriteString("• …\n")
			break
		}
		s.WriteString("• " + esc(b.text("ind_"+string(in.Kind), lang)) + "：<code>" + esc(in.Value) + "</code>\n")
	}
	s.WriteString("\n<b>" + esc(b.text("case_excerpt", lang)) + "</b>\n")
	s.WriteString("<blockquote>" + esc(c.Excerpt) + "</blockquote>\n")
	return s.String()
}

// cardLang is the language of the officers' cards and commands.
const cardLang = fanzha.ZH

// actor names an officer on a card: the one who just acted.
type actor struct {
	id   int64
	name string
}

// cardHTML is a case's card in the review chat: its id, when it came, what
// it shares, its status and who did what.
func (b *Bot) cardHTML(c fanzha.Case, who *actor) string {
	lang := cardLang
	var s strings.Builder
	fmt.Fprintf(&s, "<b>%s</b>\n", esc(fmt.Sprintf(b.text("card_title", lang), c.ID, b.stamp(c.Created))))
	s.WriteString(b.caseBody(c, lang, true))
	fmt.Fprintf(&s, "\n<b>%s</b>\n", esc(fmt.Sprintf(b.text("card_status", lang), b.text("status_"+string(c.Status), lang))))
	hist := c.History
	if len(hist) > 10 {
		hist = hist[len(hist)-10:]
	}
	for i, e := range hist {
		name := fmt.Sprintf(b.text("card_officer", lang), e.Officer)
		if who != nil && i == len(hist)-1 && e.Officer == who.id && who.name != "" {
			name = fmt.Sprintf(b.text("card_officer_named", lang), who.name, e.Officer)
		}
		fmt.Fprintf(&s, "• %s\n", esc(fmt.Sprintf(b.text("card_event", lang), b.stamp(e.At), name, b.text("action_"+string(e.Action), lang))))
	}
	return s.String()
}

// stamp formats a time for officers, in China Standard Time.
func (b *Bot) stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(review.CST).Format("2006-01-02 15:04")
}

func officerKeyboard(id string) *tgbotapi.InlineKeyboardMarkup {
	lang := cardLang
	k := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		button(advice.Text("btn_confirm", lang), cbData(actOfficial, lang, id, string(fanzha.ActionConfirm))),
		button(advice.Text("btn_dismiss", lang), cbData(actOfficial, lang, id, string(fanzha.ActionDismiss))),
		button(advice.Text("btn_callback", lang), cbData(actOfficial, lang, id, string(fanzha.ActionCallback))),
	))
	return &k
}

// PostCase posts a case to the review chat as a card with the officers'
// buttons. It is the post function of review.Deliver: an error leaves the
// case unacknowledged, to be delivered again.
func (b *Bot) PostCase(ctx context.Context, c fanzha.Case) error {
	if !b.opened.Load() {
		return errors.New("bot: PostCase before Open")
	}
	if b.opts.ReviewChat == 0 {
		return errors.New("bot: no review chat")
	}
	if err := b.sendHTML(ctx, b.opts.ReviewChat, 0, b.fitCard(c, nil), officerKeyboard(c.ID)); err != nil {
		return fmt.Errorf("post case %s: %w", c.ID, err)
	}
	b.metrics.event(famPosted, "")
	b.log.Info("case posted to the review chat", "case_id", c.ID)
	return nil
}

// fitCard renders a card that fits one message, shortening the excerpt if
// it must.
func (b *Bot) fitCard(c fanzha.Case, who *actor) string {
	// Indicators are quoted as written: bound each one, so a 4,000-digit
	// "amount" cannot crowd out the card.
	for i := range c.Indicators {
		if r := []rune(c.Indicators[i].Value); len(r) > maxIndicatorRunes {
			c.Indicators[i].Value = string(r[:maxIndicatorRunes]) + "…"
		}
	}
	for {
		s := b.cardHTML(c, who)
		if u16len(s) <= MaxMessageLen {
			return s
		}
		r := []rune(c.Excerpt)
		switch {
		case len(r) > 8: // three quarters plus "…" is strictly shorter
			c.Excerpt = string(r[:len(r)*3/4]) + "…"
		case c.Excerpt != "":
			c.Excerpt = ""
		case len(c.Indicators) > 0:
			c.Indicators = c.Indicators[:len(c.Indicators)-1]
		case len(c.Flags) > 0:
			c.Flags = c.Flags[:len(c.Flags)-1]
		default:
			return s // nothing left to shorten; sending will fail loudly
		}
	}
}

// maxIndicatorRunes bounds one indicator on a card.
const maxIndicatorRunes = 100

// --- officer side ---

// onOfficerAction handles a tap on a card's button.
func (b *Bot) onOfficerAction(ctx context.Context, p *press) {
	if b.opts.Review == nil || len(p.args) < 2 {
		b.answer(ctx, p.q.ID, "")
		return
	}
	id, action := p.args[0], fanzha.OfficerAction(p.args[1])
	status, known := action.Status()
	if !known {
		b.answer(ctx, p.q.ID, "")
		return
	}
	lang := cardLang
	user := p.user()
	if b.opts.Review.IsOfficer(user) {
		// A second tap of the same action (or two officers at once) does
		// not act, nor tell the citizen, twice.
		if cur, err := b.opts.Review.Get(ctx, id); err == nil && cur.Status == status {
			b.answer(ctx, p.q.ID, fmt.Sprintf(b.text("off_same", lang), b.text("status_"+string(status), lang)))
			return
		}
	}
	c, err := b.opts.Review.Act(ctx, id, user, action)
	switch {
	case errors.Is(err, fanzha.ErrForbidden):
		b.metrics.event(famActions, fmt.Sprintf("action=%q,outcome=\"refused\"", action))
		b.log.Warn("case button refused: not an officer", "user_id", user, "case_id", id, "action", action, "chat_id", p.chatID)
		b.alert(ctx, p.q.ID, b.text("off_refused", lang))
		return
	case errors.Is(err, fanzha.ErrNotFound):
		b.metrics.event(famActions, fmt.Sprintf("action=%q,outcome=\"failed\"", action))
		b.alert(ctx, p.q.ID, fmt.Sprintf(b.text("off_not_found", lang), id))
		return
	case err != nil:
		b.metrics.event(famActions, fmt.Sprintf("action=%q,outcome=\"failed\"", action))
		b.metrics.Error("store")
		if !errors.Is(err, fanzha.ErrUnavailable) {
			b.log.Error("officer action failed", "case_id", id, "user_id", user, "err", err)
		}
		b.alert(ctx, p.q.ID, b.text("off_unavailable", lang))
		return
	}
	b.metrics.event(famActions, fmt.Sprintf("action=%q,outcome=\"done\"", action))
	b.answer(ctx, p.q.ID, fmt.Sprintf(b.text("off_done", lang), b.text("status_"+string(c.Status), lang)))
	if p.msgID != 0 && p.chatID != 0 {
		edit := tgbotapi.NewEditMessageTextAndMarkup(p.chatID, p.msgID, b.fitCard(c, &actor{id: user, name: displayName(p.q.From)}), *officerKeyboard(c.ID))
		edit.ParseMode = tgbotapi.ModeHTML
		edit.DisableWebPagePreview = true
		if _, err := b.request(ctx, edit); err != nil {
			b.log.Warn("cannot update a case card", "case_id", c.ID, "err", err)
		}
	}
	b.tellCitizen(ctx, c)
}

// tellCitizen tells a citizen who agreed to be contacted what officers
// decided, in their language.
func (b *Bot) tellCitizen(ctx context.Context, c fanzha.Case) {
	if !c.Consent {
		return
	}
	chat, ok := chatOf(c.Source)
	if !ok {
		return
	}
	lang := c.Lang
	if lang != fanzha.EN {
		lang = fanzha.ZH
	}
	var msg string
	switch c.Status {
	case fanzha.CaseConfirmed:
		msg = b.textf("outcome_confirmed", lang, c.ID, b.police, b.hotline)
	case fanzha.CaseDismissed:
		msg = b.textf("outcome_dismissed", lang, c.ID, b.hotline)
	case fanzha.CaseCallback:
		msg = b.textf("outcome_callback", lang, c.ID, b.hotline)
	default:
		return
	}
	if b.sendPlain(ctx, chat, 0, msg, nil) == nil {
		b.log.Info("citizen told the outcome", "case_id", c.ID, "status", c.Status)
	}
}

func displayName(u *tgbotapi.User) string {
	if u == nil {
		return ""
	}
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if u.UserName != "" {
		if name != "" {
			name += " "
		}
		name += "@" + u.UserName
	}
	return name
}

// officerCommand runs /queue, /case ID or /stats in the review chat, for
// officers only; anyone else is refused, logged and audited.
func (b *Bot) officerCommand(ctx context.Context, m *tgbotapi.Message, cmd, args string) {
	lang := cardLang
	user, chatID := senderID(m), m.Chat.ID
	reply := func(text string) { b.sendHTML(ctx, chatID, m.MessageID, text, nil) }
	if !b.opts.Review.IsOfficer(user) {
		b.metrics.event(famCommands, fmt.Sprintf("command=%q,outcome=\"refused\"", cmd))
		b.log.Warn("officer command refused: not an officer", "user_id", user, "command", cmd, "chat_id", chatID)
		e := fanzha.AuditEntry{At: b.opts.Now(), Who: user, What: "/" + cmd, CaseID: caseArg(args), Allowed: false, Detail: "refused: not an officer"}
		if err := b.opts.Review.Append(ctx, e); err != nil {
			b.log.Error("audit of a refused command failed", "user_id", user, "err", err)
		}
		reply(esc(b.text("off_cmd_refused", lang)))
		return
	}
	b.metrics.event(famCommands, fmt.Sprintf("command=%q,outcome=\"done\"", cmd))
	unavailable := func(err error) {
		b.metrics.Error("store")
		if !errors.Is(err, fanzha.ErrUnavailable) {
			b.log.Error("officer command failed", "command", cmd, "err", err)
		}
		reply(esc(b.text("off_unavailable", lang)))
	}
	switch cmd {
	case "queue":
		cases, err := b.opts.Review.Pending(ctx, 20)
		if err != nil {
			unavailable(err)
			return
		}
		reply(b.queueHTML(cases))
	case "case":
		id := caseArg(args)
		if id == "" {
			reply(esc(b.text("off_case_usage", lang)))
			return
		}
		c, err := b.opts.Review.Get(ctx, id)
		if errors.Is(err, fanzha.ErrNotFound) {
			reply(esc(fmt.Sprintf(b.text("off_not_found", lang), id)))
			return
		}
		if err != nil {
			unavailable(err)
			return
		}
		// Reading a case's personal data is audited too.
		if err := b.opts.Review.Append(ctx, fanzha.AuditEntry{At: b.opts.Now(), Who: user, What: "view", CaseID: id, Allowed: true}); err != nil {
			b.log.Warn("audit of a case view failed", "case_id", id, "err", err)
		}
		audit, err := b.opts.Review.ByCase(ctx, id)
		if err != nil {
			unavailable(err)
			return
		}
		b.sendHTML(ctx, chatID, m.MessageID, b.fitCard(c, nil)+b.auditHTML(audit), officerKeyboard(c.ID))
	case "stats":
		st, err := b.opts.Review.Stats(ctx, b.opts.Now())
		if err != nil {
			unavailable(err)
			return
		}
		reply(b.statsHTML(st))
	}
}

// caseArg reads a case id: "12", "#12".
func caseArg(args string) string {
	f := strings.Fields(args)
	if len(f) == 0 {
		return ""
	}
	return strings.TrimPrefix(f[0], "#")
}

func (b *Bot) queueHTML(cases []fanzha.Case) string {
	lang := cardLang
	if len(cases) == 0 {
		return esc(b.text("off_queue_empty", lang))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "<b>%s</b>\n", esc(fmt.Sprintf(b.text("off_queue_title", lang), len(cases))))
	for _, c := range cases {
		fmt.Fprintf(&s, "• %s\n", esc(fmt.Sprintf(b.text("off_queue_line", lang), c.ID, b.opts.Advisor.TypeName(c.Label, lang),
			b.riskName(c.Risk, lang), b.text("status_"+string(c.Status), lang), b.stamp(c.Created))))
	}
	s.WriteString(esc(b.text("off_queue_hint", lang)) + "\n")
	return s.String()
}

func (b *Bot) auditHTML(entries []fanzha.AuditEntry) string {
	lang := cardLang
	var s strings.Builder
	fmt.Fprintf(&s, "\n<b>%s</b>\n", esc(b.text("off_audit_title", lang)))
	if len(entries) > 20 {
		entries = entries[len(entries)-20:]
	}
	for _, e := range entries {
		what := e.What
		if t := b.text("action_"+e.What, lang); t != "action_"+e.What {
			what = t
		}
		fmt.Fprintf(&s, "• %s\n", esc(fmt.Sprintf(b.text("off_audit_line", lang), b.stamp(e.At), e.Who, what, b.text(map[bool]string{true: "off_allowed", false: "off_refused_word"}[e.Allowed], lang))))
	}
	return s.String()
}

// statsHTML is the weekly report: this week against last, by type, with
// shares and week-over-week change.
func (b *Bot) statsHTML(st fanzha.WeekStats) string {
	lang := cardLang
	var s strings.Builder
	fmt.Fprintf(&s, "<b>%s</b>\n", esc(fmt.Sprintf(b.text("off_stats_title", lang), st.Week, st.Start.Format("01-02"), st.Total, st.LastWeek, st.LastTotal, pctChange(st.Change, lang, b))))
	if len(st.Types) == 0 {
		s.WriteString(esc(b.text("off_stats_empty", lang)) + "\n")
		return s.String()
	}
	for _, t := range st.Types {
		fmt.Fprintf(&s, "• %s\n", esc(fmt.Sprintf(b.text("off_stats_line", lang), b.opts.Advisor.TypeName(t.Type, lang),
			t.This, 100*t.Share, t.Last, 100*t.LastShare, pctChange(t.Change, lang, b), t.Confirmed)))
	}
	return s.String()
}

func pctChange(c *float64, lang fanzha.Lang, b *Bot) string {
	if c == nil {
		return b.text("off_stats_no_last", lang)
	}
	return fmt.Sprintf(b.text("off_stats_change", lang), *c*100)
}
