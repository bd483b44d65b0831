// Package advice renders an Assessment into the reply a person reads: a
// one-line verdict, why (their own words), what the scammer will ask next,
// what to do now and the hotline — stop-payment steps first when money has
// already left. Chinese by default, English when the user writes English.
package advice

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/knowledge"
	"github.com/fanzha/fanzha/textnorm"
)

// Options are the numbers replies give; both are required (their defaults,
// 96110 and 110, live in config).
type Options struct {
	Hotline string // anti-fraud hotline
	Police  string // emergency number when money has left
}

// Advisor writes replies.
type Advisor struct {
	corpus *knowledge.Corpus
	opts   Options
}

// New returns an Advisor.
func New(c *knowledge.Corpus, o Options) (*Advisor, error) {
	if o.Hotline == "" || o.Police == "" {
		return nil, errors.New("advice: the hotline and police numbers are required")
	}
	return &Advisor{corpus: c, opts: o}, nil
}

// Hotline returns the configured hotline number.
func (v *Advisor) Hotline() string { return v.opts.Hotline }

// Police returns the configured emergency number.
func (v *Advisor) Police() string { return v.opts.Police }

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
	// Notes are a front end's lines after the footer (the officer offer,
	// "I cannot remember this conversation").
	Notes []string
	// Ask is the deciding question, last, just above its buttons.
	Ask *Section
}

// About says whose words a verdict is about; the reply's wording follows.
type About int

const (
	// AboutYou: the citizen's own account, in a conversation with them.
	AboutYou About = iota
	// AboutForwarded: a message the citizen forwarded or pasted to us.
	AboutForwarded
	// AboutThisMessage: a message someone asked about in a group; the
	// reply speaks of "this message", never of "you".
	AboutThisMessage
)

// View is what a verdict reply shows: the reply model the conversation
// service returns and every front end renders.
type View struct {
	Assessment fanzha.Assessment
	Lang       fanzha.Lang
	About      About
	// Question is the type's deciding question the reply ends with; zero
	// when none is asked.
	Question fanzha.Text
	// PaidFirst: money has left in this conversation; the stop-payment
	// steps come first whatever this message says.
	PaidFirst bool
	// Officer: the reader is an anti-fraud officer, who may see the ids of
	// the corpus scripts and similarity figures.
	Officer bool
}

// Reply renders a in lang (empty: the assessment's own language), about
// the user's own words or, when a.Forwarded, about a forwarded message.
func (v *Advisor) Reply(a fanzha.Assessment, lang fanzha.Lang) Reply {
	w := View{Assessment: a, Lang: lang}
	if a.Forwarded {
		w.About = AboutForwarded
	}
	// Unsure of the type: ask its deciding question rather than assert it.
	if info := v.corpus.Info(a.Label); a.Unsure && !a.Paid && info != nil {
		w.Question = info.Question
	}
	return v.Render(w)
}

// Limits of a reply read at a glance.
const (
	maxReasons = 3 // reasons, each quoting different words
	maxSteps   = 3 // steps in "what to do now"
	maxQuote   = 24
)

// Render writes the reply read at a glance: a verdict line, at most three
// reasons, one "what they will ask next", at most three steps and one
// hotline line (stop-payment steps first when money has left). Details
// has the rest.
func (v *Advisor) Render(w View) Reply {
	a, lang := w.Assessment, normLang(w.Lang, w.Assessment.Lang)
	t := func(k string) string { return text(k, lang) }
	paid := a.Paid || w.PaidFirst
	unsure := a.Unsure && !a.Paid && w.Question.ZH != ""
	var r Reply
	r.Verdict = v.verdict(w, lang, unsure)
	if paid {
		r.Sections = append(r.Sections, Section{Title: t("paid_title"), Lines: v.stopPayment(lang)[:3]})
	}
	if a.Risk > fanzha.RiskNone || a.Paid {
		n := maxReasons
		if paid {
			n = 2 // the stop-payment steps come first and matter most
		}
		// A type the model is unsure of is not asserted, paid or not.
		if why := v.why(w, lang, n, maxQuote, unsure || a.Unsure); len(why) > 0 {
			r.Sections = append(r.Sections, Section{Title: whyTitle(w.About, lang), Lines: why})
		}
	}
	if op := a.Assistant; op != nil && (len(op.Reasons) > 0 || op.Question != "") {
		lines := append([]string{}, op.Reasons[:min(len(op.Reasons), 2)]...)
		if op.Question != "" {
			lines = append(lines, fmt.Sprintf(t("assistant_question"), op.Question))
		}
		r.Sections = append(r.Sections, Section{Title: t("assistant_title"), Lines: lines})
	}
	info := v.corpus.Info(a.Label)
	fraud := a.Label.IsFraud() && info != nil && a.Risk >= fanzha.RiskLow
	if fraud && !unsure && (a.Forwarded || w.About == AboutForwarded) {
		// A volunteer forwarding a message learns the script it matches.
		if m, ok := v.bestMatch(w, lang); ok {
			r.Sections = append(r.Sections, Section{Title: t("script_title"), Lines: []string{m}})
		}
	}
	if fraud && !paid && !unsure {
		if next := texts(info.NextSteps, lang, 1); len(next) > 0 {
			r.Sections = append(r.Sections, Section{Title: t("next_one_title"), Lines: next})
		}
	}
	if w.Question.ZH != "" {
		r.Ask = &Section{Title: t("question_title"), Lines: []string{w.Question.In(lang)}}
	}
	if !paid {
		var do []string
		if fraud && !unsure {
			do = v.steps(info.Advice, lang, maxSteps)
		} else if a.Risk > fanzha.RiskNone {
			do = []string{t("none_tip_1"), t("none_tip_2")}
		} else {
			do = []string{t("none_tip_1")}
		}
		r.Sections = append(r.Sections, Section{Title: t("do_title"), Lines: do})
		r.Footer = fmt.Sprintf(t("footer"), v.opts.Hotline, v.opts.Police)
	}
	return r
}

// Details is what the "详细说明 / More" button shows: every reason, the
// script it resembles, what else the scammer may ask, all the advice.
// Officers also see script ids and similarity figures.
func (v *Advisor) Details(w View) Reply {
	a, lang := w.Assessment, normLang(w.Lang, w.Assessment.Lang)
	t := func(k string) string { return text(k, lang) }
	r := Reply{Verdict: v.verdict(w, lang, false)}
	if a.Paid || w.PaidFirst {
		r.Sections = append(r.Sections, Section{Title: t("paid_title"), Lines: v.stopPayment(lang)})
	}
	if a.Risk > fanzha.RiskNone || a.Paid {
		if why := v.why(w, lang, 6, 40, false); len(why) > 0 {
			r.Sections = append(r.Sections, Section{Title: whyTitle(w.About, lang), Lines: why})
		}
	}
	info := v.corpus.Info(a.Label)
	if a.Label.IsFraud() && info != nil {
		if m, ok := v.bestMatch(w, lang); ok {
			r.Sections = append(r.Sections, Section{Title: t("script_title"), Lines: []string{m}})
		}
		if next := texts(info.NextSteps, lang, 3); len(next) > 0 {
			r.Sections = append(r.Sections, Section{Title: t("next_title"), Lines: next})
		}
		if wf := texts(info.RedFlags, lang, 4); len(wf) > 0 {
			r.Sections = append(r.Sections, Section{Title: t("watch_title"), Lines: wf})
		}
		r.Sections = append(r.Sections, Section{Title: t("do_title"), Lines: texts(info.Advice, lang, 6)})
	} else {
		r.Sections = append(r.Sections, Section{Title: t("do_title"), Lines: []string{t("none_tip_1"), t("none_tip_2")}})
	}
	r.Footer = fmt.Sprintf(t("footer"), v.opts.Hotline, v.opts.Police)
	return r
}

func normLang(lang, def fanzha.Lang) fanzha.Lang {
	if lang == "" {
		lang = def
	}
	if lang != fanzha.EN {
		return fanzha.ZH
	}
	return lang
}

// verdict is the first line. An unsure verdict names no type: the
// question that follows decides it.
func (v *Advisor) verdict(w View, lang fanzha.Lang, unsure bool) string {
	a := w.Assessment
	t := func(k string) string { return text(k, lang) }
	name := v.corpus.Name(a.Label, lang)
	subject := ""
	switch {
	case a.Forwarded || w.About == AboutForwarded:
		subject = t("forwarded_prefix")
	case w.About == AboutThisMessage:
		subject = t("this_message_prefix")
	}
	switch {
	case a.Paid && a.Label.IsFraud() && !a.Unsure:
		return subject + fmt.Sprintf(t("verdict_paid"), name)
	case a.Paid:
		return t("paid_now")
	case unsure:
		return subject + t("verdict_unsure")
	case a.Risk == fanzha.RiskHigh:
		return subject + fmt.Sprintf(t("verdict_high"), name)
	case a.Risk == fanzha.RiskMedium:
		return subject + fmt.Sprintf(t("verdict_medium"), name)
	case a.Risk == fanzha.RiskLow && a.Label.IsFraud():
		return subject + fmt.Sprintf(t("verdict_low"), name)
	case a.Risk == fanzha.RiskLow:
		return subject + t("verdict_low_none")
	}
	return subject + t("verdict_none")
}

func whyTitle(about About, lang fanzha.Lang) string {
	switch about {
	case AboutForwarded:
		return text("why_title_forwarded", lang)
	case AboutThisMessage:
		return text("why_title_this", lang)
	}
	return text("why_title", lang)
}

// StopPayment returns the emergency steps for someone who has already paid.
func (v *Advisor) StopPayment(lang fanzha.Lang) Reply {
	// The first step gives both numbers: no footer repeats them.
	return Reply{
		Verdict:  text("paid_now", lang),
		Sections: []Section{{Title: text("paid_title", lang), Lines: v.stopPayment(lang)}},
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

// why lists up to n red flags, strongest first (the classifier orders
// them), each quoting words no earlier reason quoted; without flags, the
// script the text resembles (not when unsure: that would name a type).
func (v *Advisor) why(w View, lang fanzha.Lang, n, quoteLen int, unsure bool) []string {
	a := w.Assessment
	var out, quoted []string
	for _, f := range a.Flags {
		if f.ID == "already_paid" {
			continue
		}
		expl := f.Text.In(lang)
		if expl == "" {
			continue
		}
		span := strings.TrimSpace(f.Span)
		if span != "" && overlaps(quoted, span) {
			continue
		}
		if n <= maxReasons {
			expl = firstSentence(expl)
		}
		if span != "" {
			quoted = append(quoted, span)
			out = append(out, fmt.Sprintf(text("quote", lang), textnorm.OneLine(span, quoteLen), expl))
		} else {
			out = append(out, expl)
		}
		if len(out) == n {
			break
		}
	}
	if len(out) == 0 && a.Label.IsFraud() && !unsure {
		if m, ok := v.bestMatch(w, lang); ok {
			out = append(out, m)
		}
	}
	return out
}

// steps are up to n pieces of advice read at a glance: each its first
// sentence (the rest is in Details), leaving out the ones that give the
// hotline and the ones for when money has left (the last line says both,
// once; the stop-payment steps replace them when money has left).
func (v *Advisor) steps(ts []fanzha.Text, lang fanzha.Lang, n int) []string {
	var out []string
	for _, t := range ts {
		s := t.In(lang)
		if s == "" || strings.Contains(s, v.opts.Hotline) || forWhenPaid(s) {
			continue
		}
		out = append(out, firstSentence(s))
		if len(out) == n {
			break
		}
	}
	return out
}

// forWhenPaid reports whether a piece of advice is for when money has
// already left ("如果钱已经转出…", "If money has already gone…").
func forWhenPaid(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"如果钱已经", "如果已经转", "如已转", "已经转账", "钱已转出", "if money has", "if you already paid", "if you have already", "if you've already"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// firstSentence cuts s after its first sentence or clause (a full stop,
// a semicolon or a dash, Chinese or English), when there is more after it.
func firstSentence(s string) string {
	cut, keep := -1, 0
	for _, end := range []string{"。", "！", "？", ". ", "! ", "? ", "；", "; ", "——", " — "} {
		if i := strings.Index(s, end); i >= 0 && (cut < 0 || i < cut) {
			cut, keep = i, len(end)
			if end == "——" || end == " — " || end == "；" || end == "; " {
				keep = 0
			}
		}
	}
	if cut < 0 || cut+len("。") >= len(strings.TrimSpace(s)) {
		return s
	}
	out := strings.TrimSpace(s[:cut+keep])
	if keep == 0 {
		if isLatin(out) {
			out += "."
		} else {
			out += "。"
		}
	}
	return out
}

func isLatin(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 {
			return false
		}
	}
	return true
}

// overlaps reports whether span shares its words with a quoted one.
func overlaps(quoted []string, span string) bool {
	for _, q := range quoted {
		if strings.Contains(q, span) || strings.Contains(span, q) {
			return true
		}
	}
	return false
}

// bestMatch describes the closest script of the assessed type in lang.
// Citizens get its type; officers also its id and similarity.
func (v *Advisor) bestMatch(w View, lang fanzha.Lang) (string, bool) {
	a := w.Assessment
	for _, m := range a.Matches {
		if m.Type == a.Label {
			if w.Officer {
				return fmt.Sprintf(text("similar_officer", lang), v.corpus.Name(m.Type, lang), m.ID, m.Score*100), true
			}
			return fmt.Sprintf(text("similar", lang), v.corpus.Name(m.Type, lang)), true
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
		if s.Title != "" {
			b.WriteString(s.Title)
			b.WriteString("\n")
		}
		for i, l := range s.Lines {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, l)
		}
	}
	if r.Footer != "" {
		b.WriteString("\n")
		b.WriteString(r.Footer)
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		b.WriteString("\n" + n + "\n")
	}
	if r.Ask != nil {
		b.WriteString("\n" + r.Ask.Title + "\n")
		for _, l := range r.Ask.Lines {
			b.WriteString(l + "\n")
		}
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
		b.WriteString("\n")
		if s.Title != "" {
			b.WriteString("<b>")
			b.WriteString(html.EscapeString(s.Title))
			b.WriteString("</b>\n")
		}
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
	for _, n := range r.Notes {
		b.WriteString("\n" + html.EscapeString(n) + "\n")
	}
	if r.Ask != nil {
		b.WriteString("\n<b>" + html.EscapeString(r.Ask.Title) + "</b>\n")
		for _, l := range r.Ask.Lines {
			b.WriteString(html.EscapeString(l) + "\n")
		}
	}
	return b.String()
}
