// Package testkit holds helpers shared by the tests of several packages.
package testkit

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/knowledge"
)

// Eventually waits up to within for ok, polling every 5 ms, and fails the
// test with msg if it never holds.
func Eventually(tb testing.TB, within time.Duration, ok func() bool, msg string) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatal(msg)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var (
	engineOnce sync.Once
	engineCls  *classifier.Classifier
	engineAdv  *advice.Advisor
	engineErr  error
)

// Engine returns the real classifier (on the embedded corpus, indexed
// once per test binary) and an advisor giving 96110 and 110.
func Engine(tb testing.TB) (*classifier.Classifier, *advice.Advisor) {
	tb.Helper()
	engineOnce.Do(func() {
		corpus, err := knowledge.Embedded()
		if err != nil {
			engineErr = err
			return
		}
		idx, err := knowledge.NewIndex(corpus)
		if err != nil {
			engineErr = err
			return
		}
		engineCls = classifier.New(idx)
		engineAdv, engineErr = advice.New(corpus, advice.Options{Hotline: "96110", Police: "110"})
	})
	if engineErr != nil {
		tb.Fatal(engineErr)
	}
	return engineCls, engineAdv
}

// MetricsText registers c in a fresh (pedantic) registry and returns what
// /metrics would serve for it, in the Prometheus text format.
func MetricsText(tb testing.TB, c prometheus.Collector) string {
	tb.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		tb.Fatalf("register collector: %v", err)
	}
	families, err := reg.Gather()
	if err != nil {
		tb.Fatalf("gather metrics: %v", err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			tb.Fatalf("encode metrics: %v", err)
		}
	}
	return b.String()
}
