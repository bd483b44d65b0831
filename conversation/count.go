package conversation

import (
	"context"
	"errors"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/stats"
)

// What the officers' weekly report counts (package stats): closed fields
// only, never the citizen's words, except a redacted excerpt of a flagged
// conversation that matches no known script (a new-script sample).
//
// A private conversation is counted once, when it first reaches medium or
// high risk (the report's totals are conversations, so reaching high
// afterwards does not count it again); a group question at medium or high
// once each; a case when it is handed to officers; a stop-payment hand-off
// once per conversation. Each carries the channel and, when the citizen
// chose one before, their district. A count that fails is logged and
// lost: it never holds up a reply.

// channelOf is where a message came from, for the counts.
func channelOf(in Input) stats.Channel {
	switch {
	case in.Place == Group:
		return stats.ChannelGroup
	case in.Kind == fanzha.MsgPicture:
		return stats.ChannelPicture
	case in.Kind == fanzha.MsgForwarded:
		return stats.ChannelForward
	}
	return stats.ChannelPrivate
}

// countConversation counts a private conversation the first time it is at
// medium or high risk with a fraud type, and its stop-payment hand-off
// when money has left (the verdict then puts those steps first).
func (s *Service) countConversation(ctx context.Context, sess *fanzha.Session, conv fanzha.Assessment, ch stats.Channel, text string) {
	if s.o.Stats == nil {
		return
	}
	if !sess.Counted && conv.Risk >= fanzha.RiskMedium && conv.Label.IsFraud() {
		sess.Counted, sess.Channel = true, string(ch)
		s.count(ctx, stats.FromAssessment(stats.KindAssessed, conv, ch, sess.District, s.o.Now()))
		s.sample(ctx, conv, text)
	}
	if conv.Paid {
		s.countStopPayment(ctx, sess)
	}
}

// countStopPayment counts the stop-payment steps handed to a conversation,
// once.
func (s *Service) countStopPayment(ctx context.Context, sess *fanzha.Session) {
	if s.o.Stats == nil || sess.StopCounted {
		return
	}
	sess.StopCounted = true
	a := sess.Assessment
	a.Paid = true
	s.count(ctx, stats.FromAssessment(stats.KindStopPayment, a, sessionChannel(*sess), sess.District, s.o.Now()))
}

// countGroup counts a question answered in a group at medium or high risk.
func (s *Service) countGroup(ctx context.Context, a fanzha.Assessment, text string) {
	if s.o.Stats == nil || a.Risk < fanzha.RiskMedium || !a.Label.IsFraud() {
		return
	}
	s.count(ctx, stats.FromAssessment(stats.KindAssessed, a, stats.ChannelGroup, "", s.o.Now()))
	s.sample(ctx, a, text)
}

// Handed counts a conversation handed to officers (a case submitted).
func (s *Service) Handed(ctx context.Context, sess fanzha.Session) {
	if s.o.Stats == nil {
		return
	}
	s.count(ctx, stats.FromAssessment(stats.KindCase, sess.Assessment, sessionChannel(sess), sess.District, s.o.Now()))
}

func sessionChannel(sess fanzha.Session) stats.Channel {
	if sess.Channel != "" {
		return stats.Channel(sess.Channel)
	}
	return stats.ChannelPrivate
}

// sample keeps a flagged conversation that matches no known script well
// (the store redacts it).
func (s *Service) sample(ctx context.Context, a fanzha.Assessment, text string) {
	if !stats.IsNovel(a, 0) || strings.TrimSpace(text) == "" {
		return
	}
	err := s.o.Stats.AddSample(ctx, stats.Sample{At: s.o.Now(), Type: a.Label, Risk: a.Risk, Excerpt: text})
	s.countFailed(err)
}

func (s *Service) count(ctx context.Context, e stats.Event) {
	s.countFailed(s.o.Stats.Count(ctx, e))
}

func (s *Service) countFailed(err error) {
	switch {
	case err == nil:
	case errors.Is(err, fanzha.ErrUnavailable):
		s.log.Debug("not counted: the store is unavailable", "err", err)
	default:
		s.log.Warn("not counted", "err", err)
	}
}

// Districts is the deployment's list a citizen may choose from; empty
// when the district is never asked.
func (s *Service) Districts() []string { return s.o.Districts }

// askDistrict reports whether to ask the district now, and notes that it
// was asked: once per conversation (kept across /new), only when the
// deployment lists districts.
func (s *Service) askDistrict(sess *fanzha.Session) bool {
	if len(s.o.Districts) == 0 || sess.DistrictAsked {
		return false
	}
	sess.DistrictAsked = true
	return true
}

// SetDistrict records the district the citizen chose from the list, or
// that they skipped the question (choice ""). A name not on the list is
// not recorded.
func (s *Service) SetDistrict(sess fanzha.Session, in Input, choice string) (fanzha.Session, Outcome) {
	lang := s.sessionLang(sess, in)
	sess.DistrictAsked = true
	d := s.o.Districts.Canonical(choice)
	if d == "" {
		sess.District = ""
		return sess, Outcome{Text: advice.Text("district_skipped", lang), Lang: lang, Store: true}
	}
	sess.District = d
	return sess, Outcome{Text: advice.Text("district_set", lang), Lang: lang, Store: true}
}
