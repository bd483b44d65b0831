package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/config"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/picture"
)

// pictureSource starts the OCR engine the first time a picture needs it,
// so text-only runs need no tesseract.
type pictureSource struct {
	once sync.Once
	eng  *ocr.Engine
	err  error
}

// ocrOptions copies the configuration into the engine's options.
func ocrOptions(c config.OCR) ocr.Options {
	return ocr.Options{
		Workers: c.Workers, Queue: c.Queue, Timeout: c.Timeout,
		Limits: ocr.Limits{MaxBytes: c.MaxBytes, MaxPixels: c.MaxPixels},
	}
}

// pictureEngine is the OCR engine of the terminal front ends: its queue
// holds every classify worker, which waits for a slot rather than being
// told the bot's "too many pictures".
func (m *Main) pictureEngine() (*ocr.Engine, error) {
	m.pics.once.Do(func() {
		if !m.Config.OCR.Enabled {
			m.pics.err = fmt.Errorf("%w: ocr.enabled (FANZHA_OCR) is off", ocr.ErrUnavailable)
			return
		}
		o := ocrOptions(m.Config.OCR)
		o.Queue = max(o.Queue, runtime.GOMAXPROCS(0))
		m.pics.eng, m.pics.err = ocr.New(o)
	})
	return m.pics.eng, m.pics.err
}

// checkImage is `fanzha check --image FILE`: the picture's text and QR
// codes, judged as a picture the citizen sent, with what was read shown.
// A picture that cannot be read is a message for the user and exit 1.
func checkImage(ctx context.Context, conv *conversation.Service, pics func() (*ocr.Engine, error), path string, asJSON bool, out io.Writer) error {
	var ev picture.Evidence
	var e *ocr.Engine
	err := error(ocr.ErrUnavailable)
	if pics != nil {
		e, err = pics()
	}
	if err == nil {
		ev, err = picture.Read(ctx, e, path)
	}
	if err != nil {
		// The terminal's language is not known: both.
		msg := picture.ErrorText(err, fanzha.ZH) + "\n" + picture.ErrorText(err, fanzha.EN)
		if asJSON {
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(map[string]string{"error": ocr.Code(err), "message": picture.ErrorText(err, fanzha.EN)})
		}
		return fmt.Errorf("check --image %s: %s (%v)", path, strings.ReplaceAll(msg, "\n", " / "), err)
	}
	_, o := conv.Message(ctx, fanzha.Session{}, conversation.Input{Kind: fanzha.MsgPicture, Text: ev.JudgeText(), Place: conversation.OneShot, UserKey: "cli"})
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(imageVerdict{Assessment: o.View.Assessment, Evidence: ev})
	}
	lang := o.Lang
	var b strings.Builder
	b.WriteString(picture.QuoteTitle(lang) + "\n")
	for _, l := range ev.Quote(lang) {
		b.WriteString("• " + l + "\n")
	}
	b.WriteString("\n")
	b.WriteString(o.Reply.Text())
	_, err = io.WriteString(out, b.String())
	return err
}

// imageVerdict is check --image --json: the assessment's fields and the
// evidence's (ocr_text, ocr_confidence, qr).
type imageVerdict struct {
	fanzha.Assessment
	picture.Evidence
}

// MarshalJSON writes both structs' fields in one object.
func (v imageVerdict) MarshalJSON() ([]byte, error) {
	a, err := json.Marshal(v.Assessment)
	if err != nil {
		return nil, err
	}
	e, err := json.Marshal(v.Evidence)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(a, &m); err != nil {
		return nil, err
	}
	var em map[string]json.RawMessage
	if err := json.Unmarshal(e, &em); err != nil {
		return nil, err
	}
	for k, x := range em {
		m[k] = x
	}
	return json.Marshal(m)
}

// botPictures is the bot's OCR engine: the configured pool (a full queue
// answers "too many pictures, try again"). Without tesseract the bot runs
// and says it cannot read pictures now.
func (m *Main) botPictures(log *slog.Logger) *ocr.Engine {
	if !m.Config.OCR.Enabled {
		log.Info("reading pictures is off (ocr.enabled, FANZHA_OCR)")
		return nil
	}
	eng, err := ocr.New(ocrOptions(m.Config.OCR))
	if err != nil {
		log.Warn("cannot read pictures: photos get a \"paste the text\" answer", "err", err)
		return nil
	}
	o := eng.Options()
	log.Info("reading pictures", "workers", o.Workers, "queue", o.Queue, "languages", o.Languages, "max_bytes", o.Limits.MaxBytes)
	return eng
}
