// Package conversation is Fanzha's one conversation engine. Every front end
// — the bot's private chats, groups, forwards and buttons, `fanzha chat`
// and `fanzha check` — hands it a message with its context and gets back
// the updated conversation and a reply model; front ends only translate
// their transport to and from it.
//
// It owns what decides a verdict beyond one text: accumulation over a
// conversation (risk never drops until the user starts over), the joint
// judgement of the citizen's recent messages, the blocklist of confirmed
// scammers' indicators, the paid rule, the deciding question and its
// answers, the language of the reply, and where the optional LLM assistant
// is asked (what users ask about, never unsolicited group forwards).
package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/stats"
)

// Place is where a message arrives.
type Place int

const (
	// Private: a private chat with the bot; messages add up.
	Private Place = iota
	// Terminal: `fanzha chat`; messages add up, as in a private chat.
	Terminal
	// Group: someone in a group asked about one message; it is judged on
	// its own and the reply speaks of "this message".
	Group
	// OneShot: `fanzha check`: one message, no conversation.
	OneShot
)

// Input is one message and its context.
type Input struct {
	Kind  fanzha.MessageKind
	Text  string
	Place Place
	// UserKey identifies who asks ("tg:<user id>", "cli"), for the
	// assistant's per-user limits; never logged.
	UserKey string
	// UserLang is the language of the sender's client (Telegram's
	// language_code), used when their words do not say.
	UserLang fanzha.Lang
	// Asker holds the asker's own words in a group ("@bot 这是真的吗"),
	// which choose the reply's language; Text is the message judged.
	Asker string
	// Lang, when set, is the reply's language whatever else says (the
	// language of the button pressed).
	Lang fanzha.Lang
	// Unsolicited: a forward in a group that nobody asked about. The rules
	// alone judge it (no assistant), and the reply is Silent unless the
	// risk is high.
	Unsolicited bool
}

// Outcome is what a front end says and keeps after a message.
type Outcome struct {
	// Silent: say nothing.
	Silent bool
	// View is the verdict, when the outcome is one; Reply is rendered.
	View *advice.View
	// Reply is a rendered answer (a verdict, stop-payment steps, the
	// answer to "no"); Text is a plain fixed text. One of them is set
	// unless Silent.
	Reply *advice.Reply
	Text  string
	// Lang is the language of what is said.
	Lang fanzha.Lang
	// QuestionType is the type whose deciding question the verdict asks.
	QuestionType fanzha.ScamType
	// Store: the conversation changed and should be kept; Forget: it should
	// be deleted; Quit: the terminal chat ends.
	Store, Forget, Quit bool
	// AskDistrict: after saying this, ask which district the citizen is
	// in (Service.Districts, with a skip button). Asked once.
	AskDistrict bool
	// BlockHits counts blocklisted indicators found; BlocklistErr is a
	// failed lookup (the verdict stands without it).
	BlockHits    int
	BlocklistErr error
}

// Options configure a Service. Classify and Advisor are required.
type Options struct {
	// Classify is the rules' judgement of one text (classifier.Classify).
	Classify func(ctx context.Context, text string) fanzha.Assessment
	// Assess judges what a user asks about, with the optional assistant
	// (assist.Engine.Assess); Classify when nil.
	Assess  func(ctx context.Context, userKey, text string) fanzha.Assessment
	Advisor *advice.Advisor
	// Blocklist, when set, makes a message carrying a confirmed scammer's
	// indicator high risk.
	Blocklist fanzha.Blocklist
	// Stats, when set, counts flagged conversations, cases and
	// stop-payment hand-offs for the officers' weekly report (closed
	// fields only), and keeps new-script samples (redacted).
	Stats stats.Store
	// Districts is the deployment's list a citizen may choose from (asked
	// once, optionally); empty: never asked.
	Districts stats.Districts
	// SessionTTL is how long a conversation is kept; /start says so.
	SessionTTL time.Duration
	Now        func() time.Time
	Logger     *slog.Logger
}

// Service is the conversation engine. It is safe for concurrent use; it
// holds no conversation itself (callers load and store sessions).
type Service struct {
	o   Options
	log *slog.Logger
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Classify == nil || o.Advisor == nil {
		return nil, errors.New("conversation: a classifier and an advisor are required")
	}
	if o.Assess == nil {
		classify := o.Classify
		o.Assess = func(ctx context.Context, _, text string) fanzha.Assessment { return classify(ctx, text) }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{o: o, log: o.Logger.With("component", "conversation")}, nil
}

// Advisor returns the reply writer.
func (s *Service) Advisor() *advice.Advisor { return s.o.Advisor }

// Message judges one message and returns the updated conversation and what
// to say. In a private chat or the terminal, the citizen's own messages
// add up (risk never drops; their recent messages are also judged
// together) and the reply is about the conversation; a forwarded message
// or a picture's text is answered on its own and still adds its evidence.
// A group question and `check` judge the one message.
func (s *Service) Message(ctx context.Context, sess fanzha.Session, in Input) (fanzha.Session, Outcome) {
	var out Outcome
	var a fanzha.Assessment
	if in.Unsolicited {
		a = s.o.Classify(ctx, in.Text)
	} else {
		a = s.o.Assess(ctx, in.UserKey, in.Text)
	}
	s.checkBlocklist(ctx, &a, &out)
	forwarded := in.Kind == fanzha.MsgForwarded || in.Kind == fanzha.MsgPicture
	a.Forwarded = forwarded

	if in.Place == Group || in.Place == OneShot {
		if in.Unsolicited && a.Risk < fanzha.RiskHigh {
			out.Silent = true
			return sess, out
		}
		w := advice.View{Assessment: a, Lang: s.lang(fanzha.Session{}, in, a)}
		if in.Place == Group {
			w.About = advice.AboutThisMessage
		} else if forwarded {
			w.About = advice.AboutForwarded
		}
		s.ask(&w, &out, nil)
		if in.Place == Group {
			s.countGroup(ctx, a, in.Text)
		}
		return sess, s.verdict(out, w)
	}

	conv := a
	if sess.Assessment.Label != "" {
		conv = classifier.Accumulate(sess.Assessment, a)
		// Evidence spread over messages adds up: "a policeman called" and
		// later "he wants me to move my money" are judged together too
		// (unless the conversation is already at the top).
		if own := ownTexts(sess.Recent); !forwarded && len(own) > 0 && conv.Risk < fanzha.RiskHigh {
			whole := s.o.Classify(ctx, strings.Join(append(own, in.Text), "\n"))
			conv = classifier.Accumulate(conv, whole)
		}
	}
	shown := conv
	w := advice.View{Assessment: conv}
	if forwarded {
		shown = a
		w = advice.View{Assessment: a, About: advice.AboutForwarded, PaidFirst: conv.Paid}
	}
	w.Lang = s.lang(sess, in, shown)
	if !forwarded {
		if l, ok := wordsLang(in.Text); ok {
			sess.Wrote = l
		}
	}
	sess.Assessment = conv
	sess.Recent = AddRecent(sess.Recent, fanzha.Message{Kind: kindOr(in.Kind), Text: in.Text, At: s.o.Now()})
	out.Store = true
	s.ask(&w, &out, sess.Answered)
	if in.Place == Private {
		s.countConversation(ctx, &sess, conv, channelOf(in), in.Text)
		if conv.Risk >= fanzha.RiskMedium {
			out.AskDistrict = s.askDistrict(&sess)
		}
	}
	return sess, s.verdict(out, w)
}

// Details is what the "详细说明 / More" button shows: about the message
// text (a forward, a group's message) when given, else about the
// conversation.
func (s *Service) Details(ctx context.Context, sess fanzha.Session, in Input, officer bool) Outcome {
	var w advice.View
	if strings.TrimSpace(in.Text) == "" {
		w = advice.View{Assessment: sess.Assessment, Lang: s.sessionLang(sess, in)}
	} else {
		_, o := s.Message(ctx, fanzha.Session{Lang: sess.Lang, Wrote: sess.Wrote}, Input{
			Kind: in.Kind, Text: in.Text, Place: OneShot, UserKey: in.UserKey, UserLang: in.UserLang, Asker: in.Asker,
		})
		if o.View == nil {
			return Outcome{Silent: true}
		}
		w = *o.View
		if in.Place == Group {
			w.About = advice.AboutThisMessage
		}
		w.PaidFirst = w.PaidFirst || sess.Assessment.Paid
	}
	w.Officer = officer
	r := s.o.Advisor.Details(w)
	return Outcome{Reply: &r, Lang: w.Lang}
}

// Paid records that money has left: the conversation becomes paid (high
// risk when a scam was recognised) and every later reply puts the
// stop-payment steps first. The reply is those steps.
func (s *Service) Paid(ctx context.Context, sess fanzha.Session, in Input) (fanzha.Session, Outcome) {
	sess.Assessment.Paid = true
	if sess.Assessment.Label.IsFraud() {
		sess.Assessment.Risk = fanzha.RiskHigh
	}
	if in.Place == Private {
		s.countStopPayment(ctx, &sess)
	}
	lang := s.sessionLang(sess, in)
	r := s.o.Advisor.StopPayment(lang)
	return sess, Outcome{Reply: &r, Lang: lang, Store: true}
}

// Answer records the citizen's answer to type t's deciding question. "Yes"
// confirms the decisive step of that scam: the conversation gets a hard
// flag quoting the question, the type and a high risk, and the reply is
// the updated verdict. "No" lowers nothing and says what to watch for. A
// question is answered once per conversation (Outcome.Text says so).
func (s *Service) Answer(sess fanzha.Session, in Input, t fanzha.ScamType, yes bool) (fanzha.Session, Outcome) {
	lang := s.sessionLang(sess, in)
	q, ok := s.o.Advisor.Question(t)
	if !ok {
		return sess, Outcome{Silent: true}
	}
	if slices.Contains(sess.Answered, t) {
		return sess, Outcome{Text: advice.Text("bot_cb_answered", lang), Lang: lang}
	}
	sess.Answered = append(sess.Answered, t)
	answer := "no"
	if yes {
		answer = "yes"
	}
	sess.Recent = AddRecent(sess.Recent, fanzha.Message{Kind: fanzha.MsgAnswer,
		Text: fmt.Sprintf(advice.Text("followup_recent_"+answer, fanzha.ZH), q.ZH), At: s.o.Now()})
	if yes {
		conv := sess.Assessment
		conv.Flags = append([]fanzha.Flag{advice.ConfirmedFlag(t, q)}, withoutFlag(conv.Flags, advice.FlagConfirmedByUser)...)
		conv.Risk = fanzha.RiskHigh
		conv.Unsure = false
		conv.Label = t
		if conv.Lang == "" {
			conv.Lang = lang
		}
		if conv.Indicators == nil {
			conv.Indicators = []fanzha.Indicator{}
		}
		sess.Assessment = conv
		w := advice.View{Assessment: conv, Lang: lang}
		return sess, s.verdict(Outcome{Store: true}, w)
	}
	// "No": the risk stays where it was; say what would change it.
	risk, label := sess.Assessment.Risk, sess.Assessment.Label
	if !label.IsFraud() {
		label, risk = t, fanzha.RiskMedium
	}
	r := s.o.Advisor.FollowUpNo(risk, label, t, lang)
	return sess, Outcome{Reply: &r, Lang: lang, Store: true}
}

// Reset starts a new conversation: its evidence, messages, answers and
// case go; the language stays.
func Reset(sess fanzha.Session) fanzha.Session {
	return fanzha.Session{Lang: sess.Lang, Wrote: sess.Wrote, District: sess.District, DistrictAsked: sess.DistrictAsked}
}

// verdict completes an outcome with its rendered view.
func (s *Service) verdict(out Outcome, w advice.View) Outcome {
	r := s.o.Advisor.Render(w)
	out.View, out.Reply, out.Lang = &w, &r, w.Lang
	return out
}

// ask sets the deciding question of an ambiguous verdict (a fraud label at
// low or medium risk without a hard flag, or one the classifier is unsure
// of), unless it was answered in this conversation.
func (s *Service) ask(w *advice.View, out *Outcome, answered []fanzha.ScamType) {
	a := w.Assessment
	if !(advice.NeedsQuestion(a) || a.Unsure && a.Label.IsFraud() && !a.Paid) || slices.Contains(answered, a.Label) {
		return
	}
	if q, ok := s.o.Advisor.Question(a.Label); ok {
		w.Question, out.QuestionType = q, a.Label
	}
}

// checkBlocklist makes a message carrying an indicator of a confirmed scam
// high risk. A blocklist that cannot be reached changes nothing.
func (s *Service) checkBlocklist(ctx context.Context, a *fanzha.Assessment, out *Outcome) {
	if s.o.Blocklist == nil || len(a.Indicators) == 0 {
		return
	}
	hits, err := s.o.Blocklist.Lookup(ctx, a.Indicators)
	if err != nil {
		out.BlocklistErr = err
		if !errors.Is(err, fanzha.ErrUnavailable) {
			s.log.Error("blocklist lookup failed", "err", err)
		}
		return
	}
	if len(hits) > 0 {
		Escalate(a, hits)
		out.BlockHits = len(hits)
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Cases...)
		}
		s.log.Info("blocklisted indicator in a message", "hits", len(hits), "case_ids", strings.Join(ids, ","))
	}
}

// lang is the language of a verdict: the one the user chose; else their
// own words (in a group, the asker's words); else what they wrote before
// or their client's language; else the judged text's.
func (s *Service) lang(sess fanzha.Session, in Input, a fanzha.Assessment) fanzha.Lang {
	switch {
	case in.Lang != "":
		return in.Lang
	case sess.Lang != "":
		return sess.Lang
	}
	words := in.Text
	switch {
	case in.Place == Group:
		words = in.Asker
	case in.Kind == fanzha.MsgForwarded || in.Kind == fanzha.MsgPicture:
		words = ""
	}
	if l, ok := wordsLang(words); ok {
		return l
	}
	switch {
	case sess.Wrote != "":
		return sess.Wrote
	case in.UserLang != "":
		return in.UserLang
	case a.Lang == fanzha.EN:
		return fanzha.EN
	}
	return fanzha.ZH
}

// sessionLang is the language outside a verdict: the one chosen, else the
// one the user writes in, else their client's, else Chinese.
func (s *Service) sessionLang(sess fanzha.Session, in Input) fanzha.Lang {
	switch {
	case in.Lang != "":
		return in.Lang
	case sess.Lang != "":
		return sess.Lang
	case sess.Wrote != "":
		return sess.Wrote
	case in.UserLang != "":
		return in.UserLang
	}
	return fanzha.ZH
}

// SessionLang is the language to speak to a conversation outside a
// verdict (commands, notices).
func (s *Service) SessionLang(sess fanzha.Session, userLang fanzha.Lang) fanzha.Lang {
	return s.sessionLang(sess, Input{UserLang: userLang})
}

// wordsLang is the language of a text when its letters say so: English for
// mostly Latin letters (four or more), Chinese for any Chinese character.
func wordsLang(s string) (fanzha.Lang, bool) {
	var han, latin int
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < 0x80 && unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case latin >= 4 && latin > 3*han:
		return fanzha.EN, true
	case han > 0:
		return fanzha.ZH, true
	}
	return "", false
}

// LangOf is the language of a short text, Chinese when unsure.
func LangOf(s string) fanzha.Lang {
	if l, ok := wordsLang(s); ok {
		return l
	}
	return fanzha.ZH
}

// ParseLang reads the argument of /lang; false when it names no language.
func ParseLang(arg string) (fanzha.Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(arg)) {
	case "zh", "cn", "中文", "chinese":
		return fanzha.ZH, true
	case "en", "english", "英文":
		return fanzha.EN, true
	}
	return "", false
}

func kindOr(k fanzha.MessageKind) fanzha.MessageKind {
	if k == "" {
		return fanzha.MsgOwn
	}
	return k
}

// ownTexts returns the citizen's own recent messages: not what they
// forwarded, not their answers to a deciding question.
func ownTexts(recent []fanzha.Message) []string {
	var out []string
	for _, m := range recent {
		if m.Kind.Own() {
			out = append(out, m.Text)
		}
	}
	return out
}

func withoutFlag(fl []fanzha.Flag, id string) []fanzha.Flag {
	var out []fanzha.Flag
	for _, f := range fl {
		if f.ID != id {
			out = append(out, f)
		}
	}
	return out
}

// AddRecent keeps the latest messages of a conversation for a case's
// excerpt and the joint judgement: at most fanzha.MaxRecent, each clipped
// to fanzha.MaxRecentRunes.
func AddRecent(recent []fanzha.Message, m fanzha.Message) []fanzha.Message {
	m.Text = strings.TrimSpace(m.Text)
	if r := []rune(m.Text); len(r) > fanzha.MaxRecentRunes {
		m.Text = string(r[:fanzha.MaxRecentRunes]) + "…"
	}
	recent = append(recent, m)
	if len(recent) > fanzha.MaxRecent {
		recent = append([]fanzha.Message(nil), recent[len(recent)-fanzha.MaxRecent:]...)
	}
	return recent
}
