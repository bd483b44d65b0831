package conversation_test

import (
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
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
