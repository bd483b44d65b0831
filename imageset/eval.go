package imageset

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/fanzha/fanzha/linkcheck"
	"github.com/fanzha/fanzha/ocr"
	"github.com/fanzha/fanzha/qr"
)

// Judge gives a verdict on a text: a taxonomy id and a risk name.
type Judge func(text string) (label, risk string)

// Report is what EvalImages measured.
type Report struct {
	Screenshots   int     `json:"screenshots"`
	OCRFailed     int     `json:"ocr_failed"`     // screenshots OCR refused or failed on
	CharAccuracy  float64 `json:"char_accuracy"`  // mean over screenshots (failures count 0)
	MinAccuracy   float64 `json:"min_accuracy"`   // the worst screenshot
	LowConfidence int     `json:"low_confidence"` // screenshots read with LowConfidence

	OCRP50  time.Duration `json:"ocr_p50"` // time to read one screenshot, in a worker
	OCRP95  time.Duration `json:"ocr_p95"`
	OCRMax  time.Duration `json:"ocr_max"`
	Workers int           `json:"workers"`

	QRCodes   int     `json:"qr_codes"`
	QRDecoded int     `json:"qr_decoded"` // the exact payload found
	QRRate    float64 `json:"qr_rate"`

	// With a judge: the verdict on the recognised text against the verdict on
	// the typed text.
	Judged           int     `json:"judged"`
	SameLabel        int     `json:"same_label"`
	SameVerdict      int     `json:"same_verdict"` // label and risk
	SameFraud        int     `json:"same_fraud"`   // both fraud or both none
	LabelAgreement   float64 `json:"label_agreement"`
	VerdictAgreement float64 `json:"verdict_agreement"`

	// Links in the typed texts, and how many the recognised text gives back
	// exactly (a link a bubble broke over two lines included).
	Links     int `json:"links"`
	LinksRead int `json:"links_read"`

	Misses []Miss `json:"misses"` // below 0.95, verdict changes, QR failures, links lost
}

// Miss is one picture that fell short.
type Miss struct {
	File   string  `json:"file"`
	What   string  `json:"what"`
	Acc    float64 `json:"accuracy,omitempty"`
	Detail string  `json:"detail,omitempty"`
}

// EvalImages reads every picture of a generated set (dir with
// manifest.jsonl) through eng and qr.Decode and reports character accuracy,
// QR decode rate, OCR time, and — when judge is not nil — how often the
// verdict on the OCR'd text equals the verdict on the typed text.
func EvalImages(ctx context.Context, dir string, eng *ocr.Engine, judge Judge) (*Report, error) {
	items, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	workers := eng.Options().Workers
	rep := &Report{Workers: workers, MinAccuracy: 1}
	var mu sync.Mutex
	var times []time.Duration
	var accSum float64
	var firstErr error
	jobs := make(chan Item)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				data, err := os.ReadFile(filepath.Join(dir, it.File))
				if err != nil {
					mu.Lock()
					firstErr = cmpOr(firstErr, err)
					mu.Unlock()
					continue
				}
				switch it.Kind {
				case "screenshot":
					res, err := eng.Read(ctx, data)
					text, acc := "", 0.0
					if err == nil {
						text, acc = res.Text, CharAccuracy(it.Ref, res.Text)
					}
					var l1, r1, l2, r2 string
					if judge != nil {
						l1, r1 = judge(it.Typed)
						l2, r2 = judge(text)
					}
					typedLinks := linkcheck.Links(it.Typed)
					read := map[string]bool{}
					for _, l := range linkcheck.Links(text) {
						read[l.Host+l.Path] = true // the host in any case
					}
					mu.Lock()
					for _, l := range typedLinks {
						rep.Links++
						if read[l.Host+l.Path] {
							rep.LinksRead++
						} else {
							rep.Misses = append(rep.Misses, Miss{File: it.File, What: "link", Detail: l.URL})
						}
					}
					rep.Screenshots++
					accSum += acc
					rep.MinAccuracy = min(rep.MinAccuracy, acc)
					if err != nil {
						rep.OCRFailed++
						rep.Misses = append(rep.Misses, Miss{File: it.File, What: "ocr " + ocr.Code(err), Detail: err.Error()})
					} else {
						times = append(times, res.Elapsed)
						if res.LowConfidence {
							rep.LowConfidence++
						}
						if acc < 0.95 {
							rep.Misses = append(rep.Misses, Miss{File: it.File, What: "accuracy", Acc: acc, Detail: text})
						}
					}
					if judge != nil {
						rep.Judged++
						if l1 == l2 {
							rep.SameLabel++
						}
						if l1 == l2 && r1 == r2 {
							rep.SameVerdict++
						} else {
							rep.Misses = append(rep.Misses, Miss{File: it.File, What: "verdict", Acc: acc,
								Detail: fmt.Sprintf("typed %s/%s, read %s/%s", l1, r1, l2, r2)})
						}
						if (l1 == "none") == (l2 == "none") {
							rep.SameFraud++
						}
					}
					mu.Unlock()
				case "qr":
					img, _, err := ocr.Decode(data, ocr.Limits{})
					var codes []qr.Code
					if err == nil {
						codes, err = qr.Decode(ctx, img)
					}
					ok := slices.ContainsFunc(codes, func(c qr.Code) bool { return c.Payload == it.Payload })
					mu.Lock()
					rep.QRCodes++
					if ok {
						rep.QRDecoded++
					} else {
						rep.Misses = append(rep.Misses, Miss{File: it.File, What: "qr", Detail: fmt.Sprintf("%v %v", codes, err)})
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		jobs <- it
	}
	close(jobs)
	wg.Wait()
	if err := cmpOr(ctx.Err(), firstErr); err != nil {
		return nil, err
	}
	if rep.Screenshots > 0 {
		rep.CharAccuracy = accSum / float64(rep.Screenshots)
	}
	if rep.QRCodes > 0 {
		rep.QRRate = float64(rep.QRDecoded) / float64(rep.QRCodes)
	}
	if rep.Judged > 0 {
		rep.LabelAgreement = float64(rep.SameLabel) / float64(rep.Judged)
		rep.VerdictAgreement = float64(rep.SameVerdict) / float64(rep.Judged)
	}
	if len(times) > 0 {
		slices.Sort(times)
		rep.OCRP50 = times[len(times)/2]
		rep.OCRP95 = times[min(len(times)-1, (len(times)*95+99)/100-1)]
		rep.OCRMax = times[len(times)-1]
	}
	sort.SliceStable(rep.Misses, func(i, j int) bool { return rep.Misses[i].File < rep.Misses[j].File })
	return rep, nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// WriteText prints the report for a terminal; misses only when verbose.
func (r *Report) WriteText(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "screenshots  %d (OCR failed on %d, low confidence %d)\n", r.Screenshots, r.OCRFailed, r.LowConfidence)
	fmt.Fprintf(w, "char accuracy %.4f (worst %.4f)\n", r.CharAccuracy, r.MinAccuracy)
	fmt.Fprintf(w, "OCR time      p50 %v  p95 %v  max %v  (%d workers)\n", r.OCRP50.Round(time.Millisecond), r.OCRP95.Round(time.Millisecond), r.OCRMax.Round(time.Millisecond), r.Workers)
	fmt.Fprintf(w, "QR decoded    %d/%d = %.4f\n", r.QRDecoded, r.QRCodes, r.QRRate)
	fmt.Fprintf(w, "links read    %d/%d\n", r.LinksRead, r.Links)
	if r.Judged > 0 {
		fmt.Fprintf(w, "verdict       same label %d/%d = %.4f; same label and risk %d/%d = %.4f; same fraud/none %d/%d\n",
			r.SameLabel, r.Judged, r.LabelAgreement, r.SameVerdict, r.Judged, r.VerdictAgreement, r.SameFraud, r.Judged)
	}
	if verbose {
		for _, m := range r.Misses {
			fmt.Fprintf(w, "  %-28s %-9s %.3f %s\n", m.File, m.What, m.Acc, m.Detail)
		}
	}
}
