package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/report"
)

// The officers' tools beyond the review chat's cards: the weekly report
// (/report, and the Monday report through SendReport), the console's
// sign-in link (/console), cards kept in step with actions taken in the
// console (CaseActed), the district question citizens may answer, and the
// command menus (setMyCommands).

// Reports builds the weekly report; *report.Builder is one.
type Reports interface {
	Current(ctx context.Context) (*report.Report, error)
	Previous(ctx context.Context) (*report.Report, error)
	PNG(r *report.Report) ([]byte, error)
}

// Console gives officers a one-time sign-in link; *console.Console is one.
// fanzha.ErrForbidden means the user is not an officer.
type Console interface {
	SignInLink(ctx context.Context, officer int64) (string, error)
}

// Cards keeps small values with a lifetime where every replica reads them
// (console.MemoryTokens and console.RedisTokens are both): here, the
// message id of each case's card in the review chat.
type Cards interface {
	Put(ctx context.Context, key, value string, ttl time.Duration) error
	Get(ctx context.Context, key string) (string, bool, error)
}

// cardTTL is how long a card's message id is remembered.
const cardTTL = 90 * 24 * time.Hour

// signInMinutes is what the /console reply says about the link's life (the
// console's LinkTTL default).
const signInMinutes = 10

func cardKey(caseID string) string { return "card:" + caseID }

// reportCommand sends this week's report so far, or last week's with
// "last" (上周).
func (b *Bot) reportCommand(ctx context.Context, chatID int64, replyTo int, args string) {
	a := strings.ToLower(strings.TrimSpace(args))
	last := a == "last" || a == "上周" || a == "prev" || a == "previous"
	if err := b.SendReport(ctx, chatID, last); err != nil {
		b.sendPlain(ctx, chatID, replyTo, b.text("off_report_failed", cardLang), nil)
	}
}

// SendReport sends the weekly report to chatID: the chart as a photo, then
// the text (it may be longer than a caption may be). last picks last week
// (the Monday report); otherwise this week so far.
func (b *Bot) SendReport(ctx context.Context, chatID int64, last bool) error {
	if b.opts.Reports == nil {
		return errors.New("bot: no report builder")
	}
	build := b.opts.Reports.Current
	if last {
		build = b.opts.Reports.Previous
	}
	r, err := build(ctx)
	if err != nil {
		b.metrics.Error("store")
		b.log.Error("cannot build the weekly report", "chat_id", chatID, "err", err)
		return err
	}
	png, err := b.opts.Reports.PNG(r)
	if err != nil {
		// The text still goes: it is the report; the chart illustrates it.
		b.log.Error("cannot draw the report chart", "week", r.Week, "err", err)
	} else {
		photo := tgbotapi.NewPhoto(chatID, tgbotapi.FileBytes{Name: "report-" + r.Week + ".png", Bytes: png})
		photo.Caption = fmt.Sprintf(b.text("off_report_chart", cardLang), r.Week)
		if _, err := b.request(ctx, photo); err != nil {
			b.sendFailed(chatID, err)
		}
	}
	if err := b.sendPlain(ctx, chatID, 0, r.Text(), nil); err != nil {
		return err
	}
	b.log.Info("weekly report sent", "chat_id", chatID, "week", r.Week, "so_far", r.SoFar)
	return nil
}

// consoleCommand sends an officer a one-time sign-in link, in their
// private chat only (a link in a group could be opened by anyone there).
func (b *Bot) consoleCommand(ctx context.Context, m *tgbotapi.Message, user int64) {
	lang := cardLang
	switch {
	case b.opts.Console == nil:
		b.sendPlain(ctx, m.Chat.ID, m.MessageID, b.text("off_console_off", lang), nil)
		return
	case !m.Chat.IsPrivate():
		b.sendPlain(ctx, m.Chat.ID, m.MessageID, b.text("off_console_private", lang), nil)
		return
	}
	link, err := b.opts.Console.SignInLink(ctx, user)
	switch {
	case errors.Is(err, fanzha.ErrForbidden):
		b.sendPlain(ctx, m.Chat.ID, m.MessageID, b.text("off_cmd_refused", lang), nil)
		return
	case err != nil:
		b.metrics.Error("store")
		b.log.Error("cannot make a console sign-in link", "user_id", user, "err", err)
		b.sendPlain(ctx, m.Chat.ID, m.MessageID, b.text("off_unavailable", lang), nil)
		return
	}
	// sendHTML turns link previews off: a preview fetch must not be the
	// link's one use (the console also asks for a button press).
	b.sendPlain(ctx, m.Chat.ID, 0, fmt.Sprintf(b.text("off_console_link", lang), signInMinutes, link), nil)
	b.log.Info("console sign-in link sent", "user_id", user)
}

// postCard sends a case's card to the review chat and remembers its
// message id.
func (b *Bot) postCard(ctx context.Context, c fanzha.Case) error {
	msg := tgbotapi.NewMessage(b.opts.ReviewChat, b.fitCard(c, nil))
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	msg.ReplyMarkup = officerKeyboard(c.ID)
	resp, err := b.request(ctx, msg)
	if err != nil {
		b.sendFailed(b.opts.ReviewChat, err)
		return err
	}
	if b.opts.Cards != nil {
		var sent struct {
			MessageID int `json:"message_id"`
		}
		if json.Unmarshal(resp.Result, &sent) == nil && sent.MessageID != 0 {
			if err := b.opts.Cards.Put(ctx, cardKey(c.ID), strconv.Itoa(sent.MessageID), cardTTL); err != nil {
				b.log.Warn("cannot remember a case card", "case_id", c.ID, "err", err)
			}
		}
	}
	return nil
}

// CaseActed shows an action taken outside Telegram (the console) on the
// case's card in the review chat, and tells a citizen who agreed the
// outcome, as a tap on the card would.
func (b *Bot) CaseActed(ctx context.Context, c fanzha.Case, officer int64) {
	if b.opts.Cards != nil && b.opts.ReviewChat != 0 {
		v, ok, err := b.opts.Cards.Get(ctx, cardKey(c.ID))
		msgID, _ := strconv.Atoi(v)
		switch {
		case err != nil:
			b.log.Warn("cannot find a case card", "case_id", c.ID, "err", err)
		case ok && msgID != 0:
			edit := tgbotapi.NewEditMessageTextAndMarkup(b.opts.ReviewChat, msgID, b.fitCard(c, nil), *officerKeyboard(c.ID))
			edit.ParseMode = tgbotapi.ModeHTML
			edit.DisableWebPagePreview = true
			if _, err := b.request(ctx, edit); err != nil {
				b.log.Warn("cannot update a case card", "case_id", c.ID, "err", err)
			}
		}
	}
	b.log.Info("case acted on in the console", "case_id", c.ID, "user_id", officer, "status", c.Status)
	b.tellCitizen(ctx, c)
}

// askDistrict asks a citizen which district they are in: the deployment's
// list as buttons, two a row, and Skip.
func (b *Bot) askDistrict(ctx context.Context, chatID int64, lang fanzha.Lang) {
	ds := b.conv.Districts()
	if len(ds) == 0 {
		return
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for i := 0; i < len(ds); i += 2 {
		row := []tgbotapi.InlineKeyboardButton{button(ds[i], cbData(actDistrict, lang, ds[i]))}
		if i+1 < len(ds) {
			row = append(row, button(ds[i+1], cbData(actDistrict, lang, ds[i+1])))
		}
		rows = append(rows, row)
	}
	rows = append(rows, []tgbotapi.InlineKeyboardButton{button(b.text("btn_skip", lang), cbData(actDistrict, lang))})
	b.sendPlain(ctx, chatID, 0, b.text("district_ask", lang), &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows})
}

// onDistrict records the district chosen (or the question skipped).
func (b *Bot) onDistrict(ctx context.Context, p *press) {
	if p.chatID == 0 {
		b.answer(ctx, p.q.ID, "")
		return
	}
	choice := ""
	if len(p.args) > 0 {
		choice = strings.Join(p.args, ":")
	}
	key := sessionKey(p.chatID)
	sess, remembered := b.loadSession(ctx, key)
	in := p.input()
	in.Lang = p.lang
	sess, out := b.conv.SetDistrict(sess, in, choice)
	b.answer(ctx, p.q.ID, out.Text)
	if p.msgID != 0 {
		b.editMarkup(ctx, p.chatID, p.msgID, nil)
	}
	if remembered {
		b.saveSession(ctx, key, sess)
	}
}

// publishCommands sets the command menus: citizens' commands for everyone
// (Chinese, and English for English clients), and the officers' too in
// each officer's private chat and in the review chat. A failure is logged:
// the commands work without a menu.
func (b *Bot) publishCommands(ctx context.Context) {
	menu := func(lang fanzha.Lang, where conversation.Where) []tgbotapi.BotCommand {
		var cmds []tgbotapi.BotCommand
		for _, c := range conversation.Commands {
			if c.Where&where == 0 {
				continue
			}
			if c.Name == conversation.CmdReport && b.opts.Reports == nil || c.Name == conversation.CmdConsole && (b.opts.Console == nil || where&conversation.InPrivate == 0) {
				continue
			}
			cmds = append(cmds, tgbotapi.BotCommand{Command: string(c.Name), Description: b.text("cmd_"+string(c.Name), lang)})
		}
		return cmds
	}
	set := func(cfg tgbotapi.SetMyCommandsConfig, what string) {
		if _, err := b.request(ctx, cfg); err != nil {
			b.log.Warn("setMyCommands failed; the commands work without a menu", "scope", what, "err", err)
		}
	}
	set(tgbotapi.NewSetMyCommands(menu(fanzha.ZH, conversation.InPrivate)...), "default")
	en := tgbotapi.NewSetMyCommands(menu(fanzha.EN, conversation.InPrivate)...)
	en.LanguageCode = "en"
	set(en, "default en")
	if b.opts.Review == nil {
		return
	}
	for _, id := range b.opts.Officers {
		set(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(id), menu(fanzha.ZH, conversation.InPrivate|conversation.InReview)...), "officer")
	}
	if b.opts.ReviewChat != 0 {
		set(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(b.opts.ReviewChat), menu(fanzha.ZH, conversation.InReview)...), "review chat")
	}
}
