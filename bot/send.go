package bot

import (
	"context"
	"errors"
	"html"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/conversation"
)

// saying is where and how an outcome is said.
type saying struct {
	chatID  int64
	replyTo int
	// private: a private chat, where a verdict carries the personal
	// buttons; in a group it carries "More" (for the asker) and a link to a
	// private chat.
	private bool
	// forgetful: the conversation could not be read or stored; the reply
	// says so.
	forgetful bool
	// asker is who asked (in a group, the only one who may open "More").
	asker int64
	// edit, when not 0, is the message ("正在识别图片…") the reply is
	// edited into.
	edit int
}

// say sends what the conversation decided to say.
func (b *Bot) say(ctx context.Context, s saying, out conversation.Outcome) {
	lang := out.Lang
	switch {
	case out.Silent:
	case out.View != nil:
		b.sendVerdict(ctx, s, out)
	case out.Reply != nil:
		text := out.Reply.HTML()
		if s.forgetful {
			text += "\n<i>" + html.EscapeString(b.text("bot_forgetful", lang)) + "</i>\n"
		}
		b.deliver(ctx, s, text, nil)
	case out.Text != "":
		text := out.Text
		if s.forgetful {
			text += "\n" + b.text("bot_forgetful_short", lang)
		}
		b.deliver(ctx, s, html.EscapeString(text), nil)
	}
}

// sendVerdict sends a verdict with its buttons. In a private chat: the
// deciding question's 是/否, "More", and under a risky verdict "I already
// paid" (until paid) and "Ask an officer". In a group no personal button:
// "More" for the asker and "私聊我", a link to a private chat.
func (b *Bot) sendVerdict(ctx context.Context, s saying, out conversation.Outcome) {
	w := *out.View
	lang := w.Lang
	a := w.Assessment
	// The conversation rendered it already; a replaced advisor renders
	// again.
	r := *out.Reply
	if b.opts.Advisor != Advisor(b.conv.Advisor()) {
		r = b.advisor.Render(w)
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	if s.private {
		if b.reviewOn() && a.Risk == fanzha.RiskHigh {
			r.Notes = append(r.Notes, b.text("bot_offer_officer", lang))
		}
		if s.forgetful {
			r.Notes = append(r.Notes, b.text("bot_forgetful", lang))
			b.metrics.event(famStateless, "")
		}
		if out.QuestionType != "" {
			rows = append(rows, []tgbotapi.InlineKeyboardButton{
				button(b.text("btn_yes", lang), cbData(actAnswer, lang, string(out.QuestionType), "y")),
				button(b.text("btn_no", lang), cbData(actAnswer, lang, string(out.QuestionType), "n")),
			})
			b.metrics.event(famQuestions, "")
		}
		if risky(a) {
			var row []tgbotapi.InlineKeyboardButton
			if !a.Paid && !w.PaidFirst {
				row = append(row, button(advice.Text("btn_paid", lang), cbData(actPaid, lang)))
			}
			rows = append(rows, append(row, button(advice.Text("btn_officer", lang), cbData(actOfficer, lang))))
			rows = append(rows, []tgbotapi.InlineKeyboardButton{button(b.text("btn_more", lang), cbData(actMore, lang))})
		}
	} else {
		var row []tgbotapi.InlineKeyboardButton
		if risky(a) {
			row = append(row, button(b.text("btn_more", lang), cbData(actMore, lang, strconv.FormatInt(s.asker, 10))))
		}
		if b.self.UserName != "" {
			row = append(row, tgbotapi.NewInlineKeyboardButtonURL(b.text("btn_private", lang), "https://t.me/"+b.self.UserName+"?start=group"))
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	var kb *tgbotapi.InlineKeyboardMarkup
	if len(rows) > 0 {
		kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
	}
	if b.deliver(ctx, s, r.HTML(), kb) == nil {
		b.metrics.Reply(a.Risk.String(), string(a.Label))
	}
}

// risky reports whether a verdict gets the buttons.
func risky(a fanzha.Assessment) bool {
	return a.Risk >= fanzha.RiskMedium || a.Label.IsFraud()
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

// sayLimited sends the one "slow down" notice of a rate-limit episode
// (decided at intake).
func (b *Bot) sayLimited(ctx context.Context, in *incoming) {
	m := in.u.Message
	if m == nil || m.Chat == nil {
		return
	}
	lang := userLang(m.From)
	if lang == "" {
		lang = fanzha.ZH
	}
	b.sendPlain(withReceipt(ctx, in.received), m.Chat.ID, 0, b.textf("bot_rate_limited", lang, b.hotline), nil)
}

// allow applies the per-user rate limit in groups. Over it, the user is
// told once, politely, and the message is dropped.
func (b *Bot) allow(ctx context.Context, user, chatID int64, replyTo int, lang fanzha.Lang) bool {
	ok, notify := b.limiter.allow(user)
	if ok {
		return true
	}
	b.metrics.RateLimited()
	if notify {
		b.sendPlain(ctx, chatID, replyTo, b.textf("bot_rate_limited", lang, b.hotline), nil)
	}
	return false
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
