package review

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Masking: what officers see of a citizen's words. Chinese ID numbers are
// always masked (first 3 and last 2 digits kept), bank cards keep their last
// 4 digits unless the text gives them as the scammer's account, and the
// citizen's own phone numbers (given by the transport, or introduced as
// "我的电话/我的手机号/my number…") keep the first 3 and last 4. The
// scammer's phones, links, accounts and app names are kept: they are what
// officers act on. Numbers are found whatever their form: full-width digits,
// spaces or dashes inside, glued to Chinese text.

// MaskOptions say whose numbers are whose.
type MaskOptions struct {
	// OwnPhones are the citizen's phone numbers, in any form.
	OwnPhones []string
	// KeepCards are bank cards shown in full: the scammer's accounts.
	KeepCards []string
}

// Mask returns text with personal data masked as described above.
func Mask(text string, o MaskOptions) string {
	own := map[string]bool{}
	for _, p := range o.OwnPhones {
		if n := nationalPhone(digitsOf(p)); n != "" {
			own[n] = true
		}
	}
	keep := map[string]bool{}
	for _, c := range o.KeepCards {
		if d := digitsOf(c); d != "" {
			keep[d] = true
		}
	}
	runes := []rune(text)
	changed := false
	for _, n := range findNumbers(runes) {
		var first, last int
		switch n.kind {
		case numID:
			first, last = 3, 2
		case numCard:
			if keep[n.digits] {
				continue
			}
			first, last = 0, 4
		case numPhone:
			if !own[nationalPhone(n.digits)] {
				continue
			}
			first, last = 3, 4
			if len(n.digits) == 13 { // 86 + mobile
				first = 5
			}
			if n.digits[0] == '0' { // landline: keep less
				first, last = 3, 2
			}
		default:
			continue
		}
		for i, pos := range n.pos {
			if i >= first && i < len(n.pos)-last {
				runes[pos] = '*'
				changed = true
			}
		}
	}
	if !changed {
		return text
	}
	return string(runes)
}

// OwnPhones returns the phone numbers text introduces as the writer's own
// ("我的电话是…", "我手机号：…", "my number is …"), as national digits.
func OwnPhones(text string) []string {
	f := fold(text)
	var out []string
	for _, m := range ownPhoneRE.FindAllStringIndex(f, -1) {
		rest := []rune(f[m[1]-1:]) // from the number's first character
		if len(rest) > 30 {
			rest = rest[:30]
		}
		nums := findNumbers(rest)
		if len(nums) == 0 || nums[0].kind != numPhone || nums[0].pos[0] > 1 {
			continue
		}
		if d := nationalPhone(nums[0].digits); d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// ownPhoneRE matches the words introducing one's own number, up to the
// number's first character (a digit or '+').
var ownPhoneRE = regexp.MustCompile(`(?i)(?:(?:我的|我|本人的?|自己的|俺的)(?:手机号码|手机号|手机|电话号码|联系电话|电话|联系方式|号码)|联系我|打给我|my (?:phone|mobile|cell|tel)(?: number| no\.?)?|my number|call me|reach me|text me)(?:\s|是|为|:|,|，|号|码|就是|is|at|on)*[+0-9]`)

// Owner of a bank card, read from the words just before it.
type owner int

const (
	ownerUnknown owner = iota
	ownerScammer
	ownerCitizen
)

// scammerCues and citizenCues are the words just before a card number that
// say whose it is ("转到 6222…" is where the money went: the scammer's).
var (
	scammerCues = []string{"转到", "转入", "转给", "转账到", "打到", "打入", "打给", "汇到", "汇入", "汇给", "存到", "存入", "充值到", "收款", "对方", "他的", "她的", "他给", "她给", "他发", "她发", "骗子", "安全账户", "指定账户", "监管账户", "核查账户", "这个账户", "这个卡", "这张卡", "下面的卡", "以下账户", "transfer to", "sent to", "paid to", "their", "his", "her", "scammer"}
	citizenCues = []string{"我的", "本人", "我自己", "我卡", "我名下", "我的卡", "我银行卡", "my "}
)

// cueWindow is how many characters before a number are read for a cue.
const cueWindow = 14

// cardOwners returns the bank cards in text (digits) and whose they are.
func cardOwners(text string) map[string]owner {
	runes := []rune(text)
	out := map[string]owner{}
	for _, n := range findNumbers(runes) {
		if n.kind != numCard {
			continue
		}
		start := n.pos[0]
		ctx := fold(string(runes[max(0, start-cueWindow):start]))
		best, who := -1, ownerUnknown
		for _, c := range scammerCues {
			if i := strings.LastIndex(ctx, c); i >= 0 && i+len(c) > best {
				best, who = i+len(c), ownerScammer
			}
		}
		for _, c := range citizenCues {
			if i := strings.LastIndex(ctx, c); i >= 0 && i+len(c) >= best {
				best, who = i+len(c), ownerCitizen
			}
		}
		if prev, ok := out[n.digits]; !ok || prev == ownerUnknown || who == ownerCitizen {
			out[n.digits] = who
		}
	}
	return out
}

// Numbers.

type numKind int

const (
	numNone numKind = iota
	numID
	numCard
	numPhone
)

// number is a recognised number in a text: its normalised digits (ASCII,
// a final X for ID numbers) and the rune index of each.
type number struct {
	kind   numKind
	digits string
	pos    []int
}

// group is a run of digits (maybe ending in X) within a longer number
// written with separators: "6222 0212 3456 7890" has four.
type group struct {
	digits []byte
	pos    []int
}

const maxSpanGroups = 8

// findNumbers returns the ID numbers, bank cards and phones in runes.
func findNumbers(runes []rune) []number {
	var out []number
	for i := 0; i < len(runes); {
		if digitVal(runes[i]) < 0 {
			i++
			continue
		}
		// A token: digit groups joined by at most two separators.
		var groups []group
		j := i
		for {
			var g group
			for j < len(runes) && digitVal(runes[j]) >= 0 {
				g.digits = append(g.digits, byte('0'+digitVal(runes[j])))
				g.pos = append(g.pos, j)
				j++
			}
			if j < len(runes) && isX(runes[j]) && (j+1 == len(runes) || !isASCIIAlnum(runes[j+1])) {
				g.digits = append(g.digits, 'X')
				g.pos = append(g.pos, j)
				j++
				groups = append(groups, g)
				break
			}
			groups = append(groups, g)
			k := j
			for k < len(runes) && k-j < 2 && isSep(runes[k]) {
				k++
			}
			if k == j || k == len(runes) || digitVal(runes[k]) < 0 {
				break
			}
			j = k
		}
		out = append(out, pickNumbers(groups)...)
		i = j
	}
	return out
}

type candidate struct {
	i, j    int // groups[i:j]
	kind    numKind
	quality int
	digits  string
}

// pickNumbers reads a token's groups as numbers: of all runs of consecutive
// groups that form a recognisable number, the most convincing (then the
// longest) are taken first, without overlap.
func pickNumbers(groups []group) []number {
	var cands []candidate
	for i := range groups {
		var d []byte
		for j := i; j < len(groups) && j-i < maxSpanGroups; j++ {
			if len(d) > 0 && d[len(d)-1] == 'X' {
				break
			}
			d = append(d, groups[j].digits...)
			if len(d) > 20 {
				break
			}
			if k, q := classify(string(d)); k != numNone {
				cands = append(cands, candidate{i, j + 1, k, q, string(d)})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if a.quality != b.quality {
			return b.quality - a.quality
		}
		if len(a.digits) != len(b.digits) {
			return len(b.digits) - len(a.digits)
		}
		return a.i - b.i
	})
	taken := make([]bool, len(groups))
	var out []number
	for _, c := range cands {
		if slices.Contains(taken[c.i:c.j], true) {
			continue
		}
		n := number{kind: c.kind, digits: c.digits}
		for g := c.i; g < c.j; g++ {
			taken[g] = true
			n.pos = append(n.pos, groups[g].pos...)
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b number) int { return a.pos[0] - b.pos[0] })
	return out
}

// classify says what a run of digits is, and how sure (1..3).
func classify(d string) (numKind, int) {
	n := len(d)
	if strings.HasSuffix(d, "X") {
		if n == 18 && plausibleID18(d) {
			return numID, 2 + b2i(idChecksumOK(d))
		}
		return numNone, 0
	}
	switch {
	case n == 18 && plausibleID18(d):
		return numID, 2 + b2i(idChecksumOK(d))
	case n == 15 && (d[:2] == "34" || d[:2] == "37") && luhn(d):
		return numCard, 2
	case n == 15 && plausibleID15(d):
		return numID, 1
	case n == 11 && d[0] == '1' && d[1] >= '3':
		return numPhone, 3
	case n == 13 && strings.HasPrefix(d, "861") && d[3] >= '3':
		return numPhone, 3
	case n >= 10 && n <= 12 && d[0] == '0' && d[1] != '0':
		return numPhone, 1 // landline with area code
	case n == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")):
		return numPhone, 1
	case n >= 16 && n <= 19:
		return numCard, 1 + b2i(knownBIN(d)) + b2i(luhn(d))
	}
	return numNone, 0
}

func plausibleID18(d string) bool {
	if d[0] < '1' || d[0] > '9' {
		return false
	}
	for _, c := range d[:17] {
		if c < '0' || c > '9' {
			return false
		}
	}
	y := d[6:8]
	return (y == "18" || y == "19" || y == "20") && plausibleMonthDay(d[10:12], d[12:14])
}

func plausibleID15(d string) bool {
	return d[0] >= '1' && d[0] <= '9' && plausibleMonthDay(d[8:10], d[10:12])
}

func plausibleMonthDay(m, d string) bool {
	return (m >= "01" && m <= "12") && (d >= "01" && d <= "31")
}

// idChecksumOK checks the ISO 7064 MOD 11-2 check digit of an 18-digit ID.
func idChecksumOK(d string) bool {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return "10X98765432"[sum%11] == d[17]
}

func knownBIN(d string) bool {
	switch {
	case strings.HasPrefix(d, "62"), d[0] == '4', d[0] == '9',
		d[0] == '5' && d[1] >= '1' && d[1] <= '5', strings.HasPrefix(d, "35"), strings.HasPrefix(d, "37"):
		return true
	}
	return false
}

func luhn(d string) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nationalPhone returns a phone's digits without the +86 prefix, or "" when
// d is not a phone number.
func nationalPhone(d string) string {
	d = strings.TrimPrefix(d, "00")
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if k, _ := classify(d); k != numPhone {
		return ""
	}
	return d
}

// digitsOf returns the ASCII digits of s (full-width ones too).
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if v := digitVal(r); v >= 0 {
			b.WriteByte(byte('0' + v))
		}
	}
	return b.String()
}

func digitVal(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}

func isX(r rune) bool { return r == 'x' || r == 'X' || r == 'ｘ' || r == 'Ｘ' }

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') || digitVal(r) >= 0
}

func isSep(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u3000', '-', '－', '‐', '‑', '–':
		return true
	}
	return false
}

// fold maps full-width ASCII to ASCII, the ideographic space to a space,
// and lower-cases.
func fold(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s))
}
