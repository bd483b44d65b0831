package review

import "strings"

// LegitDomains says whether a host belongs to a well-known legitimate
// organisation (a bank, a payment app, an e-commerce site, a government
// body…), which must never be blocklisted, and names it for the officer.
type LegitDomains interface {
	Legit(host string) (name string, ok bool)
}

// Legit is the list the blocklist refuses. TODO(linkcheck): when the
// linkcheck branch is merged, set this to the list kept in
// linkcheck/legit.txt (official brands and domains) instead of the short
// built-in one below.
var Legit LegitDomains = builtinLegit{}

// builtinLegit is a short built-in list: a domain and its subdomains.
type builtinLegit struct{}

// legitNames maps a registrable domain (or public suffix such as gov.cn) to
// the organisation's name.
var legitNames = map[string]string{
	"gov.cn": "政府网站", "edu.cn": "教育网站", "12306.cn": "铁路12306", "chsi.com.cn": "学信网",
	"pbccrc.org.cn": "人民银行征信中心", "pbc.gov.cn": "中国人民银行", "mps.gov.cn": "公安部",
	"icbc.com.cn": "工商银行", "ccb.com": "建设银行", "boc.cn": "中国银行", "abchina.com": "农业银行",
	"bankcomm.com": "交通银行", "cmbchina.com": "招商银行", "psbc.com": "邮储银行", "spdb.com.cn": "浦发银行",
	"cib.com.cn": "兴业银行", "citicbank.com": "中信银行", "cebbank.com": "光大银行", "cmbc.com.cn": "民生银行",
	"pingan.com": "平安", "unionpay.com": "银联", "95516.com": "云闪付",
	"alipay.com": "支付宝", "tenpay.com": "财付通", "qq.com": "腾讯", "weixin.qq.com": "微信", "wechat.com": "微信",
	"tencent.com": "腾讯", "meeting.tencent.com": "腾讯会议",
	"taobao.com": "淘宝", "tmall.com": "天猫", "jd.com": "京东", "pinduoduo.com": "拼多多", "yangkeduo.com": "拼多多",
	"meituan.com": "美团", "douyin.com": "抖音", "kuaishou.com": "快手", "xiaohongshu.com": "小红书",
	"weibo.com": "微博", "bilibili.com": "哔哩哔哩", "baidu.com": "百度", "163.com": "网易", "126.com": "网易",
	"sf-express.com": "顺丰", "apple.com": "Apple", "icloud.com": "Apple", "google.com": "Google",
	"microsoft.com": "Microsoft", "github.com": "GitHub", "telegram.org": "Telegram", "t.me": "Telegram",
	"zoom.us": "Zoom", "dingtalk.com": "钉钉", "feishu.cn": "飞书",
}

func (builtinLegit) Legit(host string) (string, bool) {
	h := strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(host, ".")), "www.")
	for {
		if name, ok := legitNames[h]; ok {
			return name, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return "", false
		}
		h = h[i+1:]
	}
}
