package learn_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/fanzha/fanzha/learn"
)

// toy: class c is signalled by feature c plus shared noise features.
func toy(n int) []learn.Example {
	var xs []learn.Example
	for i := 0; i < n; i++ {
		c := i % 3
		xs = append(xs, learn.Example{Class: c, X: learn.Vec{
			Idx: []uint32{uint32(c), uint32(3 + i%5)},
			Val: []float32{1, 0.5},
		}})
	}
	return xs
}

func TestTrainLearnsAndIsDeterministic(t *testing.T) {
	xs := toy(300)
	m1, err := learn.Train(xs, 3, 16, learn.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := learn.Train(xs, 3, 16, learn.Defaults())
	for i := range m1.W {
		if m1.W[i] != m2.W[i] {
			t.Fatalf("weight %d differs between two runs: %v vs %v", i, m1.W[i], m2.W[i])
		}
	}
	s := make([]float64, 3)
	for c := 0; c < 3; c++ {
		m1.Scores(learn.Vec{Idx: []uint32{uint32(c)}, Val: []float32{1}}, s)
		learn.Softmax(s)
		if s[c] < 0.8 {
			t.Errorf("class %d: p = %.2f, want > 0.8", c, s[c])
		}
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	if _, err := learn.Train(nil, 2, 4, learn.Defaults()); err == nil {
		t.Error("no examples: want an error")
	}
	bad := []learn.Example{{Class: 5, X: learn.Vec{Idx: []uint32{0}, Val: []float32{1}}}}
	if _, err := learn.Train(bad, 2, 4, learn.Defaults()); err == nil {
		t.Error("class out of range: want an error")
	}
	bad = []learn.Example{{Class: 1, X: learn.Vec{Idx: []uint32{9}, Val: []float32{1}}}}
	if _, err := learn.Train(bad, 2, 4, learn.Defaults()); err == nil {
		t.Error("feature out of range: want an error")
	}
}

func TestBinaryMatchesTwoClassLogOdds(t *testing.T) {
	var xs []learn.Example
	for i := 0; i < 200; i++ {
		xs = append(xs, learn.Example{Class: i % 2, X: learn.Vec{Idx: []uint32{uint32(i % 2), 2}, Val: []float32{1, 1}}})
	}
	m, _ := learn.Train(xs, 2, 3, learn.Defaults())
	b := m.Binary()
	x := learn.Vec{Idx: []uint32{1, 2}, Val: []float32{1, 1}}
	s2, s1 := make([]float64, 2), make([]float64, 1)
	m.Scores(x, s2)
	b.Scores(x, s1)
	if d := math.Abs((s2[1] - s2[0]) - s1[0]); d > 1e-5 {
		t.Fatalf("binary score %v, two-class log-odds %v", s1[0], s2[1]-s2[0])
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m, _ := learn.Train(toy(90), 3, 16, learn.Defaults())
	type meta struct{ Name string }
	var a, b bytes.Buffer
	if err := learn.Save(&a, meta{"x"}, []learn.Head{{Name: "type", M: m}}); err != nil {
		t.Fatal(err)
	}
	learn.Save(&b, meta{"x"}, []learn.Head{{Name: "type", M: m}})
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two saves of one model differ")
	}
	var got meta
	heads, err := learn.Load(bytes.NewReader(a.Bytes()), &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "x" || len(heads) != 1 || heads[0].Name != "type" {
		t.Fatalf("got %+v %+v", got, heads)
	}
	l := heads[0].M
	for i, w := range m.W {
		if math.Abs(float64(w-l.W[i])) > 1e-4*math.Abs(float64(w))+1e-4 {
			t.Fatalf("weight %d: %v saved, %v loaded", i, w, l.W[i])
		}
	}
	if _, err := learn.Load(bytes.NewReader([]byte("not gzip")), &got); err == nil {
		t.Fatal("garbage: want an error")
	}
}

func TestPlattCalibrates(t *testing.T) {
	// Scores whose true probability is σ(2z − 1).
	var z []float64
	var y []bool
	for i := 0; i < 2000; i++ {
		zi := float64(i%41)/10 - 2
		p := learn.Sigmoid(2*zi - 1)
		z = append(z, zi)
		y = append(y, float64((i*7919)%1000)/1000 < p)
	}
	c := learn.FitPlatt(z, y)
	if math.Abs(c.A-2) > 0.4 || math.Abs(c.B+1) > 0.4 {
		t.Fatalf("Platt A=%.2f B=%.2f, want about 2 and -1", c.A, c.B)
	}
}
