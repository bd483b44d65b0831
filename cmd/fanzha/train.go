package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/dataset"
)

// trainSet is the labelled texts a model learns from, prepared once.
type trainSet struct {
	recs     []dataset.Record
	prepared []classifier.Prepared
	labels   []classifier.Labelled
	dups     int
}

// corpusAuthor and corpusRegister mark the corpus scripts in a training set
// (they are one more author, and one more register, for cross-validation).
const corpusAuthor, corpusRegister = "corpus", "corpus"

// loadTrainSet reads dir (training/<author>/<register>.jsonl) and, with
// withCorpus, the corpus scripts too, and prepares every text on all cores.
// A corpus script is prepared without itself among its neighbours.
func loadTrainSet(ctx context.Context, e *engine, dir string, withCorpus bool) (*trainSet, error) {
	recs, dups, err := dataset.ReadTraining(dir)
	if err != nil {
		return nil, err
	}
	exclude := make([][]string, len(recs))
	if withCorpus {
		for _, s := range e.corpus.Scripts() {
			recs = append(recs, dataset.Record{Text: s.Text, Label: s.Type, Lang: string(s.Lang),
				Register: corpusRegister, Author: corpusAuthor, Where: "corpus:" + s.ID})
			exclude = append(exclude, []string{s.ID})
		}
	}
	ts := &trainSet{recs: recs, dups: dups, prepared: make([]classifier.Prepared, len(recs)), labels: make([]classifier.Labelled, len(recs))}
	forEach(len(recs), runtime.GOMAXPROCS(0), func(i int) {
		ts.prepared[i] = e.classifier.Prepare(ctx, recs[i].Text, exclude[i]...)
		ts.labels[i] = classifier.Labelled{Label: recs[i].Label, Paid: recs[i].IsPaid(), PaidUnknown: recs[i].Paid == nil, Group: recs[i].Author}
	})
	return ts, ctx.Err()
}

// runTrain trains the model from the repository's data and writes it to
// --out. The same data gives the same bytes.
func runTrain(ctx context.Context, e *engine, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "training", "training data directory (<author>/<register>.jsonl)")
	dst := fs.String("out", "", "directory to write "+classifier.ModelFile+" into")
	withCorpus := fs.Bool("corpus", true, "also learn from the corpus scripts")
	if err := fs.Parse(args); err != nil {
		return usageError{"train: " + err.Error()}
	}
	if *dst == "" || fs.NArg() > 0 {
		return usageError{"train needs --out DIR, e.g. fanzha train --out classifier/model"}
	}
	ts, err := loadTrainSet(ctx, e, *data, *withCorpus)
	if err != nil {
		return err
	}
	m, rep, err := classifier.Train(ts.prepared, ts.labels, classifier.DefaultTrainOptions())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dst, 0o755); err != nil {
		return err
	}
	path := filepath.Join(*dst, classifier.ModelFile)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := m.Save(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write model: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	summarise(out, ts)
	fmt.Fprintln(out, "\ncalibration on leave-one-author-out scores:")
	writeReliability(out, classifier.Reliability(rep.OOF, rep.Fraud))
	fmt.Fprintf(out, "\nwrote %s\n", path)
	return nil
}

// summarise prints what a training set holds.
func summarise(w io.Writer, ts *trainSet) {
	by := func(key func(dataset.Record) string) map[string]int {
		m := map[string]int{}
		for _, r := range ts.recs {
			m[key(r)]++
		}
		return m
	}
	var none, paid, en int
	for _, r := range ts.recs {
		if r.Label == fanzha.None {
			none++
		}
		if r.IsPaid() {
			paid++
		}
		if r.Lang == string(fanzha.EN) {
			en++
		}
	}
	fmt.Fprintf(w, "texts: %d (%d repeated texts left out); legitimate %.1f%%, English %d, already paid %d\n",
		len(ts.recs), ts.dups, 100*float64(none)/float64(max(1, len(ts.recs))), en, paid)
	for _, g := range []struct {
		name string
		m    map[string]int
	}{
		{"label", by(func(r dataset.Record) string { return string(r.Label) })},
		{"register", by(func(r dataset.Record) string { return r.Register })},
		{"author", by(func(r dataset.Record) string { return r.Author })},
	} {
		fmt.Fprintf(w, "%-9s", g.name+":")
		for _, k := range slices.Sorted(maps.Keys(g.m)) {
			fmt.Fprintf(w, " %s %d", k, g.m[k])
		}
		fmt.Fprintln(w)
	}
}

func writeReliability(w io.Writer, bins []classifier.ReliabilityBin) {
	fmt.Fprintf(w, "%-11s %6s %8s %9s\n", "p_fraud", "texts", "mean p", "observed")
	for _, b := range bins {
		if b.N == 0 {
			continue
		}
		fmt.Fprintf(w, "%.1f – %.1f  %6d %8.3f %9.3f\n", b.Lo, b.Hi, b.N, b.MeanP, b.Observed)
	}
}

// loadModelFile reads a model written by `fanzha train`: the file, or the
// directory holding it.
func loadModelFile(path string) (*classifier.Model, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, classifier.ModelFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer f.Close()
	m, err := classifier.LoadModel(f)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	return m, nil
}
