package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist"
	"github.com/fanzha/fanzha/config"
	"github.com/fanzha/fanzha/llm/llmtest"
)

func TestNewAssistFromConfig(t *testing.T) {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.Default(llmtest.Answer("investment", "high", []string{"承诺高收益"}, "平台能查到备案吗？"))
	classify := func(context.Context, string) fanzha.Assessment {
		return fanzha.Assessment{Label: fanzha.Investment, Risk: fanzha.RiskLow, Score: 0.6}
	}
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

	t.Run("off without a base URL", func(t *testing.T) {
		c, err := config.Load("", env(nil))
		if err != nil {
			t.Fatal(err)
		}
		eng, err := newAssist(&c, classify, nil)
		if err != nil || eng.Mode() != assist.Off {
			t.Fatalf("mode %v err %v", eng.Mode(), err)
		}
		if a := eng.Assess(context.Background(), "cli", "x"); a.Assistant != nil || srv.Count() != 0 {
			t.Fatal("off engine asked the model")
		}
	})
	t.Run("config built in code, no mode", func(t *testing.T) {
		c := config.Default()
		eng, err := newAssist(&c, classify, nil)
		if err != nil || eng.Mode() != assist.Off {
			t.Fatalf("mode %v err %v", eng.Mode(), err)
		}
		c.LLM.BaseURL, c.LLM.Model = srv.BaseURL(), "m"
		if eng, err = newAssist(&c, classify, nil); err != nil || eng.Mode() != assist.Uncertain {
			t.Fatalf("with a base URL: mode %v err %v", eng.Mode(), err)
		}
	})
	t.Run("always mode reaches the model", func(t *testing.T) {
		c, err := config.Load("", env(map[string]string{
			"FANZHA_LLM_BASE_URL": srv.BaseURL(), "FANZHA_LLM_MODEL": "m", "FANZHA_LLM_MODE": "always", "FANZHA_LLM_TIMEOUT": "2s",
		}))
		if err != nil {
			t.Fatal(err)
		}
		eng, err := newAssist(&c, classify, nil, noLimits)
		if err != nil {
			t.Fatal(err)
		}
		a := eng.Assess(context.Background(), "cli", "x")
		if a.Assistant == nil || a.Risk != fanzha.RiskHigh || eng.Timeout() != 2*time.Second {
			t.Fatalf("got %+v", a)
		}
	})
	t.Run("base URL without /v1 is refused", func(t *testing.T) {
		c, err := config.Load("", env(map[string]string{"FANZHA_LLM_BASE_URL": srv.URL, "FANZHA_LLM_MODEL": "m"}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := newAssist(&c, classify, nil); err == nil || !strings.Contains(err.Error(), "/v1") {
			t.Fatalf("err = %v", err)
		}
	})
}
