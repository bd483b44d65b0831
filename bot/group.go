package bot

import (
	"context"
	"regexp"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
)

// onGroup answers in a group only when asked: /check (in reply to a
// message, or with a text), a mention of the bot, or commands addressed to
// it by name. The one thing it says unasked is a verdict on a forwarded
// message that is high risk. Anything else is silence. Replies speak about
// "this message", carry no personal buttons, and offer a private chat.
func (b *Bot) onGroup(ctx context.Context, in *incoming) {
	m := in.u.Message
	chatID, user := m.Chat.ID, senderID(m)
	ui := userLang(m.From)
	if p, ok := b.command(in); ok {
		if !b.forMe(p.Target) {
			return
		}
		b.groupCommand(ctx, in, p)
		return
	}
	text := messageText(m)
	if b.mentioned(m) {
		rest := strings.TrimSpace(b.removeMention(text))
		lang := groupLang(rest, ui)
		if !b.allow(ctx, user, chatID, m.MessageID, lang) {
			return
		}
		switch r := m.ReplyToMessage; {
		case r != nil && b.groupPictureOf(ctx, in, r, rest, lang):
		case r != nil && !isSpaceOnly(messageText(r)):
			b.judgeInGroup(ctx, in, messageText(r), kindOf(in.replyFwd), r.MessageID, rest)
		case rest != "":
			b.judgeInGroup(ctx, in, rest, kindOf(in.fwd), m.MessageID, rest)
		default:
			b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_check_usage", lang), nil)
		}
		return
	}
	if in.fwd == nil || isSpaceOnly(text) {
		return
	}
	// A forwarded message nobody asked about: speak only if it is high risk,
	// and never beyond the sender's rate limit (silently).
	_, out := b.conv.Message(ctx, fanzha.Session{}, conversation.Input{
		Kind: fanzha.MsgForwarded, Text: text, Place: conversation.Group, Unsolicited: true, UserKey: userKey(user),
	})
	b.noteBlocklist(out)
	if out.Silent {
		return
	}
	if ok, _ := b.limiter.allow(user); !ok {
		b.metrics.RateLimited()
		return
	}
	b.say(ctx, saying{chatID: chatID, replyTo: m.MessageID, asker: user}, out)
	b.log.Debug("warned a group about a forwarded message", "update_id", in.id, "chat_id", chatID, "verdict", out.View.Assessment.String(), "origin", originOf(in.fwd))
}

// groupLang is the language to answer a group member in: their words',
// else their client's, else Chinese.
func groupLang(words string, ui fanzha.Lang) fanzha.Lang {
	if words == "" && ui != "" {
		return ui
	}
	return conversation.LangOf(words)
}

func (b *Bot) groupCommand(ctx context.Context, in *incoming, p conversation.Parsed) {
	m := in.u.Message
	chatID, user := m.Chat.ID, senderID(m)
	ui := userLang(m.From)
	lang := groupLang(p.Args, ui)
	addressed := p.Target != ""
	if b.isOfficerCommand(p, chatID, user, false) {
		if b.allow(ctx, user, chatID, m.MessageID, fanzha.ZH) {
			b.officerCommand(ctx, m, p.Name, p.Args)
		}
		return
	}
	info, known := p.Info()
	switch {
	case known && info.Name == conversation.CmdCheck:
		if !b.allow(ctx, user, chatID, m.MessageID, lang) {
			return
		}
		switch r := m.ReplyToMessage; {
		case r != nil && b.groupPictureOf(ctx, in, r, p.Args, lang):
		case r != nil && !isSpaceOnly(messageText(r)):
			b.judgeInGroup(ctx, in, messageText(r), kindOf(in.replyFwd), r.MessageID, p.Args)
		case r != nil:
			b.sendPlain(ctx, chatID, m.MessageID, b.unsupported(r, lang), nil)
		case p.Args != "":
			b.judgeInGroup(ctx, in, p.Args, fanzha.MsgOwn, m.MessageID, p.Args)
		default:
			b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_check_usage", lang), nil)
		}
	case !addressed:
		// Without the bot's name the command may be another bot's.
	case !b.allow(ctx, user, chatID, m.MessageID, lang):
	case known && info.Where&conversation.InGroup != 0:
		_, out := b.conv.Command(ctx, fanzha.Session{}, conversation.Input{Place: conversation.Group, UserLang: ui}, info.Name, p.Args)
		b.say(ctx, saying{chatID: chatID, replyTo: m.MessageID, asker: user}, out)
	default:
		b.sendPlain(ctx, chatID, m.MessageID, b.text("bot_unknown_command", lang), nil)
	}
}

// judgeInGroup answers a question asked in a group about one message.
// Group verdicts do not accumulate: each message is judged on its own.
// words are the asker's own (they choose the language).
func (b *Bot) judgeInGroup(ctx context.Context, in *incoming, text string, kind fanzha.MessageKind, replyTo int, words string) {
	m := in.u.Message
	_, out := b.conv.Message(ctx, fanzha.Session{}, conversation.Input{
		Kind: kind, Text: text, Place: conversation.Group, UserKey: userKey(senderID(m)), UserLang: userLang(m.From), Asker: words,
	})
	b.noteBlocklist(out)
	b.say(ctx, saying{chatID: m.Chat.ID, replyTo: replyTo, asker: senderID(m)}, out)
	if out.View != nil {
		b.log.Debug("judged in a group", "update_id", in.id, "chat_id", m.Chat.ID, "verdict", out.View.Assessment.String())
	}
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
