package advice_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/knowledge"
)

func setup(t *testing.T, o advice.Options) (*classifier.Classifier, *advice.Advisor) {
	t.Helper()
	c, err := knowledge.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	x, err := knowledge.NewIndex(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if o.Hotline == "" {
		o.Hotline, o.Police = "96110", "110"
	}
	adv, err := advice.New(c, o)
	if err != nil {
		t.Fatal(err)
	}
	return classifier.New(x), adv
}

func TestReplyChinese(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	a := cl.Classify(context.Background(), "群里老师带单，投3万每月返3000")
	txt := adv.Reply(a, "").Text()
	for _, want := range []string{"高风险", "虚假投资理财", "投3万每月返3000", "10%", "214%", "骗子接下来", "96110"} {
		if !strings.Contains(txt, want) {
			t.Errorf("reply lacks %q:\n%s", want, txt)
		}
	}
}

func TestReplyEnglishWhenUserWritesEnglish(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	a := cl.Classify(context.Background(), "A policeman says my account is involved in money laundering and I must move my savings to a safe account")
	txt := adv.Reply(a, "").Text()
	for _, want := range []string{"High risk", "safe account", "96110"} {
		if !strings.Contains(txt, want) {
			t.Errorf("reply lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "高风险") {
		t.Errorf("English user got a Chinese verdict:\n%s", txt)
	}
}

// When money has left, stop-payment steps come before anything else.
func TestPaidPutsStopPaymentFirst(t *testing.T) {
	cl, adv := setup(t, advice.Options{Hotline: "12345", Police: "119"})
	a := cl.Classify(context.Background(), "他说我涉嫌洗钱，我已经转了5万到安全账户")
	if !a.Paid {
		t.Fatal("not detected as paid")
	}
	r := adv.Reply(a, fanzha.ZH)
	if len(r.Sections) == 0 || !strings.Contains(r.Sections[0].Lines[0], "119") {
		t.Fatalf("first section is not the stop-payment steps: %+v", r.Sections)
	}
	txt := r.Text()
	for _, want := range []string{"止付", "冻结", "保留聊天记录", "12345"} {
		if !strings.Contains(txt, want) {
			t.Errorf("reply lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "96110") {
		t.Errorf("configured hotline ignored:\n%s", txt)
	}
}

func TestNoneReplyIsCalm(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	a := cl.Classify(context.Background(), "【中通快递】您的包裹已到菜鸟驿站，取件码 3-2-1024")
	txt := adv.Reply(a, "").Text()
	if !strings.Contains(txt, "暂未发现") || strings.Contains(txt, "高风险") {
		t.Errorf("legitimate notice got:\n%s", txt)
	}
}

func TestForwardedNamesTheScript(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	a := cl.Classify(context.Background(), "您好，我是京东客服，您开通了百万保障，不关闭每月扣费800元，请下载腾讯会议共享屏幕")
	a.Forwarded = true
	txt := adv.Reply(a, "").Text()
	if !strings.HasPrefix(txt, "这条转发的消息") || !strings.Contains(txt, "匹配的已知剧本") || !strings.Contains(txt, "消息里的原话") || strings.Contains(txt, "你说的话里") {
		t.Errorf("forwarded reply:\n%s", txt)
	}
}

// HTML escapes everything from the user and the corpus.
func TestHTMLEscapes(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	a := cl.Classify(context.Background(), "<b>安全账户</b> <script>alert(1)</script> 转账")
	h := adv.Reply(a, "").HTML()
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>安全账户") {
		t.Errorf("unescaped user text in HTML:\n%s", h)
	}
	if !strings.HasPrefix(h, "<b>") {
		t.Errorf("verdict not bold: %s", h)
	}
}

func TestTextsHaveBothLanguages(t *testing.T) {
	for _, k := range []string{"verdict_high", "paid_1", "footer", "chat_welcome"} {
		zh, en := advice.Text(k, fanzha.ZH), advice.Text(k, fanzha.EN)
		if zh == "" || en == "" || zh == en || zh == k {
			t.Errorf("text %q: zh %q en %q", k, zh, en)
		}
	}
}

// A Chinese message read with /lang en names the matched script in English.
func TestMatchNamedInReplyLanguage(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	a := cl.Classify(context.Background(), "您好，我是京东客服，您开通了百万保障，不关闭每月扣费800元，请下载腾讯会议共享屏幕")
	a.Forwarded = true
	txt := adv.Reply(a, fanzha.EN).Text()
	if strings.Contains(txt, "冒充电商物流客服") {
		t.Errorf("English reply names the script in Chinese:\n%s", txt)
	}
}

// When the model is unsure of the type, no reply asserts one: a citizen
// whose money has left gets the stop-payment steps, not a guessed script.
func TestUnsureNamesNoType(t *testing.T) {
	_, adv := setup(t, advice.Options{})
	for _, a := range []fanzha.Assessment{
		{Label: fanzha.Shopping, Risk: fanzha.RiskHigh, Paid: true, SaysPaid: true, Unsure: true, Lang: fanzha.ZH},
		{Label: fanzha.Shopping, Risk: fanzha.RiskMedium, Unsure: true, Lang: fanzha.ZH},
	} {
		txt := adv.Reply(a, fanzha.ZH).Text()
		if strings.Contains(txt, "虚假购物") || strings.Contains(txt, "剧本") {
			t.Errorf("unsure %s/%s paid %v: the reply names a type:\n%s", a.Label, a.Risk, a.Paid, txt)
		}
		if a.Paid && !strings.Contains(txt, "110") {
			t.Errorf("paid: no stop-payment steps:\n%s", txt)
		}
	}
}
