package imageset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// QRVariant is how a code is shown.
type QRVariant string

const (
	QRPlain   QRVariant = "plain"   // large, on white
	QRSmall   QRVariant = "small"   // 2–3 px modules inside a phone-sized picture
	QRRotated QRVariant = "rotated" // turned 10–80° or upside down
	QRBusy    QRVariant = "busy"    // on a colourful, noisy poster
	QRPhoto   QRVariant = "photo"   // blurred, noisy, low contrast
	QRChat    QRVariant = "chat"    // inside a chat screenshot, as an image message
)

// QRVariants lists every variant.
var QRVariants = []QRVariant{QRPlain, QRSmall, QRRotated, QRBusy, QRPhoto, QRChat}

// qrMatrix encodes payload with module size 1 and a quiet zone of 4.
func qrMatrix(payload string) (*gozxing.BitMatrix, error) {
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_MARGIN:        4,
		gozxing.EncodeHintType_CHARACTER_SET: "UTF-8",
	}
	return qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
}

// qrImage draws the code with module px pixels.
func qrImage(m *gozxing.BitMatrix, px int, fg, bg color.RGBA) *image.RGBA {
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewRGBA(image.Rect(0, 0, w*px, h*px))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := bg
			if m.Get(x, y) {
				c = fg
			}
			draw.Draw(img, image.Rect(x*px, y*px, (x+1)*px, (y+1)*px), image.NewUniform(c), image.Point{}, draw.Src)
		}
	}
	return img
}

// rotate turns src by deg degrees about its centre onto a bg canvas just
// large enough.
func rotate(src image.Image, deg float64, bg color.Color) *image.RGBA {
	b := src.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	rad := deg * math.Pi / 180
	sin, cos := math.Sin(rad), math.Cos(rad)
	nw, nh := int(math.Abs(w*cos)+math.Abs(h*sin))+2, int(math.Abs(w*sin)+math.Abs(h*cos))+2
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	draw.Draw(dst, dst.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	cx, cy := w/2, h/2
	dx, dy := float64(nw)/2, float64(nh)/2
	m := f64.Aff3{cos, -sin, dx - cos*cx + sin*cy, sin, cos, dy - sin*cx - cos*cy}
	draw.BiLinear.Transform(dst, m, src, b, draw.Over, nil)
	return dst
}

// busyBackground is a poster-like canvas: colour gradients, stripes, blobs
// and noise.
func busyBackground(w, h int, rng *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c1 := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	c2 := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(x+y) / float64(w+h)
			stripe := 0.0
			if (x/17+y/23)%2 == 0 {
				stripe = 30
			}
			n := float64(rng.IntN(50)) - 25
			img.SetRGBA(x, y, color.RGBA{
				clamp(int(float64(c1.R)*(1-t) + float64(c2.R)*t + stripe + n)),
				clamp(int(float64(c1.G)*(1-t) + float64(c2.G)*t - stripe + n)),
				clamp(int(float64(c1.B)*(1-t) + float64(c2.B)*t + n)), 255})
		}
	}
	for i := 0; i < 25; i++ { // blobs
		r := 10 + rng.IntN(60)
		cx, cy := rng.IntN(w), rng.IntN(h)
		c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		for y := max(0, cy-r); y < min(h, cy+r); y++ {
			for x := max(0, cx-r); x < min(w, cx+r); x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
					img.SetRGBA(x, y, c)
				}
			}
		}
	}
	return img
}

func paste(dst *image.RGBA, src image.Image, at image.Point) {
	draw.Draw(dst, src.Bounds().Sub(src.Bounds().Min).Add(at), src, src.Bounds().Min, draw.Src)
}

// RenderQR draws payload as variant v; seed picks the angle, size, colours
// and position.
func RenderQR(payload string, v QRVariant, seed uint64) (image.Image, error) {
	m, err := qrMatrix(payload)
	if err != nil {
		return nil, fmt.Errorf("encode %q: %w", payload, err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	switch v {
	case QRPlain:
		return qrImage(m, 8, black, white), nil
	case QRSmall:
		code := qrImage(m, 2+rng.IntN(2), black, white)
		canvas := image.NewRGBA(image.Rect(0, 0, 720, 1280))
		draw.Draw(canvas, canvas.Rect, image.NewUniform(color.RGBA{0xED, 0xED, 0xED, 255}), image.Point{}, draw.Src)
		paste(canvas, code, image.Pt(40+rng.IntN(720-code.Rect.Dx()-80), 100+rng.IntN(1280-code.Rect.Dy()-200)))
		return canvas, nil
	case QRRotated:
		angles := []float64{12, 23, 37, 45, 58, 71, 90, 135, 180, 200, 255, 315}
		code := qrImage(m, 6, black, white)
		return rotate(code, angles[rng.IntN(len(angles))], white), nil
	case QRBusy:
		code := qrImage(m, 5+rng.IntN(3), color.RGBA{20, 20, 40, 255}, white)
		bw, bh := max(900, code.Rect.Dx()+200), max(1200, code.Rect.Dy()+300)
		canvas := busyBackground(bw, bh, rng)
		var src image.Image = code
		if rng.IntN(2) == 0 {
			src = rotate(code, float64(rng.IntN(31)-15), white)
		}
		b := src.Bounds()
		paste(canvas, src, image.Pt(rng.IntN(bw-b.Dx()), rng.IntN(bh-b.Dy())))
		return canvas, nil
	case QRPhoto:
		code := qrImage(m, 6, color.RGBA{60, 55, 50, 255}, color.RGBA{200, 195, 185, 255})
		r := rotate(code, float64(rng.IntN(21)-10), color.RGBA{180, 175, 170, 255})
		return Degrade(r, 0.5+rng.Float64()*0.2), nil
	case QRChat:
		st := Light
		if rng.IntN(2) == 1 {
			st = Dark
		}
		shot, err := Render(Chat{Title: "客服中心", Msgs: []Msg{
			{Text: "扫码进群领取补贴", Time: "10:0" + fmt.Sprint(rng.IntN(10))},
			{Text: " "},
		}}, 1080, st)
		if err != nil {
			return nil, err
		}
		code := qrImage(m, 4+rng.IntN(3), black, white)
		// over the empty second bubble, like an image message
		paste(shot.Image, code, image.Pt(200, 560))
		return shot.Image, nil
	}
	return nil, fmt.Errorf("unknown QR variant %q", v)
}
