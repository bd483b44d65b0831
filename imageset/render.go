package imageset

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"os"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// FontPath is Debian's fonts-noto-cjk collection; the Simplified Chinese face
// is picked from it by name.
var FontPath = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

var (
	fontOnce sync.Once
	fontSC   *opentype.Font
	fontErr  error
)

// loadFont returns the "Noto Sans CJK SC" face of FontPath.
func loadFont() (*opentype.Font, error) {
	fontOnce.Do(func() {
		data, err := os.ReadFile(FontPath)
		if err != nil {
			fontErr = fmt.Errorf("read font (apt-get install fonts-noto-cjk): %w", err)
			return
		}
		coll, err := opentype.ParseCollection(data)
		if err != nil {
			fontErr = fmt.Errorf("parse %s: %w", FontPath, err)
			return
		}
		for i := 0; i < coll.NumFonts(); i++ {
			f, err := coll.Font(i)
			if err != nil {
				continue
			}
			name, _ := f.Name(nil, sfnt.NameIDFamily)
			if strings.HasSuffix(name, " SC") {
				fontSC = f
				return
			}
		}
		fontErr = fmt.Errorf("%s has no SC face", FontPath)
	})
	return fontSC, fontErr
}

// Style is a chat app's look.
type Style struct {
	Name                string
	Page, Bar, Input    color.RGBA
	Other, Mine         color.RGBA // bubbles
	OtherText, MineText color.RGBA
	Title, Meta         color.RGBA // title, timestamps and names
	TimePill            color.RGBA // behind timestamps; zero: none
	Dark                bool
}

// Styles: WeChat-like light and dark.
var (
	Light = Style{Name: "light",
		Page: rgb(0xEDEDED), Bar: rgb(0xEDEDED), Input: rgb(0xF7F7F7),
		Other: rgb(0xFFFFFF), Mine: rgb(0x95EC69),
		OtherText: rgb(0x191919), MineText: rgb(0x191919),
		Title: rgb(0x191919), Meta: rgb(0x8C8C8C)}
	Dark = Style{Name: "dark", Dark: true,
		Page: rgb(0x111111), Bar: rgb(0x191919), Input: rgb(0x1E1E1E),
		Other: rgb(0x2C2C2C), Mine: rgb(0x3EB575),
		OtherText: rgb(0xD5D5D5), MineText: rgb(0x0F0F0F),
		Title: rgb(0xD5D5D5), Meta: rgb(0x7F7F7F)}
)

func rgb(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}
}

// Msg is one chat message.
type Msg struct {
	Mine bool   `json:"mine,omitempty"`
	From string `json:"from,omitempty"` // sender name shown in a group
	Text string `json:"text"`
	Time string `json:"time,omitempty"` // a timestamp line shown before it
}

// Chat is one conversation to render.
type Chat struct {
	ID    string `json:"id"`
	Label string `json:"label"` // taxonomy id; none for legitimate
	Lang  string `json:"lang"`
	Title string `json:"title"`
	Group bool   `json:"group,omitempty"`
	Msgs  []Msg  `json:"msgs"`
}

// Text is the chat's words as typed, in reading order: what a user would
// paste instead of a screenshot.
func (c Chat) Text() string {
	var sb strings.Builder
	for _, m := range c.Msgs {
		sb.WriteString(m.Text)
		sb.WriteByte('\n')
	}
	return strings.TrimSpace(sb.String())
}

// Rendered is a screenshot and every text drawn on it, in reading order.
type Rendered struct {
	Image *image.RGBA
	Ref   string // status-bar time, title, timestamps, names, bubbles: one per line
}

// renderer draws at a scale u (pixels per dp: 720 px wide is 2).
type renderer struct {
	img  *image.RGBA
	u    float64
	f    *opentype.Font
	st   Style
	ref  []string
	face map[float64]font.Face
}

func (r *renderer) px(dp float64) int { return int(math.Round(dp * r.u)) }

func (r *renderer) faceOf(sizeDP float64) font.Face {
	if f, ok := r.face[sizeDP]; ok {
		return f
	}
	f, err := opentype.NewFace(r.f, &opentype.FaceOptions{Size: sizeDP * r.u, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err) // the size is ours and valid
	}
	r.face[sizeDP] = f
	return f
}

func (r *renderer) fill(rect image.Rectangle, c color.Color) {
	draw.Draw(r.img, rect, image.NewUniform(c), image.Point{}, draw.Src)
}

// roundRect fills a rectangle with rounded corners of radius rad.
func (r *renderer) roundRect(rect image.Rectangle, rad int, c color.RGBA) {
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			dx, dy := 0, 0
			if x < rect.Min.X+rad {
				dx = rect.Min.X + rad - x
			} else if x >= rect.Max.X-rad {
				dx = x - (rect.Max.X - rad - 1)
			}
			if y < rect.Min.Y+rad {
				dy = rect.Min.Y + rad - y
			} else if y >= rect.Max.Y-rad {
				dy = y - (rect.Max.Y - rad - 1)
			}
			if dx*dx+dy*dy <= rad*rad {
				r.img.SetRGBA(x, y, c)
			}
		}
	}
}

func (r *renderer) circle(cx, cy, rad int, c color.RGBA) {
	r.roundRect(image.Rect(cx-rad, cy-rad, cx+rad, cy+rad), rad, c)
}

// text draws s with its baseline at (x, y).
func (r *renderer) text(s string, x, y int, sizeDP float64, c color.Color) {
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(c), Face: r.faceOf(sizeDP), Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func (r *renderer) width(s string, sizeDP float64) int {
	return font.MeasureString(r.faceOf(sizeDP), s).Round()
}

// wrap breaks s into lines no wider than w: between any two Chinese
// characters, at spaces in Latin text (a too-long word is cut).
func (r *renderer) wrap(s string, sizeDP float64, w int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var tokens []string // CJK characters alone, Latin words with their following space
		var cur strings.Builder
		for _, c := range para {
			if c > unicode.MaxLatin1 && !unicode.IsSpace(c) {
				if cur.Len() > 0 {
					tokens = append(tokens, cur.String())
					cur.Reset()
				}
				tokens = append(tokens, string(c))
				continue
			}
			cur.WriteRune(c)
			if c == ' ' {
				tokens = append(tokens, cur.String())
				cur.Reset()
			}
		}
		if cur.Len() > 0 {
			tokens = append(tokens, cur.String())
		}
		// A word wider than the bubble (a long link) is cut, as chat apps do.
		var fitted []string
		for _, t := range tokens {
			for r.width(strings.TrimRight(t, " "), sizeDP) > w {
				rs := []rune(t)
				n := len(rs) - 1
				for n > 1 && r.width(string(rs[:n]), sizeDP) > w {
					n--
				}
				fitted = append(fitted, string(rs[:n]))
				t = string(rs[n:])
			}
			fitted = append(fitted, t)
		}
		line := ""
		for _, t := range fitted {
			if line != "" && r.width(strings.TrimRight(line+t, " "), sizeDP) > w {
				lines = append(lines, strings.TrimRight(line, " "))
				line = strings.TrimLeft(t, " ")
				continue
			}
			line += t
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// avatarColors are the avatars' fills; each sender gets one by name.
var avatarColors = []uint32{0x5B8FF9, 0xF6BD16, 0xE86452, 0x6DC8EC, 0x945FB9, 0xFF9845, 0x1E9493, 0xC2C8D5}

func avatarColor(name string) color.RGBA {
	h := uint32(0)
	for _, c := range name {
		h = h*31 + uint32(c)
	}
	return rgb(avatarColors[h%uint32(len(avatarColors))])
}

// avatar draws a rounded square with a head-and-shoulders silhouette.
func (r *renderer) avatar(x, y int, name string) {
	s := r.px(40)
	r.roundRect(image.Rect(x, y, x+s, y+s), r.px(4), avatarColor(name))
	light := color.RGBA{0xF4, 0xF4, 0xF4, 0xFF}
	r.circle(x+s/2, y+s*2/5, s/6, light)
	r.roundRect(image.Rect(x+s/4, y+s*3/5, x+s*3/4, y+s), s/5, light)
	r.fill(image.Rect(x, y+s-r.px(2), x+s, y+s), r.st.Page) // flat bottom
}

// Render draws c at width w (720–1440 px) in style st.
func Render(c Chat, w int, st Style) (*Rendered, error) {
	f, err := loadFont()
	if err != nil {
		return nil, err
	}
	u := float64(w) / 360
	// Lay out first on a throw-away canvas to learn the height.
	measure := &renderer{img: image.NewRGBA(image.Rect(0, 0, 1, 1)), u: u, f: f, st: st, face: map[float64]font.Face{}}
	h := measure.layout(c, w, 1<<30, false)
	h = max(h, w*16/9)
	r := &renderer{img: image.NewRGBA(image.Rect(0, 0, w, h)), u: u, f: f, st: st, face: measure.face}
	r.layout(c, w, h, true)
	return &Rendered{Image: r.img, Ref: strings.Join(r.ref, "\n")}, nil
}

// layout draws (or only measures) the screen and returns its height.
func (r *renderer) layout(c Chat, w, h int, paint bool) int {
	st := r.st
	const body, meta, title = 16.0, 12.0, 17.0
	if paint {
		r.fill(r.img.Bounds(), st.Page)
		// status bar
		r.fill(image.Rect(0, 0, w, r.px(24+48)), st.Bar)
		r.text("9:41", r.px(16), r.px(17), 13, st.Title)
		r.ref = append(r.ref, "9:41")
		bx := w - r.px(40)
		r.roundRect(image.Rect(bx, r.px(8), bx+r.px(22), r.px(18)), r.px(2), st.Title)
		// title bar: back chevron, title, more dots
		for i := 0; i < r.px(10); i++ {
			r.fill(image.Rect(r.px(18)+i, r.px(48)-i, r.px(18)+i+r.px(2), r.px(48)-i+r.px(2)), st.Title)
			r.fill(image.Rect(r.px(18)+i, r.px(48)+i, r.px(18)+i+r.px(2), r.px(48)+i+r.px(2)), st.Title)
		}
		t := c.Title
		r.text(t, (w-r.width(t, title))/2, r.px(54), title, st.Title)
		r.ref = append(r.ref, t)
		for i := 0; i < 3; i++ {
			r.circle(w-r.px(36)+i*r.px(8), r.px(48), r.px(2), st.Title)
		}
	}
	y := r.px(24 + 48 + 12)
	maxBubble := w - 2*r.px(12+40+8) - r.px(40)
	for _, m := range c.Msgs {
		if m.Time != "" {
			y += r.px(8)
			tw := r.width(m.Time, meta)
			if paint {
				r.text(m.Time, (w-tw)/2, y+r.px(12), meta, st.Meta)
				r.ref = append(r.ref, m.Time)
			}
			y += r.px(12 + 14)
		}
		name := m.From
		if m.Mine {
			name = "我"
		} else if name == "" {
			name = c.Title
		}
		top := y
		if c.Group && !m.Mine && m.From != "" {
			if paint {
				r.text(m.From, r.px(12+40+10), y+r.px(11), meta, st.Meta)
				r.ref = append(r.ref, m.From)
			}
			y += r.px(17)
		}
		lines := r.wrap(m.Text, body, maxBubble-r.px(24))
		lineH := r.px(24)
		tw := 0
		for _, l := range lines {
			tw = max(tw, r.width(l, body))
		}
		bw, bh := tw+r.px(24), len(lines)*lineH+r.px(18)
		bx := r.px(12 + 40 + 8)
		bg, fg := st.Other, st.OtherText
		ax := r.px(12)
		if m.Mine {
			bx = w - r.px(12+40+8) - bw
			bg, fg = st.Mine, st.MineText
			ax = w - r.px(12+40)
		}
		if paint {
			r.avatar(ax, top, name)
			r.roundRect(image.Rect(bx, y, bx+bw, y+bh), r.px(4), bg)
			// the bubble's little tail towards the avatar
			for i := 0; i < r.px(6); i++ {
				tx := bx - i - 1
				if m.Mine {
					tx = bx + bw + i
				}
				r.fill(image.Rect(tx, y+r.px(14)+i, tx+1, y+r.px(26)-i), bg)
			}
			for i, l := range lines {
				r.text(l, bx+r.px(12), y+r.px(9)+i*lineH+r.px(18), body, fg)
			}
			r.ref = append(r.ref, lines...)
		}
		y = max(y+bh, top+r.px(40)) + r.px(16)
	}
	// input bar
	y += r.px(8)
	inputTop := max(y, h-r.px(56))
	if paint {
		r.fill(image.Rect(0, inputTop, w, h), st.Input)
		r.circle(r.px(22), inputTop+r.px(28), r.px(12), st.Meta)
		r.circle(r.px(22), inputTop+r.px(28), r.px(10), st.Input)
		field := st.Other
		if !st.Dark {
			field = rgb(0xFFFFFF)
		}
		r.roundRect(image.Rect(r.px(42), inputTop+r.px(12), w-r.px(84), inputTop+r.px(44)), r.px(4), field)
		for _, cx := range []int{w - r.px(62), w - r.px(24)} {
			r.circle(cx, inputTop+r.px(28), r.px(12), st.Meta)
			r.circle(cx, inputTop+r.px(28), r.px(10), st.Input)
		}
	}
	return y + r.px(56)
}
