package imageset

import (
	"image"
	"image/color"
	"math/rand/v2"

	"golang.org/x/image/draw"
)

// Degrade imitates a photo of a screen taken from afar: the picture shrunk
// to factor of its size and blown up again (blur), with sensor noise.
func Degrade(src image.Image, factor float64) *image.RGBA {
	b := src.Bounds()
	small := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*factor)), max(1, int(float64(b.Dy())*factor))))
	draw.ApproxBiLinear.Scale(small, small.Rect, src, b, draw.Src, nil)
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.BiLinear.Scale(out, out.Rect, small, small.Rect, draw.Src, nil)
	rng := rand.New(rand.NewPCG(7, 9))
	for i := 0; i < len(out.Pix); i += 4 {
		n := rng.IntN(41) - 20
		for k := 0; k < 3; k++ {
			out.Pix[i+k] = clamp(int(out.Pix[i+k]) + n)
		}
	}
	return out
}

func clamp(v int) uint8 { return uint8(min(255, max(0, v))) }

var _ color.Color = color.RGBA{}
