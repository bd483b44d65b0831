package imageset_test

import (
	"context"
	"os"
	"testing"

	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
)

// TestEvalImages renders the whole set and holds the figures issue 9 asks
// for: character accuracy ≥ 0.95 and QR decode rate ≥ 0.98. It takes about
// a minute on two cores; -short skips it.
func TestEvalImages(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and reads ~200 pictures")
	}
	eng, err := ocr.New(ocr.Options{})
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := os.Getenv("FANZHA_IMAGES")
	if dir == "" {
		dir = t.TempDir()
	}
	if _, err := imageset.ReadManifest(dir); err != nil {
		if _, err := imageset.Generate(dir); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := imageset.EvalImages(context.Background(), dir, eng, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sb testWriter
	rep.WriteText(&sb, true)
	t.Log("\n" + string(sb))
	if rep.CharAccuracy < 0.95 {
		t.Errorf("char accuracy %.4f < 0.95", rep.CharAccuracy)
	}
	if rep.QRRate < 0.98 {
		t.Errorf("QR rate %.4f < 0.98", rep.QRRate)
	}
	if rep.OCRFailed > 0 {
		t.Errorf("OCR failed on %d screenshots", rep.OCRFailed)
	}
}

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
