package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
)

// Command runs one of the shared commands (those of Commands that work in
// in.Place) and returns the updated conversation and what to say. /check
// judges its text (in.Text) like a message. Officers' commands and
// anything a transport must do itself (delete a stored session on /forget)
// are the caller's: Outcome.Forget asks for it.
func (s *Service) Command(ctx context.Context, sess fanzha.Session, in Input, cmd Command, args string) (fanzha.Session, Outcome) {
	lang := s.sessionLang(sess, in)
	if in.Place == Group {
		lang = LangOf(args)
		if args == "" && in.UserLang != "" {
			lang = in.UserLang
		}
	}
	say := func(k string, a ...any) Outcome {
		t := advice.Text(k, lang)
		if len(a) > 0 {
			t = fmt.Sprintf(t, a...)
		}
		return Outcome{Text: t, Lang: lang}
	}
	adv := s.o.Advisor
	switch cmd {
	case CmdStart:
		if in.Place == Terminal {
			return sess, say("chat_welcome")
		}
		if in.Place == Group {
			return sess, say("bot_help")
		}
		var o Outcome
		if sess.Lang == "" && sess.Wrote == "" && in.UserLang == "" {
			// Nothing tells us the language yet: say it in both.
			o = Outcome{Text: s.startText(fanzha.ZH) + "\n\n——\n\n" + s.startText(fanzha.EN), Lang: fanzha.ZH}
		} else {
			o = Outcome{Text: s.startText(lang), Lang: lang}
		}
		if in.Place == Private && s.askDistrict(&sess) {
			o.AskDistrict, o.Store = true, true
		}
		return sess, o
	case CmdHelp:
		if in.Place == Terminal {
			return sess, say("chat_welcome")
		}
		return sess, say("bot_help")
	case CmdHotline:
		return sess, say("bot_hotline", adv.Hotline(), adv.Police())
	case CmdLang:
		l, ok := ParseLang(args)
		if !ok {
			return sess, say("lang_usage")
		}
		sess.Lang, lang = l, l
		o := say("lang_set")
		o.Store = true
		return sess, o
	case CmdNew:
		o := say("bot_new")
		o.Store = true
		return Reset(sess), o
	case CmdForget:
		o := say("bot_forget")
		o.Forget = true
		return fanzha.Session{}, o
	case CmdPaid:
		return s.Paid(ctx, sess, in)
	case CmdQuit:
		return sess, Outcome{Quit: true, Lang: lang}
	case CmdCheck:
		if args == "" {
			return sess, say("bot_check_usage")
		}
		in.Text = args
		return s.Message(ctx, sess, in)
	}
	return sess, say("bot_unknown_command")
}

func (s *Service) startText(lang fanzha.Lang) string {
	adv := s.o.Advisor
	return fmt.Sprintf(advice.Text("bot_start", lang), humanDuration(s.o.SessionTTL, lang), adv.Hotline(), adv.Police())
}

func humanDuration(d time.Duration, lang fanzha.Lang) string {
	if d <= 0 {
		d = 24 * time.Hour
	}
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf(advice.Text("duration_hours", lang), int(d/time.Hour))
	}
	return fmt.Sprintf(advice.Text("duration_minutes", lang), int(d/time.Minute))
}
