// Package advice renders an Assessment into the reply a person reads: a
// one-line verdict, why (their own words), what the scammer will ask next,
// what to do now and the hotline — stop-payment steps first when money has
// already left. Chinese by default, English when the user writes English.
package advice

import (
	"fmt"
	"html"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/knowledge"
	"github.com/fanzha/fanzha/textnorm"
)

// Options are the numbers replies give.
type Options struct {
	Hotline string // anti-fraud hotline, 96110
	Police  string // emergency number, 110
}

// Advisor writes replies.
type Advisor struct {
	corpus *knowledge.Corpus
	opts   Options
}

// New returns an Advisor; empty numbers take the national defaults.
func New(c *knowledge.Corpus, o Options) *Advisor {
	if o.Hotline == "" {
		o.Hotline = "96110"
	}
	if o.Police == "" {
		o.Police = "110"
	}
	return &Advisor{corpus: c, opts: o}
}

// Hotline returns the configured hotline number.
func (v *Advisor) Hotline() string { return v.opts.Hotline }

// Section is a titled list of lines in a reply.
type Section struct {
	Title string
	Lines []string
}

// Reply is a rendered answer, ready to format as plain text or HTML.
type Reply struct {
	Verdict  string
	Sections []Section
	Footer   string
}

// Reply renders a in lang (empty: the assessment's own language).
func (v *Advisor) Reply(a fanzha.Assessment, lang fanzha.Lang) Reply {
	if lang == "" {
		lang = a.Lang
	}
	if lang != fanzha.EN {
		lang = fanzha.ZH
	}
	t := func(k string) string { return text(k, lang) }
	name := v.corpus.Name(a.Label, lang)
	var r Reply

	subject := ""
	if a.Forwarded {
		subject = t("forwarded_prefix")
	}
	switch {
	case a.Paid:
		r.Verdict = subject + fmt.Sprintf(t("verdict_paid"), name)
	case a.Risk == fanzha.RiskHigh:
		r.Verdict = subject + fmt.Sprintf(t("verdict_high"), name)
	case a.Risk == fanzha.RiskMedium:
		r.Verdict = subject + fmt.Sprintf(t("verdict_medium"), name)
	case a.Risk == fanzha.RiskLow && a.Label.IsFraud():
		r.Verdict = subject + fmt.Sprintf(t("verdict_low"), name)
	case a.Risk == fanzha.RiskLow:
		r.Verdict = subject + t("verdict_low_none")
	default:
		r.Verdict = subject + t("verdict_none")
	}

	if a.Paid {
		r.Sections = append(r.Sections, Section{Title: t("paid_title"), Lines: v.stopPayment(lang)})
	}
	if why := v.why(a, lang); len(why) > 0 {
		title := t("why_title")
		if a.Forwarded {
			title = t("why_title_forwarded")
		}
		r.Sections = append(r.Sections, Section{Title: title, Lines: why})
	}
	if op := a.Assistant; op != nil && (len(op.Reasons) > 0 || op.Question != "") {
		lines := append([]string{}, op.Reasons...)
		if op.Question != "" {
			lines = append(lines, fmt.Sprintf(t("assistant_question"), op.Question))
		}
		r.Sections = append(r.Sections, Section{Title: t("assistant_title"), Lines: lines})
	}
	info := v.corpus.Info(a.Label)
	if a.Label.IsFraud() && info != nil {
		if m, ok := v.bestMatch(a, lang); ok && a.Forwarded {
			r.Sections = append(r.Sections, Section{Title: t("script_title"), Lines: []string{m}})
		}
		if a.Risk >= fanzha.RiskLow && !a.Paid {
			if next := texts(info.NextSteps, lang, 3); len(next) > 0 {
				r.Sections = append(r.Sections, Section{Title: t("next_title"), Lines: next})
			}
		}
		if !a.Paid {
			do := texts(info.Advice, lang, 3)
			do = append(do, fmt.Sprintf(t("do_hotline"), v.opts.Hotline))
			r.Sections = append(r.Sections, Section{Title: t("do_title"), Lines: do})
		}
	} else if !a.Paid {
		r.Sections = append(r.Sections, Section{Title: t("do_title"), Lines: []string{t("none_tip_1"), t("none_tip_2"), fmt.Sprintf(t("do_hotline"), v.opts.Hotline)}})
	}
	r.Footer = fmt.Sprintf(t("footer"), v.opts.Hotline, v.opts.Police)
	return r
}

// StopPayment returns the emergency steps for someone who has already paid.
func (v *Advisor) StopPayment(lang fanzha.Lang) Reply {
	return Reply{
		Verdict:  text("paid_now", lang),
		Sections: []Section{{Title: text("paid_title", lang), Lines: v.stopPayment(lang)}},
		Footer:   fmt.Sprintf(text("footer", lang), v.opts.Hotline, v.opts.Police),
	}
}

func (v *Advisor) stopPayment(lang fanzha.Lang) []string {
	return []string{
		fmt.Sprintf(text("paid_1", lang), v.opts.Police, v.opts.Hotline),
		text("paid_2", lang),
		text("paid_3", lang),
		text("paid_4", lang),
	}
}

// why lists the red flags, quoting the user's words.
func (v *Advisor) why(a fanzha.Assessment, lang fanzha.Lang) []string {
	var out []string
	for _, f := range a.Flags {
		if f.ID == "already_paid" {
			continue
		}
		expl := f.Text.In(lang)
		if expl == "" {
			continue
		}
		if f.Span != "" {
			out = append(out, fmt.Sprintf(text("quote", lang), textnorm.OneLine(f.Span, 40), expl))
		} else {
			out = append(out, expl)
		}
		if len(out) == 6 {
			break
		}
	}
	if len(out) == 0 && a.Label.IsFraud() {
		if m, ok := v.bestMatch(a, lang); ok {
			out = append(out, m)
		}
	}
	return out
}

// bestMatch describes the closest script of the assessed type in lang.
func (v *Advisor) bestMatch(a fanzha.Assessment, lang fanzha.Lang) (string, bool) {
	for _, m := range a.Matches {
		if m.Type == a.Label {
			return fmt.Sprintf(text("similar", lang), v.corpus.Name(m.Type, lang), m.ID, m.Score*100), true
		}
	}
	return "", false
}

func texts(ts []fanzha.Text, lang fanzha.Lang, n int) []string {
	var out []string
	for _, t := range ts {
		if s := t.In(lang); s != "" {
			out = append(out, s)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// Text formats the reply as plain text (terminal, logs in debug).
func (r Reply) Text() string {
	var b strings.Builder
	b.WriteString(r.Verdict)
	b.WriteString("\n")
	for _, s := range r.Sections {
		b.WriteString("\n")
		b.WriteString(s.Title)
		b.WriteString("\n")
		for i, l := range s.Lines {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, l)
		}
	}
	if r.Footer != "" {
		b.WriteString("\n")
		b.WriteString(r.Footer)
		b.WriteString("\n")
	}
	return b.String()
}

// HTML formats the reply for Telegram's HTML parse mode, escaping everything
// that came from the user or the corpus.
func (r Reply) HTML() string {
	var b strings.Builder
	b.WriteString("<b>")
	b.WriteString(html.EscapeString(r.Verdict))
	b.WriteString("</b>\n")
	for _, s := range r.Sections {
		b.WriteString("\n<b>")
		b.WriteString(html.EscapeString(s.Title))
		b.WriteString("</b>\n")
		for _, l := range s.Lines {
			b.WriteString("• ")
			b.WriteString(html.EscapeString(l))
			b.WriteString("\n")
		}
	}
	if r.Footer != "" {
		b.WriteString("\n<i>")
		b.WriteString(html.EscapeString(r.Footer))
		b.WriteString("</i>\n")
	}
	return b.String()
}
