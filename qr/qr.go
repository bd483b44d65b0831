// Package qr finds QR codes in a picture and says what their payloads are:
// a link, a WeChat group invite, a payment code, plain text.
//
// Decoding uses github.com/makiuchi-d/gozxing, a pure-Go port of ZXing (no
// cgo, no zbar). A photo of a poster or a screenshot of a chat is harder than
// a clean code, so Decode tries, cheapest first, until one attempt finds
// something: the picture as it is (ZXing's local binariser, normal and
// inverted), with a global threshold, rescaled (a small code blown up with
// nearest-neighbour so modules stay sharp, a large photo shrunk), and turned
// by 45° and 30° (ZXing finds codes turned by right angles by itself, not in
// between).
package qr

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// Code is one decoded QR code.
type Code struct {
	Payload string `json:"payload"`
	Kind    Kind   `json:"kind"`
}

// attempt is one way of looking at the picture.
type attempt struct {
	name string
	img  func(image.Image) image.Image
	bin  func(gozxing.LuminanceSource) gozxing.Binarizer
}

func hybrid(s gozxing.LuminanceSource) gozxing.Binarizer { return gozxing.NewHybridBinarizer(s) }
func global(s gozxing.LuminanceSource) gozxing.Binarizer {
	return gozxing.NewGlobalHistgramBinarizer(s)
}
func same(img image.Image) image.Image { return img }

// attempts in order of cost; Decode stops at the first that finds a code.
var attempts = []attempt{
	{"as is", notHuge(same), hybrid},
	{"global threshold", notHuge(same), global},
	{"fit 2000", fit(2000), hybrid},
	{"fit 1000", fit(1000), hybrid},
	{"fit 600", fit(600), hybrid},
	{"upscale 2", nearest(2), hybrid},
	{"upscale 3", nearest(3), hybrid},
	{"turn 45", turn(45, 1000), hybrid},
	{"turn 30", turn(30, 1000), hybrid},
	{"turn -30", turn(-30, 1000), hybrid},
	{"fit 1000 global", fit(1000), global},
}

// Decode returns the QR codes in img, each payload once, in the order found;
// none is (nil, nil). It stops between attempts when ctx is done.
func Decode(ctx context.Context, img image.Image) (codes []Code, err error) {
	defer func() {
		if p := recover(); p != nil { // gozxing is a port; do not let a bad picture take the bot down
			codes, err = nil, fmt.Errorf("qr: decoder panicked: %v", p)
		}
	}()
	hints := map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_TRY_HARDER:    true,
		gozxing.DecodeHintType_ALSO_INVERTED: true,
	}
	reader := multiqr.NewQRCodeMultiReader()
	single := qrcode.NewQRCodeReader()
	for _, a := range attempts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		src := a.img(img)
		if src == nil {
			continue
		}
		lum := gozxing.NewLuminanceSourceFromImage(src)
		for _, l := range []gozxing.LuminanceSource{lum, lum.Invert()} {
			bmp, err := gozxing.NewBinaryBitmap(a.bin(l))
			if err != nil {
				continue
			}
			results, _ := reader.DecodeMultiple(bmp, hints)
			if len(results) == 0 {
				if r, err := single.Decode(bmp, hints); err == nil {
					results = append(results, r)
				}
			}
			for _, r := range results {
				if p := r.GetText(); p != "" && !slices.ContainsFunc(codes, func(c Code) bool { return c.Payload == p }) {
					codes = append(codes, Code{Payload: p, Kind: Classify(p)})
				}
			}
			if len(codes) > 0 {
				return codes, nil
			}
		}
	}
	return nil, nil
}

// hugeSide: above it, a picture is only looked at shrunk (reading a 40
// megapixel photo pixel by pixel takes seconds).
const hugeSide = 2500

func notHuge(f func(image.Image) image.Image) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		if b := img.Bounds(); max(b.Dx(), b.Dy()) > hugeSide {
			return nil
		}
		return f(img)
	}
}

// fit shrinks a picture whose longer side is over n pixels to n; smaller
// pictures are skipped (nil).
func fit(n int) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		b := img.Bounds()
		long := max(b.Dx(), b.Dy())
		if long <= n {
			return nil
		}
		s := float64(n) / float64(long)
		dst := image.NewGray(image.Rect(0, 0, int(float64(b.Dx())*s), int(float64(b.Dy())*s)))
		draw.ApproxBiLinear.Scale(dst, dst.Rect, img, b, draw.Src, nil)
		return dst
	}
}

// nearest blows a small picture (longer side under 800) up k times.
func nearest(k int) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		b := img.Bounds()
		if max(b.Dx(), b.Dy()) >= 800 {
			return nil
		}
		dst := image.NewGray(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
		draw.NearestNeighbor.Scale(dst, dst.Rect, img, b, draw.Src, nil)
		return dst
	}
}

// turn rotates the picture by deg degrees about its centre (on white, after
// fitting it into n pixels).
func turn(deg float64, n int) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		if f := fit(n)(img); f != nil {
			img = f
		}
		b := img.Bounds()
		w, h := float64(b.Dx()), float64(b.Dy())
		rad := deg * math.Pi / 180
		sin, cos := math.Sin(rad), math.Cos(rad)
		nw := int(math.Abs(w*cos) + math.Abs(h*sin))
		nh := int(math.Abs(w*sin) + math.Abs(h*cos))
		dst := image.NewGray(image.Rect(0, 0, nw, nh))
		for i := range dst.Pix {
			dst.Pix[i] = 255
		}
		// dst = T(centre of dst) · R · T(−centre of src)
		cx, cy := w/2+float64(b.Min.X), h/2+float64(b.Min.Y)
		dx, dy := float64(nw)/2, float64(nh)/2
		m := f64.Aff3{
			cos, -sin, dx - cos*cx + sin*cy,
			sin, cos, dy - sin*cx - cos*cy,
		}
		draw.BiLinear.Transform(dst, m, img, b, draw.Over, nil)
		return dst
	}
}
