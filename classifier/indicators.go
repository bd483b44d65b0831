package classifier

import (
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// Indicators are concrete identifiers officers can act on. They are read
// from the folded text (half-width digits, lower case) and quoted from the
// original through the span map.

type indPattern struct {
	kind  fanzha.IndicatorKind
	re    *pattern
	group int // submatch holding the value; 0 for the whole match
	// need is a cheap test the text must pass before re runs (patterns that
	// start with a character class have no trigger words to look for).
	need func(s string) bool
}

func hasDot(s string) bool       { return strings.IndexByte(s, '.') >= 0 }
func hasDigits(s string) bool    { return digitRun(s) >= 4 }
func hasAmountish(s string) bool { return strings.ContainsAny(s, "0123456789万千") }

// digitRun returns the longest run of ASCII digits in s, ignoring spaces,
// dashes and asterisks inside numbers.
func digitRun(s string) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			run++
			if run > best {
				best = run
			}
		case c == ' ' || c == '-' || c == '*':
		default:
			run = 0
		}
	}
	return best
}

var indPatterns = []indPattern{
	// Order matters: longer numbers first so a card is not read as a phone.
	{fanzha.IndURL, compile(`(?:https?://|www\.)[a-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+|\b[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63})*\.(?:com|cn|cc|top|xyz|vip|net|org|shop|app|icu|club|site|online|live|io|info|biz|hk|tk|me|co|link|fun|work|ltd)\b(?:/[a-z0-9\-._~/?#=&%]*)?`), 0, hasDot},
	{fanzha.IndIDNumber, compile(`(?:^|[^\d])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx])(?:[^\d]|$)`), 1, hasDigits},
	{fanzha.IndBankCard, compile(`(?:^|[^\d])((?:62|4\d|5[1-5]|3[57]|9\d)\d{14,17}|\d{4}(?: \d{4}){3}(?: \d{1,4})?)(?:[^\d]|$)`), 1, hasDigits},
	{fanzha.IndPhone, compile(`(?:^|[^\d])((?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}|1[3-9]\d\*{4}\d{4}|(?:400|800)[ -]?\d{3}[ -]?\d{4}|0\d{2,3}-\d{7,8}|\+\d{1,3}[ -]?\d{3,4}[ -]?\d{3,4}[ -]?\d{0,4})(?:[^\d*]|$)`), 1, hasDigits},
	{fanzha.IndQQ, compile(`qq(?:号|群|号码)?[:： ]?([1-9]\d{4,10})`), 1, nil},
	{fanzha.IndWeChat, compile(`(?:微信|vx|wx|v信|威信|薇信|wechat)(?:号|id)?[:： ]?([a-z][-_a-z0-9]{5,19})`), 1, nil},
	{fanzha.IndApp, compile(`(向日葵|todesk|anydesk|teamviewer|quicksupport|腾讯会议|瞩目|飞书|钉钉|zoom|蝙蝠|telegram|纸飞机|易信|whatsapp|line)`), 1, nil},
	{fanzha.IndApp, compile(`(?:下载|安装|注册|登录|打开)(?:一个|一下|了)?(?:叫|名叫|名为)?[“"「《]?([\p{Han}a-z0-9]{2,12}?)[”"」》]?(?:app|软件|客户端|平台)`), 1, nil},
	{fanzha.IndAmount, compile(`(?:[¥￥$]|rmb|usd) ?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)? ?(?:万元|万|千元|元|块钱|块|美元|dollars|usd|yuan|rmb)|[一二两三四五六七八九十百千]+万(?:元|块)?`), 0, hasAmountish},
}

// appStopwords are words the generic app pattern picks up that are not names.
var appStopwords = map[string]bool{"一个": true, "这个": true, "那个": true, "他们的": true, "官方": true, "正规": true, "手机": true}

// indicators extracts identifiers, de-duplicated, in the order found.
func indicators(f textnorm.Folded, t *scan) []fanzha.Indicator {
	s := f.Text
	var out []fanzha.Indicator
	seen := map[string]bool{}
	var taken [][2]int // spans already claimed by an earlier kind
	overlaps := func(a, b int) bool {
		for _, t := range taken {
			if a < t[1] && b > t[0] {
				return true
			}
		}
		return false
	}
	for _, p := range indPatterns {
		if p.need != nil && !p.need(s) {
			continue
		}
		for _, m := range p.re.findAllSubmatchIndex(t, 20) {
			a, b := m[2*p.group], m[2*p.group+1]
			if a < 0 || overlaps(a, b) {
				continue
			}
			v := strings.TrimRight(f.Span(a, b), ".,;:!?，。")
			if p.kind == fanzha.IndPhone || p.kind == fanzha.IndBankCard || p.kind == fanzha.IndIDNumber {
				v = strings.NewReplacer(" ", "", "-", "").Replace(textnorm.String(v))
			}
			if v == "" || (p.kind == fanzha.IndApp && appStopwords[v]) {
				continue
			}
			taken = append(taken, [2]int{a, b})
			key := string(p.kind) + "\x00" + strings.ToLower(v)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, fanzha.Indicator{Kind: p.kind, Value: v})
		}
	}
	return out
}
