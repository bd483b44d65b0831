package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/conversation"
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

// Keys. A conversation is kept under its chat; the assistant's per-user
// limits are counted under the user.
const (
	sessionPrefix = "tg:"
	userPrefix    = "tg:"
)

func sessionKey(chatID int64) string { return sessionPrefix + strconv.FormatInt(chatID, 10) }

func userKey(user int64) string { return userPrefix + strconv.FormatInt(user, 10) }

// chatOf is the chat id of a session key ("tg:<chat id>").
func chatOf(key string) (int64, bool) {
	s, ok := strings.CutPrefix(key, sessionPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
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

// command reads a command addressed to this bot in m (not in a forward).
func (b *Bot) command(in *incoming) (conversation.Parsed, bool) {
	p, ok := conversation.ParseCommand(in.u.Message.Text)
	if !ok || in.fwd != nil {
		return conversation.Parsed{}, false
	}
	return p, true
}

// isOfficerCommand reports whether p is an officers' command sent where
// they work: the review chat, or an officer's private chat (for anyone
// else a private chat does not know these commands).
func (b *Bot) isOfficerCommand(p conversation.Parsed, chatID, user int64, private bool) bool {
	info, ok := p.Info()
	if !ok || info.Where&conversation.InReview == 0 {
		return false
	}
	return b.isReviewChat(chatID) || private && b.isOfficer(user)
}

func (b *Bot) isOfficer(user int64) bool {
	return b.opts.Review != nil && b.opts.Review.IsOfficer(user)
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

// userLang is the language of a user's Telegram client, "" when it is
// neither Chinese nor English (or unknown).
func userLang(u *tgbotapi.User) fanzha.Lang {
	if u == nil {
		return ""
	}
	lc := strings.ToLower(u.LanguageCode)
	switch {
	case strings.HasPrefix(lc, "en"):
		return fanzha.EN
	case strings.HasPrefix(lc, "zh"):
		return fanzha.ZH
	}
	return ""
}

func originOf(f *forward) string {
	if f == nil {
		return ""
	}
	return f.Origin
}

func kindOf(f *forward) fanzha.MessageKind {
	if f != nil {
		return fanzha.MsgForwarded
	}
	return fanzha.MsgOwn
}

func isSpaceOnly(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) < 0
}
