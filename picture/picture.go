// Package picture turns a picture into evidence: the text Tesseract reads
// in it (ocr) and the QR codes decoded from it (qr), in one of the OCR
// engine's worker slots. `fanzha check --image`, `fanzha classify`'s
// {"image": PATH} lines and the bot all use it, so a screenshot is read the
// same way everywhere. The picture's bytes are never kept: only the
// evidence is.
package picture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/qr"
	"github.com/fanzha/fanzha/review"
)

// Evidence is what a picture holds: the text recognised in it and the QR
// codes decoded from it. JudgeText is what is classified; replies quote
// Text and list the QR payloads.
type Evidence struct {
	Text          string    `json:"ocr_text"`
	Confidence    float64   `json:"ocr_confidence"` // mean word confidence, 0–100
	LowConfidence bool      `json:"ocr_low_confidence,omitempty"`
	QR            []qr.Code `json:"qr"`
}

// JudgeText is what to classify: each QR payload on its own line (a
// payment code or a look-alike link is evidence too), then the recognised
// text. Payloads come first so that a conversation's clipped copy of a
// long picture (and so a case's excerpt) keeps them.
func (ev Evidence) JudgeText() string {
	parts := ev.QRPayloads()
	if ev.Text != "" {
		parts = append(parts, ev.Text)
	}
	return strings.Join(parts, "\n")
}

// QRPayloads lists the decoded payloads.
func (ev Evidence) QRPayloads() []string {
	out := make([]string, 0, len(ev.QR))
	for _, c := range ev.QR {
		out = append(out, c.Payload)
	}
	return out
}

// Merge joins the evidence of several pictures (an album), in order: the
// texts one after another, every distinct QR payload, the lowest
// confidence of the pictures that had text.
func Merge(evs ...Evidence) Evidence {
	var out Evidence
	var texts []string
	seen := map[string]bool{}
	first := true
	for _, ev := range evs {
		if ev.Text != "" {
			texts = append(texts, ev.Text)
			if first || ev.Confidence < out.Confidence {
				out.Confidence = ev.Confidence
			}
			first = false
			out.LowConfidence = out.LowConfidence || ev.LowConfidence
		}
		for _, c := range ev.QR {
			if !seen[c.Payload] {
				seen[c.Payload] = true
				out.QR = append(out.QR, c)
			}
		}
	}
	out.Text = strings.Join(texts, "\n")
	return out
}

// Read reads the picture at path: OCR and QR codes, in one of eng's worker
// slots. A file over the byte limit is refused before it is read. A
// picture with a QR code but no text is not an error. Errors are ocr's
// typed errors (ErrorText gives the user's message) or os errors.
func Read(ctx context.Context, eng *ocr.Engine, path string) (Evidence, error) {
	data, err := ReadCapped(path, eng.Options().Limits.MaxBytes)
	if err != nil {
		return Evidence{}, err
	}
	return Of(ctx, eng, data)
}

// Of is Read on bytes already in memory (a Telegram download).
func Of(ctx context.Context, eng *ocr.Engine, data []byte) (Evidence, error) {
	var ev Evidence
	res, err := eng.Read(ctx, data, func(ctx context.Context, img image.Image) {
		// A failed QR attempt is no reason to drop the text.
		ev.QR, _ = qr.Decode(ctx, img)
	})
	if err != nil {
		if errors.Is(err, ocr.ErrNoText) && len(ev.QR) > 0 {
			return ev, nil // a code without text is evidence
		}
		return Evidence{}, err
	}
	ev.Text, ev.Confidence, ev.LowConfidence = res.Text, res.Confidence, res.LowConfidence
	if len(ev.QR) > 0 && ev.LowConfidence && utf8.RuneCountInString(strings.TrimSpace(ev.Text)) <= 3 {
		// A character or two guessed in a code's modules is not text.
		ev.Text, ev.Confidence, ev.LowConfidence = "", 0, false
	}
	if ev.QR == nil {
		ev.QR = []qr.Code{}
	}
	return ev, nil
}

// ReadCapped reads a file of at most max bytes; a larger one is
// ocr.ErrTooLarge without reading it.
func ReadCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > max {
		return nil, fmt.Errorf("%w: %s is %d bytes, limit %d", ocr.ErrTooLarge, path, st.Size(), max)
	}
	return ReadLimited(f, max)
}

// ReadLimited reads r to its end, refusing more than max bytes
// (ocr.ErrTooLarge) after reading at most max+1.
func ReadLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: over %d bytes", ocr.ErrTooLarge, max)
	}
	return data, nil
}

// ErrorText is the message for the person who sent the picture; a missing
// file and internal failures get a plain text of their own.
func ErrorText(err error, lang fanzha.Lang) string {
	if errors.Is(err, os.ErrNotExist) {
		return fanzha.Text{ZH: "找不到这个图片文件。", EN: "The picture file was not found."}.In(lang)
	}
	return ocr.UserMessage(err).In(lang)
}

// MaxQuote is how many characters of the recognised text a reply quotes.
const MaxQuote = 160

// maxPayload bounds one QR payload as shown.
const maxPayload = 200

// Quote is what a reply shows of the evidence, in lang: the recognised
// text it judged (at most MaxQuote characters, on one line, ID numbers and
// bank cards masked as on officers' cards), each QR payload, and a warning
// when the text is a guess.
func (ev Evidence) Quote(lang fanzha.Lang) []string {
	var lines []string
	if t := Masked(ev.Text); t != "" {
		lines = append(lines, fmt.Sprintf(texts["read"].In(lang), Clip(oneLine(t), MaxQuote)))
	} else {
		lines = append(lines, texts["no_text"].In(lang))
	}
	for _, c := range ev.QR {
		lines = append(lines, fmt.Sprintf(texts["qr"].In(lang), Clip(Masked(c.Payload), maxPayload)))
	}
	if ev.LowConfidence {
		lines = append(lines, fmt.Sprintf(texts["low"].In(lang), ev.Confidence))
	}
	return lines
}

// QuoteTitle is the heading above Quote's lines.
func QuoteTitle(lang fanzha.Lang) string { return texts["title"].In(lang) }

// Masked masks ID numbers and bank cards in recognised text, as a case's
// excerpt is masked; phone numbers in a screenshot are the other side's
// and stay, unless the text presents one as the citizen's own.
func Masked(s string) string {
	return review.Mask(s, review.MaskOptions{OwnPhones: review.OwnPhones(s)})
}

// Clip cuts s to n characters, with "…" when cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// oneLine joins the lines of s: without a space between Chinese
// characters (a chat bubble's line breaks are not spaces), with one
// between other words.
func oneLine(s string) string {
	var b strings.Builder
	for i, f := range strings.Fields(s) {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(f)
			if !(wide(prev) && wide(next)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

// wide: a Han character or full-width punctuation.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
}

// texts are the picture's lines in a reply.
var texts = map[string]fanzha.Text{
	"title":   {ZH: "图片里读到的内容", EN: "What I read in the picture"},
	"read":    {ZH: "文字：“%s”", EN: "Text: “%s”"},
	"no_text": {ZH: "没有读到文字。", EN: "No text was read."},
	"qr":      {ZH: "二维码内容：%s", EN: "QR code: %s"},
	"low":     {ZH: "图片不够清晰（识别置信度 %.0f%%），以上文字可能有误，判断仅供参考；最好把原文粘贴给我。", EN: "The picture is not sharp (recognition confidence %.0f%%): the text above may be wrong and this verdict is tentative; better paste the original text."},
}

// Reading is the short message shown while a picture is read.
var Reading = fanzha.Text{ZH: "正在识别图片…", EN: "Reading the picture…"}
