package ocr

import (
	"image"
	"image/color"
	"math"
	"slices"

	"golang.org/x/image/draw"
)

// Preprocessing turns a screenshot or photo into black text on white at a
// size Tesseract reads well. The numbers are a table, set by measuring the
// rendered chat screenshots (see testdata generation in imageset).
const (
	// targetGlyph is the median height, in pixels, of the connected pieces of
	// ink after scaling (a CJK glyph is several pieces; its body is ~1.4× this).
	targetGlyph = 16
	// keep the picture as it is when the scale would be within this band.
	scaleLow, scaleHigh = 0.85, 1.25
	// never scale by more than this (tiny text stays hard to read) or less.
	maxScale, minScale = 3.0, 0.25
	// a piece of ink filling at least blockFill of its box, with at least
	// blockMinPixels pixels and both sides ≥ blockMinSide, is a dark block (a
	// dark bubble, a coloured avatar, a button) whose inside is inverted.
	blockFill      = 0.6
	blockMinPixels = 1500
	blockMinSide   = 24
	// towardsPaper moves Otsu's threshold this fraction of the way to the
	// page's level.
	towardsPaper = 0.4
	// a circle outline at least this many times the median piece height is
	// an icon, not a letter.
	ringMinHeight = 1.5
	// maxWorkPixels bounds the picture the preprocessing works on (about
	// 100 MB of working memory); larger pictures are shrunk first.
	maxWorkPixels = 8_000_000
	// maxInk: past this share of ink after preprocessing the picture is a
	// photo (or noise), not text on a background; Tesseract would spend
	// seconds on it for nothing.
	maxInk = 0.4
)

// grey is an 8-bit luminance picture.
type grey struct {
	w, h int
	pix  []uint8
}

func toGrey(img image.Image) grey {
	b := img.Bounds()
	g := grey{w: b.Dx(), h: b.Dy(), pix: make([]uint8, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < g.h; y++ {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.Gray:
		for y := 0; y < g.h; y++ {
			copy(g.pix[y*g.w:(y+1)*g.w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.RGBA:
		for y := 0; y < g.h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < g.w; x++ {
				p := row[4*x:]
				g.pix[y*g.w+x] = lum(uint32(p[0]), uint32(p[1]), uint32(p[2]))
			}
		}
	case *image.NRGBA:
		for y := 0; y < g.h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < g.w; x++ {
				p := row[4*x:]
				a := uint32(p[3])
				// composite on white: transparent screenshots have a light page
				r, gg, bb := (uint32(p[0])*a+255*(255-a))/255, (uint32(p[1])*a+255*(255-a))/255, (uint32(p[2])*a+255*(255-a))/255
				g.pix[y*g.w+x] = lum(r, gg, bb)
			}
		}
	default:
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				a := uint32(c.A)
				r, gg, bb := (uint32(c.R)*a+255*(255-a))/255, (uint32(c.G)*a+255*(255-a))/255, (uint32(c.B)*a+255*(255-a))/255
				g.pix[y*g.w+x] = lum(r, gg, bb)
			}
		}
	}
	return g
}

// lum is the Rec. 601 luma of 8-bit values (RGBA's are premultiplied, which
// composites on black; a screenshot is opaque).
func lum(r, g, b uint32) uint8 {
	return uint8((299*r + 587*g + 114*b + 500) / 1000)
}

// otsu returns the threshold that best separates the histogram in two, and
// the most common level (the page).
func otsu(pix []uint8) (uint8, uint8) {
	var hist [256]int
	for _, p := range pix {
		hist[p]++
	}
	mode := 0
	for i, n := range hist {
		if n > hist[mode] {
			mode = i
		}
	}
	total := len(pix)
	var sum float64
	for i, n := range hist {
		sum += float64(i * n)
	}
	var sumB float64
	var wB int
	best, t := -1.0, 128
	for i := 0; i < 256; i++ {
		wB += hist[i]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(i * hist[i])
		mB, mF := sumB/float64(wB), (sum-sumB)/float64(wF)
		v := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if v > best {
			best, t = v, i
		}
	}
	return uint8(t), uint8(mode)
}

// binarised is ink (true) on paper, with the median piece height.
type binarised struct {
	w, h   int
	ink    []bool
	median int
	dark   bool // the page was dark (dark mode) and was inverted
	blocks int  // dark blocks whose inside was inverted
	rings  []ring
}

// binarise thresholds g with Otsu, inverts a dark page, inverts the inside
// of dark blocks, and measures the median height of the pieces of ink.
func binarise(g grey) binarised {
	t, paper := otsu(g.pix)
	// Move the threshold towards the page's own level: grey timestamps and
	// names, lighter than body text, stay ink; the page stays paper.
	t = uint8(int(t) + int(float64(int(paper)-int(t))*towardsPaper))
	b := binarised{w: g.w, h: g.h, ink: make([]bool, len(g.pix))}
	b.dark = paper < t // dark mode or a dark photo: light ink on a dark page
	for i, p := range g.pix {
		b.ink[i] = (p <= t) != b.dark
	}
	heights := b.components(true)
	// After inverting blocks the text inside them is ink; measure again.
	if b.blocks > 0 {
		heights = b.components(false)
	}
	if len(heights) > 0 {
		slices.Sort(heights)
		b.median = heights[len(heights)/2]
	}
	// Icons drawn as circles (the input bar's voice, emoji and "+" buttons)
	// are read as "O"; a letter O is no taller than the text around it.
	for _, r := range b.rings {
		if b.median > 0 && float64(r.h) >= ringMinHeight*float64(b.median) {
			for _, p := range r.pixels {
				b.ink[p] = false
			}
		}
	}
	b.rings = nil
	return b
}

// ring is a circle outline found among the pieces of ink.
type ring struct {
	pixels []int32
	h      int
}

// ringLike: a thin circle outline — a square box, little ink, and every
// pixel about the same distance from the centre.
func ringLike(px []int32, w, x0, y0, bw, bh int) bool {
	if bw < 16 || bh < 16 || 10*abs(bw-bh) > max(bw, bh) || float64(len(px)) > 0.3*float64(bw*bh) {
		return false
	}
	cx, cy := float64(x0)+float64(bw-1)/2, float64(y0)+float64(bh-1)/2
	var sum, sum2 float64
	for _, p := range px {
		dx, dy := float64(int(p)%w)-cx, float64(int(p)/w)-cy
		r := math.Sqrt(dx*dx + dy*dy)
		sum += r
		sum2 += r * r
	}
	n := float64(len(px))
	mean := sum / n
	sd := math.Sqrt(max(0, sum2/n-mean*mean))
	return sd < 0.1*mean
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// components labels the 4-connected pieces of ink, returns the heights of
// glyph-like ones and, when invert is set, inverts the inside of dark blocks.
func (b *binarised) components(invert bool) []int {
	w, h := b.w, b.h
	label := make([]int32, w*h)
	var heights []int
	stack := make([]int32, 0, 1024)
	var pixels []int32
	next := int32(0)
	type span struct{ lo, hi int }
	var blocks [][]int32
	var erase []image.Rectangle // avatars: wiped with what is drawn on them
	for start := range b.ink {
		if !b.ink[start] || label[start] != 0 {
			continue
		}
		next++
		label[start] = next
		stack = append(stack[:0], int32(start))
		pixels = pixels[:0]
		x0, y0, x1, y1 := w, h, -1, -1
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			pixels = append(pixels, p)
			x, y := int(p)%w, int(p)/w
			x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
			if x > 0 && b.ink[p-1] && label[p-1] == 0 {
				label[p-1] = next
				stack = append(stack, p-1)
			}
			if x < w-1 && b.ink[p+1] && label[p+1] == 0 {
				label[p+1] = next
				stack = append(stack, p+1)
			}
			if y > 0 && b.ink[int(p)-w] && label[int(p)-w] == 0 {
				label[int(p)-w] = next
				stack = append(stack, p-int32(w))
			}
			if y < h-1 && b.ink[int(p)+w] && label[int(p)+w] == 0 {
				label[int(p)+w] = next
				stack = append(stack, p+int32(w))
			}
		}
		bw, bh := x1-x0+1, y1-y0+1
		if invert && len(pixels) >= blockMinPixels && bw >= blockMinSide && bh >= blockMinSide &&
			float64(len(pixels)) >= blockFill*float64(bw*bh) {
			if avatarLike(x0, x1, bw, bh, w) {
				for _, p := range pixels {
					b.ink[p] = false
				}
				erase = append(erase, image.Rect(x0, y0, x1+1, y1+1))
				continue
			}
			blocks = append(blocks, slices.Clone(pixels))
			continue
		}
		if ringLike(pixels, w, x0, y0, bw, bh) {
			b.rings = append(b.rings, ring{slices.Clone(pixels), bh})
			continue
		}
		if bh >= 4 && bh <= 300 && bw <= 4*bh && bh <= 6*bw {
			heights = append(heights, bh)
		}
	}
	for _, r := range erase {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				b.ink[y*w+x] = false
			}
		}
	}
	// Invert each block between its leftmost and rightmost pixel on each row:
	// its own pixels become paper, the text inside becomes ink, and the holes
	// of that text (pieces of the block cut off by the glyph) paper again.
	for _, px := range blocks {
		rows := map[int]span{}
		for _, p := range px {
			x, y := int(p)%w, int(p)/w
			s, ok := rows[y]
			if !ok {
				s = span{x, x}
			}
			s.lo, s.hi = min(s.lo, x), max(s.hi, x)
			rows[y] = s
		}
		lab := label[px[0]]
		for y, s := range rows {
			for x := s.lo; x <= s.hi; x++ {
				i := y*w + x
				b.ink[i] = label[i] != lab && !b.ink[i]
			}
		}
		b.blocks++
	}
	return heights
}

// avatarLike: a squarish dark block touching the left or right 6 % of a
// chat screenshot is a contact's picture, not a bubble (bubbles start after
// the avatar column); what is drawn on it is not text.
func avatarLike(x0, x1, bw, bh, w int) bool {
	square := bw*5 >= bh*4 && bh*5 >= bw*4
	edge := x0 < w*6/100 || x1 > w-w*6/100
	return square && edge && bw < w/5
}

// scaleGrey resizes g by factor s (bilinear).
func scaleGrey(g grey, s float64) grey {
	src := &image.Gray{Pix: g.pix, Stride: g.w, Rect: image.Rect(0, 0, g.w, g.h)}
	nw, nh := max(1, int(float64(g.w)*s+0.5)), max(1, int(float64(g.h)*s+0.5))
	dst := image.NewGray(image.Rect(0, 0, nw, nh))
	if g.w*g.h > maxWorkPixels {
		draw.ApproxBiLinear.Scale(dst, dst.Rect, src, src.Rect, draw.Src, nil) // a huge photo: fast first
	} else {
		draw.BiLinear.Scale(dst, dst.Rect, src, src.Rect, draw.Src, nil)
	}
	return grey{w: nw, h: nh, pix: dst.Pix}
}

// rescale is the factor that brings the median piece height to targetGlyph,
// within bounds; 1 when it is close enough already or unknown.
func rescale(median, pixels int) float64 {
	if median <= 0 {
		return 1
	}
	s := float64(targetGlyph) / float64(median)
	if s >= scaleLow && s <= scaleHigh {
		return 1
	}
	s = min(max(s, minScale), maxScale)
	if float64(pixels)*s*s > maxWorkPixels {
		s = math.Sqrt(float64(maxWorkPixels) / float64(pixels))
	}
	if s > scaleLow && s < scaleHigh {
		return 1 // capped to about the size it has
	}
	return s
}

// Prepared is a picture ready for Tesseract.
type Prepared struct {
	Gray  *image.Gray // black ink on white
	Scale float64     // factor applied to the original
	Dark  bool        // the page was dark and was inverted
	Ink   float64     // share of ink pixels
}

// Prepare greys, binarises and rescales img for OCR.
func Prepare(img image.Image) Prepared {
	g := toGrey(img)
	scale := 1.0
	if px := g.w * g.h; px > maxWorkPixels {
		// A 40-megapixel photo: its text is large; shrink before the
		// per-pixel work (labels cost 4 bytes a pixel).
		scale = math.Sqrt(float64(maxWorkPixels) / float64(px))
		g = scaleGrey(g, scale)
	}
	b := binarise(g)
	if s := rescale(b.median, g.w*g.h); s != 1 {
		scale *= s
		dark := b.dark
		g = scaleGrey(g, s)
		b = binarise(g)
		b.dark = b.dark || dark
	}
	out := image.NewGray(image.Rect(0, 0, b.w, b.h))
	n := 0
	for i, ink := range b.ink {
		if !ink {
			out.Pix[i] = 255
		} else {
			n++
		}
	}
	return Prepared{Gray: out, Scale: scale, Dark: b.dark, Ink: float64(n) / float64(max(1, len(b.ink)))}
}
