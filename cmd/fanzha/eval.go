package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/dataset"
	"github.com/fanzha/fanzha/textnorm"
)

// evalOptions are the floors a run must reach (CI sets them).
type evalOptions struct {
	files      []string
	minMacroF1 float64
	minRecall  float64
	maxFPR     float64
	minPaid    float64
	minAcc     float64
	showErrors bool
	// cv: "register" or "author" — leave-one-out folds over the training
	// set in trainDir instead of measuring the embedded model on files.
	cv       string
	trainDir string
	// model: measure a model file (from `fanzha train`) instead of the
	// embedded one.
	model string
	train classifier.TrainOptions
	// images: a rendered image set to read (evalimages.go).
	images      string
	imageFloors imageFloors
}

func parseEvalArgs(args []string) (evalOptions, error) {
	var o evalOptions
	o.maxFPR = 1
	o.train = classifier.DefaultTrainOptions()
	for i := 0; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "-") {
			return o, usageError{fmt.Sprintf("eval: unexpected argument %q", args[i])}
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if name == "errors" {
			o.showErrors = true
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return o, usageError{fmt.Sprintf("eval: --%s needs a value", name)}
			}
			i++
			val = args[i]
		}
		var err error
		num := func(dst *float64) {
			*dst, err = strconv.ParseFloat(val, 64)
			if err != nil {
				err = usageError{fmt.Sprintf("eval: --%s: %q is not a number", name, val)}
			}
		}
		switch name {
		case "data":
			o.files = append(o.files, strings.Split(val, ",")...)
		case "min-macro-f1":
			num(&o.minMacroF1)
		case "min-recall":
			num(&o.minRecall)
		case "max-fpr":
			num(&o.maxFPR)
		case "min-paid":
			num(&o.minPaid)
		case "min-accuracy":
			num(&o.minAcc)
		case "cv":
			if val != "register" && val != "author" {
				return o, usageError{fmt.Sprintf("eval: --cv %q: want register or author", val)}
			}
			o.cv = val
		case "training":
			o.trainDir = val
		case "model":
			o.model = val
		case "images":
			o.images = val
		case "min-char-accuracy":
			num(&o.imageFloors.charAccuracy)
		case "min-qr-rate":
			num(&o.imageFloors.qrRate)
		case "min-verdict-agreement":
			num(&o.imageFloors.verdictAgreement)
		case "l2", "epochs", "rate":
			// Training settings for --cv, to compare them on the folds.
			var v float64
			num(&v)
			switch name {
			case "l2":
				o.train.L2 = v
			case "epochs":
				o.train.Epochs = int(v)
			case "rate":
				o.train.Rate = v
			}
		default:
			return o, usageError{fmt.Sprintf("eval: unknown option --%s", name)}
		}
		if err != nil {
			return o, err
		}
	}
	if o.trainDir == "" {
		o.trainDir = "training"
	}
	if len(o.files) == 0 && o.cv == "" && o.images == "" {
		return o, usageError{"eval needs --data FILE (JSON lines with text and label) or --cv register|author"}
	}
	return o, nil
}

// runEval measures the classifier on labelled files and fails when a floor
// is not reached.
func runEval(ctx context.Context, e *engine, args []string, out io.Writer) error {
	o, err := parseEvalArgs(args)
	if err != nil {
		return err
	}
	if o.cv != "" {
		return runCrossValidation(ctx, e, o, out)
	}
	if o.images != "" {
		return runEvalImages(ctx, e, o.images, o.imageFloors, o.showErrors, out)
	}
	if o.model != "" {
		m, err := loadModelFile(o.model)
		if err != nil {
			return err
		}
		e.classifier = e.classifier.WithModel(m)
	}
	var recs []dataset.Record
	for _, f := range o.files {
		rs, err := dataset.ReadFile(f)
		if err != nil {
			return err
		}
		recs = append(recs, rs...)
	}
	preds := make([]fanzha.Assessment, len(recs))
	forEach(len(recs), runtime.GOMAXPROCS(0), func(i int) {
		preds[i] = e.classifier.Classify(ctx, recs[i].Text)
	})

	r := scoreEval(recs, preds)
	fmt.Fprintln(out, "== trained model and rules ==")
	r.write(out)
	fmt.Fprintln(out, "\nreliability of p_fraud:")
	ps, ys := make([]float64, len(recs)), make([]bool, len(recs))
	for i := range recs {
		ps[i], ys[i] = preds[i].PFraud, recs[i].Label.IsFraud()
	}
	writeReliability(out, classifier.Reliability(ps, ys))
	if e.assist.Mode() != assist.Off {
		withModel := make([]fanzha.Assessment, len(recs))
		forEach(len(recs), 4, func(i int) { // network-bound
			withModel[i] = e.assist.Review(ctx, "eval", recs[i].Text, preds[i])
		})
		fmt.Fprintf(out, "\n== rules + model (%s mode) ==\n", e.assist.Mode())
		scoreEval(recs, withModel).write(out)
		st := e.assist.Stats()
		fmt.Fprintf(out, "model: calls %d, cache hits %d, skipped %d, accepted %d (raised %d, relabelled %d), overruled %v, failures %v\n",
			st.Calls, st.CacheHits, st.Skipped, st.Accepted, st.Raised, st.Relabelled, st.Overruled, st.Failures)
	}
	if o.showErrors {
		for i, rec := range recs {
			p := preds[i]
			if p.Label != rec.Label || (rec.Paid != nil && *rec.Paid != p.Paid) {
				paid := "?"
				if rec.Paid != nil {
					paid = strconv.FormatBool(*rec.Paid)
				}
				fmt.Fprintf(out, "ERR want=%s/paid=%s got=%s/%s/paid=%v p=%.2f flags=%v | %s\n", rec.Label, paid, p.Label, p.Risk, p.Paid, p.PFraud, p.FlagIDs(), textnorm.OneLine(rec.Text, 140))
			}
		}
	}
	return r.check(o)
}

// check fails when a floor is not reached.
func (r evalResult) check(o evalOptions) error {
	var fails []string
	if r.macroF1 < o.minMacroF1 {
		fails = append(fails, fmt.Sprintf("macro-F1 %.3f < %.3f", r.macroF1, o.minMacroF1))
	}
	if r.recall < o.minRecall {
		fails = append(fails, fmt.Sprintf("fraud recall %.3f < %.3f", r.recall, o.minRecall))
	}
	if r.fpr > o.maxFPR {
		fails = append(fails, fmt.Sprintf("false-positive rate %.3f > %.3f", r.fpr, o.maxFPR))
	}
	if r.paidN > 0 && r.paidAcc < o.minPaid {
		fails = append(fails, fmt.Sprintf("paid accuracy %.3f < %.3f", r.paidAcc, o.minPaid))
	}
	if r.accuracy < o.minAcc {
		fails = append(fails, fmt.Sprintf("type accuracy %.3f < %.3f", r.accuracy, o.minAcc))
	}
	if len(fails) > 0 {
		return fmt.Errorf("eval below floor: %s", strings.Join(fails, "; "))
	}
	return nil
}

// forEach runs fn(0) … fn(n-1) on workers goroutines and waits for them.
func forEach(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

type evalResult struct {
	n         int
	confusion map[fanzha.ScamType]map[fanzha.ScamType]int
	labels    []fanzha.ScamType
	perClass  map[fanzha.ScamType][3]float64 // precision, recall, F1
	macroF1   float64
	accuracy  float64
	recall    float64 // fraud (any type) warned about: a fraud label at medium risk or more
	fpr       float64 // none warned about
	paidAcc   float64
	paidN     int
	byGroup   map[string][2]int // lang/kind → correct, total
}

func scoreEval(recs []dataset.Record, preds []fanzha.Assessment) evalResult {
	r := evalResult{n: len(recs), confusion: map[fanzha.ScamType]map[fanzha.ScamType]int{}, perClass: map[fanzha.ScamType][3]float64{}, byGroup: map[string][2]int{}}
	present := map[fanzha.ScamType]bool{}
	var correct, fraudN, fraudHit, noneN, noneFP, paidOK int
	for i, rec := range recs {
		p := preds[i].Label
		present[rec.Label], present[p] = true, true
		if r.confusion[rec.Label] == nil {
			r.confusion[rec.Label] = map[fanzha.ScamType]int{}
		}
		r.confusion[rec.Label][p]++
		ok := p == rec.Label
		if ok {
			correct++
		}
		for _, g := range []string{"lang=" + rec.Lang, "kind=" + rec.Kind} {
			c := r.byGroup[g]
			c[1]++
			if ok {
				c[0]++
			}
			r.byGroup[g] = c
		}
		// A warning is what a citizen reads as one: a fraud type at medium
		// risk or more.
		warned := p.IsFraud() && preds[i].Risk >= fanzha.RiskMedium
		if rec.Label.IsFraud() {
			fraudN++
			if warned {
				fraudHit++
			}
		} else {
			noneN++
			if warned {
				noneFP++
			}
		}
		if rec.Paid != nil {
			r.paidN++
			if *rec.Paid == preds[i].Paid {
				paidOK++
			}
		}
	}
	for _, t := range fanzha.ScamTypes {
		if present[t] {
			r.labels = append(r.labels, t)
		}
	}
	var sumF1 float64
	var classes int
	for _, t := range r.labels {
		tp := r.confusion[t][t]
		var fp, fn int
		for _, u := range r.labels {
			if u != t {
				fp += r.confusion[u][t]
				fn += r.confusion[t][u]
			}
		}
		prec, rec := ratio(tp, tp+fp), ratio(tp, tp+fn)
		f1 := 0.0
		if prec+rec > 0 {
			f1 = 2 * prec * rec / (prec + rec)
		}
		r.perClass[t] = [3]float64{prec, rec, f1}
		if tp+fn > 0 { // classes present in the gold labels
			sumF1 += f1
			classes++
		}
	}
	r.macroF1 = ratio2(sumF1, classes)
	r.accuracy = ratio(correct, len(recs))
	r.recall = ratio(fraudHit, fraudN)
	r.fpr = ratio(noneFP, noneN)
	r.paidAcc = ratio(paidOK, r.paidN)
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ratio2(a float64, b int) float64 {
	if b == 0 {
		return 0
	}
	return a / float64(b)
}

func (r evalResult) write(w io.Writer) {
	fmt.Fprintf(w, "examples: %d\n", r.n)
	fmt.Fprintf(w, "type accuracy: %.3f   macro-F1: %.3f\n", r.accuracy, r.macroF1)
	fmt.Fprintf(w, "fraud recall: %.3f   false-positive rate on none: %.3f   (a warning: fraud type at medium risk or more)\n", r.recall, r.fpr)
	if r.paidN > 0 {
		fmt.Fprintf(w, "paid accuracy: %.3f (%d labelled)\n", r.paidAcc, r.paidN)
	}
	groups := make([]string, 0, len(r.byGroup))
	for g := range r.byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		c := r.byGroup[g]
		if strings.HasSuffix(g, "=") {
			continue
		}
		fmt.Fprintf(w, "  %-18s accuracy %.3f (%d)\n", g, ratio(c[0], c[1]), c[1])
	}
	fmt.Fprintf(w, "\n%-17s %9s %9s %9s %7s\n", "class", "precision", "recall", "F1", "support")
	for _, t := range r.labels {
		pc := r.perClass[t]
		support := 0
		for _, v := range r.confusion[t] {
			support += v
		}
		fmt.Fprintf(w, "%-17s %9.3f %9.3f %9.3f %7d\n", t, pc[0], pc[1], pc[2], support)
	}
	fmt.Fprintf(w, "\nconfusion (rows: true, columns: predicted)\n%-17s", "")
	for _, t := range r.labels {
		fmt.Fprintf(w, " %5.5s", t)
	}
	fmt.Fprintln(w)
	for _, t := range r.labels {
		fmt.Fprintf(w, "%-17s", t)
		for _, u := range r.labels {
			fmt.Fprintf(w, " %5d", r.confusion[t][u])
		}
		fmt.Fprintln(w)
	}
}
