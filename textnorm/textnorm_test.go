package textnorm_test

import (
	"strings"
	"testing"

	"github.com/fanzha/fanzha/textnorm"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"full width", "ＡＰＰ下载１２３", "app下载123"},
		{"traditional", "安全帳戶轉賬", "安全账户转账"},
		{"typo 帐", "转帐到帐户", "转账到账户"},
		{"spaces between han", "安 全 账 户", "安全账户"},
		{"symbols between han", "安*全-账_户", "安全账户"},
		{"spaces between words stay", "safe  account", "safe account"},
		{"decimal point stays", "日收益1.5%", "日收益1.5%"},
		{"url stays", "http://a-b.cc/x", "http://a-b.cc/x"},
		{"zero width", "安\u200b全", "安全"},
		{"ideographic space", "你好\u3000世界", "你好世界"},
		{"invalid utf8", "a\xffb", "ab"},
		{"newlines", "第一行\n第二行", "第一行第二行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textnorm.String(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Span maps matches in the folded text back to the user's own words.
func TestSpanQuotesOriginal(t *testing.T) {
	orig := "他让我转到安 全 帳 戶里"
	f := textnorm.Fold(orig)
	i := strings.Index(f.Text, "安全账户")
	if i < 0 {
		t.Fatalf("folded %q lacks 安全账户", f.Text)
	}
	if got := f.Span(i, i+len("安全账户")); got != "安 全 帳 戶" {
		t.Errorf("Span = %q, want %q", got, "安 全 帳 戶")
	}
	if got := f.Span(5, 2); got != "" {
		t.Errorf("inverted span = %q", got)
	}
}

func TestLang(t *testing.T) {
	for in, want := range map[string]string{
		"有人说我涉嫌洗钱":                                       "zh",
		"someone says I am involved in money laundering": "en",
		"我的boss让我transfer钱":                              "zh",
		"":                                               "zh",
		"ok":                                             "zh",
	} {
		if got := textnorm.Lang(in); got != want {
			t.Errorf("Lang(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("安 全 帳 戶")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		fd := textnorm.Fold(s)
		// Every span of the folded text maps inside the original.
		if sp := fd.Span(0, len(fd.Text)); len(sp) > len(s) {
			t.Fatalf("span longer than original")
		}
	})
}
