package qr

import (
	"net/url"
	"strings"
)

// Kind says what a QR payload is.
type Kind string

const (
	URL           Kind = "url"            // a web link
	WeChatGroup   Kind = "wechat_group"   // 加群: an invitation into a WeChat group
	WeChatContact Kind = "wechat_contact" // 加好友: a WeChat personal card
	WeChatPay     Kind = "wechat_pay"     // a WeChat Pay collection code
	Alipay        Kind = "alipay"         // an Alipay collection or payment code
	UnionPay      Kind = "unionpay"       // a UnionPay (云闪付) code
	QQGroup       Kind = "qq_group"       // a QQ group or contact invitation
	TelegramJoin  Kind = "telegram"       // a Telegram group or contact link
	AppDownload   Kind = "app_download"   // an .apk/.ipa or iOS enterprise install link
	Text          Kind = "text"           // anything else
)

// IsPayment reports whether k is a payment code.
func (k Kind) IsPayment() bool { return k == WeChatPay || k == Alipay || k == UnionPay }

// Classify says what a QR payload is, from its scheme, host and path.
func Classify(payload string) Kind {
	p := strings.TrimSpace(payload)
	low := strings.ToLower(p)
	switch {
	case strings.HasPrefix(low, "wxp://"), strings.HasPrefix(low, "weixin://wxpay/"):
		return WeChatPay
	case strings.HasPrefix(low, "alipays://"), strings.HasPrefix(low, "alipay://"):
		return Alipay
	case strings.HasPrefix(low, "upwallet://"):
		return UnionPay
	case strings.HasPrefix(low, "itms-services://"):
		return AppDownload
	case strings.HasPrefix(low, "weixin://"):
		return WeChatContact
	}
	raw := p
	if !strings.Contains(low, "://") {
		if !looksLikeHost(low) {
			return Text
		}
		raw = "http://" + p
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Text
	}
	host := strings.ToLower(u.Hostname())
	path := strings.ToLower(u.Path)
	switch {
	case host == "weixin.qq.com" && strings.HasPrefix(path, "/g/"):
		return WeChatGroup
	case host == "weixin.qq.com" && strings.HasPrefix(path, "/r/"), host == "u.wechat.com":
		return WeChatContact
	case host == "wx.tenpay.com", host == "payapp.weixin.qq.com", host == "weixin.qq.com" && strings.Contains(path, "pay"):
		return WeChatPay
	case host == "qr.alipay.com", strings.HasSuffix(host, ".alipay.com") && strings.Contains(path, "qr"):
		return Alipay
	case host == "qr.95516.com":
		return UnionPay
	case host == "qm.qq.com", host == "jq.qq.com":
		return QQGroup
	case host == "t.me", host == "telegram.me":
		return TelegramJoin
	case strings.HasSuffix(path, ".apk"), strings.HasSuffix(path, ".ipa"), host == "testflight.apple.com":
		return AppDownload
	}
	return URL
}

// looksLikeHost: "jd-vip.top/app" — a host with a dot and a letter TLD,
// no spaces.
func looksLikeHost(s string) bool {
	if strings.ContainsAny(s, " \t\n") {
		return false
	}
	host := s
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return false
	}
	for _, r := range host[dot+1:] {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
