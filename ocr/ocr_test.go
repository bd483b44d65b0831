package ocr_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
)

// engine returns a real Engine; without tesseract it skips, or fails under CI.
func engine(t testing.TB, opts ocr.Options) *ocr.Engine {
	t.Helper()
	e, err := ocr.New(opts)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("tesseract needed (apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng): %v", err)
		}
		t.Skipf("no tesseract: %v", err)
	}
	return e
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeader is a PNG whose IHDR claims w×h, followed by a bogus IDAT: what a
// decompression bomb looks like before its pixels.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x01, 0x02})
	return b.Bytes()
}

// animatedWebP is the start of an animated WebP: RIFF, VP8X with the
// animation flag, ANIM.
func animatedWebP() []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+18+14))
	b.WriteString("WEBP")
	b.WriteString("VP8X")
	binary.Write(&b, binary.LittleEndian, uint32(10))
	b.Write([]byte{0x02, 0, 0, 0, 99, 0, 0, 99, 0, 0}) // animation; 100×100
	b.WriteString("ANIM")
	binary.Write(&b, binary.LittleEndian, uint32(6))
	b.Write([]byte{0, 0, 0, 0, 0, 0})
	return b.Bytes()
}

// noisyPhoto is a w×h photo-like JPEG (smooth colours plus noise), which
// compresses badly: large files from modest sizes.
func noisyPhoto(w, h, quality int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(60))
			img.SetRGBA(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*200/h) + n, 120 + n, 255})
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: quality})
	return b.Bytes()
}

func TestBadInput(t *testing.T) {
	big := noisyPhoto(4000, 3000, 100)
	for len(big) < 20<<20 { // a "20 MB photo": the real bytes, padded to size
		big = append(big, big[:min(len(big), 20<<20-len(big))]...)
	}
	corrupt := encodePNG(t, image.NewGray(image.Rect(0, 0, 50, 50)))
	corrupt = append(corrupt[:60:60], bytes.Repeat([]byte{0xAB}, 200)...)
	truncatedJPEG := noisyPhoto(200, 200, 80)
	truncatedJPEG = truncatedJPEG[:len(truncatedJPEG)/2]
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", nil, ocr.ErrUnsupported},
		{"corrupt png", corrupt, ocr.ErrCorrupt},
		{"truncated jpeg", truncatedJPEG, ocr.ErrCorrupt},
		{"20 MB photo", big, ocr.ErrTooLarge},
		{"10000x10000 png", pngHeader(10000, 10000), ocr.ErrTooLarge},
		{"animated webp", animatedWebP(), ocr.ErrAnimated},
		{"pdf renamed jpg", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), ocr.ErrUnsupported},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), ocr.ErrUnsupported},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 20)...), ocr.ErrUnsupported},
		{"zero-size png", pngHeader(0, 0), ocr.ErrCorrupt},
	}
	e := engine(t, ocr.Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := e.Read(context.Background(), c.data)
			if !errors.Is(err, c.want) {
				t.Fatalf("Read: %v, want %v", err, c.want)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("refused after %v; want it at once", d)
			}
			msg := ocr.UserMessage(err)
			if msg.ZH == "" || msg.EN == "" {
				t.Errorf("no user message for %v", err)
			}
		})
	}
	t.Run("pdf message says pdf", func(t *testing.T) {
		_, err := ocr.Sniff([]byte("%PDF-1.4"))
		if !strings.Contains(err.Error(), "PDF") {
			t.Errorf("%v", err)
		}
	})
}

func TestNoText(t *testing.T) {
	e := engine(t, ocr.Options{})
	cases := map[string]image.Image{}
	blank := image.NewGray(image.Rect(0, 0, 800, 600))
	for i := range blank.Pix {
		blank.Pix[i] = 230
	}
	cases["blank"] = blank
	sky := image.NewRGBA(image.Rect(0, 0, 1000, 700))
	for y := 0; y < 700; y++ {
		for x := 0; x < 1000; x++ {
			sky.SetRGBA(x, y, color.RGBA{uint8(90 + y/6), uint8(140 + y/8), 230, 255})
		}
	}
	cases["gradient photo"] = sky
	for name, img := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := e.Read(context.Background(), encodePNG(t, img))
			if !errors.Is(err, ocr.ErrNoText) {
				t.Fatalf("Read: %v, want ErrNoText", err)
			}
		})
	}
}

func TestReadsScreenshot(t *testing.T) {
	e := engine(t, ocr.Options{})
	chat := imageset.Chat{Title: "客服", Msgs: []imageset.Msg{
		{Text: "您好，我是京东客服，您的百万保障需要取消，否则每月扣费500元。", Time: "14:32"},
		{Mine: true, Text: "我没有开通过这个服务"},
		{Text: "Please download the app from http://jd-refund.top and share your screen."},
	}}
	for _, st := range []imageset.Style{imageset.Light, imageset.Dark} {
		t.Run(st.Name, func(t *testing.T) {
			r, err := imageset.Render(chat, 1080, st)
			if err != nil {
				t.Fatal(err)
			}
			for _, enc := range []string{"png", "jpeg", "gif"} {
				var b bytes.Buffer
				switch enc {
				case "png":
					png.Encode(&b, r.Image)
				case "jpeg":
					jpeg.Encode(&b, r.Image, &jpeg.Options{Quality: 85})
				case "gif":
					gif.Encode(&b, r.Image, &gif.Options{NumColors: 256, Drawer: draw.Src}) // a screenshot GIF: no dithering
				}
				res, err := e.Read(context.Background(), b.Bytes())
				if err != nil {
					t.Fatalf("%s: %v", enc, err)
				}
				acc := imageset.CharAccuracy(r.Ref, res.Text)
				if acc < 0.9 || res.LowConfidence {
					t.Errorf("%s: accuracy %.3f, confidence %.1f (low %v):\n%s", enc, acc, res.Confidence, res.LowConfidence, res.Text)
				}
				if st.Dark != res.Dark {
					t.Errorf("%s: dark %v, want %v", enc, res.Dark, st.Dark)
				}
				if !strings.Contains(res.Text, "百万保障") || !strings.Contains(res.Text, "jd-refund.top") {
					t.Errorf("%s: key words missing:\n%s", enc, res.Text)
				}
			}
		})
	}
}

func TestBlurryIsLowConfidence(t *testing.T) {
	e := engine(t, ocr.Options{})
	chat := imageset.Chat{Title: "客服", Msgs: []imageset.Msg{
		{Text: "您好，我是京东客服，您的百万保障需要取消，否则每月扣费500元。"},
		{Text: "请下载会议软件，开启屏幕共享，我教您操作退款。"},
	}}
	r, err := imageset.Render(chat, 720, imageset.Light)
	if err != nil {
		t.Fatal(err)
	}
	img := imageset.Degrade(r.Image, 0.22) // a photo of a screen, from afar
	res, err := e.Read(context.Background(), encodePNG(t, img))
	if errors.Is(err, ocr.ErrNoText) {
		return // also an honest answer
	}
	if err != nil {
		t.Fatal(err)
	}
	if !res.LowConfidence {
		t.Errorf("confidence %.1f not low for a blurred picture; read:\n%s", res.Confidence, res.Text)
	}
}

// fakeTesseract writes a program that answers --list-langs and otherwise
// sleeps, so the pool and the timeout can be tested without real OCR.
func fakeTesseract(t *testing.T, sleep string) string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	p := filepath.Join(t.TempDir(), "tesseract")
	script := "#!/bin/sh\nif [ \"$1\" = --list-langs ]; then printf 'List of available languages (2):\\nchi_sim\\neng\\n'; exit 0; fi\ncat >/dev/null\nexec sleep " + sleep + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func smallPNG(t testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 255
		if x, y := i%64, i/64; x > 20 && x < 30 && y > 20 && y < 40 {
			img.Pix[i] = 0 // a bar of ink on white: worth running tesseract on
		}
	}
	return encodePNG(t, img)
}

func TestBusyAndTimeout(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		e, err := ocr.New(ocr.Options{Binary: fakeTesseract(t, "10"), Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = e.Read(context.Background(), smallPNG(t))
		if !errors.Is(err, ocr.ErrTimeout) {
			t.Fatalf("Read: %v, want ErrTimeout", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("busy", func(t *testing.T) {
		e, err := ocr.New(ocr.Options{Binary: fakeTesseract(t, "2"), Workers: 1, Queue: -1, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); e.Read(ctx, smallPNG(t)) }()
		time.Sleep(200 * time.Millisecond) // let it take the one slot
		start := time.Now()
		_, err = e.Read(context.Background(), smallPNG(t))
		if !errors.Is(err, ocr.ErrBusy) {
			t.Errorf("Read: %v, want ErrBusy", err)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Errorf("busy answer took %v", d)
		}
		// Bad input is still refused at once, with its own error, while busy.
		if _, err := e.Read(context.Background(), pngHeader(10000, 10000)); !errors.Is(err, ocr.ErrTooLarge) {
			t.Errorf("while busy: %v, want ErrTooLarge", err)
		}
		cancel()
		wg.Wait()
	})
	t.Run("missing program", func(t *testing.T) {
		_, err := ocr.New(ocr.Options{Binary: filepath.Join(t.TempDir(), "nope")})
		if !errors.Is(err, ocr.ErrUnavailable) {
			t.Errorf("New: %v, want ErrUnavailable", err)
		}
	})
}

func TestOddSizes(t *testing.T) {
	e := engine(t, ocr.Options{})
	for _, r := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 3, 3000), image.Rect(0, 0, 3000, 2)} {
		img := image.NewGray(r)
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
		}
		_, err := e.Read(context.Background(), encodePNG(t, img))
		if err != nil && !errors.Is(err, ocr.ErrNoText) {
			t.Errorf("%v: %v", r, err)
		}
	}
}

func TestLargePhoto(t *testing.T) {
	if testing.Short() {
		t.Skip("a 24-megapixel photo")
	}
	e := engine(t, ocr.Options{})
	data := noisyPhoto(6000, 4000, 60)
	start := time.Now()
	_, err := e.Read(context.Background(), data)
	if err != nil && !errors.Is(err, ocr.ErrNoText) {
		t.Fatal(err)
	}
	t.Logf("%d bytes, %v", len(data), time.Since(start))
}

// A 1×1 lossless WebP: the format is sniffed, sized and decoded (and holds
// no text).
func TestStillWebP(t *testing.T) {
	data, err := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
	if err != nil {
		t.Fatal(err)
	}
	f, cfg, err := ocr.Config(data, ocr.Limits{})
	if err != nil || f != ocr.WebP || cfg.Width != 1 || cfg.Height != 1 {
		t.Fatalf("Config: %v %v %v", f, cfg, err)
	}
	if _, _, err := ocr.Decode(data, ocr.Limits{}); err != nil {
		t.Fatalf("Decode: %v", err)
	}
}
