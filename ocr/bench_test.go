package ocr_test

import (
	"bytes"
	"context"
	"image/png"
	"slices"
	"testing"
	"time"

	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
)

// BenchmarkReadScreenshot reads typical phone screenshots (1080 px wide,
// light and dark, 3–4 bubbles) one at a time and reports the p50 and p95 of
// one Read, preprocessing and both tesseract passes included:
//
//	go test -run '^$' -bench ReadScreenshot -benchtime 40x ./ocr/
func BenchmarkReadScreenshot(b *testing.B) {
	eng := engine(b, ocr.Options{})
	chats, err := imageset.Chats()
	if err != nil {
		b.Fatal(err)
	}
	var shots [][]byte
	for i, c := range chats[:min(len(chats), 20)] {
		st := imageset.Light
		if i%2 == 1 {
			st = imageset.Dark
		}
		r, err := imageset.Render(c, 1080, st)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		png.Encode(&buf, r.Image)
		shots = append(shots, buf.Bytes())
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := eng.Read(context.Background(), shots[i%len(shots)]); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(times[(len(times)*95+99)/100-1].Milliseconds()), "p95-ms")
}
