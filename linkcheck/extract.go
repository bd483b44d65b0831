package linkcheck

import (
	"net"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/net/idna"

	"github.com/fanzha/fanzha/textnorm"
)

// Link is a link found in a text.
type Link struct {
	Span  string `json:"span"`  // as written
	URL   string `json:"url"`   // normalised, with a scheme
	Host  string `json:"host"`  // lower case; punycode decoded to Unicode
	ASCII string `json:"ascii"` // the host as DNS sees it (xn--…)
	Path  string `json:"path"`
	IP    bool   `json:"ip,omitempty"` // the host is an IP address
}

// Phone is a phone number found in a text.
type Phone struct {
	Span    string    `json:"span"`    // as written
	Digits  string    `json:"digits"`  // national digits, no prefix
	Country string    `json:"country"` // calling code: "86" for China
	Kind    PhoneKind `json:"kind"`
}

// PhoneKind classifies a number.
type PhoneKind string

const (
	Mobile        PhoneKind = "mobile"        // 1xx xxxx xxxx
	Landline      PhoneKind = "landline"      // 0xx-xxxxxxx
	ServiceNumber PhoneKind = "service"       // 95xxx, 10xxx, 12xxx short codes
	Hotline400    PhoneKind = "hotline"       // 400/800 numbers
	International PhoneKind = "international" // +852…, 00 63…
)

// tlds are the endings accepted for a link written without a scheme.
const tlds = `com|cn|net|org|top|xyz|vip|cc|club|shop|icu|site|online|store|tech|info|biz|me|io|co|app|live|fun|link|ltd|work|wang|ren|pro|asia|tv|hk|mo|tw|uk|us|ru|la|ph|kh|mm|th|vn|my|sg|jp|kr|in|cloud|gov|edu`

var (
	// a link with a scheme, or www., or a host with a known ending.
	linkRe = regexp.MustCompile(`(?i)(?:(?:https?|itms-services)://[^\s<>"'，。；！？、（）()【】“”\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}]+|(?:[a-z0-9\p{Cyrillic}\p{Greek}\x{00C0}-\x{024F}](?:[a-z0-9\p{Cyrillic}\p{Greek}\x{00C0}-\x{024F}-]{0,62})\.)+(?:` + tlds + `|xn--[a-z0-9-]+)(?::\d{2,5})?(?:/[^\s<>"'，。；！？、（）()【】“”\p{Han}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}]*)?)`)
	// an IP host with an optional port and path.
	ipRe = regexp.MustCompile(`(?:https?://)?(?:\d{1,3}\.){3}\d{1,3}(?::\d{2,5})?(?:/[^\s<>"'，。；！？、（）()【】“”\p{Han}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}]*)?`)

	intlRe    = regexp.MustCompile(`(?:\+|\b00)\s?(\d{1,3})[\s-]?\(?(\d[\d\s-]{5,14}\d)`)
	mobileRe  = regexp.MustCompile(`(?:^|[^\d+])((?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?:\D|$)`)
	hotRe     = regexp.MustCompile(`(?:^|\D)([48]00[\s-]?\d{3}[\s-]?\d{4})(?:\D|$)`)
	serviceRe = regexp.MustCompile(`(?:^|[^\d.])((?:95|96|10|12)\d{3}(?:\d{1,3})?)(?:[^\d.]|$)`)
	landRe    = regexp.MustCompile(`(?:^|[^\d+])(0\d{2,3}[\s-]?\d{7,8})(?:\D|$)`)
)

// callingCodes: calling codes we recognise, longest first when parsing.
var callingCodes = map[string]bool{
	"1": true, "7": true, "20": true, "27": true, "33": true, "44": true, "49": true, "60": true, "61": true,
	"62": true, "63": true, "64": true, "65": true, "66": true, "81": true, "82": true, "84": true, "86": true,
	"91": true, "95": true, "234": true, "852": true, "853": true, "855": true, "856": true, "880": true,
	"886": true, "971": true, "977": true,
}

// Links lists the links in text, in order, each once.
func Links(text string) []Link {
	if !strings.ContainsAny(text, ".．") {
		return nil // every link has a dot (a folded full-width one too)
	}
	f := textnorm.Fold(text)
	var out []Link
	seen := map[string]bool{}
	add := func(start, end int) {
		raw := strings.TrimRight(f.Text[start:end], ".,:;!?-_/")
		l, ok := parseLink(raw)
		if !ok || seen[l.URL] {
			return
		}
		seen[l.URL] = true
		l.Span = f.Span(start, start+len(raw))
		if isASCII(l.Span) { // keep the path's case as written
			if ol, ok := parseLink(l.Span); ok && ol.Host == l.Host {
				ol.Span = l.Span
				l = ol
			}
		}
		out = append(out, l)
	}
	covered := make([]bool, len(f.Text)+1)
	for _, m := range ipRe.FindAllStringIndex(f.Text, -1) {
		add(m[0], m[1])
		for i := m[0]; i < m[1]; i++ {
			covered[i] = true
		}
	}
	for _, m := range linkRe.FindAllStringIndex(f.Text, -1) {
		if covered[m[0]] {
			continue
		}
		add(m[0], m[1])
	}
	return out
}

// parseLink normalises a matched link.
func parseLink(raw string) (Link, bool) {
	u := raw
	low := strings.ToLower(raw)
	if !strings.Contains(low, "://") {
		u = "http://" + raw
	}
	if strings.HasPrefix(low, "itms-services://") {
		// the app's real host is in the url= parameter
		pu, err := url.Parse(raw)
		if err != nil {
			return Link{}, false
		}
		inner, _ := url.Parse(pu.Query().Get("url"))
		l := Link{URL: raw, Path: pu.RawQuery}
		if inner != nil {
			l.Host, l.ASCII = hostForms(inner.Hostname())
		}
		return l, true
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Hostname() == "" {
		return Link{}, false
	}
	l := Link{URL: u, Path: pu.Path}
	l.Host, l.ASCII = hostForms(pu.Hostname())
	l.IP = net.ParseIP(l.Host) != nil
	return l, true
}

// hostForms returns the Unicode and the ASCII (punycode) forms of a host.
func hostForms(h string) (string, string) {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	uni, err := idna.ToUnicode(h)
	if err != nil {
		uni = h
	}
	ascii, err := idna.ToASCII(uni)
	if err != nil {
		ascii = h
	}
	return uni, ascii
}

// Phones lists the phone numbers in text, in order, each once.
func Phones(text string) []Phone {
	if digitCount(text) < 5 {
		return nil // the shortest number judged (95xxx) has five digits
	}
	f := textnorm.Fold(text)
	t := f.Text
	var out []Phone
	var at []int // where each of out starts, to put them back in text order
	taken := make([]bool, len(t)+1)
	seen := map[string]bool{}
	add := func(start, end int, p Phone) {
		for i := start; i < end; i++ {
			if taken[i] {
				return
			}
		}
		for i := start; i < end; i++ {
			taken[i] = true
		}
		if seen[p.Country+p.Digits] {
			return
		}
		seen[p.Country+p.Digits] = true
		p.Span = f.Span(start, end)
		out = append(out, p)
		at = append(at, start)
	}
	// Links hold digits that are not phones.
	for _, l := range append(ipRe.FindAllStringIndex(t, -1), linkRe.FindAllStringIndex(t, -1)...) {
		for i := l[0]; i < l[1]; i++ {
			taken[i] = true
		}
	}
	for _, m := range intlRe.FindAllStringSubmatchIndex(t, -1) {
		all := digitsOnly(t[m[2]:m[5]])
		cc, rest := splitCallingCode(all)
		if cc == "" || len(rest) < 6 {
			continue
		}
		kind := International
		if cc == "86" {
			kind = Mobile
			if !strings.HasPrefix(rest, "1") {
				kind = Landline
			}
		}
		add(m[0], m[5], Phone{Digits: rest, Country: cc, Kind: kind})
	}
	for _, m := range mobileRe.FindAllStringSubmatchIndex(t, -1) {
		d := digitsOnly(t[m[2]:m[3]])
		d = d[len(d)-11:]
		add(m[2], m[3], Phone{Digits: d, Country: "86", Kind: Mobile})
	}
	for _, m := range hotRe.FindAllStringSubmatchIndex(t, -1) {
		add(m[2], m[3], Phone{Digits: digitsOnly(t[m[2]:m[3]]), Country: "86", Kind: Hotline400})
	}
	for _, m := range landRe.FindAllStringSubmatchIndex(t, -1) {
		add(m[2], m[3], Phone{Digits: digitsOnly(t[m[2]:m[3]]), Country: "86", Kind: Landline})
	}
	for _, m := range serviceRe.FindAllStringSubmatchIndex(t, -1) {
		add(m[2], m[3], Phone{Digits: t[m[2]:m[3]], Country: "86", Kind: ServiceNumber})
	}
	// back into text order
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return at[idx[a]] < at[idx[b]] })
	sorted := make([]Phone, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	return sorted
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// splitCallingCode takes the longest known calling code off the front.
func splitCallingCode(d string) (string, string) {
	for n := 3; n >= 1; n-- {
		if len(d) > n && callingCodes[d[:n]] {
			return d[:n], d[n:]
		}
	}
	return "", d
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// digitCount counts ASCII and full-width digits.
func digitCount(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			n++
		}
	}
	return n
}
