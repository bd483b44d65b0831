package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckFromStdinAndFlags(t *testing.T) {
	out, err := cliRun(t, "有人说我涉嫌洗钱，让我把钱转到安全账户\n", "check", "-")
	if err != nil || !strings.Contains(out, "高风险") {
		t.Fatalf("check -: %v\n%s", err, out)
	}
	out, err = cliRun(t, "投3万每月返3000", "check", "--json", "-")
	if err != nil || !strings.Contains(out, `"label": "investment"`) {
		t.Fatalf("check --json -: %v\n%s", err, out)
	}
	var ue usageError
	for _, args := range [][]string{{"check", "--bogus", "text"}, {"check"}, {"check", "-"}, {"classify", "--bogus"}, {"classify", "a", "b"}, {"chat", "extra"}, {"serve", "extra"}, {"healthcheck", "--bogus"}} {
		if _, err := cliRun(t, "", args...); !errors.As(err, &ue) {
			t.Errorf("%v: err %v, want a usage error (exit 2)", args, err)
		}
	}
	// "--" ends the flags: a text may start with a dash.
	if out, err := cliRun(t, "", "check", "--", "-5%的收益"); err != nil || out == "" {
		t.Errorf("check -- TEXT: %v", err)
	}
}

func TestClassifyFileAndLineErrors(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "in.jsonl")
	os.WriteFile(f, []byte(`{"text":"今天天气不错"}`+"\nnot json\n"), 0o644)
	out, err := cliRun(t, "", "classify", f)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"label":"none"`) || !strings.Contains(lines[1], `"line":2`) || !strings.Contains(lines[1], `"error"`) {
		t.Fatalf("classify FILE:\n%s", out)
	}
	// Every line failed: the command fails (exit 1), each line still answered.
	out, err = cliRun(t, "nope\n{\"id\":1}\n", "classify")
	if err == nil || !strings.Contains(err.Error(), "every line failed") || strings.Count(out, `"error"`) != 2 {
		t.Fatalf("all lines bad: %v\n%s", err, out)
	}
	if _, err := cliRun(t, "", "classify", filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("a missing FILE must fail")
	}
}

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte("ready\nredis: off\n"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if out, err := cliRun(t, "", "healthcheck", "--addr", addr); err != nil || !strings.Contains(out, "ready") {
		t.Fatalf("ready: %v %q", err, out)
	}
	status = http.StatusServiceUnavailable
	if _, err := cliRun(t, "", "healthcheck", "--addr="+addr); err == nil {
		t.Fatal("503 must fail")
	}
	srv.Close()
	if _, err := cliRun(t, "", "healthcheck", "--addr", addr); err == nil {
		t.Fatal("nobody listening must fail")
	}
}
