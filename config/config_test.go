package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultsNeedNothing(t *testing.T) {
	c, err := config.Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Hotline != "96110" || c.Police != "110" || c.LLM.Mode != config.LLMOff || c.Telegram.API != "https://api.telegram.org" || c.Session.TTL != 24*time.Hour || c.LLM.Timeout != 8*time.Second {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fanzha.yaml")
	yaml := "hotline: \"12345\"\ntelegram:\n  token: \"1:file\"\nllm:\n  base_url: http://127.0.0.1:9/v1\n  model: m\nreview:\n  officers: [1, 2]\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, env(map[string]string{
		"FANZHA_TELEGRAM_TOKEN": "1:env",
		"FANZHA_LLM_TIMEOUT":    "3s",
		"FANZHA_OFFICERS":       "7, 8",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Hotline != "12345" {
		t.Errorf("hotline from file: %q", c.Hotline)
	}
	if c.Telegram.Token != "1:env" {
		t.Errorf("environment should override the file: %q", c.Telegram.Token)
	}
	if c.LLM.Timeout != 3*time.Second || c.LLM.Mode != config.LLMUncertain {
		t.Errorf("llm: %+v", c.LLM)
	}
	if len(c.Review.Officers) != 2 || c.Review.Officers[0] != 7 {
		t.Errorf("officers: %v", c.Review.Officers)
	}
}

func TestConfigFromEnvironmentVariableAndSecretFile(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	os.WriteFile(tok, []byte("42:secret\n"), 0o600)
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("telegram:\n  token_file: "+tok+"\n"), 0o600)
	c, err := config.Load("", env(map[string]string{"FANZHA_CONFIG": cfg}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Telegram.Token != "42:secret" {
		t.Errorf("token from file: %q", c.Telegram.Token)
	}
}

func TestErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want string
	}{
		{"unknown key", "hotlnie: 1\n", nil, "hotlnie"},
		{"bad duration", "", map[string]string{"FANZHA_LLM_TIMEOUT": "soon"}, "FANZHA_LLM_TIMEOUT"},
		{"bad mode", "", map[string]string{"FANZHA_LLM_MODE": "sometimes", "FANZHA_LLM_BASE_URL": "http://x/v1", "FANZHA_LLM_MODEL": "m"}, "FANZHA_LLM_MODE"},
		{"mode without url", "", map[string]string{"FANZHA_LLM_MODE": "always"}, "FANZHA_LLM_BASE_URL"},
		{"bad api url", "", map[string]string{"FANZHA_TELEGRAM_API": "ftp://x"}, "FANZHA_TELEGRAM_API"},
		{"bad redis url", "", map[string]string{"FANZHA_REDIS_URL": "http://x"}, "FANZHA_REDIS_URL"},
		{"bad officers", "", map[string]string{"FANZHA_OFFICERS": "1,abc"}, "FANZHA_OFFICERS"},
		{"bad review chat", "", map[string]string{"FANZHA_REVIEW_CHAT": "x"}, "FANZHA_REVIEW_CHAT"},
		{"bad hotline", "", map[string]string{"FANZHA_HOTLINE": "call us"}, "FANZHA_HOTLINE"},
		{"webhook without token", "", map[string]string{"FANZHA_WEBHOOK_URL": "https://bot.example/hook"}, "FANZHA_TELEGRAM_TOKEN"},
		{"bad secret", "", map[string]string{"FANZHA_TELEGRAM_TOKEN": "1:a", "FANZHA_WEBHOOK_SECRET": "has space"}, "FANZHA_WEBHOOK_SECRET"},
		{"bad token", "", map[string]string{"FANZHA_TELEGRAM_TOKEN": "nocolon"}, "FANZHA_TELEGRAM_TOKEN"},
		{"short ttl", "", map[string]string{"FANZHA_SESSION_TTL": "1s"}, "FANZHA_SESSION_TTL"},
		{"bad llm limit", "", map[string]string{"FANZHA_LLM_USER_PER_MINUTE": "many"}, "FANZHA_LLM_USER_PER_MINUTE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = filepath.Join(t.TempDir(), "c.yaml")
				os.WriteFile(path, []byte(tt.yaml), 0o600)
			}
			_, err := config.Load(path, env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	_, err := config.Load("", env(map[string]string{"FANZHA_REDIS_URL": "http://user:hunter2@x"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v leaks the password", err)
	}
}

func TestMissingFile(t *testing.T) {
	if _, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml"), env(nil)); err == nil {
		t.Fatal("a missing config file must be an error")
	}
}
