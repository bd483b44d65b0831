package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/qr"
)

// imageEvidence is what a picture holds: the text recognised in it and the
// QR codes decoded from it. `check --image` and classify's {"image": PATH}
// lines judge JudgeText; replies quote Text and list the QR payloads.
type imageEvidence struct {
	Text          string    `json:"ocr_text"`
	Confidence    float64   `json:"ocr_confidence"` // mean word confidence, 0–100
	LowConfidence bool      `json:"ocr_low_confidence,omitempty"`
	QR            []qr.Code `json:"qr,omitempty"`
}

// JudgeText is what to classify: the recognised text, then each QR payload
// on its own line (a payment code or a look-alike link is evidence too).
func (ev imageEvidence) JudgeText() string {
	parts := []string{}
	if ev.Text != "" {
		parts = append(parts, ev.Text)
	}
	parts = append(parts, ev.QRPayloads()...)
	return strings.Join(parts, "\n")
}

// QRPayloads lists the decoded payloads.
func (ev imageEvidence) QRPayloads() []string {
	out := make([]string, 0, len(ev.QR))
	for _, c := range ev.QR {
		out = append(out, c.Payload)
	}
	return out
}

// readImageEvidence reads the picture at path: OCR and QR codes, in one of
// eng's worker slots. A file over the byte limit is refused before it is
// read. A picture with a QR code but no text is not an error. Errors are
// ocr's typed errors: imageErrorText gives the user's message.
func readImageEvidence(ctx context.Context, eng *ocr.Engine, path string) (imageEvidence, error) {
	data, err := readCapped(path, eng.Options().Limits.MaxBytes)
	if err != nil {
		return imageEvidence{}, err
	}
	return imageEvidenceOf(ctx, eng, data)
}

// imageEvidenceOf is readImageEvidence on bytes already in memory (a
// Telegram download).
func imageEvidenceOf(ctx context.Context, eng *ocr.Engine, data []byte) (imageEvidence, error) {
	var ev imageEvidence
	var qrErr error
	res, err := eng.Read(ctx, data, func(ctx context.Context, img image.Image) {
		ev.QR, qrErr = qr.Decode(ctx, img)
	})
	if err != nil {
		if errors.Is(err, ocr.ErrNoText) && len(ev.QR) > 0 {
			return ev, nil
		}
		return ev, err
	}
	_ = qrErr // a failed QR attempt is no reason to drop the text
	ev.Text, ev.Confidence, ev.LowConfidence = res.Text, res.Confidence, res.LowConfidence
	return ev, nil
}

// readCapped reads a file of at most max bytes; a larger one is
// ocr.ErrTooLarge without reading it.
func readCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > max {
		return nil, fmt.Errorf("%w: %s is %d bytes, limit %d", ocr.ErrTooLarge, path, st.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: %s is over %d bytes", ocr.ErrTooLarge, path, max)
	}
	return data, nil
}

// imageErrorText is the message for the person who sent the picture; a
// missing file and internal failures get ocr's generic text.
func imageErrorText(err error, lang fanzha.Lang) string {
	if errors.Is(err, os.ErrNotExist) {
		return fanzha.Text{ZH: "找不到这个图片文件。", EN: "The picture file was not found."}.In(lang)
	}
	return ocr.UserMessage(err).In(lang)
}
