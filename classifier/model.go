package classifier

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sync"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/learn"
)

// The trained model is a build artefact: `fanzha train --out classifier/model`
// (or `go generate ./classifier`) writes it from the repository's data —
// training/ and the corpus — deterministically, and the binary embeds it.
//
//go:generate go run ../cmd/fanzha train --data ../training --out model
//go:embed model
var modelFS embed.FS

// ModelFile is the model's file name inside a model directory.
const ModelFile = "fanzha.model"

// modelFormat changes whenever the features change: a model trained on
// other features is refused rather than misread.
const modelFormat = 3

// decision is the one table of hand-set numbers left in the verdict; the
// rest is learned. The probabilities are the calibrated p_fraud (see
// Train), so they were set by what they mean rather than tuned: medium —
// the warning a citizen reads — from 0.5, "more likely fraud than not";
// low (ask, don't warn) from 0.35; high ("stop now") from 0.85 and only
// with two specific red flags. Their effect is measured, not fitted, by
// `fanzha eval --cv register|author` (README, Accuracy). sureType and the
// paid cut-offs are read the same way: a type below half of the fraud
// types' mass is a guess; paid when the paid head says more likely than
// not, or when the hand-written rule matched and the head does not
// clearly disagree (0.15).
var decision = struct {
	low, medium, high float64 // p_fraud from which the risk is low, medium, high
	sureType          float64 // below this share of the fraud types' mass, ask rather than name a type
	paid              float64 // the paid head's probability from which money is taken as gone
	paidWithRule      float64 // the same when the hand-written already-paid rule also matched
}{
	low:          0.35,
	medium:       0.5,
	high:         0.85,
	sureType:     0.5,
	paid:         0.5,
	paidWithRule: 0.15,
}

// Model is the trained part of the classifier: three linear heads over the
// same features — the type (12 labels), fraud or not (calibrated), and
// whether money already left.
type Model struct {
	meta  modelMeta
	typ   *learn.Linear
	fraud *learn.Linear
	paid  *learn.Linear
}

type modelMeta struct {
	Format      int               `json:"format"`
	HashBits    int               `json:"hash_bits"`
	MaxGram     int               `json:"max_gram"`
	Classes     []fanzha.ScamType `json:"classes"`
	Calibration learn.Platt       `json:"calibration"`
	Examples    int               `json:"examples"`
	Fraud       int               `json:"fraud_examples"`
	PaidCount   int               `json:"paid_examples"`
}

// Embedded returns the model built into the binary. Without one (or with
// one of an older format) a classifier has only its hard flags: `fanzha
// train` still works, everything else should refuse to start.
var Embedded = sync.OnceValues(func() (*Model, error) {
	b, err := fs.ReadFile(modelFS, "model/"+ModelFile)
	if err != nil {
		return nil, fmt.Errorf("no embedded model: run `fanzha train --out classifier/model`: %w", err)
	}
	return LoadModel(bytes.NewReader(b))
})

// LoadModel reads a model written by Save.
func LoadModel(r io.Reader) (*Model, error) {
	m := &Model{}
	heads, err := learn.Load(r, &m.meta)
	if err != nil {
		return nil, err
	}
	if m.meta.Format != modelFormat || m.meta.HashBits != hashBits || m.meta.MaxGram != maxGram {
		return nil, fmt.Errorf("model format %d (%d hash bits, %d-grams); this build reads format %d (%d, %d): retrain with `fanzha train`",
			m.meta.Format, m.meta.HashBits, m.meta.MaxGram, modelFormat, hashBits, maxGram)
	}
	for _, t := range m.meta.Classes {
		if !t.Valid() {
			return nil, fmt.Errorf("model: unknown class %q", t)
		}
	}
	for _, h := range heads {
		switch h.Name {
		case "type":
			m.typ = h.M
		case "fraud":
			m.fraud = h.M
		case "paid":
			m.paid = h.M
		}
	}
	if m.typ == nil || m.fraud == nil || m.paid == nil {
		return nil, errors.New("model: a head is missing")
	}
	if m.typ.K != len(m.meta.Classes) || m.typ.D != dims || m.fraud.D != dims || m.paid.D != dims || m.fraud.K != 1 || m.paid.K != 1 {
		return nil, errors.New("model: heads do not match the features")
	}
	return m, nil
}

// Save writes the model; the same model always gives the same bytes.
func (m *Model) Save(w io.Writer) error {
	return learn.Save(w, m.meta, []learn.Head{{Name: "type", M: m.typ}, {Name: "fraud", M: m.fraud}, {Name: "paid", M: m.paid}})
}

// prediction is what the model says of one text.
type prediction struct {
	fraud     float64 // calibrated probability of fraud
	paid      float64 // probability that money already left
	classes   []fanzha.ScamType
	types     []float64 // probability of each class
	typeShare float64   // the chosen fraud type's share of the fraud types' mass
}

func (m *Model) predict(in Prepared) prediction {
	x := in.x
	if m == nil {
		return prediction{}
	}
	p := prediction{classes: m.meta.Classes, types: make([]float64, len(m.meta.Classes))}
	m.typ.Scores(x, p.types)
	learn.Softmax(p.types)
	z := []float64{0}
	m.fraud.Scores(x, z)
	p.fraud = m.meta.Calibration.Prob(z[0])
	m.paid.Scores(in.xp, z)
	p.paid = learn.Sigmoid(z[0])
	return p
}

// bestFraudType is the most probable fraud type. When a hard flag points to
// a type the model also finds plausible, that type wins: the flag quotes
// the very words that make it that scam.
func (p *prediction) bestFraudType(hard map[fanzha.ScamType]bool) fanzha.ScamType {
	best, bestP, mass := fanzha.OtherFraud, -1.0, 0.0
	for i, t := range p.classes {
		if t == fanzha.None {
			continue
		}
		mass += p.types[i]
		if p.types[i] > bestP {
			best, bestP = t, p.types[i]
		}
	}
	if !hard[best] {
		for i, t := range p.classes {
			if hard[t] && p.types[i] >= bestP/4 {
				best, bestP = t, p.types[i]
			}
		}
	}
	if mass > 0 {
		p.typeShare = bestP / mass
	}
	return best
}

// Labelled is the truth for one training text.
type Labelled struct {
	Label fanzha.ScamType
	Paid  bool
	// PaidUnknown: the text has no paid label (a corpus script); the paid
	// head does not learn from it.
	PaidUnknown bool
	// Group is who wrote the text. Calibration holds out one group at a
	// time, so p_fraud is calibrated for text by an author the model has
	// not read — what it meets in use — not for more text by the same
	// hands. Without groups, texts fall into Folds folds by content.
	Group string
}

// TrainOptions tune Train.
type TrainOptions struct {
	learn.Options
	// Folds for calibration when the texts have no groups: the fraud head
	// is fitted on all folds but one and scores the one left out, and Platt
	// scaling is fitted on those held-out scores.
	Folds int
}

// DefaultTrainOptions are what `fanzha train` uses.
func DefaultTrainOptions() TrainOptions { return TrainOptions{Options: learn.Defaults(), Folds: 5} }

// TrainReport is what training measured on its own held-out folds.
type TrainReport struct {
	// OOF are the calibrated out-of-fold fraud probabilities, one per
	// example, with the truth beside them (for a reliability table).
	OOF   []float64
	Fraud []bool
}

// Train fits a model on prepared texts and their labels. It is
// deterministic: the same inputs in the same order give the same model.
func Train(ps []Prepared, ys []Labelled, o TrainOptions) (*Model, *TrainReport, error) {
	if len(ps) != len(ys) || len(ps) == 0 {
		return nil, nil, fmt.Errorf("train: %d texts, %d labels", len(ps), len(ys))
	}
	classes := fanzha.ScamTypes
	index := map[fanzha.ScamType]int{}
	for i, t := range classes {
		index[t] = i
	}
	var typ, fraud, paid []learn.Example
	meta := modelMeta{Format: modelFormat, HashBits: hashBits, MaxGram: maxGram, Classes: classes, Examples: len(ps)}
	isFraud := make([]bool, len(ps))
	for i, p := range ps {
		c, ok := index[ys[i].Label]
		if !ok {
			return nil, nil, fmt.Errorf("train: example %d has unknown label %q", i, ys[i].Label)
		}
		isFraud[i] = ys[i].Label.IsFraud()
		typ = append(typ, learn.Example{X: p.x, Class: c})
		fraud = append(fraud, learn.Example{X: p.x, Class: b2i(isFraud[i])})
		if !ys[i].PaidUnknown {
			paid = append(paid, learn.Example{X: p.xp, Class: b2i(ys[i].Paid)})
		}
		if isFraud[i] {
			meta.Fraud++
		}
		if ys[i].Paid {
			meta.PaidCount++
		}
	}
	// The type head weighs every class alike: a label many texts share
	// (other_fraud holds every smishing variety) must not win by numbers.
	count := make([]float64, len(classes))
	for _, x := range typ {
		count[x.Class]++
	}
	for i := range typ {
		typ[i].Weight = float64(len(typ)) / (float64(len(classes)) * count[typ[i].Class])
	}
	m := &Model{meta: meta}
	var err error
	if m.typ, err = learn.Train(typ, len(classes), dims, o.Options); err != nil {
		return nil, nil, err
	}
	fr, err := learn.Train(fraud, 2, dims, o.Options)
	if err != nil {
		return nil, nil, err
	}
	m.fraud = fr.Binary()
	pd, err := learn.Train(paid, 2, dims, o.Options)
	if err != nil {
		return nil, nil, err
	}
	m.paid = pd.Binary()

	// Calibration on out-of-fold scores: the fraud head is refitted on all
	// folds but one and scores the one left out.
	fold, folds := calibrationFolds(ps, ys, o.Folds)
	z := make([]float64, len(ps))
	for k := 0; k < folds; k++ {
		var train []learn.Example
		for i := range ps {
			if fold[i] != k {
				train = append(train, fraud[i])
			}
		}
		if len(train) == 0 || len(train) == len(ps) {
			continue
		}
		h, err := learn.Train(train, 2, dims, o.Options)
		if err != nil {
			return nil, nil, err
		}
		h = h.Binary()
		s := []float64{0}
		for i, p := range ps {
			if fold[i] == k {
				h.Scores(p.x, s)
				z[i] = s[0]
			}
		}
	}
	m.meta.Calibration = learn.FitPlatt(z, isFraud)
	rep := &TrainReport{Fraud: isFraud, OOF: make([]float64, len(z))}
	for i, v := range z {
		rep.OOF[i] = m.meta.Calibration.Prob(v)
	}
	return m, rep, nil
}

// calibrationFolds assigns every text to a fold: one per group when the
// texts have at least two groups, else by content (so the assignment does
// not depend on the order of the files).
func calibrationFolds(ps []Prepared, ys []Labelled, n int) ([]int, int) {
	fold := make([]int, len(ps))
	index := map[string]int{}
	for _, y := range ys {
		if _, ok := index[y.Group]; !ok && y.Group != "" {
			index[y.Group] = len(index)
		}
	}
	if len(index) >= 2 {
		for i, y := range ys {
			g, ok := index[y.Group]
			if !ok {
				g = len(index) // texts without a group form a fold of their own
			}
			fold[i] = g
		}
		return fold, len(index) + 1
	}
	n = max(n, 2)
	for i, p := range ps {
		fold[i] = int(fnv64(p.sig.f.Text) % uint64(n))
	}
	return fold, n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Reliability groups probabilities into ten bins and reports, per bin, how
// many texts fell in it, their mean predicted probability and the share
// that really were fraud: calibrated probabilities have the two close.
type ReliabilityBin struct {
	Lo, Hi   float64
	N        int
	MeanP    float64
	Observed float64
}

// Reliability computes the table for probabilities p and truths y.
func Reliability(p []float64, y []bool) []ReliabilityBin {
	bins := make([]ReliabilityBin, 10)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/10, float64(i+1)/10
	}
	for i, v := range p {
		b := int(math.Min(9, math.Floor(v*10)))
		bins[b].N++
		bins[b].MeanP += v
		if y[i] {
			bins[b].Observed++
		}
	}
	for i := range bins {
		if bins[i].N > 0 {
			bins[i].MeanP /= float64(bins[i].N)
			bins[i].Observed /= float64(bins[i].N)
		}
	}
	return bins
}
