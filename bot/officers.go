package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/review"
)

// The officers' side: taps on cards, telling the citizen the outcome, and
// the review chat's commands.

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
	if c.Status == fanzha.CaseConfirmed && p.chatID != 0 {
		b.sayRefused(ctx, p.chatID, p.msgID, c)
	}
	b.tellCitizen(ctx, c)
}

// sayRefused tells the officers which of a confirmed case's indicators were
// not blocklisted, and why (app names, legitimate sites, ordinary words).
func (b *Bot) sayRefused(ctx context.Context, chatID int64, replyTo int, c fanzha.Case) {
	var lines []string
	for _, in := range c.Indicators {
		if _, why, ok := review.Blockable(in); !ok && in.Kind != fanzha.IndAmount && in.Kind != fanzha.IndIDNumber {
			lines = append(lines, esc(fmt.Sprintf(b.text("off_block_refused", cardLang), in.Value, why.ZH)))
		}
	}
	if len(lines) > 0 {
		b.sendHTML(ctx, chatID, replyTo, strings.Join(lines, "\n"), nil)
	}
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

// officerCommand runs /queue, /case ID, /stats, /report or /console in the
// review chat or an officer's private chat, for officers only; anyone else
// is refused, logged and audited.
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
	case "report":
		b.reportCommand(ctx, chatID, m.MessageID, args)
	case "console":
		b.consoleCommand(ctx, m, user)
	case "blocked":
		list, err := b.opts.Review.List(ctx, args, 30)
		if err != nil {
			unavailable(err)
			return
		}
		reply(b.blockedHTML(list))
	case "unblock":
		b.unblock(ctx, user, strings.TrimSpace(args), reply, unavailable)
	}
}

// blockedHTML lists blocklist entries for /blocked.
func (b *Bot) blockedHTML(list []fanzha.BlockEntry) string {
	lang := cardLang
	if len(list) == 0 {
		return esc(b.text("off_blocked_none", lang))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "<b>%s</b>\n", esc(fmt.Sprintf(b.text("off_blocked_title", lang), len(list))))
	for _, e := range list {
		exp := "—"
		if !e.Expires.IsZero() {
			exp = e.Expires.In(review.CST).Format("2006-01-02")
		}
		fmt.Fprintf(&s, "• %s\n", esc(fmt.Sprintf(b.text("off_blocked_line", lang), e.Indicator.Kind, e.Indicator.Value, e.Case, e.Officer, exp)))
	}
	return s.String()
}

// unblock takes every entry whose value is the argument off the
// blocklist (the store audits each).
func (b *Bot) unblock(ctx context.Context, officer int64, value string, reply func(string), unavailable func(error)) {
	lang := cardLang
	if value == "" {
		reply(esc(b.text("off_unblock_usage", lang)))
		return
	}
	list, err := b.opts.Review.List(ctx, value, 0)
	if err != nil {
		unavailable(err)
		return
	}
	done := map[fanzha.Indicator]bool{}
	total := 0
	for _, e := range list {
		if done[e.Indicator] || !sameValue(e.Indicator, value) {
			continue
		}
		done[e.Indicator] = true
		n, err := b.opts.Review.Unblock(ctx, officer, e.Indicator)
		if err != nil {
			unavailable(err)
			return
		}
		total += n
	}
	if total == 0 {
		reply(esc(fmt.Sprintf(b.text("off_unblock_none", lang), value)))
		return
	}
	b.log.Info("blocklist entries removed", "officer", officer, "entries", total)
	reply(esc(fmt.Sprintf(b.text("off_unblocked", lang), value, total)))
}

// sameValue reports whether what an officer typed names the indicator:
// its canonical value, or the same once normalised as its kind.
func sameValue(in fanzha.Indicator, typed string) bool {
	if strings.EqualFold(in.Value, typed) {
		return true
	}
	n, _, ok := review.Blockable(fanzha.Indicator{Kind: in.Kind, Value: typed})
	return ok && n == in
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
