package qr_test

import (
	"context"
	"testing"

	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/qr"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		payload string
		want    qr.Kind
	}{
		{"https://weixin.qq.com/g/AwYAAHk3abcdEFgh", qr.WeChatGroup},
		{"https://u.wechat.com/EOk7pB0abc", qr.WeChatContact},
		{"https://weixin.qq.com/r/abcd1234", qr.WeChatContact},
		{"wxp://f2f0Xy1234567890abcdef", qr.WeChatPay},
		{"https://wx.tenpay.com/f2f?t=AQAAAB", qr.WeChatPay},
		{"HTTPS://QR.ALIPAY.COM/FKX01234ABCDEF", qr.Alipay},
		{"https://qr.alipay.com/fkx12345", qr.Alipay},
		{"https://qr.95516.com/00010000/0123", qr.UnionPay},
		{"https://qm.qq.com/cgi-bin/qm/qr?k=abc", qr.QQGroup},
		{"https://t.me/+AbCdEf123", qr.TelegramJoin},
		{"http://119.28.10.5/download/jd.apk", qr.AppDownload},
		{"itms-services://?action=download-manifest&url=https://x.top/m.plist", qr.AppDownload},
		{"https://testflight.apple.com/join/AbCd1234", qr.AppDownload},
		{"https://www.icbc.com.cn/", qr.URL},
		{"jd-zhuxiao.cn/refund", qr.URL},
		{"领取补贴请联系张老师", qr.Text},
		{"WIFI:S:Home;T:WPA;P:12345678;;", qr.Text},
	}
	for _, c := range cases {
		t.Run(c.payload, func(t *testing.T) {
			if got := qr.Classify(c.payload); got != c.want {
				t.Errorf("Classify(%q) = %s, want %s", c.payload, got, c.want)
			}
		})
	}
}

func TestDecodeVariants(t *testing.T) {
	payload := "https://weixin.qq.com/g/AwYAAHk3abcdEFgh"
	for _, v := range imageset.QRVariants {
		for seed := uint64(1); seed <= 3; seed++ {
			img, err := imageset.RenderQR(payload, v, seed)
			if err != nil {
				t.Fatal(err) // the chat variant needs fonts-noto-cjk
			}
			codes, err := qr.Decode(context.Background(), img)
			if err != nil {
				t.Fatalf("%s/%d: %v", v, seed, err)
			}
			if len(codes) != 1 || codes[0].Payload != payload || codes[0].Kind != qr.WeChatGroup {
				t.Errorf("%s/%d: %+v", v, seed, codes)
			}
		}
	}
}

func TestDecodeNothing(t *testing.T) {
	r, err := imageset.Render(imageset.Chat{Title: "妈妈", Msgs: []imageset.Msg{{Text: "晚上回来吃饭吗？"}}}, 720, imageset.Light)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := qr.Decode(context.Background(), r.Image)
	if err != nil || len(codes) != 0 {
		t.Errorf("Decode: %v, %v; want nothing", codes, err)
	}
}
