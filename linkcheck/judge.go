package linkcheck

import (
	"regexp"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// Judge returns the red flags in the links and phone numbers of text, in
// the order they appear: links first, then numbers.
func Judge(text string) []fanzha.Flag {
	var flags []fanzha.Flag
	for _, l := range Links(text) {
		flags = append(flags, CheckLink(l)...)
	}
	phones := Phones(text)
	if len(phones) == 0 {
		return flags
	}
	claimed := ClaimedBrands(text)
	for _, p := range phones {
		flags = append(flags, CheckPhone(p, claimed)...)
	}
	return flags
}

// Found is everything extracted from a text.
type Found struct {
	Links  []Link  `json:"links"`
	Phones []Phone `json:"phones"`
}

// Extract lists the links and phone numbers in text.
func Extract(text string) Found { return Found{Links: Links(text), Phones: Phones(text)} }

// publicSuffixes of two labels; anything else is taken to be one label.
var publicSuffixes = map[string]bool{
	"com.cn": true, "net.cn": true, "org.cn": true, "gov.cn": true, "edu.cn": true, "ac.cn": true,
	"com.hk": true, "com.tw": true, "com.mo": true, "co.uk": true, "com.au": true, "co.jp": true,
	"com.sg": true, "com.my": true, "com.ph": true, "co.kr": true,
}

// split returns the labels before the registrable name, the name, and the suffix:
// "pay.icbc-verify.com.cn" → ["pay"], "icbc-verify", "com.cn".
func split(host string) (sub []string, name, suffix string) {
	labels := strings.Split(host, ".")
	n := 1
	if len(labels) >= 3 && publicSuffixes[strings.Join(labels[len(labels)-2:], ".")] {
		n = 2
	}
	if len(labels) <= n {
		return nil, host, ""
	}
	return labels[:len(labels)-n-1], labels[len(labels)-n-1], strings.Join(labels[len(labels)-n:], ".")
}

// confusables maps letters from other alphabets, and accented ones, to the
// Latin letter they pass for.
var confusables = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'ԛ': 'q', 'ԝ': 'w', 'ԁ': 'd', 'һ': 'h', 'к': 'k', 'м': 'm', 'т': 't', 'в': 'b', 'п': 'n', 'ь': 'b',
	'ɑ': 'a', 'ɡ': 'g', 'ı': 'i', 'ο': 'o', 'α': 'a', 'ν': 'v', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'κ': 'k',
	'ι': 'i', 'ε': 'e', 'ϲ': 'c', 'ԍ': 'g', 'ɩ': 'i', 'ʟ': 'l', 'ӏ': 'l',
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ç': 'c', 'ñ': 'n', 'ý': 'y', 'ÿ': 'y',
}

// skeleton maps a Unicode host to the ASCII it is made to look like, and
// reports whether anything was replaced.
func skeleton(host string) (string, bool) {
	var b strings.Builder
	changed := false
	for _, r := range host {
		if c, ok := confusables[r]; ok {
			r, changed = c, true
		}
		b.WriteRune(r)
	}
	return b.String(), changed
}

// asciiTwins replaces the digit-for-letter and letter-pair tricks: 0→o,
// 1→l, rn→m, vv→w.
var asciiTwins = strings.NewReplacer("0", "o", "1", "l", "rn", "m", "vv", "w")

// imitation is a brand a host passes itself off as, and how.
type imitation struct {
	brand     *Brand
	homoglyph bool // other alphabets or punycode
}

// imitates finds the brand a non-official host passes for.
func imitates(l Link) (imitation, bool) {
	// Letters from another alphabet: the skeleton is an official domain.
	if sk, changed := skeleton(l.Host); changed {
		if b, ok := LegitDomain(sk); ok && b.Kind != Shortener {
			return imitation{b, true}, true
		}
	}
	sk, _ := skeleton(l.Host)
	sub, name, suffix := split(sk)
	// Digits for letters: a1ipay.com, cmbchina.corn.
	if tw := asciiTwins.Replace(name); tw != name {
		if b, ok := LegitDomain(tw + "." + suffix); ok && b.Kind != Shortener {
			return imitation{b, false}, true
		}
	}
	// A brand's word in the name or a sub-domain: jd-zhuxiao.cn,
	// icbcverify.top, www.icbc.com.cn.secure-login.top.
	var words []string
	for _, part := range append(sub, name) {
		words = append(words, strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' })...)
	}
	for _, b := range Brands() {
		if b.Kind == Shortener {
			continue
		}
		for _, key := range latinNames(b) {
			for _, w := range words {
				if w == key || len(key) >= 4 && (strings.HasPrefix(w, key) || strings.HasSuffix(w, key)) {
					return imitation{b, false}, true
				}
			}
		}
	}
	// One or two letters off an official name: alipav.com, taobaoo.com.
	for _, b := range Brands() {
		if b.Kind == Shortener {
			continue
		}
		for _, d := range b.Domains {
			_, dn, _ := split(d)
			if len(dn) < 6 || !isLetters(dn) {
				continue
			}
			limit := 1
			if len(dn) >= 9 {
				limit = 2
			}
			if dist := textnorm.EditDistance([]rune(name), []rune(dn)); dist > 0 && dist <= limit {
				return imitation{b, false}, true
			}
		}
	}
	return imitation{}, false
}

func latinNames(b *Brand) []string {
	var out []string
	for _, n := range b.Names {
		if isASCII(n) {
			out = append(out, strings.ToLower(n))
		}
	}
	return out
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// CheckLink returns the flags for one link.
func CheckLink(l Link) []fanzha.Flag {
	var flags []fanzha.Flag
	add := func(id string, hard bool, text fanzha.Text) {
		flags = append(flags, fanzha.Flag{ID: id, Hard: hard, Span: l.Span, Text: text})
	}
	path := strings.ToLower(l.Path)
	enterprise := strings.HasPrefix(strings.ToLower(l.URL), "itms-services://")
	download := ""
	switch {
	case enterprise:
		download = FlagEnterprise
	case strings.HasSuffix(path, ".apk"):
		download = FlagAPK
	case strings.HasSuffix(path, ".ipa"):
		download = FlagIPA
	case l.Host == "testflight.apple.com" && strings.HasPrefix(path, "/join"):
		download = FlagTestFlight
	}
	owner, legit := LegitDomain(l.ASCII)
	if !legit && l.Host != l.ASCII {
		owner, legit = LegitDomain(l.Host)
	}
	if legit && owner.Kind == Shortener {
		add(FlagShortener, false, explain(FlagShortener, l.Host))
		return flags
	}
	var im imitation
	var fake bool
	if !legit && !l.IP && l.Host != "" {
		im, fake = imitates(l)
	}
	if fake {
		id := FlagLookalike
		if im.homoglyph {
			id = FlagHomoglyph
		}
		// Hard: an app to install from a fake brand site, or letters from
		// another alphabet posing as a bank, payment app or government.
		hard := download != "" || im.homoglyph && im.brand.sensitive()
		add(id, hard, explain(id, l.Host, im.brand.ZH, im.brand.EN, im.brand.Domains[0]))
	} else if strings.Contains(l.ASCII, "xn--") && !legit {
		add(FlagPunycode, false, explain(FlagPunycode, l.Host, l.ASCII))
	}
	if l.IP {
		add(FlagIPHost, false, explain(FlagIPHost, l.Host))
	}
	if download != "" && (!legit || download == FlagTestFlight) {
		// an app from an IP address or a fake brand site cannot be innocent
		add(download, l.IP || fake, explain(download, l.Host))
	}
	return flags
}

// serviceWords say "this is the brand's own service".
const serviceWords = `客服|官方|工作人员|专员|热线|客户服务|服务中心|理赔中心|customer service|customer care|official|hotline|support|staff`

// ClaimedBrands lists the brands text says it speaks for ("京东客服",
// "工商银行工作人员", "ICBC customer service").
func ClaimedBrands(text string) []*Brand {
	t := textnorm.String(text)
	var out []*Brand
	for _, b := range Brands() {
		if b.Kind == Shortener || len(b.Numbers) == 0 {
			continue
		}
		for _, n := range b.Names {
			n = strings.ToLower(n)
			if len(n) < 2 || !strings.Contains(t, n) {
				continue
			}
			if claimRes[n].MatchString(t) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// claimRe matches name next to a service word: "京东…客服" within a few
// characters, either way round.
func claimRe(name string) *regexp.Regexp {
	q := regexp.QuoteMeta(name)
	if isASCII(name) {
		q = `\b` + q + `\b`
	}
	return regexp.MustCompile(q + `.{0,6}?(?:` + serviceWords + `)|(?:` + serviceWords + `).{0,3}?` + q)
}

// virtualRanges: mobile prefixes of China's virtual operators.
var virtualRanges = map[string]bool{"170": true, "171": true, "162": true, "165": true, "167": true}

// CheckPhone returns the flags for one number, given the brands the text
// claims to speak for.
func CheckPhone(p Phone, claimed []*Brand) []fanzha.Flag {
	var flags []fanzha.Flag
	add := func(id string, text fanzha.Text) {
		flags = append(flags, fanzha.Flag{ID: id, Span: p.Span, Text: text})
	}
	if p.Kind == International {
		r, ok := regions[p.Country]
		if !ok {
			r = [2]string{"+" + p.Country, "+" + p.Country}
		}
		add(FlagPhoneIntl, explain(FlagPhoneIntl, p.Span, r[0], r[1]))
	}
	if p.Kind == Mobile && len(p.Digits) == 11 && virtualRanges[p.Digits[:3]] {
		add(FlagPhoneVirt, explain(FlagPhoneVirt, p.Span, p.Digits[:3]))
	}
	if len(claimed) == 0 {
		return flags
	}
	owner, official := LegitNumber(p.Digits)
	for _, b := range claimed {
		if official && owner == b || numberOf(b, p.Digits) {
			return flags // the claimed brand's own number
		}
	}
	b := claimed[0]
	nums := strings.Join(b.Numbers, " / ")
	switch p.Kind {
	case ServiceNumber, Hotline400:
		if official && (owner.Kind == Government) {
			return flags // 110, 96110, 12345 are never a brand's fake
		}
		add(FlagPhoneFake95, explain(FlagPhoneFake95, p.Span, b.ZH, b.EN, nums))
	case Mobile, International, Landline:
		add(FlagPhoneMobile, explain(FlagPhoneMobile, p.Span, b.ZH, b.EN, nums))
	}
	return flags
}

func numberOf(b *Brand, digits string) bool {
	for _, n := range b.Numbers {
		if n == digits {
			return true
		}
	}
	return false
}
