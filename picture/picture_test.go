package picture_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/picture"
	"github.com/fanzha/fanzha/qr"
)

func ocrEngine(t *testing.T) *ocr.Engine {
	t.Helper()
	e, err := ocr.New(ocr.Options{})
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return e
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadImageEvidence(t *testing.T) {
	eng := ocrEngine(t)
	ctx := context.Background()
	t.Run("screenshot", func(t *testing.T) {
		r, err := imageset.Render(imageset.Chat{Title: "京东客服", Msgs: []imageset.Msg{
			{Text: "您好，我是京东客服，您的百万保障即将扣费，请下载会议软件共享屏幕。", Time: "15:22"},
		}}, 1080, imageset.Dark)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		png.Encode(&b, r.Image)
		ev, err := picture.Read(ctx, eng, writeFile(t, "shot.jpg", b.Bytes())) // wrong extension: sniffed
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ev.Text, "百万保障") || ev.LowConfidence {
			t.Errorf("evidence %+v", ev)
		}
	})
	t.Run("qr only", func(t *testing.T) {
		img, err := imageset.RenderQR("wxp://f2f0Xy1234567890", imageset.QRPlain, 1)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		ev, err := picture.Read(ctx, eng, writeFile(t, "pay.png", b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.QR) != 1 || ev.QR[0].Kind != qr.WeChatPay || !strings.Contains(ev.JudgeText(), "wxp://") {
			t.Errorf("evidence %+v", ev)
		}
	})
	t.Run("pdf renamed jpg", func(t *testing.T) {
		_, err := picture.Read(ctx, eng, writeFile(t, "warrant.jpg", []byte("%PDF-1.5\n...")))
		if !errors.Is(err, ocr.ErrUnsupported) {
			t.Fatalf("err %v", err)
		}
		if msg := picture.ErrorText(err, fanzha.ZH); !strings.Contains(msg, "PNG") {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("too large, not read", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "big.jpg")
		f, _ := os.Create(p)
		f.Truncate(20 << 20) // sparse: 20 MB that were never written
		f.Close()
		if _, err := picture.Read(ctx, eng, p); !errors.Is(err, ocr.ErrTooLarge) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := picture.Read(ctx, eng, filepath.Join(t.TempDir(), "nope.png"))
		if !errors.Is(err, os.ErrNotExist) || picture.ErrorText(err, fanzha.EN) == "" {
			t.Fatalf("err %v", err)
		}
	})
}
