package review

import (
	"net/url"
	"strings"

	"github.com/fanzha/fanzha"
)

// ScammerIndicators returns the indicators officers may see and act on:
// the classifier's indicators of text without the citizen's own data (ID
// numbers, their own phones, bank cards the text does not give as the
// scammer's), normalised and de-duplicated.
func ScammerIndicators(text string, inds []fanzha.Indicator, ownPhones []string) []fanzha.Indicator {
	own := map[string]bool{}
	for _, p := range ownPhones {
		if d := nationalPhone(digitsOf(p)); d != "" {
			own[d] = true
		}
	}
	cards := cardOwners(text)
	textDigits := digitsOf(text)
	seen := map[fanzha.Indicator]bool{}
	var out []fanzha.Indicator
	for _, in := range inds {
		switch in.Kind {
		case fanzha.IndIDNumber:
			continue
		case fanzha.IndPhone:
			// A phone from an earlier message than the excerpt cannot be
			// told apart from the citizen's own ("我的手机号是…" said long
			// before): it stays off the card and off the blocklist.
			d := nationalPhone(digitsOf(in.Value))
			if d == "" {
				d = digitsOf(in.Value) // a landline or 400 number
			}
			if own[d] || !strings.Contains(textDigits, d) {
				continue
			}
		case fanzha.IndBankCard:
			if cards[digitsOf(in.Value)] != ownerScammer {
				continue
			}
		}
		n, ok := Normalize(in)
		if !ok {
			if in.Kind != fanzha.IndAmount {
				continue
			}
			n = in // amounts are shown as written
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Normalize returns the canonical form of a blocklistable indicator:
// phones as national digits, URLs as their host (lower case, no www.),
// bank cards as digits, QQ numbers as digits, WeChat ids and app names in
// lower case. ok is false for what is never blocklisted: ID numbers,
// amounts, short service numbers (110, 96110, 95588…), and the well-known
// legitimate apps and sites scammers make people use (a remote-meeting app
// is a sign, not a scammer's identity).
func Normalize(in fanzha.Indicator) (fanzha.Indicator, bool) {
	v := strings.TrimSpace(in.Value)
	switch in.Kind {
	case fanzha.IndPhone:
		d := digitsOf(v)
		if n := nationalPhone(d); n != "" {
			d = n
		}
		if len(d) < 7 {
			return in, false
		}
		return fanzha.Indicator{Kind: in.Kind, Value: d}, true
	case fanzha.IndBankCard:
		d := digitsOf(v)
		if len(d) < 12 {
			return in, false
		}
		return fanzha.Indicator{Kind: in.Kind, Value: d}, true
	case fanzha.IndQQ:
		d := digitsOf(v)
		if len(d) < 5 {
			return in, false
		}
		return fanzha.Indicator{Kind: in.Kind, Value: d}, true
	case fanzha.IndWeChat:
		v = fold(v)
		if v == "" {
			return in, false
		}
		return fanzha.Indicator{Kind: in.Kind, Value: v}, true
	case fanzha.IndURL:
		h := Domain(v)
		if h == "" || legitDomain(h) {
			return in, false
		}
		return fanzha.Indicator{Kind: in.Kind, Value: h}, true
	case fanzha.IndApp:
		a := appName(v)
		if a == "" || legitApps[a] {
			return in, false
		}
		return fanzha.Indicator{Kind: in.Kind, Value: a}, true
	}
	return in, false
}

// Domain returns the host of a URL or bare domain: lower case, without
// scheme, user, port, path or a leading "www.".
func Domain(raw string) string {
	s := strings.TrimSpace(fold(raw))
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	h := strings.TrimSuffix(u.Hostname(), ".")
	h = strings.TrimPrefix(h, "www.")
	if !strings.Contains(h, ".") || strings.ContainsAny(h, " /\\") {
		return ""
	}
	return h
}

// domainKeys returns host and its parent domains down to two labels, so a
// blocklisted "evil.top" is found in "m.evil.top".
func domainKeys(host string) []string {
	var out []string
	for {
		out = append(out, host)
		i := strings.IndexByte(host, '.')
		if i < 0 || strings.Count(host, ".") < 2 {
			return out
		}
		host = host[i+1:]
	}
}

func appName(v string) string {
	v = fold(v)
	v = strings.Trim(v, " \"'“”「」《》<>")
	for _, suf := range []string{"客户端", "软件", "app"} {
		v = strings.TrimSpace(strings.TrimSuffix(v, suf))
	}
	return v
}

// legitApps are genuine apps scammers make victims install or use; their
// names are never blocklisted.
var legitApps = map[string]bool{
	"向日葵": true, "todesk": true, "anydesk": true, "teamviewer": true, "quicksupport": true,
	"腾讯会议": true, "瞩目": true, "飞书": true, "钉钉": true, "zoom": true, "蝙蝠": true,
	"telegram": true, "纸飞机": true, "易信": true, "whatsapp": true, "line": true,
	"微信": true, "qq": true, "支付宝": true, "淘宝": true, "京东": true, "拼多多": true,
	"抖音": true, "快手": true, "闲鱼": true, "美团": true, "云闪付": true, "国家反诈中心": true,
	"手机银行": true, "银行": true, "微博": true, "小红书": true, "skype": true,
}

// legitSuffixes are domains (and their subdomains) never blocklisted.
var legitSuffixes = []string{
	"gov.cn", "edu.cn", "qq.com", "weixin.qq.com", "wechat.com", "taobao.com", "tmall.com",
	"alipay.com", "jd.com", "pinduoduo.com", "yangkeduo.com", "baidu.com", "douyin.com",
	"apple.com", "icloud.com", "google.com", "microsoft.com", "github.com", "telegram.org",
	"t.me", "meeting.tencent.com", "tencent.com", "zoom.us", "dingtalk.com", "feishu.cn",
	"unionpay.com", "95516.com", "12306.cn", "chsi.com.cn", "pbccrc.org.cn", "weibo.com",
	"xiaohongshu.com", "meituan.com", "kuaishou.com", "bilibili.com", "163.com", "126.com",
}

func legitDomain(h string) bool {
	for _, s := range legitSuffixes {
		if h == s || strings.HasSuffix(h, "."+s) {
			return true
		}
	}
	return false
}
