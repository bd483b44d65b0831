package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/classifier"
)

// sampleTraining copies the first n lines of some of the repository's
// training files into a fresh training directory: enough to learn from,
// small enough to train in a test.
func sampleTraining(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"a1/sms.jsonl", "a4/en_sms.jsonl", "a3/account.jsonl"} {
		in, err := os.Open(filepath.Join("..", "..", "training", f))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for i := 0; i < n && sc.Scan(); i++ {
			b.Write(sc.Bytes())
			b.WriteByte('\n')
		}
		in.Close()
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Same data, same bytes: the model is a build artefact anyone can remake.
func TestTrainIsDeterministic(t *testing.T) {
	data := sampleTraining(t, 150)
	var models [2][]byte
	for i := range models {
		out := t.TempDir()
		report, err := cliRun(t, "", "train", "--data", data, "--corpus=false", "--out", out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(report, "texts: 450") || !strings.Contains(report, "observed") {
			t.Errorf("train report:\n%s", report)
		}
		models[i], err = os.ReadFile(filepath.Join(out, classifier.ModelFile))
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(models[0]) < 1000 || !bytes.Equal(models[0], models[1]) {
		t.Fatalf("two trainings on the same data gave %d and %d bytes, different", len(models[0]), len(models[1]))
	}
	if _, err := classifier.LoadModel(bytes.NewReader(models[0])); err != nil {
		t.Fatalf("the trained model does not load: %v", err)
	}
}

func TestTrainRefusesBadData(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "x"), 0o755)
	os.WriteFile(filepath.Join(dir, "x", "sms.jsonl"), []byte(`{"text":"hi","label":"nonsense"}`+"\n"), 0o644)
	if _, err := cliRun(t, "", "train", "--data", dir, "--out", t.TempDir()); err == nil || !strings.Contains(err.Error(), "sms.jsonl:1") {
		t.Errorf("an unknown label: err = %v, want one naming the file and line", err)
	}
	if _, err := cliRun(t, "", "train", "--data", dir); err == nil {
		t.Error("train without --out: want a usage error")
	}
}
