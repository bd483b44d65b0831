package conversation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/internal/testkit"
)

func service(t testing.TB, mod func(*conversation.Options)) *conversation.Service {
	t.Helper()
	cls, adv := testkit.Engine(t)
	o := conversation.Options{Classify: cls.Classify, Advisor: adv}
	if mod != nil {
		mod(&o)
	}
	s, err := conversation.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const scam = "有人说我涉嫌洗钱，让我把钱转到安全账户"

func own(text string) conversation.Input {
	return conversation.Input{Kind: fanzha.MsgOwn, Text: text, Place: conversation.Private}
}

func TestEvidenceAddsUpOverOwnMessagesOnly(t *testing.T) {
	ctx := context.Background()
	s := service(t, nil)
	var sess fanzha.Session
	sess, _ = s.Message(ctx, sess, own("有个自称警察的人打电话给我"))
	sess, o := s.Message(ctx, sess, own("他让我把钱转到一个账户"))
	if a := o.View.Assessment; a.Risk != fanzha.RiskHigh || a.Label != fanzha.Police {
		t.Fatalf("two own messages judged together: %v", a)
	}
	if len(sess.Recent) != 2 || sess.Recent[0].Kind != fanzha.MsgOwn || sess.Recent[0].At.IsZero() {
		t.Fatalf("recent = %+v", sess.Recent)
	}
	// A forward is answered on its own and marked as one.
	sess, o = s.Message(ctx, sess, conversation.Input{Kind: fanzha.MsgForwarded, Text: "今天天气不错", Place: conversation.Private})
	if o.View.About != advice.AboutForwarded || sess.Recent[2].Kind != fanzha.MsgForwarded {
		t.Fatalf("forward: about %v, recent %+v", o.View.About, sess.Recent)
	}
}

func TestPaidSticksInEveryReply(t *testing.T) {
	ctx := context.Background()
	s := service(t, nil)
	sess, _ := s.Message(ctx, fanzha.Session{}, own(scam))
	sess, o := s.Command(ctx, sess, own(""), conversation.CmdPaid, "")
	if !o.Store || o.Reply == nil || !strings.Contains(o.Reply.Text(), "110") {
		t.Fatalf("/paid: %+v", o)
	}
	for _, in := range []conversation.Input{own("好的谢谢"), {Kind: fanzha.MsgForwarded, Text: "今天天气不错", Place: conversation.Private}} {
		var o conversation.Outcome
		sess, o = s.Message(ctx, sess, in)
		if txt := o.Reply.Text(); !strings.Contains(strings.SplitN(txt, "\n\n", 3)[1], "110") {
			t.Errorf("%s: stop-payment steps are not first:\n%s", in.Kind, txt)
		}
	}
}

func TestUnsureAsksInsteadOfNaming(t *testing.T) {
	ctx := context.Background()
	s := service(t, func(o *conversation.Options) {
		o.Classify = func(context.Context, string) fanzha.Assessment {
			return fanzha.Assessment{Label: fanzha.Police, Risk: fanzha.RiskMedium, Unsure: true, Lang: fanzha.ZH,
				Flags: []fanzha.Flag{}, Matches: []fanzha.Match{{ID: "police_042", Type: fanzha.Police, Score: 0.61}}}
		}
	})
	_, o := s.Message(ctx, fanzha.Session{}, own("有人打电话说我的账户有问题"))
	txt := o.Reply.Text()
	if o.QuestionType != fanzha.Police || o.Reply.Ask == nil {
		t.Fatalf("no deciding question:\n%s", txt)
	}
	if strings.Contains(txt, "冒充公检法") || strings.Contains(txt, "police_042") || strings.Contains(txt, "61%") {
		t.Errorf("an unsure verdict names a type, a script id or a similarity:\n%s", txt)
	}
}

func TestAnswers(t *testing.T) {
	ctx := context.Background()
	s := service(t, nil)
	sess, _ := s.Message(ctx, fanzha.Session{}, own("有个自称警察的人打电话给我"))
	sess, o := s.Answer(sess, own(""), fanzha.Police, true)
	if a := o.View.Assessment; a.Risk != fanzha.RiskHigh || a.Label != fanzha.Police || !a.HasHardFlag() {
		t.Fatalf("yes: %v", a)
	}
	if last := sess.Recent[len(sess.Recent)-1]; last.Kind != fanzha.MsgAnswer {
		t.Errorf("answer kept as %+v", last)
	}
	// An answer is not judged as the citizen's words, nor asked again.
	if _, o := s.Answer(sess, own(""), fanzha.Police, false); o.Store || o.Text == "" {
		t.Errorf("a second answer: %+v", o)
	}
}

func TestGroupSpeaksOfThisMessage(t *testing.T) {
	ctx := context.Background()
	s := service(t, nil)
	_, o := s.Message(ctx, fanzha.Session{}, conversation.Input{Kind: fanzha.MsgOwn, Text: scam, Place: conversation.Group})
	txt := o.Reply.Text()
	if !strings.HasPrefix(txt, "这条消息") || strings.Contains(txt, "你说的话里") {
		t.Errorf("group reply:\n%s", txt)
	}
	_, o = s.Message(ctx, fanzha.Session{}, conversation.Input{Kind: fanzha.MsgForwarded, Text: "今天天气不错", Place: conversation.Group, Unsolicited: true})
	if !o.Silent {
		t.Errorf("a harmless unsolicited forward is answered")
	}
}

func TestLanguage(t *testing.T) {
	ctx := context.Background()
	s := service(t, nil)
	tests := []struct {
		name string
		in   conversation.Input
		want fanzha.Lang
	}{
		{"words decide", conversation.Input{Text: "Someone says I must move my savings to a safe account", UserLang: fanzha.ZH}, fanzha.EN},
		{"client language when words do not", conversation.Input{Text: "1234 5678", UserLang: fanzha.EN}, fanzha.EN},
		{"group: the asker's words", conversation.Input{Text: scam, Place: conversation.Group, Asker: "is this real?"}, fanzha.EN},
		{"group: the asker's client", conversation.Input{Text: scam, Place: conversation.Group, UserLang: fanzha.EN}, fanzha.EN},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, o := s.Message(ctx, fanzha.Session{}, tc.in)
			if o.Lang != tc.want {
				t.Errorf("lang = %s, want %s", o.Lang, tc.want)
			}
		})
	}
	// /start in the client's language, both when unknown.
	_, o := s.Command(ctx, fanzha.Session{}, conversation.Input{Place: conversation.Private, UserLang: fanzha.EN}, conversation.CmdStart, "")
	if !strings.HasPrefix(o.Text, "Hello") || strings.Contains(o.Text, "你好") {
		t.Errorf("/start for an English client:\n%s", o.Text)
	}
	_, o = s.Command(ctx, fanzha.Session{}, conversation.Input{Place: conversation.Private}, conversation.CmdStart, "")
	if !strings.Contains(o.Text, "Hello") || !strings.Contains(o.Text, "你好") {
		t.Errorf("/start for an unknown client:\n%s", o.Text)
	}
}

func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range conversation.Commands {
		if c.Doc == "" || c.Where == 0 {
			t.Errorf("command %s undocumented or nowhere", c.Name)
		}
		for _, n := range append([]string{string(c.Name)}, c.Aliases...) {
			if seen[n] {
				t.Errorf("name %s twice", n)
			}
			seen[n] = true
			if got, ok := conversation.Lookup(strings.ToUpper(n)); !ok || got.Name != c.Name {
				t.Errorf("Lookup(%s) = %v, %v", n, got.Name, ok)
			}
		}
	}
	for _, name := range []string{"paid", "new", "forget", "lang", "hotline", "help"} {
		if c, ok := conversation.Lookup(name); !ok || c.Where&conversation.InTerminal == 0 || c.Where&conversation.InPrivate == 0 {
			t.Errorf("/%s must work in the terminal and in private chats", name)
		}
	}
	if p, ok := conversation.ParseCommand("/Check@Fanzha_bot  some text"); !ok || p.Name != "check" || p.Target != "Fanzha_bot" || p.Args != "some text" {
		t.Errorf("ParseCommand = %+v, %v", p, ok)
	}
}

func TestDetailsForCitizensAndOfficers(t *testing.T) {
	ctx := context.Background()
	s := service(t, nil)
	in := conversation.Input{Kind: fanzha.MsgForwarded, Text: "【公安提示】您名下身份证涉嫌洗钱，请将资金转入安全账户配合调查", Place: conversation.Private}
	citizen := s.Details(ctx, fanzha.Session{}, in, false).Reply.Text()
	officer := s.Details(ctx, fanzha.Session{}, in, true).Reply.Text()
	if strings.Contains(citizen, "police-") || strings.Contains(citizen, "%") {
		t.Errorf("a citizen sees a script id or a similarity:\n%s", citizen)
	}
	if !strings.Contains(officer, "police-") || !strings.Contains(officer, "相似度") {
		t.Errorf("an officer does not see the script:\n%s", officer)
	}
}
