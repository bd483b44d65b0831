package console_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/report"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/stats"
)

// Citizens' personal data: ID numbers, their own phones, their names.
var secrets = []string{
	"110101199003074573", "320102198512125675", "440305197708151237",
	"13800138000", "13912345678", "15057123456",
	"王小明", "李建国", "张秀英", "Alice Walker",
}

var privateMessages = []string{
	"我叫王小明，身份证号110101199003074573，我的手机号是13800138000。有人说我涉嫌洗钱，让我把钱转到安全账户",
	"本人李建国，身份证320102198512125675，我的电话13912345678，群里老师带单投3万每月返3000，我已经转了5万",
	"姓名：张秀英 身份证 440305197708151237 联系我 15057123456，客服说要注销校园贷，不然影响征信",
	"Hi, my name is Alice Walker, my number is 15057123456 and they asked me to pay a 2000 yuan fee for a loan",
}

// TestNothingPersonal feeds messages full of ID numbers, phones and names
// through counting, new-script samples, cases, the report, the console and
// the CSV export, and finds none of them anywhere.
func TestNothingPersonal(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	types := []fanzha.ScamType{fanzha.Police, fanzha.Investment, fanzha.CreditRepair, fanzha.FakeLoan}
	var ids []string
	for i, msg := range privateMessages {
		// An assessment as a classifier would give it: the citizen's own
		// numbers among the indicators, their words in the flags' spans.
		a := fanzha.Assessment{Label: types[i], Risk: fanzha.RiskHigh, Lang: fanzha.ZH, Paid: i == 1,
			Flags: []fanzha.Flag{{ID: "transfer", Span: msg[:min(len(msg), 40)], Text: fanzha.Text{ZH: "要求转账"}}},
			Indicators: []fanzha.Indicator{
				{Kind: fanzha.IndPhone, Value: secrets[3+i%3]}, {Kind: fanzha.IndIDNumber, Value: secrets[i%3]},
				{Kind: fanzha.IndAmount, Value: "3万"}, {Kind: fanzha.IndURL, Value: "https://evil-pay.top/x"}}}
		for _, kind := range []stats.Kind{stats.KindAssessed, stats.KindCase, stats.KindStopPayment} {
			if err := e.stats.Count(ctx, stats.FromAssessment(kind, a, stats.ChannelPrivate, secrets[6+i%3], e.clk.Now())); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.stats.AddSample(ctx, stats.Sample{At: e.clk.Now(), Type: a.Label, Risk: a.Risk, Excerpt: msg}); err != nil {
			t.Fatal(err)
		}
		c := review.NewCase(review.CaseInput{Source: fmt.Sprintf("tg:%d", 500+i), UserID: int64(500 + i), UserPhone: secrets[3+i%3],
			Lang: fanzha.ZH, Text: msg, Assessment: a, Consent: true})
		id, err := e.cases.(fanzha.ReviewQueue).Submit(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := e.cases.Act(ctx, ids[1], officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}

	check := func(where, s string) {
		t.Helper()
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows %q", where, secret)
			}
		}
	}
	// The counters.
	counts, err := e.stats.Counts(ctx, e.clk.Now().AddDate(0, 0, -7), e.clk.Now().AddDate(0, 0, 1))
	if err != nil || len(counts) == 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
	for _, c := range counts {
		check("a counter", fmt.Sprintf("%+v", c.Event))
	}
	// The report: text and SVG.
	rb := report.New(e.stats, e.cases, report.Options{Now: e.clk.Now})
	r, err := rb.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t, r.Total == 4 && len(r.NewScripts) > 0 && len(r.Indicators) > 0, "the report has the data: %+v", r)
	check("the report text", r.Text())
	check("the report SVG", string(report.TypesSVG(r))+string(report.DistrictsSVG(r))+string(report.TrendSVG(r)))
	check("the report", fmt.Sprintf("%+v", *r))

	// The console: every page, and the CSV.
	c := e.client(t)
	c.signIn()
	pages := []string{"/console/queue", "/console/queue?status=all", "/console/report", "/console/export.csv"}
	for _, id := range ids {
		pages = append(pages, "/console/case/"+url.PathEscape(id))
	}
	for _, p := range pages {
		st, body, _ := c.do("GET", p, nil)
		must(t, st == 200, "%s: %d", p, st)
		check(p, body)
	}
	_, page, _ := c.do("GET", "/console/case/"+ids[0], nil)
	must(t, strings.Contains(page, "涉嫌洗钱") && strings.Contains(page, "evil-pay.top"), "the case page still shows the scam:\n%s", page)
}
