package review_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/review"
)

// Test numbers: valid check digits, nobody's.
const (
	id1   = "330203199001011236"
	id2   = "11010519491231002X"
	card1 = "6222021234567890128" // 19 digits, Luhn
	card2 = "6217001234567893"    // 16 digits, Luhn
	card3 = "6228480012345671"    // 16 digits, Luhn
)

func TestMask(t *testing.T) {
	own := review.MaskOptions{OwnPhones: []string{"13912345678"}}
	tests := []struct {
		name string
		in   string
		o    review.MaskOptions
		want string
	}{
		{"id number", "身份证号" + id1 + "。", review.MaskOptions{}, "身份证号330*************36。"},
		{"id ending in X", "我的身份证" + id2, review.MaskOptions{}, "我的身份证110*************2X"},
		{"id lower-case x glued to text", "身份证11010519491231002x号", review.MaskOptions{}, "身份证110*************2x号"},
		{"id in full-width digits", "身份证３３０２０３１９９００１０１１２３６", review.MaskOptions{}, "身份证３３０*************３６"},
		{"id with spaces", "身份证 330203 19900101 1236 好", review.MaskOptions{}, "身份证 330*** ******** **36 好"},
		{"id without a valid check digit", "证件号330203199001011234", review.MaskOptions{}, "证件号330*************34"},
		{"15-digit id", "老身份证330203900101123", review.MaskOptions{}, "老身份证330**********23"},
		{"bank card", "卡号" + card2 + "余额", review.MaskOptions{}, "卡号************7893余额"},
		{"bank card in groups", "卡号 6217 0012 3456 7893", review.MaskOptions{}, "卡号 **** **** **** 7893"},
		{"bank card with dashes and full-width", "６２１７-００１２-３４５６-７８９３", review.MaskOptions{}, "****-****-****-７８９３"},
		{"amount before a grouped card", "转了 3000 到 6217 0012 3456 7893", review.MaskOptions{}, "转了 3000 到 **** **** **** 7893"},
		{"amount glued before a grouped card", "共3000 6217 0012 3456 7893", review.MaskOptions{}, "共3000 **** **** **** 7893"},
		{"scammer's card kept", "转到" + card1, review.MaskOptions{KeepCards: []string{card1}}, "转到" + card1},
		{"own phone", "我的电话13912345678，他的电话17012345678", own, "我的电话139****5678，他的电话17012345678"},
		{"own phone with +86 and spaces", "call me at +86 139 1234 5678", own, "call me at +86 139 **** 5678"},
		{"own phone in full-width", "我手机号１３９１２３４５６７８", own, "我手机号１３９****５６７８"},
		{"own phone with dashes", "139-1234-5678", own, "139-****-5678"},
		{"other phones kept", "骗子号码17012345678", own, "骗子号码17012345678"},
		{"phone next to a card", "13912345678 " + card2, own, "139****5678 ************7893"},
		{"amounts and dates untouched", "2024年3月1日转了50000元，订单号20240301", review.MaskOptions{}, "2024年3月1日转了50000元，订单号20240301"},
		{"short numbers untouched", "打96110或110，验证码 123456", review.MaskOptions{}, "打96110或110，验证码 123456"},
		{"empty", "", review.MaskOptions{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := review.Mask(tt.in, tt.o)
			if got != tt.want {
				t.Errorf("Mask(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := review.Mask(got, tt.o); again != got {
				t.Errorf("masking twice changed it: %q", again)
			}
		})
	}
}

func TestOwnPhones(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"我的电话是13912345678", []string{"13912345678"}},
		{"我的手机号：139 1234 5678，有事联系", []string{"13912345678"}},
		{"我手机１３９１２３４５６７８", []string{"13912345678"}},
		{"本人联系电话 +86-139-1234-5678", []string{"13912345678"}},
		{"联系我13912345678", []string{"13912345678"}},
		{"My phone number is 139 1234 5678", []string{"13912345678"}},
		{"call me on 0571-88886666", []string{"057188886666"}},
		{"他的电话是17012345678", nil},
		{"对方用17012345678给我打电话", nil},
		{"我的电话被17012345678打爆了", nil},
		{"我的电话13912345678，我的手机13812345678", []string{"13912345678", "13812345678"}},
	}
	for _, tt := range tests {
		if got := review.OwnPhones(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("OwnPhones(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in     fanzha.Indicator
		want   string
		wantOK bool
	}{
		{fanzha.Indicator{Kind: fanzha.IndPhone, Value: "+86 170-1234-5678"}, "17012345678", true},
		{fanzha.Indicator{Kind: fanzha.IndPhone, Value: "８６１７０１２３４５６７８"}, "17012345678", true},
		{fanzha.Indicator{Kind: fanzha.IndPhone, Value: "0571-8888 6666"}, "057188886666", true},
		{fanzha.Indicator{Kind: fanzha.IndPhone, Value: "96110"}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "HTTPS://WWW.Evil-Pay.top:8443/login?a=1"}, "evil-pay.top", true},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "www.evil.top"}, "evil.top", true},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "m.evil.top/x"}, "m.evil.top", true},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "https://meeting.tencent.com/dm/abc"}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "http://www.gov.cn"}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndURL, Value: "localhost"}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndBankCard, Value: "6217 0012 3456 7893"}, card2, true},
		{fanzha.Indicator{Kind: fanzha.IndApp, Value: "鑫利宝APP"}, "鑫利宝", true},
		{fanzha.Indicator{Kind: fanzha.IndApp, Value: "《鑫利宝》"}, "鑫利宝", true},
		{fanzha.Indicator{Kind: fanzha.IndApp, Value: "腾讯会议"}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndApp, Value: "ToDesk"}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndQQ, Value: "12345678"}, "12345678", true},
		{fanzha.Indicator{Kind: fanzha.IndWeChat, Value: "Kefu_888"}, "kefu_888", true},
		{fanzha.Indicator{Kind: fanzha.IndIDNumber, Value: id1}, "", false},
		{fanzha.Indicator{Kind: fanzha.IndAmount, Value: "3万"}, "", false},
	}
	for _, tt := range tests {
		got, ok := review.Normalize(tt.in)
		if ok != tt.wantOK || (ok && got.Value != tt.want) || (ok && got.Kind != tt.in.Kind) {
			t.Errorf("Normalize(%+v) = %+v, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestScammerIndicators(t *testing.T) {
	text := "我的卡号 6217 0012 3456 7893 ，他让我转到６２２８４８００１２３４５６７１，我的电话13912345678，他的电话是17012345678，身份证" + id1
	inds := []fanzha.Indicator{
		{Kind: fanzha.IndBankCard, Value: card2}, {Kind: fanzha.IndBankCard, Value: card3},
		{Kind: fanzha.IndPhone, Value: "13912345678"}, {Kind: fanzha.IndPhone, Value: "17012345678"},
		{Kind: fanzha.IndIDNumber, Value: id1}, {Kind: fanzha.IndApp, Value: "腾讯会议"}, {Kind: fanzha.IndApp, Value: "鑫利宝"},
		{Kind: fanzha.IndAmount, Value: "3万元"}, {Kind: fanzha.IndPhone, Value: "170 1234 5678"},
	}
	got := review.ScammerIndicators(text, inds, review.OwnPhones(text))
	want := []fanzha.Indicator{
		{Kind: fanzha.IndBankCard, Value: card3}, {Kind: fanzha.IndPhone, Value: "17012345678"},
		{Kind: fanzha.IndApp, Value: "鑫利宝"}, {Kind: fanzha.IndAmount, Value: "3万元"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ScammerIndicators =\n %+v\nwant\n %+v", got, want)
	}
}

// A phone from an earlier message than the excerpt may be the citizen's
// own ("我的手机号是…" long before): it never reaches the card.
func TestScammerIndicatorsDropPhonesOutsideTheExcerpt(t *testing.T) {
	inds := []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "13912345678"}, {Kind: fanzha.IndPhone, Value: "400-123-4567"}, {Kind: fanzha.IndPhone, Value: "17012345678"}}
	got := review.ScammerIndicators("他的电话是17012345678，客服热线400-123-4567", inds, nil)
	want := []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "4001234567"}, {Kind: fanzha.IndPhone, Value: "17012345678"}}
	if !slices.Equal(got, want) {
		t.Fatalf("ScammerIndicators = %+v, want %+v", got, want)
	}
}

// TestNewCase runs the real classifier on a citizen's words and checks what
// officers would see.
func TestNewCase(t *testing.T) {
	text := "自称警察说我涉嫌洗钱，让我把钱转到安全账户6222021234567890128，我的身份证号330203199001011236，" +
		"我的电话13912345678，他的电话是17012345678，让我下载了鑫利宝APP和腾讯会议，网址 http://www.Evil-Pay.top/login，" +
		"我的银行卡 6217 0012 3456 7893 已经转了3万"
	a := classifier.New(nil).Classify(context.Background(), text)
	c := review.NewCase(review.CaseInput{Source: "tg:42", UserID: 42, Text: text, Assessment: a, Consent: true})

	for _, secret := range []string{id1, "13912345678", card2, "6217 0012 3456"} {
		if strings.Contains(c.Excerpt, secret) {
			t.Errorf("excerpt shows %s: %s", secret, c.Excerpt)
		}
	}
	for _, kept := range []string{"6222021234567890128", "17012345678", "鑫利宝", "Evil-Pay.top", "330*************36", "139****5678", "**** 7893"} {
		if !strings.Contains(c.Excerpt, kept) {
			t.Errorf("excerpt lost %q: %s", kept, c.Excerpt)
		}
	}
	has := func(kind fanzha.IndicatorKind, v string) bool {
		return slices.Contains(c.Indicators, fanzha.Indicator{Kind: kind, Value: v})
	}
	for _, w := range []fanzha.Indicator{
		{Kind: fanzha.IndBankCard, Value: card1}, {Kind: fanzha.IndPhone, Value: "17012345678"},
		{Kind: fanzha.IndApp, Value: "鑫利宝"}, {Kind: fanzha.IndURL, Value: "evil-pay.top"},
	} {
		if !has(w.Kind, w.Value) {
			t.Errorf("indicators lack %+v: %+v", w, c.Indicators)
		}
	}
	for _, in := range c.Indicators {
		if in.Kind == fanzha.IndIDNumber || in.Value == "13912345678" || in.Value == card2 || in.Value == "腾讯会议" {
			t.Errorf("indicators show the citizen's or a legitimate %+v", in)
		}
	}
	for _, f := range c.Flags {
		if f.ID == "" || f.Text.ZH == "" {
			t.Errorf("flag without id or explanation: %+v", f)
		}
	}
	if c.Label != fanzha.Police || c.Risk != fanzha.RiskHigh || !c.Consent || c.Source != "tg:42" || c.Status != fanzha.CaseOpen {
		t.Errorf("case = %+v", c)
	}
}
