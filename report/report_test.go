package report_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/report"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/stats"
)

var districts = []string{"海曙区", "江北区", "北仑区", "鄞州区", "慈溪市"}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, stats.Shanghai())
	if err != nil {
		panic(err)
	}
	return t
}

// week counts n assessed events of a type in a district, spread over the
// week starting on Monday.
type batch struct {
	monday   string
	n        int
	typ      fanzha.ScamType
	district string
	paid     bool
	amount   stats.Amount
}

func fill(t testing.TB, s stats.Store, batches ...batch) {
	t.Helper()
	ctx := context.Background()
	for _, b := range batches {
		start := at(b.monday + " 08:00")
		for i := range b.n {
			e := stats.Event{At: start.Add(time.Duration(i%7) * 24 * time.Hour), Kind: stats.KindAssessed, Type: b.typ, Risk: fanzha.RiskHigh,
				Paid: b.paid, Amount: b.amount, Lang: fanzha.ZH, Channel: stats.ChannelPrivate, District: b.district}
			if err := s.Count(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestWeeklyReport(t *testing.T) {
	ctx := context.Background()
	now := at("2026-12-09 10:00") // Wednesday of the week after
	st := stats.NewMemory(stats.Options{Districts: districts, Now: func() time.Time { return now }})
	// Last week (11-23) 484, this week (11-30) 436: −9.92 %, as the seed.
	fill(t, st,
		batch{"2026-11-23", 62, fanzha.Investment, "北仑区", false, stats.Amount10K},
		batch{"2026-11-23", 100, fanzha.TaskRebate, "海曙区", false, stats.AmountLT10K},
		batch{"2026-11-23", 322, fanzha.FakeLoan, "鄞州区", false, ""},
		batch{"2026-11-30", 110, fanzha.Investment, "北仑区", true, stats.Amount10K},
		batch{"2026-11-30", 89, fanzha.TaskRebate, "海曙区", false, stats.AmountLT10K},
		batch{"2026-11-30", 80, fanzha.FakeLoan, "慈溪市", false, ""},
		batch{"2026-11-30", 157, fanzha.Police, "", false, ""},
	)
	for i := range 3 {
		if err := st.Count(ctx, stats.Event{At: at("2026-12-01 09:00"), Kind: stats.KindStopPayment, Type: fanzha.Investment, Paid: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.Count(ctx, stats.Event{At: at("2026-12-01 09:00").Add(time.Duration(i) * time.Minute), Kind: stats.KindCase, Type: fanzha.Investment}); err != nil {
			t.Fatal(err)
		}
	}
	// New scripts: two similar samples and one different.
	for _, x := range []string{
		"对方说是社区医保中心，医保卡被盗刷需要配合调查，让我下载一个会议软件共享屏幕",
		"自称社区医保中心工作人员，说我医保卡被盗刷，要配合调查，下载会议软件共享屏幕",
		"一个陌生人拉我进群，说给宠物寄养当志愿者有补贴，先交押金",
	} {
		if err := st.AddSample(ctx, stats.Sample{At: at("2026-12-02 10:00"), Type: fanzha.Police, Risk: fanzha.RiskHigh, Excerpt: x + "，我叫王小明，电话13912345678"}); err != nil {
			t.Fatal(err)
		}
	}
	// Confirmed cases: indicators.
	clk := at("2026-12-01 10:00")
	cases := review.NewMemory(review.Options{Officers: []int64{7}, Now: func() time.Time { return clk }})
	for i := range 3 {
		id, err := cases.Submit(ctx, fanzha.Case{Source: "tg:1", Label: fanzha.Investment, Risk: fanzha.RiskHigh, Excerpt: "x",
			Indicators: []fanzha.Indicator{{Kind: fanzha.IndURL, Value: "https://evil-pay.top/a"}, {Kind: fanzha.IndApp, Value: fmt.Sprintf("鑫利宝%d", i%2)}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cases.Act(ctx, id, 7, fanzha.ActionConfirm); err != nil {
			t.Fatal(err)
		}
	}
	b := report.New(st, cases, report.Options{Districts: districts, Now: func() time.Time { return now }})
	r, err := b.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Week != "2026-W49" || r.SoFar || r.Total != 436 || r.Last != 484 || r.Handed != 3 || r.StopPayment != 3 || r.Paid != 110 {
		t.Fatalf("report %+v", r)
	}
	if got := report.Signed(r.Change); got != "−9.92%" {
		t.Errorf("change %s", got)
	}
	if r.Types[0].Type != fanzha.Police || r.Types[1].Type != fanzha.Investment || r.Rising == nil || r.Rising.Type != fanzha.Police {
		t.Errorf("types %+v, rising %+v", r.Types, r.Rising)
	}
	if r.Districts[0].Name != "北仑区" || r.RisingDistricts[0].Name != "慈溪市" || r.NoDistrict != 157 {
		t.Errorf("districts %+v rising %+v", r.Districts, r.RisingDistricts)
	}
	if len(r.NewScripts) != 2 || r.NewScripts[0].Count != 2 || r.NewSamples != 3 {
		t.Errorf("new scripts %+v", r.NewScripts)
	}
	if len(r.Indicators) == 0 || r.Indicators[0].Value != "evil-pay.top" || r.Indicators[0].Cases != 3 {
		t.Errorf("indicators %+v", r.Indicators)
	}
	if len(r.Trend) != 12 || r.Trend[11].Total != 436 || r.Trend[10].Total != 484 {
		t.Errorf("trend %+v", r.Trend)
	}
	text := r.Text()
	for _, want := range []string{
		"2026-W49（11月30日-12月6日）",
		"共识别中高风险诈骗咨询436起",
		"涉及金额不少于", "环比上周分别下降9.92%",
		"高发类案有冒充公检法及政府机关、虚假投资理财、刷单返利，分别占36.01%、25.23%、20.41%",
		"其中冒充公检法及政府机关较上周增加了157起（上周无此类），升幅最大",
		"虚假投资理财 110起，占25.23%，环比+77.42%",
		"虚假网络贷款 80起，占18.35%，环比−75.16%",
		"北仑区、海曙区、慈溪市为咨询区县前3位",
		"慈溪市（+80起）",
		"已转账被骗的占25.23%（110起），已引导紧急止付3次",
		"网址 evil-pay.top（3起）",
		"新手法线索：3起咨询与已知话术都不相似，归为2组",
		"96110",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"王小明", "13912345678"} {
		if strings.Contains(text, secret) {
			t.Errorf("text shows %q", secret)
		}
	}
	t.Log("\n" + text)

	// The chart: a PNG of the promised size; charts as SVG for the console.
	img, err := b.PNG(r)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width != 1000 || cfg.Height != 1500 {
		t.Fatalf("png %v %+v", err, cfg)
	}
	if dir := os.Getenv("FANZHA_ARTIFACTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "report.png"), img, 0o644)
	}
	for _, svg := range []string{string(report.TypesSVG(r)), string(report.DistrictsSVG(r)), string(report.TrendSVG(r))} {
		if !strings.HasPrefix(svg, "<svg") || !strings.HasSuffix(svg, "</svg>") {
			t.Errorf("svg %q", svg[:min(80, len(svg))])
		}
	}
	if !strings.Contains(string(report.TypesSVG(r)), "冒充公检法及政府机关") || !strings.Contains(string(report.DistrictsSVG(r)), "慈溪市") {
		t.Error("svg labels")
	}
}

func TestCJKFont(t *testing.T) {
	b := report.New(stats.NewMemory(stats.Options{}), nil, report.Options{})
	if !b.HasCJKFont() {
		msg := "no CJK font: install fonts-noto-cjk (apt-get install fonts-noto-cjk); the chart falls back to English labels"
		if os.Getenv("CI") != "" {
			t.Fatal("CI: " + msg)
		}
		t.Skip(msg)
	}
}

func TestFontFallback(t *testing.T) {
	now := at("2026-12-02 10:00")
	st := stats.NewMemory(stats.Options{Now: func() time.Time { return now }})
	fill(t, st, batch{"2026-11-30", 5, fanzha.Romance, "", false, ""})
	b := report.New(st, nil, report.Options{Fonts: []string{filepath.Join(t.TempDir(), "missing.ttc")}, Now: func() time.Time { return now }})
	if b.HasCJKFont() {
		t.Fatal("a missing font must be noticed")
	}
	r, err := b.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.SoFar || !strings.Contains(r.Text(), "截至12月2日10时") {
		t.Errorf("so far: %v\n%s", r.SoFar, r.Text())
	}
	img, err := b.PNG(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
}

func TestFormats(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct{ got, want string }{
		{report.Percent(0.2521), "25.21%"}, {report.Percent(0.748), "74.8%"}, {report.Percent(1), "100%"},
		{report.Signed(f(-0.0992)), "−9.92%"}, {report.Signed(f(0.051)), "+5.1%"}, {report.Signed(nil), "—"}, {report.Signed(f(0)), "持平"},
		{report.Trend(f(-0.051)), "下降5.1%"}, {report.Trend(f(0.748)), "上升74.8%"},
		{report.Yuan(12_260_000), "1226万元"}, {report.Yuan(3000), "3000元"}, {report.Yuan(15_000), "1.5万元"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// A report over 100,000 counted events must render (text and chart) in
// under a second.
func BenchmarkReport100k(b *testing.B) {
	now := at("2026-12-09 10:00")
	st := stats.NewMemory(stats.Options{Districts: districts, Now: func() time.Time { return now }})
	ctx := context.Background()
	types := fanzha.ScamTypes[:11]
	amounts := append([]stats.Amount{""}, stats.Amounts...)
	start := at("2026-09-21 00:00")
	for i := range 100_000 {
		e := stats.Event{At: start.Add(time.Duration(i) * 11 * time.Minute * 12 / 10), Kind: stats.KindAssessed, Type: types[i%len(types)],
			Risk: fanzha.Risk(2 + i%2), Paid: i%9 == 0, Amount: amounts[i%len(amounts)], Lang: fanzha.ZH,
			Channel: stats.Channels[i%4], District: districts[i%len(districts)]}
		if i%17 == 0 {
			e.Kind = stats.KindCase
		}
		if err := st.Count(ctx, e); err != nil {
			b.Fatal(err)
		}
		if i%200 == 0 {
			_ = st.AddSample(ctx, stats.Sample{At: e.At, Type: e.Type, Excerpt: fmt.Sprintf("样本%d：对方让我下载APP%d做任务返利，先垫付", i, i%13)})
		}
	}
	rb := report.New(st, nil, report.Options{Districts: districts, Now: func() time.Time { return now }})
	rb.HasCJKFont() // the font is loaded once per process, not per report
	b.ResetTimer()
	for b.Loop() {
		r, err := rb.Previous(ctx)
		if err != nil {
			b.Fatal(err)
		}
		_ = r.Text()
		if _, err := rb.PNG(r); err != nil {
			b.Fatal(err)
		}
		_, _, _ = report.TypesSVG(r), report.DistrictsSVG(r), report.TrendSVG(r)
	}
}
