package classifier

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// Promised-return arithmetic. A scammer's promise is turned into a monthly
// rate and a compounded annual rate, because "每月返3000" sounds modest until
// it is said as "214% a year".

const (
	// abnormalMonthly is 2 % a month (about 27 % a year): the brief's line
	// above which a promised return is a scam sign on its own.
	abnormalMonthly = 0.02
	// highMonthly is about 10 % a year: well above any bank deposit.
	highMonthly = 0.008
	// depositAnnual is what a bank deposit pays, to compare against.
	depositAnnual = 0.015
)

var (
	numPat = `(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万]+)`
	// "投3万每月返3000", "本金一万，一个月收益1200", "存5000每天能赚75"
	rePrincipal = compile(`(?:投|投资|投入|本金|充值|充|入金|存入|存|放进去|买入|买了?)了?` + numPat +
		`(万元|万|千元|千|w|k|元|块钱|块)?[^\d]{0,14}?(每个?月|一个月|月|每天|每日|一天|日|每周|一周|周|每年|一年|年)[^\d]{0,5}?` +
		`(?:返|收益|赚|分红|利息|回报|拿|到手|给|有|返还|返利|盈利|利润|挣)[^\d]{0,3}?` + numPat + `(万元|万|千元|千|w|k|元|块钱|块)?`)
	// "三万块每个月返三千", "一万块一天赚两百": no verb, so the principal
	// needs a unit and the return word must follow the period.
	rePrincipalBare = compile(numPat + `(万元|万|千元|千|w|元|块钱|块)[^\d]{0,8}?(每个?月|一个月|每天|每日|一天|每周|一周|每年|一年)[^\d]{0,4}?` +
		`(?:返|收益|分红|利息|回报|返利|盈利|利润|能赚|可以赚|赚|挣)[^\d]{0,3}?` + numPat + `(万元|万|千元|千|w|k|元|块钱|块)?`)
	// "I put in 30,000 and they pay me 3,000 a month"
	enNum          = `(?:\$|¥|rmb |usd )?(\d[\d,]*(?:\.\d+)?) ?(k|yuan|rmb|dollars|usd)?`
	rePrincipalEN  = compile(`(?:invest(?:ed|ing)?|put in|deposit(?:ed)?|pay in|paid in) ` + enNum + `[^\d]{0,40}?(?:returns?|pays?|get|gets|earn|earns|receive|gives?)(?: me| you| us)? ` + enNum + ` ?(?:a|per|every|each) (day|week|month|year)`)
	rePrincipalEN2 = compile(enNum + ` (?:invested|investment|deposit)[^\d]{0,20}?(?:returns?|pays?|earns?|gives?|yields?) ` + enNum + ` ?(?:a|per|every|each) (day|week|month|year)`)
	// "月收益10%", "日化1.5个点", "年化36%", "每天收益率2%"
	rePercentAfter = compile(`(日|每天|每日|天|周|每周|月|每月|每个月|月化|日化|年|每年|年化)(?:化|收益率?|利率|回报率?|利息|返利?|分红|盈利|利润|收益可达|稳赚)?(?:高达|达到|能达到|可达|稳定在|约|为|是|有|在|至少|最少|最低|保底|超过|不低于|就有|能有|能到|可以到)?(\d+(?:\.\d+)?)(%|个点|点)`)
	// "10%的月收益", "2个点每天"
	rePercentBefore = compile(`(\d+(?:\.\d+)?)(%|个点)(?:的)?(?:每)?(日|天|周|月|年)(?:化|收益|回报|利息|利润)?`)
	// English: "10% a month", "10 points a month", "1.5% daily", "monthly return of 8%"
	reEnAfter  = compile(`(\d+(?:\.\d+)?) ?(?:%|percent|points?|pct)(?: return| profit| interest)? ?(?:a|per|each|every|/)? ?(day|week|month|year|daily|weekly|monthly|annually|yearly|annual)`)
	reEnBefore = compile(`(daily|weekly|monthly|annual|annualized|yearly) (?:return|interest|profit|yield|payout|gain)s?(?: rate)?(?: of| is| at|:)? ?(?:up to |about |around )?(\d+(?:\.\d+)?) ?(?:%|percent)`)
	// "每个月能赚10%", "每天收益能拿到百分之三": a return verb between the
	// period and the percentage.
	cnPct        = `(\d+(?:\.\d+)?(?:%|个点)|百分之[零一二两三四五六七八九十百点]+)`
	rePercentGap = compile(`(日|每天|每日|一天|天|周|每周|一周|月|每月|每个月|一个月|年|每年|一年)[^\d，。！？,.!?]{0,4}?(?:赚|挣|收益|回报|返|利润|分红|盈利|利息|拿到?|涨)[^\d，。！？,.!?]{0,3}?` + cnPct)
	// "回报率百分之五十", "收益高达30%": no period, read as a year's (the
	// mildest reading).
	reReturnRate = compile(`(?:回报率|收益率|回报|收益|利润率?)(?:高达|达到|能达到|可达|有|是|为|在|超过|至少|保底|能有|稳定在)?` + cnPct)
	// "投进去一个月就能翻倍", "三个月翻一番", "doubles in a week".
	reDouble   = compile(`(\d+|[一二两三四五六七八九十半几]+)?个?(天|日|周|星期|礼拜|月|年)[^\d，。！？,.!?]{0,6}?(?:翻|涨)(?:一|1)?(?:倍|番)`)
	reDoubleEN = compile(`\b(?:doubles?|doubled|doubling) (?:your money |your investment |it |in value |your \$?\d+ )?(?:in|within|every) (?:a |one |(\d+) )?(day|week|month|year)s?\b`)
	// "月息一分" is 1 % a month in folk finance, "月息八厘" 0.8 %.
	reFolkRate = compile(`(月息|月利息?|年息|年利息?)([零一二两三四五六七八九十\d.]+)(分|厘)`)
	// Words that make a rate the price of a loan, not a promised return.
	reLoanContext = compile(`贷|借款|借钱|还款|分期|利率.{0,3}起|loan|borrow|mortgage|apr`)
)

// findRate returns the most abnormal promised return in the folded text.
func findRate(f textnorm.Folded, t *scan) *fanzha.Rate {
	s := f.Text
	var best *fanzha.Rate
	consider := func(start, end int, monthly float64) {
		if monthly <= 0 || math.IsInf(monthly, 0) || math.IsNaN(monthly) || monthly > 50 {
			return
		}
		lo := start - 24
		if lo < 0 {
			lo = 0
		}
		hi := min(len(s), end+15)
		if reLoanContext.matchString(s[lo:start]) || reLoanContext.matchString(s[end:hi]) {
			return
		}
		if best == nil || monthly > best.Monthly {
			best = &fanzha.Rate{Span: f.Span(start, end), Monthly: monthly, Annual: math.Pow(1+monthly, 12) - 1}
		}
	}
	// Principal and return: which submatches hold the principal, its unit,
	// the period, the return and its unit.
	for _, pr := range []struct {
		re                            *pattern
		pnum, punit, per, rnum, runit int
	}{
		{rePrincipal, 1, 2, 3, 4, 5},
		{rePrincipalBare, 1, 2, 3, 4, 5},
		{rePrincipalEN, 1, 2, 5, 3, 4},
		{rePrincipalEN2, 1, 2, 5, 3, 4},
	} {
		for _, m := range pr.re.findAllSubmatchIndex(t, -1) {
			// "买了一款…年化2.3%": a bare numeral without a unit is not a
			// principal, and a return written as a percentage is read below.
			if sub(s, m, 2*pr.punit) == "" && parseAmount(sub(s, m, 2*pr.pnum), "") < 100 {
				continue
			}
			if rest := s[m[1]:]; strings.HasPrefix(rest, "%") || strings.HasPrefix(rest, "个点") || strings.HasPrefix(rest, "点") {
				continue
			}
			p := parseAmount(sub(s, m, 2*pr.pnum), sub(s, m, 2*pr.punit))
			r := parseAmount(sub(s, m, 2*pr.rnum), sub(s, m, 2*pr.runit))
			// "投3万每月返3000": an unmarked return beside a marked principal is in yuan.
			if p > 0 && r > 0 && r < p*10 {
				consider(m[0], m[1], perMonth(r/p, periodOf(sub(s, m, 2*pr.per))))
			}
		}
	}
	// Percentages: which submatch holds the number and which the period.
	for _, pp := range []struct {
		re          *pattern
		num, period int
	}{
		{rePercentAfter, 2, 1},
		{rePercentBefore, 1, 3},
		{reEnAfter, 1, 2},
		{reEnBefore, 2, 1},
	} {
		for _, m := range pp.re.findAllSubmatchIndex(t, -1) {
			v, _ := strconv.ParseFloat(sub(s, m, 2*pp.num), 64)
			consider(m[0], m[1], perMonth(v/100, periodIn(s, m, 2*pp.period)))
		}
	}
	for _, m := range rePercentGap.findAllSubmatchIndex(t, -1) {
		consider(m[0], m[1], perMonth(percent(sub(s, m, 4)), periodIn(s, m, 2)))
	}
	for _, m := range reReturnRate.findAllSubmatchIndex(t, -1) {
		consider(m[0], m[1], perMonth(percent(sub(s, m, 2)), year))
	}
	for _, m := range reDouble.findAllSubmatchIndex(t, -1) {
		n := 1.0
		if c := sub(s, m, 2); c != "" {
			n = parseAmount(c, "")
			if c == "半" {
				n = 0.5
			}
		}
		if n > 0 {
			consider(m[0], m[1], perMonth(1/n, periodOf(sub(s, m, 4))))
		}
	}
	for _, m := range reDoubleEN.findAllSubmatchIndex(t, -1) {
		n := 1.0
		if c := sub(s, m, 2); c != "" {
			n, _ = strconv.ParseFloat(c, 64)
		}
		if n > 0 {
			consider(m[0], m[1], perMonth(1/n, periodOf(sub(s, m, 4))))
		}
	}
	for _, m := range reFolkRate.findAllSubmatchIndex(t, -1) {
		v := parseAmount(sub(s, m, 4), "") / 100
		if sub(s, m, 6) == "厘" {
			v /= 10
		}
		p := month
		if strings.HasPrefix(sub(s, m, 2), "年") {
			p = year
		}
		consider(m[0], m[1], perMonth(v, p))
	}
	return best
}

// percent reads "10%", "10个点" or "百分之五十" as a fraction.
func percent(s string) float64 {
	if rest, ok := strings.CutPrefix(s, "百分之"); ok {
		whole, frac, _ := strings.Cut(rest, "点")
		v := parseChineseNumber(whole)
		if frac != "" {
			f, _ := strconv.ParseFloat("0."+chineseDigits(frac), 64)
			v += f
		}
		return v / 100
	}
	v, _ := strconv.ParseFloat(strings.TrimRight(s, "%个点"), 64)
	return v / 100
}

// chineseDigits spells 五五 as 55 (digits after a decimal point).
func chineseDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if i := strings.IndexRune("零一二三四五六七八九", r); i >= 0 {
			b.WriteByte(byte('0' + i/3))
		}
	}
	return b.String()
}

func sub(s string, m []int, i int) string {
	if m[i] < 0 {
		return ""
	}
	return s[m[i]:m[i+1]]
}

type period int

const (
	day period = iota
	week
	month
	year
)

// periodIn is the period named by submatch i of m; "七日年化收益率1.32%" is
// a yearly rate averaged over seven days, whatever day it names.
func periodIn(s string, m []int, i int) period {
	if lo := max(0, m[0]-3); strings.Contains(s[lo:m[1]], "年化") {
		return year
	}
	return periodOf(sub(s, m, i))
}

func periodOf(s string) period {
	switch {
	case strings.Contains(s, "日"), strings.Contains(s, "天"), strings.HasPrefix(s, "da"):
		return day
	case strings.Contains(s, "周"), strings.HasPrefix(s, "week"):
		return week
	case strings.Contains(s, "年"), strings.HasPrefix(s, "year"), strings.HasPrefix(s, "annual"):
		return year
	}
	return month
}

// perMonth converts a rate over a period into a compounded monthly rate.
func perMonth(r float64, p period) float64 {
	switch p {
	case day:
		return math.Pow(1+r, 365.0/12) - 1
	case week:
		return math.Pow(1+r, 52.0/12) - 1
	case year:
		return math.Pow(1+r, 1.0/12) - 1
	}
	return r
}

// parseAmount reads "3", "1.5", "三", "两万" with an optional unit.
func parseAmount(num, unit string) float64 {
	v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
	if err != nil {
		v = parseChineseNumber(num)
	}
	switch unit {
	case "万", "万元", "w":
		v *= 10000
	case "千", "千元", "k":
		v *= 1000
	}
	return v
}

// parseChineseNumber reads numbers like 三, 十二, 两千五, 三万, 一万五千.
func parseChineseNumber(s string) float64 {
	digits := map[rune]float64{'零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	var total, section, cur float64
	lastUnit := 1.0
	for _, r := range s {
		if d, ok := digits[r]; ok {
			cur = d
			continue
		}
		switch r {
		case '十':
			if cur == 0 {
				cur = 1
			}
			section += cur * 10
			cur, lastUnit = 0, 10
		case '百':
			section += cur * 100
			cur, lastUnit = 0, 100
		case '千':
			section += cur * 1000
			cur, lastUnit = 0, 1000
		case '万':
			total += (section + cur) * 10000
			section, cur, lastUnit = 0, 0, 10000
		}
	}
	// "两千五" means 2500: a trailing digit takes a tenth of the last unit.
	if cur > 0 && lastUnit >= 100 {
		cur *= lastUnit / 10
	}
	return total + section + cur
}

// rateFlag turns an abnormal rate into a red flag.
func rateFlag(r *fanzha.Rate) (fanzha.Flag, bool) {
	if r == nil || r.Monthly < highMonthly {
		return fanzha.Flag{}, false
	}
	m, a := pct(r.Monthly), pct(r.Annual)
	if r.Monthly >= abnormalMonthly {
		return fanzha.Flag{
			ID: "abnormal_return", Type: fanzha.Investment, Hard: true, Span: r.Span,
			Text: fanzha.Text{
				ZH: fmt.Sprintf("承诺的收益相当于每月%s、按复利约每年%s，而银行存款一年约%s。正规理财不可能保证这样的收益，这是投资诈骗的典型诱饵。", m, a, pct(depositAnnual)),
				EN: fmt.Sprintf("The promised return is about %s a month, roughly %s a year compounded, against about %s a year for a bank deposit. No genuine investment guarantees this: it is the classic bait of an investment scam.", m, a, pct(depositAnnual)),
			},
		}, true
	}
	return fanzha.Flag{
		ID: "high_return", Type: fanzha.Investment, Span: r.Span,
		Text: fanzha.Text{
			ZH: fmt.Sprintf("承诺的收益约每月%s（每年约%s），远高于银行存款（每年约%s）。高收益必然高风险，先通过正规金融机构核实。", m, a, pct(depositAnnual)),
			EN: fmt.Sprintf("The promised return is about %s a month (about %s a year), far above a bank deposit (about %s a year). High returns mean high risk: check with a licensed institution first.", m, a, pct(depositAnnual)),
		},
	}, true
}

// pct formats a fraction as a percentage with sensible precision.
func pct(f float64) string {
	p := f * 100
	switch {
	case p >= 10000:
		return ">10000%"
	case p >= 100:
		return fmt.Sprintf("%.0f%%", p)
	case p >= 10:
		return fmt.Sprintf("%.0f%%", p)
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", p), "0"), ".") + "%"
}
