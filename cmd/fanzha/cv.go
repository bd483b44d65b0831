package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/dataset"
	"github.com/fanzha/fanzha/textnorm"
)

// runCrossValidation measures how the model generalises to text unlike what
// it learned from: for every register (or author) of the training set, a
// model is trained on all the others — calibration included — and judged
// on the one left out. Floors apply to every fold.
func runCrossValidation(ctx context.Context, e *engine, o evalOptions, out io.Writer) error {
	ts, err := loadTrainSet(ctx, e, o.trainDir, true)
	if err != nil {
		return err
	}
	group := func(r dataset.Record) string {
		if o.cv == "author" {
			return r.Author
		}
		return r.Register
	}
	groups := map[string][]int{}
	for i, r := range ts.recs {
		groups[group(r)] = append(groups[group(r)], i)
	}
	names := slices.Sorted(maps.Keys(groups))
	fmt.Fprintf(out, "leave-one-%s-out over %d texts, %d folds (a warning: fraud type at medium risk or more)\n\n", o.cv, len(ts.recs), len(names))
	fmt.Fprintf(out, "%-14s %6s %6s %7s %7s %9s %8s %7s\n", "left out", "texts", "fraud", "recall", "FPR", "macro-F1", "type acc", "paid")
	var fails []string
	var allP []float64
	var allY []bool
	for _, g := range names {
		held := map[int]bool{}
		for _, i := range groups[g] {
			held[i] = true
		}
		var tp []classifier.Prepared
		var ty []classifier.Labelled
		for i := range ts.recs {
			if !held[i] {
				tp = append(tp, ts.prepared[i])
				ty = append(ty, ts.labels[i])
			}
		}
		m, _, err := classifier.Train(tp, ty, o.train)
		if err != nil {
			return fmt.Errorf("fold %s: %w", g, err)
		}
		c := e.classifier.WithModel(m)
		var recs []dataset.Record
		var preds []fanzha.Assessment
		for _, i := range groups[g] {
			recs = append(recs, ts.recs[i])
			a := c.Decide(ts.prepared[i])
			preds = append(preds, a)
			allP = append(allP, a.PFraud)
			allY = append(allY, ts.recs[i].Label.IsFraud())
		}
		r := scoreEval(recs, preds)
		fraud := 0
		for _, rec := range recs {
			if rec.Label.IsFraud() {
				fraud++
			}
		}
		fmt.Fprintf(out, "%-14s %6d %6d %7.3f %7.3f %9.3f %8.3f %7s\n", g, len(recs), fraud, r.recall, r.fpr, r.macroF1, r.accuracy, paidCell(r))
		if o.showErrors {
			for i, rec := range recs {
				p := preds[i]
				if p.Label != rec.Label || p.Paid != rec.IsPaid() {
					fmt.Fprintf(out, "   ERR want=%s/paid=%v got=%s/%s/paid=%v p=%.2f | %s\n", rec.Label, rec.IsPaid(), p.Label, p.Risk, p.Paid, p.PFraud, textnorm.OneLine(rec.Text, 140))
				}
			}
		}
		if err := r.check(o); err != nil {
			fails = append(fails, g+": "+strings.TrimPrefix(err.Error(), "eval below floor: "))
		}
	}
	fmt.Fprintln(out, "\nreliability of p_fraud on the held-out folds:")
	writeReliability(out, classifier.Reliability(allP, allY))
	if len(fails) > 0 {
		return fmt.Errorf("eval below floor: %s", strings.Join(fails, "; "))
	}
	return nil
}

func paidCell(r evalResult) string {
	if r.paidN == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", r.paidAcc)
}
