package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fanzha/fanzha/imageset"
	"github.com/fanzha/fanzha/ocr"
)

// imageFloors are `eval --images`' floors (0: none).
type imageFloors struct {
	charAccuracy, qrRate, verdictAgreement float64
}

// runEvalImages is `fanzha eval --images DIR`: on a rendered image set
// (go run ./imageset/gen -out DIR), the OCR's character accuracy, the QR
// decode rate and how often the verdict on the read text is the verdict on
// the typed text (imageset.EvalImages with this classifier as the judge).
func runEvalImages(ctx context.Context, e *engine, dir string, fl imageFloors, verbose bool, out io.Writer) error {
	eng, err := ocr.New(ocr.Options{})
	if err != nil {
		return fmt.Errorf("eval --images: %w", err)
	}
	judge := func(text string) (string, string) {
		a := e.classifier.Classify(ctx, text)
		return string(a.Label), a.Risk.String()
	}
	rep, err := imageset.EvalImages(ctx, dir, eng, judge)
	if err != nil {
		return fmt.Errorf("eval --images: %w", err)
	}
	rep.WriteText(out, verbose)
	var fails []string
	if rep.CharAccuracy < fl.charAccuracy {
		fails = append(fails, fmt.Sprintf("char accuracy %.3f < %.3f", rep.CharAccuracy, fl.charAccuracy))
	}
	if rep.QRRate < fl.qrRate {
		fails = append(fails, fmt.Sprintf("QR rate %.3f < %.3f", rep.QRRate, fl.qrRate))
	}
	if rep.VerdictAgreement < fl.verdictAgreement {
		fails = append(fails, fmt.Sprintf("verdict agreement %.3f < %.3f", rep.VerdictAgreement, fl.verdictAgreement))
	}
	if len(fails) > 0 {
		return fmt.Errorf("eval below floor: %s", strings.Join(fails, "; "))
	}
	return nil
}
