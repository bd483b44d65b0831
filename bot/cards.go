package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/review"
)

// What a case shows: the consent screen's body and the officers' card.

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
	if err := b.postCard(ctx, c); err != nil {
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
