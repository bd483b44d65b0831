package bot

import (
	"context"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
)

// Callback data: "fz1:<action>:<lang>[:<arg>…]". The language is the one
// the buttons were written in, so the answer matches them. Telegram allows
// 64 bytes.
const callbackPrefix = "fz1"

// action names what a button does.
type action string

// The buttons. callbacks documents each once.
const (
	actPaid     action = "paid"    // "I already paid": stop-payment steps; the conversation becomes paid
	actOfficer  action = "officer" // "Ask an officer": the consent screen
	actSubmit   action = "sub"     // consent screen: submit (args: fingerprint, c|n)
	actCancel   action = "cancel"  // consent screen: cancel
	actOfficial action = "act"     // officer's card: confirm / dismiss / call back (args: case id, action)
	actAnswer   action = "fu"      // the deciding question: yes / no (args: type, y|n)
	actMore     action = "more"    // "More": the detailed reply (args in groups: the asker's user id)
	actDistrict action = "dist"    // the district question: a district of the list, or none (skip) (args: name)
)

// callback is one entry of the callback table.
type callback struct {
	handle func(b *Bot, ctx context.Context, p *press)
	// private: the button belongs to one person's conversation; a tap in a
	// group is refused (a bystander must not post stop-payment steps or
	// answer for someone else).
	private bool
	// refusal is the text key of the pop-up for a refused tap.
	refusal string
}

// callbacks is the one table of button actions.
var callbacks = map[action]callback{
	actPaid:     {handle: (*Bot).onPaid, private: true, refusal: "bot_cb_private_only"},
	actOfficer:  {handle: (*Bot).onAskOfficer, private: true, refusal: "bot_officer_group"},
	actSubmit:   {handle: (*Bot).onSubmit, private: true, refusal: "bot_cb_private_only"},
	actCancel:   {handle: (*Bot).onCancelSubmit, private: true, refusal: "bot_cb_private_only"},
	actOfficial: {handle: (*Bot).onOfficerAction},
	actAnswer:   {handle: (*Bot).onAnswer, private: true, refusal: "bot_cb_private_only"},
	actMore:     {handle: (*Bot).onMore},
	actDistrict: {handle: (*Bot).onDistrict, private: true, refusal: "bot_cb_private_only"},
}

func button(label, data string) tgbotapi.InlineKeyboardButton {
	return tgbotapi.NewInlineKeyboardButtonData(label, data)
}

func cbData(a action, lang fanzha.Lang, args ...string) string {
	return strings.Join(append([]string{callbackPrefix, string(a), string(lang)}, args...), ":")
}

func parseCallback(data string) (a action, lang fanzha.Lang, args []string) {
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
	return action(parts[1]), lang, args
}

// press is a button press being handled.
type press struct {
	in      *incoming
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
	act, lang, args := parseCallback(q.Data)
	p := &press{in: in, q: q, lang: lang, args: args}
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
			b.answer(ctx, q.ID, b.textf("bot_rate_limited", lang, b.hotline))
			return
		}
	}
	cb, ok := callbacks[act]
	switch {
	case !ok:
		b.answer(ctx, q.ID, "")
	case cb.private && !p.private:
		b.alert(ctx, q.ID, b.text(cb.refusal, lang))
	default:
		cb.handle(b, ctx, p)
	}
}

// pressInput is the conversation input of a press in a private chat.
func (p *press) input() conversation.Input {
	return conversation.Input{Place: conversation.Private, UserKey: userKey(p.user()), UserLang: userLang(p.q.From)}
}

func (b *Bot) onPaid(ctx context.Context, p *press) {
	b.answer(ctx, p.q.ID, b.text("bot_cb_paid", p.lang))
	if p.chatID == 0 {
		return
	}
	key := sessionKey(p.chatID)
	sess, remembered := b.loadSession(ctx, key)
	in := p.input()
	in.Lang = p.lang
	sess, out := b.conv.Paid(ctx, sess, in)
	// The button has done its job: leave the others.
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, withoutAction(p.q.Message, actPaid))
	}
	forgetful := !remembered || !b.saveSession(ctx, key, sess)
	b.say(ctx, saying{chatID: p.chatID, replyTo: p.msgID, private: true, forgetful: forgetful}, out)
}

// onAnswer handles 是/否 under a deciding question.
func (b *Bot) onAnswer(ctx context.Context, p *press) {
	if p.chatID == 0 || len(p.args) < 2 {
		b.answer(ctx, p.q.ID, "")
		return
	}
	t, yes := fanzha.ScamType(p.args[0]), p.args[1] == "y"
	key := sessionKey(p.chatID)
	sess, remembered := b.loadSession(ctx, key)
	in := p.input()
	in.Lang = p.lang // answer in the buttons' language
	sess, out := b.conv.Answer(sess, in, t, yes)
	switch {
	case out.Silent:
		b.answer(ctx, p.q.ID, "")
		return
	case !out.Store: // answered before
		b.answer(ctx, p.q.ID, out.Text)
		return
	}
	b.answer(ctx, p.q.ID, b.text("bot_cb_noted", p.lang))
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, withoutAction(p.q.Message, actAnswer))
	}
	answer := "no"
	if yes {
		answer = "yes"
	}
	b.metrics.event(famAnswers, `answer="`+answer+`"`)
	forgetful := !remembered || !b.saveSession(ctx, key, sess)
	b.say(ctx, saying{chatID: p.chatID, private: true, forgetful: forgetful, asker: p.user()}, out)
}

// onMore sends the detailed reply under a verdict. In a group only the
// person who asked may open it; the message judged is the one the verdict
// replies to. In a private chat it is about the forward the verdict
// replies to, else the conversation.
func (b *Bot) onMore(ctx context.Context, p *press) {
	if p.chatID == 0 {
		b.answer(ctx, p.q.ID, "")
		return
	}
	if !p.private {
		if len(p.args) < 1 || p.args[0] != strconv.FormatInt(p.user(), 10) {
			b.alert(ctx, p.q.ID, b.text("bot_cb_not_yours", p.lang))
			return
		}
	}
	b.answer(ctx, p.q.ID, "")
	in := conversation.Input{Place: conversation.Private, UserKey: userKey(p.user()), UserLang: userLang(p.q.From), Lang: p.lang}
	if !p.private {
		in.Place = conversation.Group
	}
	var judged *tgbotapi.Message
	if p.q.Message != nil {
		judged = p.q.Message.ReplyToMessage
	}
	if judged != nil {
		in.Text = messageText(judged)
		in.Kind = kindOf(p.in.cbReplyFwd)
		if in.Place == conversation.Private {
			in.Kind = fanzha.MsgForwarded
		}
	}
	var sess fanzha.Session
	if p.private {
		sess, _ = b.loadSession(ctx, sessionKey(p.chatID))
	}
	// Officers may see script ids and similarity figures; citizens never.
	officer := b.opts.Review != nil && b.opts.Review.IsOfficer(p.user())
	out := b.conv.Details(ctx, sess, in, officer)
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, withoutAction(p.q.Message, actMore))
	}
	b.say(ctx, saying{chatID: p.chatID, replyTo: p.msgID, asker: p.user()}, out)
}

// withoutAction returns the keyboard of m without the buttons whose action
// is a (nil when none are left).
func withoutAction(m *tgbotapi.Message, a action) *tgbotapi.InlineKeyboardMarkup {
	if m == nil || m.ReplyMarkup == nil {
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		var keep []tgbotapi.InlineKeyboardButton
		for _, btn := range row {
			if btn.CallbackData != nil {
				if got, _, _ := parseCallback(*btn.CallbackData); got == a {
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
