package ocr

import "testing"

func TestJoinWrappedLinks(t *testing.T) {
	cases := []struct{ in, want string }{
		{"请下载\nhttp://icbc-verify.top/lo\ngin/app.apk\n谢谢", "请下载\nhttp://icbc-verify.top/login/app.apk\n谢谢"},
		{"访问 www.jd-zhuxiao.\ncn 办理", "访问 www.jd-zhuxiao.cn 办理"},
		{"see https://example.com/a\nOK thanks", "see https://example.com/a\nOK thanks"},
		{"http://t.cn/A6bRfX2\n收到", "http://t.cn/A6bRfX2\n收到"},
		{"no link here\nabc/def", "no link here\nabc/def"},
		{"", ""},
	}
	for _, c := range cases {
		if got := joinWrappedLinks(c.in); got != c.want {
			t.Errorf("joinWrappedLinks(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
