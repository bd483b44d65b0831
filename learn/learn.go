// Package learn trains and stores the linear models behind Fanzha's verdict:
// multinomial logistic regression over sparse, hashed features, fitted by
// stochastic gradient descent in a fixed order (same data, same bytes), with
// Platt scaling to turn scores into calibrated probabilities.
//
// It knows nothing of fraud: the classifier package decides what the
// features and the classes are.
package learn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Vec is a sparse feature vector. Indices may repeat; values add up.
type Vec struct {
	Idx []uint32
	Val []float32
}

// Example is one training example: features, class and weight (0 means 1).
type Example struct {
	X      Vec
	Class  int
	Weight float64
}

// Options tune training. The zero value is not useful: start from Defaults.
type Options struct {
	Epochs int     // passes over the data
	Rate   float64 // initial learning rate
	L2     float64 // ridge penalty per example
	Seed   uint64  // shuffling seed: the same seed gives the same model
}

// Defaults are the training settings used by `fanzha train` (see
// classifier.Train for the measurement behind them).
func Defaults() Options {
	return Options{Epochs: 12, Rate: 0.4, L2: 1e-5, Seed: 1}
}

// Linear is a K-class linear model over a D-dimensional hashed space, stored
// feature-major (W[i*K+k]) so scoring touches one run of memory per feature.
type Linear struct {
	K, D int
	W    []float32
	B    []float32
}

// Scores writes the K raw scores of x into out (len K).
func (m *Linear) Scores(x Vec, out []float64) {
	for k := 0; k < m.K; k++ {
		out[k] = float64(m.B[k])
	}
	for j, i := range x.Idx {
		v := float64(x.Val[j])
		row := m.W[int(i)*m.K : int(i)*m.K+m.K]
		for k, w := range row {
			out[k] += v * float64(w)
		}
	}
}

// Softmax turns scores into probabilities in place.
func Softmax(s []float64) {
	max := math.Inf(-1)
	for _, v := range s {
		max = math.Max(max, v)
	}
	var sum float64
	for i, v := range s {
		s[i] = math.Exp(v - max)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}

// Sigmoid is the logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Train fits a K-class multinomial logistic regression (K = 2 for a binary
// head) by SGD with a decaying rate and L2 applied through a global scale,
// so each step costs only the example's non-zero features.
func Train(xs []Example, k, d int, o Options) (*Linear, error) {
	if k < 2 || d <= 0 {
		return nil, fmt.Errorf("train: need at least 2 classes and 1 dimension, got %d, %d", k, d)
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	for n, x := range xs {
		if x.Class < 0 || x.Class >= k {
			return nil, fmt.Errorf("train: example %d has class %d of %d", n, x.Class, k)
		}
		for _, i := range x.X.Idx {
			if int(i) >= d {
				return nil, fmt.Errorf("train: example %d has feature %d ≥ %d", n, i, d)
			}
		}
	}
	w := make([]float64, k*d) // true weights are scale*w
	b := make([]float64, k)
	scale := 1.0
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x66616e7a6861))
	p := make([]float64, k)
	step := 0
	total := float64(o.Epochs * len(xs))
	for epoch := 0; epoch < o.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			x := xs[n]
			lr := o.Rate / (1 + 4*float64(step)/total)
			step++
			wt := x.Weight
			if wt == 0 {
				wt = 1
			}
			for c := 0; c < k; c++ {
				p[c] = b[c]
			}
			for j, i := range x.X.Idx {
				v := float64(x.X.Val[j]) * scale
				row := w[int(i)*k : int(i)*k+k]
				for c := range row {
					p[c] += v * row[c]
				}
			}
			Softmax(p)
			scale *= 1 - lr*o.L2
			for c := 0; c < k; c++ {
				g := p[c]
				if c == x.Class {
					g--
				}
				g *= wt * lr
				b[c] -= g
				if g == 0 {
					continue
				}
				gs := g / scale
				for j, i := range x.X.Idx {
					w[int(i)*k+c] -= gs * float64(x.X.Val[j])
				}
			}
			if scale < 1e-6 {
				for i := range w {
					w[i] *= scale
				}
				scale = 1
			}
		}
	}
	m := &Linear{K: k, D: d, W: make([]float32, k*d), B: make([]float32, k)}
	for i, v := range w {
		m.W[i] = float32(v * scale)
	}
	for i, v := range b {
		m.B[i] = float32(v)
	}
	return m, nil
}

// Binary collapses a 2-class model into one row whose score is the log-odds
// of class 1 (w1 − w0).
func (m *Linear) Binary() *Linear {
	if m.K != 2 {
		return m
	}
	out := &Linear{K: 1, D: m.D, W: make([]float32, m.D), B: []float32{m.B[1] - m.B[0]}}
	for i := 0; i < m.D; i++ {
		out.W[i] = m.W[2*i+1] - m.W[2*i]
	}
	return out
}

// Platt maps a score z to a calibrated probability σ(A·z + B).
type Platt struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// Prob is the calibrated probability for score z.
func (c Platt) Prob(z float64) float64 { return Sigmoid(c.A*z + c.B) }

// FitPlatt fits A and B by Newton's method on held-out scores and labels,
// with Platt's smoothed targets so a perfectly separated fold does not send
// the slope to infinity.
func FitPlatt(z []float64, y []bool) Platt {
	var npos, nneg float64
	for _, v := range y {
		if v {
			npos++
		} else {
			nneg++
		}
	}
	if npos == 0 || nneg == 0 {
		return Platt{A: 1}
	}
	hi, lo := (npos+1)/(npos+2), 1/(nneg+2)
	a, b := 1.0, 0.0
	for iter := 0; iter < 100; iter++ {
		var g1, g2, h11, h12, h22 float64
		for i, zi := range z {
			t := lo
			if y[i] {
				t = hi
			}
			p := Sigmoid(a*zi + b)
			d := p - t
			g1 += d * zi
			g2 += d
			w := math.Max(p*(1-p), 1e-12)
			h11 += w * zi * zi
			h12 += w * zi
			h22 += w
		}
		h11 += 1e-9
		h22 += 1e-9
		det := h11*h22 - h12*h12
		if det <= 0 {
			break
		}
		da := (h22*g1 - h12*g2) / det
		db := (h11*g2 - h12*g1) / det
		a -= da
		b -= db
		if math.Abs(da) < 1e-10 && math.Abs(db) < 1e-10 {
			break
		}
	}
	return Platt{A: a, B: b}
}
