package review_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/review"
)

// testTrustedBlocklist: the issue 12 scenario. An officer confirms a case
// whose text names a meeting app and a domain; the app is never
// blocklisted, the domain is, with the officer and case recorded; a
// well-known legitimate domain and an ordinary word are refused with a
// reason; entries expire; /blocked lists and /unblock removes; every
// change is audited.
func testTrustedBlocklist(t *testing.T, mk newStore) {
	ctx := context.Background()
	clk := &clock{}
	clk.Set(time.Date(2026, 1, 5, 10, 0, 0, 0, review.CST))
	s := mk(t, review.Options{Officers: []int64{officer}, Now: clk.Now, BlockTTL: 180 * 24 * time.Hour})
	c := fanzha.Case{Source: "tg:9", Label: fanzha.Police, Risk: fanzha.RiskHigh,
		Excerpt: "让我下载会议APP开屏幕共享…资料在 http://evil.example/x",
		Indicators: []fanzha.Indicator{
			{Kind: fanzha.IndApp, Value: "会议APP"}, {Kind: fanzha.IndURL, Value: "http://evil.example/x"},
			{Kind: fanzha.IndURL, Value: "https://www.icbc.com.cn/login"}, {Kind: fanzha.IndWeChat, Value: "会议"},
		}}
	id, err := s.Submit(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, id, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	// Later, ordinary messages naming the same app are not flagged.
	ordinary := []fanzha.Indicator{{Kind: fanzha.IndApp, Value: "会议APP"}, {Kind: fanzha.IndApp, Value: "会议软件"}, {Kind: fanzha.IndWeChat, Value: "会议"}}
	if hits, err := s.Lookup(ctx, ordinary); err != nil || len(hits) != 0 {
		t.Fatalf("ordinary words hit the blocklist: %+v, %v", hits, err)
	}
	hits, err := s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndURL, Value: "https://evil.example/other"}})
	if err != nil || len(hits) != 1 || hits[0].Indicator.Value != "evil.example" {
		t.Fatalf("domain: %+v, %v", hits, err)
	}
	list, err := s.List(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Indicator != (fanzha.Indicator{Kind: fanzha.IndURL, Value: "evil.example"}) || list[0].Case != id ||
		list[0].Officer != officer || !list[0].Expires.Equal(clk.Now().Add(180*24*time.Hour).Truncate(time.Second)) {
		t.Fatalf("list = %+v", list)
	}
	// Directly: a legitimate bank's domain and an app are refused, with
	// reasons.
	refused, err := s.Add(ctx, officer, id, fanzha.Police, []fanzha.Indicator{
		{Kind: fanzha.IndURL, Value: "m.icbc.com.cn"}, {Kind: fanzha.IndApp, Value: "鑫利宝"}, {Kind: fanzha.IndPhone, Value: "17099998888"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 2 || !strings.Contains(refused[0].Reason.ZH, "工商银行") || !strings.Contains(refused[1].Reason.ZH, "应用名称") {
		t.Fatalf("refused = %+v", refused)
	}
	if got, _ := s.List(ctx, "170 9999", 0); len(got) != 1 || got[0].Indicator.Value != "17099998888" {
		t.Fatalf("search by digits: %+v", got)
	}
	// /unblock.
	n, err := s.Unblock(ctx, officer, fanzha.Indicator{Kind: fanzha.IndURL, Value: "evil.example"})
	if err != nil || n != 1 {
		t.Fatalf("unblock: %d, %v", n, err)
	}
	if hits, _ := s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndURL, Value: "evil.example"}}); len(hits) != 0 {
		t.Fatalf("after unblock: %+v", hits)
	}
	// Expiry: the phone is gone 180 days later.
	if hits, _ := s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17099998888"}}); len(hits) != 1 {
		t.Fatalf("phone before expiry: %+v", hits)
	}
	clk.Set(clk.Now().Add(181 * 24 * time.Hour))
	if hits, _ := s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17099998888"}}); len(hits) != 0 {
		t.Fatalf("phone after expiry: %+v", hits)
	}
	if got, _ := s.List(ctx, "", 0); len(got) != 0 {
		t.Fatalf("list after expiry: %+v", got)
	}
	// Every change is in the case's audit log.
	entries, err := s.ByCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var what []string
	for _, e := range entries {
		what = append(what, e.What+" "+e.Detail)
	}
	for _, w := range []string{"block url evil.example", "block_refused app 会议APP", "block_refused url https://www.icbc.com.cn/login", "block_refused wechat 会议",
		"block phone 17099998888", "unblock url evil.example"} {
		if !slices.ContainsFunc(what, func(s string) bool { return strings.HasPrefix(s, w) }) {
			t.Errorf("audit has no %q: %q", w, what)
		}
	}
}

func TestBlockable(t *testing.T) {
	for _, tc := range []struct {
		in   fanzha.Indicator
		want string // canonical value, "" when refused
	}{
		{fanzha.Indicator{Kind: fanzha.IndPhone, Value: "+86 170-1234-5678"}, "17012345678"},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "http://WWW.Evil-Pay.top/x"}, "evil-pay.top"},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "https://www.alipay.com/"}, ""},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "https://service.gov.cn/"}, ""},
		{fanzha.Indicator{Kind: fanzha.IndApp, Value: "鑫利宝"}, ""},
		{fanzha.Indicator{Kind: fanzha.IndWeChat, Value: "kefu_8888"}, "kefu_8888"},
		{fanzha.Indicator{Kind: fanzha.IndWeChat, Value: "会议"}, ""},
		{fanzha.Indicator{Kind: fanzha.IndQQ, Value: "123456789"}, "123456789"},
		{fanzha.Indicator{Kind: fanzha.IndPhone, Value: "96110"}, ""},
		{fanzha.Indicator{Kind: fanzha.IndAmount, Value: "3万元"}, ""},
	} {
		t.Run(string(tc.in.Kind)+" "+tc.in.Value, func(t *testing.T) {
			n, why, ok := review.Blockable(tc.in)
			switch {
			case tc.want == "" && ok:
				t.Errorf("blockable as %q, want refused", n.Value)
			case tc.want == "" && why.ZH == "":
				t.Error("refused without a reason")
			case tc.want != "" && (!ok || n.Value != tc.want):
				t.Errorf("got %q ok=%v (%s), want %q", n.Value, ok, why.EN, tc.want)
			}
		})
	}
}
