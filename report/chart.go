package report

import (
	"bytes"
	"fmt"
	"image/color"
	"log/slog"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// DefaultFonts are where Debian's fonts-noto-cjk puts its Simplified
// Chinese sans-serif faces (a TrueType collection; the SC face is chosen).
var DefaultFonts = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
}

const cjkTypeface = "NotoSansCJK"

// chartFonts loads the CJK font once. When none of the paths holds one,
// the chart falls back to gonum's Latin font and English labels, and says
// so once in the log.
type chartFonts struct {
	paths []string
	log   *slog.Logger

	once    sync.Once
	handler text.Handler // nil: no CJK font
}

func (c *chartFonts) load() text.Handler {
	c.once.Do(func() {
		for _, p := range c.paths {
			f, err := loadCJK(p)
			if err != nil {
				continue
			}
			cache := font.NewCache(font.Collection{{Font: font.Font{Typeface: cjkTypeface}, Face: f}})
			c.handler = text.Plain{Fonts: cache}
			c.log.Info("chart font loaded", "path", p)
			return
		}
		c.log.Warn("no CJK font for the report chart: labels will be in English (install fonts-noto-cjk)", "tried", strings.Join(c.paths, ", "))
	})
	return c.handler
}

// loadCJK reads a font file or collection and returns its Simplified
// Chinese face (the first face when none is named SC).
func loadCJK(path string) (*opentype.Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	coll, err := opentype.ParseCollection(b)
	if err != nil {
		return nil, err
	}
	var first *opentype.Font
	for i := range coll.NumFonts() {
		f, err := coll.Font(i)
		if err != nil {
			continue
		}
		if first == nil {
			first = f
		}
		name, _ := f.Name(nil, sfnt.NameIDFamily)
		if strings.HasSuffix(name, " SC") {
			return f, nil
		}
	}
	if first == nil {
		return nil, fmt.Errorf("%s: no font", path)
	}
	return first, nil
}

// HasCJKFont reports whether the chart has its Chinese font (false: the
// English fallback).
func (b *Builder) HasCJKFont() bool { return b.chart.load() != nil }

var (
	colorThis = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff} // this week: red
	colorLast = color.RGBA{R: 0x90, G: 0xa4, B: 0xae, A: 0xff} // last week: grey
	colorLine = color.RGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff}
)

// PNG draws the report's chart: types this week against last, districts,
// and the weekly trend, one above the other (1000×1500 px).
func (b *Builder) PNG(r *Report) ([]byte, error) {
	h := b.chart.load()
	zh := h != nil
	if h == nil {
		h = plot.DefaultTextHandler
	}
	label := func(zhText, enText string) string {
		if zh {
			return zhText
		}
		return enText
	}
	style := func(p *plot.Plot) {
		for _, s := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
			&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
			s.Handler = h
			if zh {
				s.Font = font.Font{Typeface: cjkTypeface, Size: s.Font.Size}
			}
		}
		p.Title.TextStyle.Font.Size = vg.Points(15)
		p.Title.Padding = vg.Points(10)
		p.X.Tick.Label.Font.Size = vg.Points(10)
		p.Y.Tick.Label.Font.Size = vg.Points(10)
		p.Legend.TextStyle.Font.Size = vg.Points(10)
	}

	// 1. Types: horizontal bars, this week and last.
	types := plot.New()
	style(types)
	types.Title.Text = label("诈骗类型：本周与上周（起）", "Scam types: this week vs last")
	n := min(len(r.Types), 11)
	names := make([]string, n)
	this, last := make(plotter.Values, n), make(plotter.Values, n)
	for i, t := range r.Types[:n] {
		j := n - 1 - i // the largest on top
		names[j] = label(t.Name, string(t.Type))
		this[j], last[j] = float64(t.This), float64(t.Last)
	}
	if n == 0 {
		names, this, last = []string{label("无", "none")}, plotter.Values{0}, plotter.Values{0}
	}
	w := vg.Points(9)
	bt, err := plotter.NewBarChart(this, w)
	if err != nil {
		return nil, err
	}
	bl, err := plotter.NewBarChart(last, w)
	if err != nil {
		return nil, err
	}
	bt.Horizontal, bl.Horizontal = true, true
	bt.Color, bl.Color = colorThis, colorLast
	bt.LineStyle.Width, bl.LineStyle.Width = 0, 0
	bt.Offset, bl.Offset = w/2, -w/2
	types.Add(bt, bl)
	types.NominalY(names...)
	types.Legend.Add(label("本周", "this week"), bt)
	types.Legend.Add(label("上周", "last week"), bl)
	types.Legend.Top = true
	types.X.Min = 0

	// 2. Districts: this week's bars.
	dist := plot.New()
	style(dist)
	dist.Title.Text = label("区县分布（本周，起）", "Districts (this week)")
	var dNames []string
	var dVals plotter.Values
	for _, d := range r.Districts {
		if len(dNames) == 12 {
			break
		}
		dNames = append(dNames, d.Name)
		dVals = append(dVals, float64(d.This))
	}
	if len(dNames) == 0 {
		dNames, dVals = []string{label("未选择区县", "no district")}, plotter.Values{float64(r.NoDistrict)}
	}
	if !zh {
		for i := range dNames {
			dNames[i] = fmt.Sprintf("D%d", i+1)
		}
	}
	bd, err := plotter.NewBarChart(dVals, vg.Points(22))
	if err != nil {
		return nil, err
	}
	bd.Color = colorThis
	bd.LineStyle.Width = 0
	dist.Add(bd)
	dist.NominalX(dNames...)
	dist.Y.Min = 0

	// 3. Trend: weekly totals and cases handed to officers.
	trend := plot.New()
	style(trend)
	trend.Title.Text = label(fmt.Sprintf("近%d周趋势（起）", len(r.Trend)), fmt.Sprintf("Last %d weeks", len(r.Trend)))
	total, handed := make(plotter.XYs, len(r.Trend)), make(plotter.XYs, len(r.Trend))
	ticks := make([]string, len(r.Trend))
	for i, p := range r.Trend {
		total[i] = plotter.XY{X: float64(i), Y: float64(p.Total)}
		handed[i] = plotter.XY{X: float64(i), Y: float64(p.Handed)}
		ticks[i] = p.Label
	}
	lt, err := plotter.NewLine(total)
	if err != nil {
		return nil, err
	}
	lt.Color, lt.Width = colorLine, vg.Points(2)
	lh, err := plotter.NewLine(handed)
	if err != nil {
		return nil, err
	}
	lh.Color, lh.Width, lh.Dashes = colorThis, vg.Points(1.5), []vg.Length{vg.Points(4), vg.Points(3)}
	pts, err := plotter.NewScatter(total)
	if err != nil {
		return nil, err
	}
	pts.Color = colorLine
	trend.Add(lt, lh, pts)
	trend.NominalX(ticks...)
	trend.Y.Min = 0
	trend.Legend.Add(label("中高风险咨询", "medium/high risk"), lt)
	trend.Legend.Add(label("移交民警", "handed to officers"), lh)
	trend.Legend.Top = true
	trend.Legend.Left = true

	img := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(10*vg.Inch, 15*vg.Inch), vgimg.UseDPI(100))}
	dc := draw.New(img)
	// White background.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: 3, Cols: 1, PadTop: vg.Points(12), PadBottom: vg.Points(12), PadLeft: vg.Points(12), PadRight: vg.Points(18), PadY: vg.Points(24)}
	canvases := plot.Align([][]*plot.Plot{{types}, {dist}, {trend}}, tiles, dc)
	types.Draw(canvases[0][0])
	dist.Draw(canvases[1][0])
	trend.Draw(canvases[2][0])
	var buf bytes.Buffer
	if _, err := img.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart png: %w", err)
	}
	return buf.Bytes(), nil
}
