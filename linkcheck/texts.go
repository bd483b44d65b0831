package linkcheck

import (
	"fmt"

	"github.com/fanzha/fanzha"
)

// Flag ids. Stable: they appear in `fanzha classify` output and statistics.
const (
	FlagLookalike   = "link_lookalike"      // a brand's name or spelling in somebody else's domain
	FlagHomoglyph   = "link_homoglyph"      // letters from another alphabet or punycode posing as a brand
	FlagPunycode    = "link_punycode"       // an internationalised (xn--) domain
	FlagShortener   = "link_shortener"      // a URL shortener hides the destination
	FlagIPHost      = "link_ip_host"        // a bare IP address instead of a name
	FlagAPK         = "link_apk"            // an Android app from outside the stores
	FlagIPA         = "link_ipa"            // an iPhone app file from outside the App Store
	FlagTestFlight  = "link_testflight"     // a TestFlight beta instead of the App Store
	FlagEnterprise  = "link_enterprise_app" // itms-services: an enterprise-signed iPhone app
	FlagPhoneIntl   = "phone_international" // a number from abroad
	FlagPhoneVirt   = "phone_virtual"       // a virtual-operator range (170/171/162/165/167)
	FlagPhoneFake95 = "phone_not_official"  // a service number or hotline that is not the named brand's
	FlagPhoneMobile = "phone_mobile_official"
)

// explain returns a flag's explanation; args fill the %s in both languages.
func explain(id string, args ...any) fanzha.Text {
	t, ok := texts[id]
	if !ok {
		panic("linkcheck: no text for " + id)
	}
	return fanzha.Text{ZH: fmt.Sprintf(t.ZH, args...), EN: fmt.Sprintf(t.EN, args...)}
}

// texts: every user-facing explanation, zh and en, keyed by flag id. The
// arguments are documented per entry.
var texts = map[string]fanzha.Text{
	// host, brand zh, brand en, official domain
	FlagLookalike: {
		ZH: "“%[1]s”冒用了%[2]s的名字或拼写，但不是它的官方网址（官方是 %[4]s）。这是仿冒网站的典型手法，不要在里面登录、填写银行卡或验证码。",
		EN: "“%[1]s” borrows the name or spelling of %[3]s but is not its official site (that is %[4]s). Fake sites do this; do not log in or enter card details or codes there.",
	},
	// host, brand zh, brand en, official domain
	FlagHomoglyph: {
		ZH: "“%[1]s”用形似的字母伪装成%[2]s的网址（官方是 %[4]s），是精心设计的仿冒网站。",
		EN: "“%[1]s” uses look-alike letters to pose as %[3]s (the real site is %[4]s): a deliberately disguised fake site.",
	},
	// host as shown, ASCII form
	FlagPunycode: {
		ZH: "“%[1]s”是特殊编码的域名（%[2]s），看起来像普通网址，实际指向别处。",
		EN: "“%[1]s” is an encoded international domain (%[2]s): it can look like a familiar address while leading elsewhere.",
	},
	// host
	FlagShortener: {
		ZH: "“%[1]s”是短链接，看不出真正打开的是什么网站。不要通过短链接登录或付款。",
		EN: "“%[1]s” is a shortened link that hides the real site. Never log in or pay through a short link.",
	},
	// host
	FlagIPHost: {
		ZH: "链接“%[1]s”直接用 IP 地址而不是网站名称，正规机构不会这样发链接。",
		EN: "The link “%[1]s” uses a bare IP address instead of a name; real institutions do not send links like this.",
	},
	// host
	FlagAPK: {
		ZH: "“%[1]s”让你在应用商店以外下载安装 App（.apk）。诈骗分子常用这种 App 控制手机、盗取验证码或伪造收益。",
		EN: "“%[1]s” asks you to install an app (.apk) from outside the app stores. Scammers use such apps to control phones, steal codes or fake profits.",
	},
	// host
	FlagIPA: {
		ZH: "“%[1]s”让你在 App Store 以外安装苹果 App（.ipa），正规 App 不会这样分发。",
		EN: "“%[1]s” offers an iPhone app file (.ipa) from outside the App Store; real apps are not distributed this way.",
	},
	// host
	FlagTestFlight: {
		ZH: "“%[1]s”是 TestFlight 测试版邀请，不是 App Store 上架的 App。虚假投资、贷款 App 常用这种方式绕过审核。",
		EN: "“%[1]s” is a TestFlight beta invitation, not an App Store app. Fake investment and loan apps use it to avoid review.",
	},
	// host
	FlagEnterprise: {
		ZH: "这是企业签名安装链接（itms-services，来自“%[1]s”），会让你“信任”一个陌生开发者后装上未经审核的 App，是诈骗 App 的常见做法。",
		EN: "This is an enterprise-signing install link (itms-services, from “%[1]s”): it makes you trust an unknown developer and install an unreviewed app — a common way to deliver scam apps.",
	},
	// number, region zh, region en
	FlagPhoneIntl: {
		ZH: "“%[1]s”是境外号码（%[2]s）。自称国内机构、客服或熟人却用境外号码联系，是诈骗的常见迹象。",
		EN: "“%[1]s” is a number from abroad (%[3]s). Someone claiming to be a Chinese institution, service desk or acquaintance calling from abroad is a common sign of fraud.",
	},
	// number, prefix
	FlagPhoneVirt: {
		ZH: "“%[1]s”是虚拟运营商号段（%[2]s），办理门槛低，常被诈骗分子使用。正规机构的客服不会用这类号码联系你。",
		EN: "“%[1]s” is in a virtual-operator range (%[2]s), cheap to obtain and often used by scammers. Real service desks do not call from such numbers.",
	},
	// number, brand zh, brand en, official numbers
	FlagPhoneFake95: {
		ZH: "“%[1]s”不是%[2]s的官方客服电话（官方是 %[4]s）。请自己拨打官方号码核实，不要回拨对方给的号码。",
		EN: "“%[1]s” is not %[3]s's official service number (that is %[4]s). Call the official number yourself; do not call back the one you were given.",
	},
	// number, brand zh, brand en, official numbers
	FlagPhoneMobile: {
		ZH: "自称%[2]s客服或工作人员，却留了个人号码“%[1]s”。官方客服只用官方热线（%[4]s），请自己拨打核实。",
		EN: "Someone claiming to be %[3]s's service staff left a personal number, “%[1]s”. The official line is %[4]s; call it yourself to check.",
	},
}

// regions names calling codes, zh and en.
var regions = map[string][2]string{
	"852": {"香港", "Hong Kong"}, "853": {"澳门", "Macau"}, "886": {"台湾", "Taiwan"},
	"63": {"菲律宾", "the Philippines"}, "855": {"柬埔寨", "Cambodia"}, "95": {"缅甸", "Myanmar"},
	"856": {"老挝", "Laos"}, "60": {"马来西亚", "Malaysia"}, "66": {"泰国", "Thailand"},
	"84": {"越南", "Vietnam"}, "62": {"印度尼西亚", "Indonesia"}, "65": {"新加坡", "Singapore"},
	"1": {"美国/加拿大", "the US or Canada"}, "44": {"英国", "the UK"}, "81": {"日本", "Japan"},
	"82": {"韩国", "South Korea"}, "7": {"俄罗斯", "Russia"}, "61": {"澳大利亚", "Australia"},
	"971": {"阿联酋", "the UAE"}, "91": {"印度", "India"}, "234": {"尼日利亚", "Nigeria"},
	"880": {"孟加拉国", "Bangladesh"}, "977": {"尼泊尔", "Nepal"}, "20": {"埃及", "Egypt"},
	"27": {"南非", "South Africa"}, "33": {"法国", "France"}, "49": {"德国", "Germany"}, "64": {"新西兰", "New Zealand"},
}
