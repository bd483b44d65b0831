package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
)

// route sends an update to its handler. Other kinds (edited messages,
// channel posts…) are counted and ignored.
func (b *Bot) route(ctx context.Context, in *incoming) {
	u := &in.u
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		switch {
		case u.Message.Chat.IsPrivate():
			b.onPrivate(ctx, in)
		case u.Message.Chat.IsGroup() || u.Message.Chat.IsSuperGroup():
			b.onGroup(ctx, in)
		}
	case u.CallbackQuery != nil:
		b.onCallback(ctx, in)
	}
}

// --- private chats ---

func (b *Bot) onPrivate(ctx context.Context, in *incoming) {
	m := in.u.Message
	chatID, user := m.Chat.ID, senderID(m)
	key := sessionKey(chatID)
	sess, remembered := b.loadSession(ctx, key)

	if cmd, target, args, ok := parseCommand(m.Text); ok && in.fwd == nil && b.forMe(target) {
		if !b.allow(ctx, user, chatID, 0, b.sessionLang(sess)) {
			return
		}
		b.privateCommand(ctx, in, key, sess, remembered, cmd, args)
		return
	}
	text := messageText(m)
	if strings.TrimSpace(text) == "" {
		if hasMedia(m) && b.allow(ctx, user, chatID, 0, b.sessionLang(sess)) {
			b.sendPlain(ctx, chatID, 0, b.text("bot_unsupported", b.sessionLang(sess)), nil)
		}
		return
	}
	if !b.allow(ctx, user, chatID, 0, b.sessionLang(sess)) {
		return
	}
	b.assessPrivate(ctx, in, key, sess, remembered, text, in.fwd != nil)
}

// assessPrivate judges text in a private chat. The user's own messages add
// up into the conversation (risk never drops until /new) and the reply is
// about the conversation; a forwarded message is answered on its own
// ("this forwarded message…", with the script it matches) and still adds
// its evidence to the conversation. Indicators on the blocklist make the
// message high risk before it is merged. remembered is false when the
// session could not be read: the reply is then about this message alone,
// says so, and nothing is written over the stored conversation.
func (b *Bot) assessPrivate(ctx context.Context, in *incoming, key string, sess fanzha.Session, remembered bool, text string, forwarded bool) {
	m := in.u.Message
	a := b.assess(ctx, senderID(m), text)
	b.checkBlocklist(ctx, &a)
	conv := a
	if b.opts.Accumulate != nil && sess.Assessment.Label != "" {
		conv = b.opts.Accumulate(sess.Assessment, a)
		// Evidence spread over messages adds up: "a policeman called" and
		// later "he wants me to move my money" are judged together too
		// (unless the conversation is already at the top).
		if own := ownMessages(sess.Recent); !forwarded && len(own) > 0 && conv.Risk < fanzha.RiskHigh {
			whole := b.opts.Classifier.Classify(ctx, strings.Join(append(own, text), "\n"))
			conv = b.opts.Accumulate(conv, whole)
		}
	}
	shown := conv
	lang := sess.Lang
	if forwarded {
		shown = a
		shown.Forwarded = true
		if lang == "" {
			lang = sess.Wrote
		}
	} else {
		sess.Wrote = a.Lang
	}
	if lang == "" {
		lang = a.Lang
	}
	sess.Assessment = conv
	sess.Recent = addRecent(sess.Recent, text, forwarded)
	if remembered {
		remembered = b.saveSession(ctx, key, sess)
	}

	replyTo := 0
	if forwarded {
		replyTo = m.MessageID
	}
	x := extras{forgetful: !remembered, offerOfficer: b.reviewOn() && shown.Risk == fanzha.RiskHigh}
	x.question, x.questionType = b.followUpFor(shown, sess, lang)
	b.replyAssessment(ctx, m.Chat.ID, replyTo, shown, lang, x)
	b.log.Debug("assessed", "update_id", in.id, "chat_id", m.Chat.ID, "verdict", shown.String(), "forwarded", forwarded, "origin", originOf(in.fwd))
}

func (b *Bot) privateCommand(ctx context.Context, in *incoming, key string, sess fanzha.Session, remembered bool, cmd, args string) {
	m := in.u.Message
	chatID := m.Chat.ID
	lang := b.sessionLang(sess)
	if officerCommands[cmd] && b.isReviewChat(chatID) {
		b.officerCommand(ctx, m, cmd, args)
		return
	}
	switch cmd {
	case "start":
		if sess.Lang == "" && sess.Wrote == "" {
			// Nothing tells us the language yet: say it in both.
			b.sendPlain(ctx, chatID, 0, b.startText(fanzha.ZH)+"\n\n——\n\n"+b.startText(fanzha.EN), nil)
			return
		}
		b.sendPlain(ctx, chatID, 0, b.startText(lang), nil)
	case "help":
		b.sendPlain(ctx, chatID, 0, b.text("bot_help", lang), nil)
	case "lang", "language":
		switch strings.ToLower(strings.TrimSpace(args)) {
		case "zh", "cn", "中文", "chinese":
			sess.Lang = fanzha.ZH
		case "en", "english", "英文":
			sess.Lang = fanzha.EN
		default:
			b.sendPlain(ctx, chatID, 0, b.text("lang_usage", lang), nil)
			return
		}
		msg := b.text("lang_set", sess.Lang)
		if !remembered || !b.saveSession(ctx, key, sess) {
			msg += "\n" + b.text("bot_forgetful_short", sess.Lang)
		}
		b.sendPlain(ctx, chatID, 0, msg, nil)
	case "hotline":
		b.sendPlain(ctx, chatID, 0, b.textf("bot_hotline", lang, b.opts.Hotline, b.opts.Police), nil)
	case "new":
		// A new conversation: its evidence, messages, answers and case go;
		// the language stays.
		sess = fanzha.Session{Lang: sess.Lang, Wrote: sess.Wrote}
		if remembered {
			b.saveSession(ctx, key, sess)
		}
		b.sendPlain(ctx, chatID, 0, b.text("bot_new", lang), nil)
	case "forget":
		if err := b.opts.Sessions.Delete(ctx, key); err != nil {
			b.metrics.Error("store")
			b.log.Error("cannot delete a session", "chat_id", chatID, "err", err)
			b.sendPlain(ctx, chatID, 0, b.textf("bot_error", lang, b.opts.Hotline), nil)
			return
		}
		b.blocked.Delete(chatID)
		b.sendPlain(ctx, chatID, 0, b.text("bot_forget", lang), nil)
	case "paid":
		b.markPaid(ctx, key)
		b.sendHTML(ctx, chatID, 0, b.opts.Advisor.StopPayment(lang).HTML(), nil)
	case "check":
		if r := m.ReplyToMessage; r != nil && strings.TrimSpace(messageText(r)) != "" {
			b.assessPrivate(ctx, in, key, sess, remembered, messageText(r), in.replyFwd != nil)
			return
		}
		if args != "" {
			b.assessPrivate(ctx, in, key, sess, remembered, args, false)
			return
		}
		b.sendPlain(ctx, chatID, 0, b.text("bot_check_usage", lang), nil)
	default:
		b.sendPlain(ctx, chatID, 0, b.text("bot_unknown_command", lang), nil)
	}
}

func (b *Bot) startText(lang fanzha.Lang) string {
	return b.textf("bot_start", lang, humanDuration(b.opts.SessionTTL, lang), b.opts.Hotline, b.opts.Police)
}

// --- groups ---

// onGroup answers in a group only when asked: /check (in reply to a
// message, or with a text), a mention of the bot, or commands addressed to
// it by name. The one thing it says unasked is a verdict on a forwarded
// message that is high risk. Anything else is silence.
func (b *Bot) onGroup(ctx context.Context, in *incoming) {
	m := in.u.Message
	chatID, user := m.Chat.ID, senderID(m)
	if cmd, target, args, ok := parseCommand(m.Text); ok && in.fwd == nil {
		if !b.forMe(target) {
			return
		}
		addressed := target != ""
		lang := langOf(args)
		if officerCommands[cmd] && b.isReviewChat(chatID) {
			if b.allow(ctx, user, chatID, m.MessageID, fanzha.ZH) {
				b.officerCommand(ctx, m, cmd, args)
			}
			return
		}
		switch cmd {
		case "check":
			if !b.allow(ctx, user, chatID, m.MessageID, lang) {
				return
			}
			switch r := m.ReplyToMessage; {
			case r != nil && strings.TrimSpace(messageText(r)) != "":
				b.judgeInGroup(ctx, in, messageText(r), in.replyFwd != nil, r.MessageID)
			case r != nil:
				b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_unsupported", lang), nil)
			case args != "":
				b.judgeInGroup(ctx, in, args, false, m.MessageID)
			default:
				b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_check_usage", lang), nil)
			}
		case "help", "start":
			if addressed && b.allow(ctx, user, chatID, m.MessageID, lang) {
				b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_help", lang), nil)
			}
		case "hotline":
			if addressed && b.allow(ctx, user, chatID, m.MessageID, lang) {
				b.sendPlain(ctx, chatID, m.MessageID, b.textf("bot_hotline", lang, b.opts.Hotline, b.opts.Police), nil)
			}
		default:
			// Without the bot's name the command may be another bot's.
			if addressed && b.allow(ctx, user, chatID, m.MessageID, lang) {
				b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_unknown_command", lang), nil)
			}
		}
		return
	}
	text := messageText(m)
	if b.mentioned(m) {
		rest := strings.TrimSpace(b.removeMention(text))
		lang := langOf(rest)
		if !b.allow(ctx, user, chatID, m.MessageID, lang) {
			return
		}
		switch r := m.ReplyToMessage; {
		case r != nil && strings.TrimSpace(messageText(r)) != "":
			b.judgeInGroup(ctx, in, messageText(r), in.replyFwd != nil, r.MessageID)
		case rest != "":
			b.judgeInGroup(ctx, in, rest, in.fwd != nil, m.MessageID)
		default:
			b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_check_usage", lang), nil)
		}
		return
	}
	if in.fwd == nil || strings.TrimSpace(text) == "" {
		return
	}
	// A forwarded message nobody asked about: speak only if it is high risk,
	// and never beyond the sender's rate limit (silently). The classifier
	// alone decides: an assistant is not asked about every forward.
	a := b.opts.Classifier.Classify(ctx, text)
	b.checkBlocklist(ctx, &a)
	if a.Risk < fanzha.RiskHigh {
		return
	}
	if ok, _ := b.limiter.allow(user); !ok {
		b.metrics.RateLimited()
		return
	}
	a.Forwarded = true
	b.replyAssessment(ctx, chatID, m.MessageID, a, a.Lang, extras{})
	b.log.Debug("warned a group about a forwarded message", "update_id", in.id, "chat_id", chatID, "verdict", a.String(), "origin", originOf(in.fwd))
}

// judgeInGroup answers a question asked in a group about one message. Group
// verdicts do not accumulate: each message is judged on its own.
func (b *Bot) judgeInGroup(ctx context.Context, in *incoming, text string, forwarded bool, replyTo int) {
	a := b.assess(ctx, senderID(in.u.Message), text)
	b.checkBlocklist(ctx, &a)
	a.Forwarded = forwarded
	b.replyAssessment(ctx, in.u.Message.Chat.ID, replyTo, a, a.Lang, extras{})
	b.log.Debug("judged in a group", "update_id", in.id, "chat_id", in.u.Message.Chat.ID, "verdict", a.String())
}

// mentioned reports whether m names the bot: @username in its text or
// caption, or a text_mention of the bot's account.
func (b *Bot) mentioned(m *tgbotapi.Message) bool {
	if b.self.UserName != "" && indexMention(messageText(m), b.self.UserName) >= 0 {
		return true
	}
	for _, list := range [][]tgbotapi.MessageEntity{m.Entities, m.CaptionEntities} {
		for _, e := range list {
			if e.Type == "text_mention" && e.User != nil && e.User.ID == b.self.ID {
				return true
			}
		}
	}
	return false
}

// indexMention finds "@name" in s (case-insensitive) as a whole word.
func indexMention(s, name string) int {
	start, _ := mentionSpan(s, name)
	return start
}

// mentionSpan returns the bytes of the first @name in s, or -1, -1.
func mentionSpan(s, name string) (int, int) {
	if m := mentionPattern(name).FindStringSubmatchIndex(s); m != nil {
		return m[2], m[3]
	}
	return -1, -1
}

// mentionPattern matches @name case-insensitively in the original text (a
// byte index into strings.ToLower(s) is not one into s: Ⱥ, İ and the Kelvin
// sign change length when lowered), not followed by more of a username.
func mentionPattern(name string) *regexp.Regexp {
	mentionMu.Lock()
	defer mentionMu.Unlock()
	re, ok := mentionREs[name]
	if !ok {
		re = regexp.MustCompile(`(?i)(@` + regexp.QuoteMeta(name) + `)(?:[^A-Za-z0-9_]|$)`)
		mentionREs[name] = re
	}
	return re
}

var (
	mentionMu  sync.Mutex
	mentionREs = map[string]*regexp.Regexp{}
)

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func (b *Bot) removeMention(s string) string {
	if b.self.UserName == "" {
		return s
	}
	for {
		i, j := mentionSpan(s, b.self.UserName)
		if i < 0 {
			return s
		}
		s = s[:i] + s[j:]
	}
}

// --- buttons ---

// Callback data: "fz1:<action>:<lang>[:<arg>…]". The language is the one
// the buttons were written in, so the answer matches them. Telegram allows
// 64 bytes.
const callbackPrefix = "fz1"

func button(label, data string) tgbotapi.InlineKeyboardButton {
	return tgbotapi.NewInlineKeyboardButtonData(label, data)
}

func cbData(action string, lang fanzha.Lang, args ...string) string {
	return strings.Join(append([]string{callbackPrefix, action, string(lang)}, args...), ":")
}

// officerRow is the row under a risky verdict: "I already paid" (until
// pressed) and "Ask an officer".
func officerRow(lang fanzha.Lang, withPaid bool) []tgbotapi.InlineKeyboardButton {
	var row []tgbotapi.InlineKeyboardButton
	if withPaid {
		row = append(row, button(advice.Text("btn_paid", lang), cbData("paid", lang)))
	}
	return append(row, button(advice.Text("btn_officer", lang), cbData("officer", lang)))
}

func keyboard(lang fanzha.Lang, withPaid bool) *tgbotapi.InlineKeyboardMarkup {
	k := tgbotapi.NewInlineKeyboardMarkup(officerRow(lang, withPaid))
	return &k
}

// risky reports whether a verdict gets the buttons.
func risky(a fanzha.Assessment) bool {
	return a.Risk >= fanzha.RiskMedium || a.Label.IsFraud()
}

func parseCallback(data string) (action string, lang fanzha.Lang, args []string) {
	parts := strings.Split(data, ":")
	if len(parts) < 2 || parts[0] != callbackPrefix {
		return "", fanzha.ZH, nil
	}
	lang = fanzha.ZH
	if len(parts) > 2 && fanzha.Lang(parts[2]) == fanzha.EN {
		lang = fanzha.EN
	}
	if len(parts) > 3 {
		args = parts[3:]
	}
	return parts[1], lang, args
}

// press is a button press being handled.
type press struct {
	q       *tgbotapi.CallbackQuery
	lang    fanzha.Lang
	args    []string
	chatID  int64 // where to answer; 0 when unknown
	msgID   int   // the message the button is under; 0 when unknown
	private bool
}

func (p *press) user() int64 {
	if p.q.From != nil {
		return p.q.From.ID
	}
	return 0
}

func (b *Bot) onCallback(ctx context.Context, in *incoming) {
	q := in.u.CallbackQuery
	action, lang, args := parseCallback(q.Data)
	p := &press{q: q, lang: lang, args: args}
	switch {
	case q.Message != nil && q.Message.Chat != nil:
		p.chatID, p.msgID, p.private = q.Message.Chat.ID, q.Message.MessageID, q.Message.Chat.IsPrivate()
	case q.From != nil:
		// No message (too old, or sent inline): answer in the user's
		// private chat, whose id is theirs.
		p.chatID, p.private = q.From.ID, true
	}
	if q.From != nil {
		if ok, _ := b.limiter.allow(q.From.ID); !ok {
			b.metrics.RateLimited()
			b.answer(ctx, q.ID, b.textf("bot_rate_limited", lang, b.opts.Hotline))
			return
		}
	}
	switch action {
	case "paid":
		b.onPaid(ctx, p)
	case "officer":
		b.onAskOfficer(ctx, p)
	case "sub":
		b.onSubmit(ctx, p)
	case "cancel":
		b.onCancelSubmit(ctx, p)
	case "act":
		b.onOfficerAction(ctx, p)
	case "fu":
		b.onFollowUp(ctx, p)
	default:
		b.answer(ctx, q.ID, "")
	}
}

func (b *Bot) onPaid(ctx context.Context, p *press) {
	b.answer(ctx, p.q.ID, b.text("bot_cb_paid", p.lang))
	if p.chatID == 0 {
		return
	}
	if p.private {
		b.markPaid(ctx, sessionKey(p.chatID))
	}
	// The button has done its job: leave only the officer button.
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, keyboard(p.lang, false))
	}
	b.sendHTML(ctx, p.chatID, p.msgID, b.opts.Advisor.StopPayment(p.lang).HTML(), nil)
}

// markPaid records in the conversation that money has left: later replies
// put the stop-payment steps first.
func (b *Bot) markPaid(ctx context.Context, key string) {
	sess, ok := b.loadSession(ctx, key)
	if !ok {
		return
	}
	sess.Assessment.Paid = true
	if sess.Assessment.Label.IsFraud() {
		sess.Assessment.Risk = fanzha.RiskHigh
	}
	b.saveSession(ctx, key, sess)
}

func (b *Bot) answer(ctx context.Context, id, text string) {
	if _, err := b.request(ctx, tgbotapi.NewCallback(id, text)); err != nil {
		b.log.Debug("answerCallbackQuery failed", "err", err)
	}
}

// alert answers a button press with a pop-up the user must dismiss.
func (b *Bot) alert(ctx context.Context, id, text string) {
	if _, err := b.request(ctx, tgbotapi.NewCallbackWithAlert(id, text)); err != nil {
		b.log.Debug("answerCallbackQuery failed", "err", err)
	}
}

// editMarkup replaces the buttons under a message (nil removes them).
func (b *Bot) editMarkup(ctx context.Context, chatID int64, msgID int, kb *tgbotapi.InlineKeyboardMarkup) {
	if kb == nil {
		kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	}
	if _, err := b.request(ctx, tgbotapi.NewEditMessageReplyMarkup(chatID, msgID, *kb)); err != nil {
		b.log.Debug("editMessageReplyMarkup failed", "chat_id", chatID, "err", err)
	}
}

// withoutAction returns the keyboard of m without the buttons whose action
// is action (nil when none are left).
func withoutAction(m *tgbotapi.Message, action string) *tgbotapi.InlineKeyboardMarkup {
	if m == nil || m.ReplyMarkup == nil {
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		var keep []tgbotapi.InlineKeyboardButton
		for _, btn := range row {
			if btn.CallbackData != nil {
				if a, _, _ := parseCallback(*btn.CallbackData); a == action {
					continue
				}
			}
			keep = append(keep, btn)
		}
		if len(keep) > 0 {
			rows = append(rows, keep)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// --- sending ---

// extras are what a verdict carries besides the advisor's reply.
type extras struct {
	// forgetful: the conversation could not be read or stored; the reply
	// says so.
	forgetful bool
	// offerOfficer: a line pointing at "Ask an officer" (high risk, review
	// set up).
	offerOfficer bool
	// question is the type's deciding question the reply ends with, with
	// yes/no buttons; questionType its type.
	question     string
	questionType fanzha.ScamType
}

// replyAssessment sends the verdict, with the buttons when it is risky.
func (b *Bot) replyAssessment(ctx context.Context, chatID int64, replyTo int, a fanzha.Assessment, lang fanzha.Lang, x extras) {
	var rows [][]tgbotapi.InlineKeyboardButton
	text := b.opts.Advisor.Reply(a, lang).HTML()
	if x.offerOfficer {
		text += "\n" + html.EscapeString(b.text("bot_offer_officer", lang)) + "\n"
	}
	if x.forgetful {
		text += "\n<i>" + html.EscapeString(b.text("bot_forgetful", lang)) + "</i>\n"
		b.metrics.event(famStateless, "")
	}
	if x.question != "" {
		text += "\n<b>" + html.EscapeString(b.text("bot_question_title", lang)) + "</b>\n" + html.EscapeString(x.question) + "\n"
		rows = append(rows, []tgbotapi.InlineKeyboardButton{
			button(b.text("btn_yes", lang), cbData("fu", lang, string(x.questionType), "y")),
			button(b.text("btn_no", lang), cbData("fu", lang, string(x.questionType), "n")),
		})
		b.metrics.event(famQuestions, "")
	}
	if risky(a) {
		rows = append(rows, officerRow(lang, !a.Paid))
	}
	var kb *tgbotapi.InlineKeyboardMarkup
	if len(rows) > 0 {
		kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
	}
	if b.sendHTML(ctx, chatID, replyTo, text, kb) == nil {
		b.metrics.Reply(a.Risk.String(), string(a.Label))
	}
}

// sendPlain sends a plain text (escaped, so it can go as HTML).
func (b *Bot) sendPlain(ctx context.Context, chatID int64, replyTo int, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	return b.sendHTML(ctx, chatID, replyTo, html.EscapeString(text), kb)
}

// sendHTML sends a Telegram-HTML text, split into messages of at most 4096
// characters at line boundaries; the buttons go under the last part. A
// rejected HTML part is sent again as plain text. A 403 (blocked, kicked) is
// logged once per chat and not retried.
func (b *Bot) sendHTML(ctx context.Context, chatID int64, replyTo int, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	parts := Split(text, MaxMessageLen)
	for i, p := range parts {
		msg := tgbotapi.NewMessage(chatID, p)
		msg.ParseMode = tgbotapi.ModeHTML
		msg.DisableWebPagePreview = true
		if i == 0 && replyTo != 0 {
			msg.ReplyToMessageID = replyTo
			msg.AllowSendingWithoutReply = true
		}
		if i == len(parts)-1 && kb != nil {
			msg.ReplyMarkup = kb
		}
		_, err := b.request(ctx, msg)
		if te, ok := apiError(err); ok && te.Code == 400 && strings.Contains(strings.ToLower(te.Message), "parse entities") {
			msg.ParseMode = ""
			msg.Text = html.UnescapeString(stripTags(p))
			_, err = b.request(ctx, msg)
		}
		if err != nil {
			b.sendFailed(chatID, err)
			return err
		}
	}
	b.blocked.Delete(chatID)
	return nil
}

func (b *Bot) sendFailed(chatID int64, err error) {
	if te, ok := apiError(err); ok && te.Code == 403 {
		if _, seen := b.blocked.LoadOrStore(chatID, struct{}{}); !seen {
			b.log.Warn("cannot write to this chat (blocked or removed); not retrying", "chat_id", chatID, "err", err)
		}
		return
	}
	if errors.Is(err, context.Canceled) {
		b.log.Warn("reply abandoned at shutdown", "chat_id", chatID)
		return
	}
	b.log.Error("cannot send a reply", "chat_id", chatID, "kind", errKind(err), "err", err)
}

// allow applies the per-user rate limit. Over it, the user is told once,
// politely, and the message is dropped.
func (b *Bot) allow(ctx context.Context, user, chatID int64, replyTo int, lang fanzha.Lang) bool {
	ok, notify := b.limiter.allow(user)
	if ok {
		return true
	}
	b.metrics.RateLimited()
	if notify {
		b.sendPlain(ctx, chatID, replyTo, b.textf("bot_rate_limited", lang, b.opts.Hotline), nil)
	}
	return false
}

// --- sessions ---

func sessionKey(chatID int64) string { return "tg:" + strconv.FormatInt(chatID, 10) }

// chatOf is the chat id of a session key ("tg:<chat id>").
func chatOf(key string) (int64, bool) {
	s, ok := strings.CutPrefix(key, "tg:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

// loadSession reads a conversation. ok is false when the store failed (a
// new conversation is ok, and empty): the caller then answers without
// memory, says so, and does not write over what is stored.
func (b *Bot) loadSession(ctx context.Context, key string) (fanzha.Session, bool) {
	s, err := b.opts.Sessions.Get(ctx, key)
	if err != nil && !errors.Is(err, fanzha.ErrNotFound) {
		b.storeFailed("cannot read a session; answering without it", key, err)
		return fanzha.Session{}, false
	}
	return s, true
}

// saveSession stores a conversation and reports whether it could.
func (b *Bot) saveSession(ctx context.Context, key string, s fanzha.Session) bool {
	s.Updated = b.opts.Now()
	if err := b.opts.Sessions.Put(ctx, key, s, b.opts.SessionTTL); err != nil {
		b.storeFailed("cannot store a session", key, err)
		return false
	}
	return true
}

// storeFailed counts and logs a store error. An unavailable store says so
// itself, once per outage, so each failed call is only a debug line.
func (b *Bot) storeFailed(msg, key string, err error) {
	b.metrics.Error("store")
	if errors.Is(err, fanzha.ErrUnavailable) {
		b.log.Debug(msg, "key", key, "err", err)
		return
	}
	b.log.Error(msg, "key", key, "err", err)
}

// ownMessages returns the user's own recent messages: not what they
// forwarded, not the bot's notes of their answers to a follow-up question
// (whose wording would add the question's red flags).
func ownMessages(recent []string) []string {
	var out []string
	for _, r := range recent {
		if strings.HasPrefix(r, forwardedMark) || strings.HasPrefix(r, "（回答") || strings.HasPrefix(r, "(answered") {
			continue
		}
		out = append(out, r)
	}
	return out
}

// forwardedMark prefixes forwarded messages in a session's recent list.
const forwardedMark = "[转发] "

// addRecent keeps the latest messages of a conversation for a case's
// excerpt: at most fanzha.MaxRecent, each clipped, forwarded ones marked.
func addRecent(recent []string, text string, forwarded bool) []string {
	text = strings.TrimSpace(text)
	if r := []rune(text); len(r) > fanzha.MaxRecentRunes {
		text = string(r[:fanzha.MaxRecentRunes]) + "…"
	}
	if forwarded {
		text = forwardedMark + text
	}
	recent = append(recent, text)
	if len(recent) > fanzha.MaxRecent {
		recent = append([]string(nil), recent[len(recent)-fanzha.MaxRecent:]...)
	}
	return recent
}

// sessionLang is the language to speak outside a verdict: the one chosen,
// else the one the user writes in, else Chinese.
func (b *Bot) sessionLang(s fanzha.Session) fanzha.Lang {
	switch {
	case s.Lang != "":
		return s.Lang
	case s.Wrote != "":
		return s.Wrote
	}
	return fanzha.ZH
}

// --- helpers ---

// assess judges a text a user asked about.
func (b *Bot) assess(ctx context.Context, user int64, text string) fanzha.Assessment {
	if b.opts.Assess != nil {
		return b.opts.Assess(ctx, "tg:"+strconv.FormatInt(user, 10), text)
	}
	return b.opts.Classifier.Classify(ctx, text)
}

func (b *Bot) text(k string, lang fanzha.Lang) string { return advice.Text(k, lang) }

func (b *Bot) textf(k string, lang fanzha.Lang, args ...any) string {
	return fmt.Sprintf(advice.Text(k, lang), args...)
}

// forMe reports whether a command addressed to target (/cmd@target) is for
// this bot; no target means anyone's.
func (b *Bot) forMe(target string) bool {
	return target == "" || strings.EqualFold(target, b.self.UserName)
}

// parseCommand reads "/cmd@target args". It does not trust the entities
// (their offsets are UTF-16 and may be wrong in a malformed update).
func parseCommand(text string) (cmd, target, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", "", false
	}
	first, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		first, rest = text[:i], text[i:]
	}
	name, target, _ := strings.Cut(first[1:], "@")
	if name == "" || len(name) > 32 {
		return "", "", "", false
	}
	for _, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", "", "", false
		}
	}
	return strings.ToLower(name), target, strings.TrimSpace(rest), true
}

func messageText(m *tgbotapi.Message) string {
	if m.Text != "" {
		return m.Text
	}
	return m.Caption
}

// hasMedia reports whether m carries something other than text that a
// person sent (not a service message such as a new member).
func hasMedia(m *tgbotapi.Message) bool {
	return len(m.Photo) > 0 || m.Sticker != nil || m.Voice != nil || m.Audio != nil ||
		m.Document != nil || m.Video != nil || m.VideoNote != nil || m.Animation != nil ||
		m.Contact != nil || m.Location != nil || m.Venue != nil || m.Poll != nil ||
		m.Dice != nil || m.Game != nil
}

func senderID(m *tgbotapi.Message) int64 {
	if m.From != nil {
		return m.From.ID
	}
	if m.SenderChat != nil {
		return m.SenderChat.ID
	}
	return m.Chat.ID
}

func originOf(f *forward) string {
	if f == nil {
		return ""
	}
	return f.Origin
}

// langOf is the language of a short text, Chinese when unsure.
func langOf(s string) fanzha.Lang {
	var han, latin int
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < 0x80 && unicode.IsLetter(r):
			latin++
		}
	}
	if latin > 3*han && latin >= 4 {
		return fanzha.EN
	}
	return fanzha.ZH
}

func humanDuration(d time.Duration, lang fanzha.Lang) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf(advice.Text("duration_hours", lang), int(d/time.Hour))
	}
	return fmt.Sprintf(advice.Text("duration_minutes", lang), int(d/time.Minute))
}
