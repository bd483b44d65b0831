package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// Percent formats a fraction as the police report does: two decimals at
// most, trailing zeros dropped ("25.21%", "74.8%", "5.1%", "100%").
func Percent(f float64) string {
	return trimFloat(math.Abs(f)*100, 2) + "%"
}

// Signed formats a change with its sign: "+74.8%", "−9.92%" (a true minus
// sign), "持平" for none, "—" when there is nothing to compare with.
func Signed(c *float64) string {
	switch {
	case c == nil:
		return "—"
	case math.Round(*c*10000) == 0:
		return "持平"
	case *c > 0:
		return "+" + Percent(*c)
	}
	return "−" + Percent(*c)
}

// Trend words a change: "上升74.8%", "下降9.92%", "持平".
func Trend(c *float64) string {
	switch {
	case c == nil:
		return "无环比"
	case math.Round(*c*10000) == 0:
		return "持平"
	case *c > 0:
		return "上升" + Percent(*c)
	}
	return "下降" + Percent(*c)
}

// Yuan formats an amount as the report does: "1226万元" from 10,000 on,
// "3000元" below.
func Yuan(y float64) string {
	if y >= 10_000 {
		return trimFloat(y/10_000, 2) + "万元"
	}
	return trimFloat(y, 0) + "元"
}

func trimFloat(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Dates formats a week as "12月1日-12月7日".
func Dates(start, end time.Time) string {
	last := end.AddDate(0, 0, -1)
	return fmt.Sprintf("%d月%d日-%d月%d日", start.Month(), start.Day(), last.Month(), last.Day())
}

var kindNames = map[fanzha.IndicatorKind]string{
	fanzha.IndPhone: "电话", fanzha.IndURL: "网址", fanzha.IndBankCard: "银行卡", fanzha.IndQQ: "QQ",
	fanzha.IndWeChat: "微信", fanzha.IndApp: "APP",
}

// KindName names an indicator kind in Chinese.
func KindName(k fanzha.IndicatorKind) string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return string(k)
}

// Text renders the report in Chinese, in the order and wording of the
// police weekly report. It holds no citizen's words except the redacted
// new-script examples.
func (r *Report) Text() string {
	var s strings.Builder
	title := "反诈周报 " + r.Week + "（" + Dates(r.Start, r.End) + "）"
	if r.SoFar {
		title += fmt.Sprintf("，截至%d月%d日%d时", r.AsOf.Month(), r.AsOf.Day(), r.AsOf.Hour())
	}
	s.WriteString(title + "\n\n")

	// Summary, as "全市受理电信诈骗案件436起，涉案金额1226万元，环比上上周分别下降9.92%和5.1%".
	fmt.Fprintf(&s, "本周，共识别中高风险诈骗咨询%d起，涉及金额不少于%s", r.Total, Yuan(r.Amount))
	switch {
	case r.Last == 0:
		s.WriteString("，上周无数据，无环比。")
	case r.AmountChange != nil:
		fmt.Fprintf(&s, "，环比上周分别%s和%s。", Trend(r.Change), Trend(r.AmountChange))
	default:
		fmt.Fprintf(&s, "，环比上周%s。", Trend(r.Change))
	}
	fmt.Fprintf(&s, "移交民警核查%d起（环比%s）。\n", r.Handed, Signed(r.HandedChange))
	if r.Total == 0 {
		s.WriteString("\n本周暂无中高风险咨询。\n")
	}

	// Types.
	if len(r.Types) > 0 {
		top := r.Types[:min(3, len(r.Types))]
		names, shares := make([]string, len(top)), make([]string, len(top))
		for i, t := range top {
			names[i], shares[i] = t.Name, Percent(t.Share)
		}
		if len(top) == 1 {
			fmt.Fprintf(&s, "\n高发类案为%s，占%s。", names[0], shares[0])
		} else {
			fmt.Fprintf(&s, "\n高发类案有%s，分别占%s。", strings.Join(names, "、"), strings.Join(shares, "、"))
		}
		if r.Rising != nil {
			fmt.Fprintf(&s, "其中%s较上周增加了%d起", r.Rising.Name, r.Rising.Diff())
			if r.Rising.Change != nil {
				fmt.Fprintf(&s, "，环比上升%s", Percent(*r.Rising.Change))
			} else {
				s.WriteString("（上周无此类）")
			}
			s.WriteString("，升幅最大。")
		}
		s.WriteString("\n")
		for i, t := range r.Types {
			fmt.Fprintf(&s, "%d. %s %d起，占%s，环比%s\n", i+1, t.Name, t.This, Percent(t.Share), Signed(t.Change))
		}
	}

	// Districts.
	if len(r.Districts) > 0 {
		var top []string
		for _, d := range r.Districts[:min(3, len(r.Districts))] {
			if d.This > 0 {
				top = append(top, d.Name)
			}
		}
		s.WriteString("\n")
		if len(top) > 0 {
			fmt.Fprintf(&s, "%s为咨询区县前%d位", strings.Join(top, "、"), len(top))
		}
		if len(r.RisingDistricts) > 0 {
			var up []string
			for _, d := range r.RisingDistricts {
				up = append(up, fmt.Sprintf("%s（+%d起）", d.Name, d.Diff()))
			}
			if len(top) > 0 {
				s.WriteString("，")
			}
			fmt.Fprintf(&s, "%s为环比上升前%d位", strings.Join(up, "、"), len(up))
		}
		s.WriteString("。\n")
		for _, d := range r.Districts {
			if d.This > 0 || d.Last > 0 {
				fmt.Fprintf(&s, "· %s %d起，环比%s\n", d.Name, d.This, Signed(d.Change))
			}
		}
		if r.NoDistrict > 0 {
			fmt.Fprintf(&s, "· 未选择区县 %d起\n", r.NoDistrict)
		}
	}

	// Paid and stop-payment.
	if r.Total > 0 {
		fmt.Fprintf(&s, "\n已转账被骗的占%s（%d起），已引导紧急止付%d次。\n", Percent(r.PaidShare), r.Paid, r.StopPayment)
	}

	// Indicators.
	if len(r.Indicators) > 0 {
		s.WriteString("\n民警确认的涉诈线索（已加入拦截名单）：\n")
		for _, in := range r.Indicators {
			fmt.Fprintf(&s, "· %s %s（%d起）\n", KindName(in.Kind), in.Value, in.Cases)
		}
	}

	// New scripts: "紧跟犯罪特点翻新演化趋势".
	if len(r.NewScripts) > 0 {
		fmt.Fprintf(&s, "\n新手法线索：%d起咨询与已知话术都不相似，归为%d组：\n", r.NewSamples, len(r.NewScripts))
		for i, g := range r.NewScripts {
			fmt.Fprintf(&s, "%d. %s %d起，例：“%s”\n", i+1, g.Name, g.Count, textnorm.OneLine(g.Example, 80))
		}
	}

	fmt.Fprintf(&s, "\n提醒：凡是要求转账、垫付、缴纳保证金的，都要先停一停，拨打反诈专线%s核实；已经转账的，立即拨打110紧急止付。\n", r.Hotline)
	return s.String()
}
