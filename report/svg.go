package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// SVG charts for the web console: the same three charts as PNG, drawn as
// inline SVG that scales to the screen (viewBox, width 100%) and uses the
// browser's own fonts. Every text is escaped.

const svgWidth = 640

func svgOpen(s *strings.Builder, h int, title string) {
	fmt.Fprintf(s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" class="chart">`,
		svgWidth, h, template.HTMLEscapeString(title))
	fmt.Fprintf(s, `<title>%s</title>`, template.HTMLEscapeString(title))
}

func svgText(s *strings.Builder, x, y float64, anchor, class, t string) {
	fmt.Fprintf(s, `<text x="%.1f" y="%.1f" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, template.HTMLEscapeString(t))
}

// scale returns a "nice" maximum for an axis (at least 1).
func scale(max float64) float64 {
	if max <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= max {
			return m * p
		}
	}
	return 10 * p
}

// TypesSVG draws the types this week (red) against last week (grey).
func TypesSVG(r *Report) template.HTML {
	rows := r.Types
	const rowH, left, right, top = 34, 170, 60, 30
	h := top + max(len(rows), 1)*rowH + 10
	var s strings.Builder
	svgOpen(&s, h, "诈骗类型：本周与上周")
	fmt.Fprintf(&s, `<rect x="%d" y="6" width="12" height="10" class="this"/>`, left)
	svgText(&s, left+16, 15, "start", "legend", "本周")
	fmt.Fprintf(&s, `<rect x="%d" y="6" width="12" height="10" class="last"/>`, left+60)
	svgText(&s, left+76, 15, "start", "legend", "上周")
	var most float64
	for _, t := range rows {
		most = math.Max(most, math.Max(float64(t.This), float64(t.Last)))
	}
	top1 := scale(most)
	width := float64(svgWidth - left - right)
	for i, t := range rows {
		y := float64(top + i*rowH)
		svgText(&s, left-8, y+17, "end", "label", t.Name)
		wt, wl := width*float64(t.This)/top1, width*float64(t.Last)/top1
		fmt.Fprintf(&s, `<rect x="%d" y="%.1f" width="%.1f" height="12" class="this"><title>本周 %d起</title></rect>`, left, y+3, wt, t.This)
		fmt.Fprintf(&s, `<rect x="%d" y="%.1f" width="%.1f" height="10" class="last"><title>上周 %d起</title></rect>`, left, y+16, wl, t.Last)
		svgText(&s, float64(left)+wt+4, y+14, "start", "value", fmt.Sprintf("%d（%s）", t.This, Signed(t.Change)))
	}
	if len(rows) == 0 {
		svgText(&s, svgWidth/2, float64(top+20), "middle", "label", "本周暂无数据")
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// DistrictsSVG draws this week's count per district as a grid of tiles
// whose colour deepens with the count (a map-like view), with the count
// and change in each.
func DistrictsSVG(r *Report) template.HTML {
	ds := r.Districts
	const cols, tileW, tileH, gap, top = 4, 150, 64, 8, 10
	rows := max((len(ds)+cols-1)/cols, 1)
	h := top + rows*(tileH+gap)
	var s strings.Builder
	svgOpen(&s, h, "区县分布")
	var most int64 = 1
	for _, d := range ds {
		most = max(most, d.This)
	}
	for i, d := range ds {
		x := float64(gap + (i%cols)*(tileW+gap))
		y := float64(top + (i/cols)*(tileH+gap))
		alpha := 0.12 + 0.78*float64(d.This)/float64(most)
		fmt.Fprintf(&s, `<rect x="%.0f" y="%.0f" width="%d" height="%d" rx="6" class="tile" fill-opacity="%.2f"><title>%s %d起</title></rect>`,
			x, y, tileW, tileH, alpha, template.HTMLEscapeString(d.Name), d.This)
		svgText(&s, x+tileW/2, y+24, "middle", "tilename", d.Name)
		svgText(&s, x+tileW/2, y+48, "middle", "tilevalue", fmt.Sprintf("%d起 %s", d.This, Signed(d.Change)))
	}
	if len(ds) == 0 {
		svgText(&s, svgWidth/2, float64(top+30), "middle", "label", "本周暂无区县数据")
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// TrendSVG draws the weekly totals and the cases handed to officers.
func TrendSVG(r *Report) template.HTML {
	const h, left, right, top, bottom = 240, 40, 20, 30, 40
	var s strings.Builder
	svgOpen(&s, h, fmt.Sprintf("近%d周趋势", len(r.Trend)))
	fmt.Fprintf(&s, `<rect x="%d" y="6" width="12" height="4" class="line"/>`, left)
	svgText(&s, left+16, 13, "start", "legend", "中高风险咨询")
	fmt.Fprintf(&s, `<rect x="%d" y="6" width="12" height="4" class="this"/>`, left+110)
	svgText(&s, left+126, 13, "start", "legend", "移交民警")
	var most float64
	for _, p := range r.Trend {
		most = math.Max(most, float64(max(p.Total, p.Handed)))
	}
	top1 := scale(most)
	plotW, plotH := float64(svgWidth-left-right), float64(h-top-bottom)
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, h-bottom, svgWidth-right, h-bottom)
	svgText(&s, left-6, float64(top)+4, "end", "value", fmt.Sprintf("%.0f", top1))
	svgText(&s, left-6, float64(h-bottom), "end", "value", "0")
	n := len(r.Trend)
	x := func(i int) float64 {
		if n <= 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(n-1)
	}
	y := func(v int64) float64 { return float64(top) + plotH*(1-float64(v)/top1) }
	var total, handed []string
	for i, p := range r.Trend {
		total = append(total, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Total)))
		handed = append(handed, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Handed)))
		if i%2 == (n-1)%2 {
			svgText(&s, x(i), float64(h-bottom+16), "middle", "value", p.Label)
		}
	}
	fmt.Fprintf(&s, `<polyline points="%s" class="total"/>`, strings.Join(total, " "))
	fmt.Fprintf(&s, `<polyline points="%s" class="handed"/>`, strings.Join(handed, " "))
	for i, p := range r.Trend {
		fmt.Fprintf(&s, `<circle cx="%.1f" cy="%.1f" r="3" class="dot"><title>%s 周 %d起</title></circle>`, x(i), y(p.Total), p.Label, p.Total)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// SVGStyle is the CSS the SVG charts' classes need.
const SVGStyle = `.chart{max-width:100%;height:auto;font-family:system-ui,"Noto Sans CJK SC",sans-serif}
.chart .this{fill:#c62828}.chart .last{fill:#90a4ae}.chart .line{fill:#1565c0}
.chart .label{font-size:13px;fill:#222}.chart .value,.chart .legend{font-size:11px;fill:#444}
.chart .tile{fill:#c62828}.chart .tilename{font-size:14px;fill:#000;font-weight:600}.chart .tilevalue{font-size:12px;fill:#000}
.chart .axis{stroke:#999}.chart .total{fill:none;stroke:#1565c0;stroke-width:2}.chart .handed{fill:none;stroke:#c62828;stroke-width:1.5;stroke-dasharray:4 3}
.chart .dot{fill:#1565c0}`
