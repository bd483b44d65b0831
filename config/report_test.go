package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/config"
)

func TestReportSettings(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		c, err := config.Load("", env(nil))
		if err != nil {
			t.Fatal(err)
		}
		r := c.Report
		if r.Timezone != "Asia/Shanghai" || r.Hour != 9 || r.StatsRetention != 9600*time.Hour || r.SampleRetention != 2160*time.Hour || len(r.Districts) != 0 {
			t.Errorf("report defaults: %+v", r)
		}
		if c.PublicURL != "http://localhost:8080" {
			t.Errorf("public URL from the listen address: %q", c.PublicURL)
		}
		if c.Location().String() != "Asia/Shanghai" && c.Location().String() != "CST" {
			t.Errorf("location: %s", c.Location())
		}
	})
	t.Run("environment", func(t *testing.T) {
		c, err := config.Load("", env(map[string]string{
			"FANZHA_DISTRICTS":        "海曙区, 江北区，北仑区,,",
			"FANZHA_TIMEZONE":         "Europe/Paris",
			"FANZHA_REPORT_HOUR":      "0",
			"FANZHA_STATS_RETENTION":  "720h",
			"FANZHA_SAMPLE_RETENTION": "240h",
			"FANZHA_FONT":             "/fonts/x.ttf",
			"FANZHA_LISTEN":           "127.0.0.1:9000",
		}))
		if err != nil {
			t.Fatal(err)
		}
		r := c.Report
		if !slices.Equal(r.Districts, []string{"海曙区", "江北区", "北仑区"}) || r.Timezone != "Europe/Paris" || r.Hour != 0 ||
			r.StatsRetention != 720*time.Hour || r.SampleRetention != 240*time.Hour || r.Font != "/fonts/x.ttf" {
			t.Errorf("report from the environment: %+v", r)
		}
		if c.PublicURL != "http://127.0.0.1:9000" {
			t.Errorf("public URL: %q", c.PublicURL)
		}
	})
	t.Run("public URL from the webhook", func(t *testing.T) {
		c, err := config.Load("", env(map[string]string{"FANZHA_TELEGRAM_TOKEN": "1:x", "FANZHA_WEBHOOK_URL": "https://bot.example.org/tg/hook"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.PublicURL != "https://bot.example.org" {
			t.Errorf("public URL: %q", c.PublicURL)
		}
		c, err = config.Load("", env(map[string]string{"FANZHA_TELEGRAM_TOKEN": "1:x", "FANZHA_WEBHOOK_URL": "https://bot.example.org/tg/hook", "FANZHA_PUBLIC_URL": "https://console.example.org/"}))
		if err != nil || c.PublicURL != "https://console.example.org" {
			t.Errorf("public URL set: %q %v", c.PublicURL, err)
		}
	})
	for _, tc := range []struct{ name, key, value, field string }{
		{"bad zone", "FANZHA_TIMEZONE", "Mars/Olympus", "report.timezone (FANZHA_TIMEZONE)"},
		{"hour too big", "FANZHA_REPORT_HOUR", "24", "report.hour (FANZHA_REPORT_HOUR)"},
		{"hour not a number", "FANZHA_REPORT_HOUR", "nine", "FANZHA_REPORT_HOUR"},
		{"short retention", "FANZHA_STATS_RETENTION", "24h", "report.stats_retention (FANZHA_STATS_RETENTION)"},
		{"bad retention", "FANZHA_SAMPLE_RETENTION", "90 days", "FANZHA_SAMPLE_RETENTION"},
		{"short sample retention", "FANZHA_SAMPLE_RETENTION", "1h", "report.sample_retention (FANZHA_SAMPLE_RETENTION)"},
		{"long district", "FANZHA_DISTRICTS", strings.Repeat("区", 21), "report.districts (FANZHA_DISTRICTS)"},
		{"public URL not http", "FANZHA_PUBLIC_URL", "ftp://x", "public_url (FANZHA_PUBLIC_URL)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load("", env(map[string]string{tc.key: tc.value}))
			if err == nil || !strings.HasPrefix(err.Error(), tc.field) {
				t.Errorf("error %v does not start with %s", err, tc.field)
			}
		})
	}
}
