package linkcheck_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/linkcheck"
)

func ids(flags []fanzha.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, f.ID)
	}
	return out
}

func TestJudge(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []string // flag ids, in order
		hard bool     // some flag is hard
		span string   // a span that must be quoted as written
	}{
		// look-alike domains
		{"jd brand hyphenated", "您好，京东金融注销学生账户请访问 jd-zhuxiao.cn 办理", []string{"link_lookalike"}, false, "jd-zhuxiao.cn"},
		{"icbc verify top", "【工商银行】您的账户存在异常，请登录icbc-verify.top验证身份", []string{"link_lookalike"}, false, "icbc-verify.top"},
		{"brand glued", "Your ICBC account is locked, visit https://icbcverify.top/login now", []string{"link_lookalike"}, false, "https://icbcverify.top/login"},
		{"brand in subdomain", "请登录 https://www.alipay.com.secure-check.xyz/refund 领取退款", []string{"link_lookalike"}, false, ""},
		{"one letter off", "支付宝账户冻结，请到 alipav.com 解冻", []string{"link_lookalike"}, false, "alipav.com"},
		{"digit for letter", "登录 www.a1ipay.com 完成认证", []string{"link_lookalike"}, false, ""},
		{"two letters off long name", "Log in at cmbchlna.com to keep your card", []string{"link_lookalike"}, false, ""},
		{"cyrillic a", "请登录 https://аlipay.com 处理退款", []string{"link_homoglyph"}, true, ""},
		{"punycode cyrillic", "visit http://xn--lipay-3ve.com/ now", []string{"link_homoglyph"}, true, ""},
		{"punycode other", "打开 http://xn--fiqs8s.top 领取", []string{"link_punycode"}, false, ""},
		{"government", "国家医保局通知：请访问 nhsa-gov.top 办理医保卡冻结解除", []string{"link_lookalike"}, false, ""},
		{"12306 lookalike", "退票请登录 12306-tuipiao.com", []string{"link_lookalike"}, false, ""},
		// downloads
		{"apk from lookalike bank", "请下载 http://icbc-app.top/icbc.apk 安装安全控件", []string{"link_lookalike", "link_apk"}, true, ""},
		{"apk from ip", "下载APP：http://119.28.10.5:8080/invest.apk", []string{"link_ip_host", "link_apk"}, true, "http://119.28.10.5:8080/invest.apk"},
		{"apk plain", "下载地址 https://dl.abc-invest.vip/app.apk", []string{"link_apk"}, false, ""},
		{"ipa", "iPhone users: get it at https://download.coinpro.top/coin.ipa", []string{"link_ipa"}, false, ""},
		{"testflight", "苹果用户用 https://testflight.apple.com/join/AbCd1234 安装", []string{"link_testflight"}, false, ""},
		{"enterprise", "点击 itms-services://?action=download-manifest&url=https://ios.licai88.top/app.plist 安装后到设置里信任", []string{"link_enterprise_app"}, false, ""},
		// shorteners and IPs
		{"shortener", "点击 http://t.cn/A6xyz12 领取补贴", []string{"link_shortener"}, false, "http://t.cn/A6xyz12"},
		{"bitly en", "Claim your refund: https://bit.ly/3abcDEF", []string{"link_shortener"}, false, ""},
		{"raw ip", "请登录 http://47.96.12.8/login 核实", []string{"link_ip_host"}, false, ""},
		// legitimate links
		{"official icbc", "工商银行官网 https://www.icbc.com.cn 可以查询", nil, false, ""},
		{"official gov", "请到 https://www.gov.cn 或 chinatax.gov.cn 查询", nil, false, ""},
		{"official jd", "订单详情见 https://item.jd.com/100012345.html", nil, false, ""},
		{"official taobao short", "【淘宝】您的包裹已发出 https://m.tb.cn/h.abc", nil, false, ""},
		{"official wechat apk", "微信安卓版下载 https://dldir1.qq.com/weixin/android/weixin8049android2600_0x28003133_arm64.apk", nil, false, ""},
		{"unrelated site", "我们的博客在 https://example.com/post/1", nil, false, ""},
		{"version number", "升级到 3.5.2 版本即可，价格 12.50 元", nil, false, ""},
		// phones
		{"hong kong", "我是王老师，有问题打 +852 6123 4567", []string{"phone_international"}, false, "+852 6123 4567"},
		{"philippines 00", "Call our agent at 0063 917 123 4567", []string{"phone_international"}, false, ""},
		{"virtual 170", "我是快递员，电话17012345678", []string{"phone_virtual"}, false, "17012345678"},
		{"virtual 165 spaced", "联系 165 1234 5678", []string{"phone_virtual"}, false, ""},
		{"ordinary mobile", "我是小区物业，电话13812345678", nil, false, ""},
		{"bank number fits", "工商银行客服电话95588，欢迎致电", nil, false, ""},
		{"wrong 95 number", "京东客服95588为您服务，需要为您办理退款", []string{"phone_not_official"}, false, "95588"},
		{"unknown 95 for bank", "招商银行客服专线 95123，请回电", []string{"phone_not_official"}, false, ""},
		{"400 for bank", "我是工商银行客服，请拨打 400-820-1234 处理", []string{"phone_not_official"}, false, ""},
		{"mobile as official", "我是支付宝官方客服，我的电话是13912345678", []string{"phone_mobile_official"}, false, ""},
		{"en mobile as official", "This is JD customer service, call me at 13912345678", []string{"phone_mobile_official"}, false, ""},
		{"hotline 96110 fine", "如有疑问请拨打反诈专线96110或110", nil, false, ""},
		{"courier fits", "顺丰客服95338提醒您包裹已签收", nil, false, ""},
		{"international and official claim", "中国银行客服中心 +63 917 555 0199", []string{"phone_international", "phone_mobile_official"}, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flags := linkcheck.Judge(c.text)
			if got := ids(flags); !slices.Equal(got, c.want) {
				t.Fatalf("Judge(%q) = %v, want %v\n%+v", c.text, got, c.want, flags)
			}
			hard := false
			for _, f := range flags {
				hard = hard || f.Hard
				if f.Text.ZH == "" || f.Text.EN == "" || strings.Contains(f.Text.ZH+f.Text.EN, "%!") {
					t.Errorf("%s: bad explanation %+v", f.ID, f.Text)
				}
				if f.Span == "" || !strings.Contains(c.text, f.Span) {
					t.Errorf("%s: span %q not in the text", f.ID, f.Span)
				}
			}
			if hard != c.hard {
				t.Errorf("hard = %v, want %v: %+v", hard, c.hard, flags)
			}
			if c.span != "" && !slices.ContainsFunc(flags, func(f fanzha.Flag) bool { return f.Span == c.span }) {
				t.Errorf("no flag quotes %q: %+v", c.span, flags)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	text := "详情见ＨＴＴＰＳ://Item.JD.com/100.html，或 icbc-verify.top；电话：+852 6123 4567、13812345678、400-820-1234、95588。IP：http://1.2.3.4/a"
	f := linkcheck.Extract(text)
	var hosts []string
	for _, l := range f.Links {
		hosts = append(hosts, l.Host)
	}
	if want := []string{"1.2.3.4", "item.jd.com", "icbc-verify.top"}; !sameSet(hosts, want) {
		t.Errorf("hosts %v, want %v", hosts, want)
	}
	var nums []string
	for _, p := range f.Phones {
		nums = append(nums, p.Country+":"+p.Digits+":"+string(p.Kind))
	}
	want := []string{"852:61234567:international", "86:13812345678:mobile", "86:4008201234:hotline", "86:95588:service"}
	if !slices.Equal(nums, want) {
		t.Errorf("phones %v, want %v", nums, want)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestLegitFile(t *testing.T) {
	bs := linkcheck.Brands()
	if len(bs) < 40 {
		t.Fatalf("%d brands", len(bs))
	}
	for _, host := range []string{"icbc.com.cn", "www.icbc.com.cn", "pay.weixin.qq.com", "www.nhsa.gov.cn", "beijing.gov.cn", "m.tb.cn"} {
		if _, ok := linkcheck.LegitDomain(host); !ok {
			t.Errorf("LegitDomain(%q) = false", host)
		}
	}
	for _, host := range []string{"icbc.com.cn.evil.top", "jd-zhuxiao.cn", "gov.cn.top"} {
		if b, ok := linkcheck.LegitDomain(host); ok {
			t.Errorf("LegitDomain(%q) = %s", host, b.ID)
		}
	}
	if b, ok := linkcheck.LegitNumber("95588"); !ok || b.ID != "icbc" {
		t.Errorf("LegitNumber(95588) = %v, %v", b, ok)
	}
}

func TestLinkEndsAtChinese(t *testing.T) {
	for text, want := range map[string]string{
		"请及时登录https://etc-gov.xyz认证，逾期注销": "etc-gov.xyz",
		"下载http://1.2.3.4/a.apk安装":        "1.2.3.4",
		"访问www.jd-zhuxiao.cn/refund办理":    "www.jd-zhuxiao.cn",
		"Www.OKX-pro.vip注册时邀请码填8866":      "www.okx-pro.vip",
	} {
		ls := linkcheck.Links(text)
		if len(ls) != 1 || ls[0].Host != want {
			t.Errorf("Links(%q) = %+v, want host %s", text, ls, want)
		}
	}
}
