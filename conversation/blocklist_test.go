package conversation_test

import (
	"context"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/internal/testkit"
	"github.com/fanzha/fanzha/review"
)

func TestEscalate(t *testing.T) {
	a := fanzha.Assessment{Label: fanzha.None, Risk: fanzha.RiskNone, Flags: []fanzha.Flag{{ID: "x"}}}
	conversation.Escalate(&a, []fanzha.BlockHit{{Indicator: fanzha.Indicator{Kind: fanzha.IndPhone, Value: "17012345678"}, Cases: []string{"3"}, Label: fanzha.Police}})
	if a.Risk != fanzha.RiskHigh || a.Label != fanzha.Police || a.Score < 0.95 || len(a.Flags) != 2 {
		t.Fatalf("escalated = %+v", a)
	}
	f := a.Flags[0]
	if f.ID != "blocklisted_phone" || !f.Hard || f.Text.ZH != "该号码已被民警确认用于诈骗" || f.Span != "17012345678" {
		t.Fatalf("flag = %+v", f)
	}
	b := fanzha.Assessment{Label: fanzha.Investment, Risk: fanzha.RiskMedium}
	conversation.Escalate(&b, []fanzha.BlockHit{{Indicator: fanzha.Indicator{Kind: fanzha.IndURL, Value: "evil.top"}, Label: fanzha.Police}})
	if b.Label != fanzha.Investment || b.Risk != fanzha.RiskHigh || b.Flags[0].Text.ZH != "该网址已被民警确认用于诈骗" {
		t.Fatalf("escalated = %+v", b)
	}
	c := fanzha.Assessment{Risk: fanzha.RiskLow}
	conversation.Escalate(&c, nil)
	if c.Risk != fanzha.RiskLow {
		t.Fatal("no hits changed the assessment")
	}
}

// TestConfirmedCaseDoesNotPoisonOrdinaryMessages is issue 12's scenario: an
// officer confirms a case whose text names a meeting app and a domain;
// later office messages naming the same app are not flagged, a message
// with the domain is.
func TestConfirmedCaseDoesNotPoisonOrdinaryMessages(t *testing.T) {
	ctx := context.Background()
	cls, adv := testkit.Engine(t)
	const officer = 1001
	q := review.NewMemory(review.Options{Officers: []int64{officer}})
	s, err := conversation.New(conversation.Options{Classify: cls.Classify, Advisor: adv, Blocklist: q})
	if err != nil {
		t.Fatal(err)
	}
	scam := "让我下载会议APP开屏幕共享，说我涉嫌洗钱…资料在 http://evil.example/x"
	a := cls.Classify(ctx, scam)
	id, err := q.Submit(ctx, fanzha.Case{Source: "tg:1", Label: a.Label, Risk: a.Risk, Excerpt: scam,
		Indicators: review.ScammerIndicators(scam, a.Indicators, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Act(ctx, id, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.List(ctx, "", 0); len(list) == 0 {
		t.Fatalf("nothing blocklisted from %+v", a.Indicators)
	}
	for _, text := range []string{"明天上午十点开部门会议，大家记得提前下载会议APP", "公司通知：下周一线上会议，请安装会议软件"} {
		_, out := s.Message(ctx, fanzha.Session{}, conversation.Input{Place: conversation.Private, Text: text})
		if out.BlockHits > 0 || out.View == nil || out.View.Assessment.Risk == fanzha.RiskHigh {
			t.Errorf("%q: blocklist hits %d, verdict %+v", text, out.BlockHits, out.View)
		}
	}
	_, out := s.Message(ctx, fanzha.Session{}, conversation.Input{Place: conversation.Private, Text: "资料都在 https://evil.example/login 你看看"})
	if out.BlockHits != 1 || out.View.Assessment.Risk != fanzha.RiskHigh {
		t.Errorf("the confirmed domain: hits %d, risk %v", out.BlockHits, out.View.Assessment.Risk)
	}
}
