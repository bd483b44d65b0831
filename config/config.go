// Package config loads Fanzha's settings: defaults, then an optional YAML
// file, then FANZHA_* environment variables, then Validate. It imports nothing
// of the project: cmd/fanzha copies values out into each package's options.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// LLM modes.
const (
	LLMOff       = "off"
	LLMUncertain = "uncertain"
	LLMAlways    = "always"
)

// Config is the whole configuration. YAML keys are the snake_case names.
type Config struct {
	Telegram Telegram      `yaml:"telegram"`
	Redis    Redis         `yaml:"redis"`
	LLM      LLM           `yaml:"llm"`
	Review   Review        `yaml:"review"`
	Hotline  string        `yaml:"hotline"`   // anti-fraud hotline, 96110
	Police   string        `yaml:"police"`    // emergency number when money has left, 110
	Listen   string        `yaml:"listen"`    // HTTP address for webhook, health, metrics
	Session  SessionConfig `yaml:"session"`   // conversation memory
	OCR      OCR           `yaml:"ocr"`       // reading pictures
	LogLevel string        `yaml:"log_level"` // debug, info, warn, error
	// PublicURL is the origin officers reach the listener at (the
	// console's sign-in links start with it); empty: the webhook URL's
	// origin, else http://localhost:<port> of Listen.
	PublicURL string       `yaml:"public_url"`
	Report    ReportConfig `yaml:"report"`
}

// ReportConfig settings: what is counted for the officers' weekly report,
// and when it is sent.
type ReportConfig struct {
	// Districts a citizen may choose from (asked once, optionally); empty:
	// the district is never asked.
	Districts []string `yaml:"districts"`
	// Timezone sets the days and weeks (Monday 00:00 there) and the hour
	// of the Monday report.
	Timezone string `yaml:"timezone"`
	// Hour (0–23, in Timezone) the Monday report is sent to the review chat.
	Hour int `yaml:"hour"`
	// StatsRetention is how long counts are kept; SampleRetention how long
	// new-script samples (redacted excerpts) are.
	StatsRetention  time.Duration `yaml:"stats_retention"`
	SampleRetention time.Duration `yaml:"sample_retention"`
	// Font is a CJK font file for the chart; empty: Debian's Noto CJK.
	Font string `yaml:"font"`
}

// Telegram settings.
type Telegram struct {
	Token         string `yaml:"token"`
	TokenFile     string `yaml:"token_file"`
	API           string `yaml:"api"` // Bot API base URL
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret string `yaml:"webhook_secret"`
	RatePerMinute int    `yaml:"rate_per_minute"` // per-user message limit
	// ReplyLateAfter: a reply sent later than this after its update starts
	// with "sorry for the delay"; ReplyGiveUp: how long a reply is retried
	// through Telegram's errors before it is no longer useful.
	ReplyLateAfter time.Duration `yaml:"reply_late_after"`
	ReplyGiveUp    time.Duration `yaml:"reply_give_up"`
}

// Redis settings. An empty URL means in-memory state.
type Redis struct {
	URL string `yaml:"url"`
	// InboxClaimIdle is how long an update taken by a replica that stopped
	// (crash, kill -9) waits in the inbox before another replica takes it.
	InboxClaimIdle time.Duration `yaml:"inbox_claim_idle"`
}

// LLM settings for the optional OpenAI-compatible assistant.
type LLM struct {
	BaseURL    string        `yaml:"base_url"`
	APIKey     string        `yaml:"api_key"`
	APIKeyFile string        `yaml:"api_key_file"`
	Model      string        `yaml:"model"`
	Timeout    time.Duration `yaml:"timeout"`
	Mode       string        `yaml:"mode"` // off, uncertain, always; empty: uncertain when BaseURL is set
	// UserPerMinute and GlobalPerMinute cap model calls (cost); 0 takes
	// the assistant's defaults.
	UserPerMinute   int `yaml:"user_per_minute"`
	GlobalPerMinute int `yaml:"global_per_minute"`
}

// Review settings: who may act on flagged cases and where they see them.
type Review struct {
	Officers []int64 `yaml:"officers"`
	Chat     int64   `yaml:"chat"`
	// BlockTTL is how long a blocklist entry lasts after an officer
	// confirmed it; AuditRetention how long the audit stream keeps an entry.
	BlockTTL       time.Duration `yaml:"block_ttl"`
	AuditRetention time.Duration `yaml:"audit_retention"`
}

// SessionConfig settings.
type SessionConfig struct {
	TTL time.Duration `yaml:"ttl"` // idle time after which a conversation is forgotten
	// MaxChats caps the conversations kept in memory (without Redis); the
	// least recently used is forgotten first.
	MaxChats int `yaml:"max_chats"`
	// MaxBytes caps their estimated size (about half the heap they take).
	MaxBytes int64 `yaml:"max_bytes"`
}

// Default returns the configuration Fanzha runs on with no settings at all.
func Default() Config {
	return Config{
		Telegram: Telegram{API: "https://api.telegram.org", RatePerMinute: 20, ReplyLateAfter: time.Minute, ReplyGiveUp: 24 * time.Hour},
		Redis:    Redis{InboxClaimIdle: 30 * time.Second},
		Review:   Review{BlockTTL: 180 * 24 * time.Hour, AuditRetention: 365 * 24 * time.Hour},
		LLM:      LLM{Timeout: 8 * time.Second},
		Hotline:  "96110",
		Police:   "110",
		Listen:   ":8080",
		Session:  SessionConfig{TTL: 24 * time.Hour, MaxChats: 20_000, MaxBytes: 48 << 20},
		OCR:      defaultOCR(),
		LogLevel: "info",
		Report: ReportConfig{
			Timezone:        "Asia/Shanghai",
			Hour:            9,
			StatsRetention:  9600 * time.Hour, // 400 days: a year and a little, for year-on-year
			SampleRetention: 2160 * time.Hour, // 90 days
		},
	}
}

// Load builds the configuration: defaults, then the YAML file at path (or at
// $FANZHA_CONFIG when path is empty; no file is fine), then the environment
// (getenv, normally os.Getenv), then secret files, then Validate.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path == "" {
		path = getenv("FANZHA_CONFIG")
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config file: %w", err)
		}
		if err := decodeYAML(b, &c); err != nil {
			return c, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	if err := c.readSecrets(); err != nil {
		return c, err
	}
	c.finish()
	return c, c.Validate()
}

// decodeYAML decodes strictly: an unknown key is an error, so a typo in a
// setting name never silently leaves the default in place.
func decodeYAML(b []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func (c *Config) applyEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("FANZHA_TELEGRAM_TOKEN", &c.Telegram.Token)
	str("FANZHA_TELEGRAM_TOKEN_FILE", &c.Telegram.TokenFile)
	str("FANZHA_TELEGRAM_API", &c.Telegram.API)
	str("FANZHA_WEBHOOK_URL", &c.Telegram.WebhookURL)
	str("FANZHA_WEBHOOK_SECRET", &c.Telegram.WebhookSecret)
	str("FANZHA_REDIS_URL", &c.Redis.URL)
	str("FANZHA_LLM_BASE_URL", &c.LLM.BaseURL)
	str("FANZHA_LLM_API_KEY", &c.LLM.APIKey)
	str("FANZHA_LLM_API_KEY_FILE", &c.LLM.APIKeyFile)
	str("FANZHA_LLM_MODEL", &c.LLM.Model)
	str("FANZHA_LLM_MODE", &c.LLM.Mode)
	str("FANZHA_HOTLINE", &c.Hotline)
	str("FANZHA_POLICE", &c.Police)
	str("FANZHA_LISTEN", &c.Listen)
	str("FANZHA_LOG_LEVEL", &c.LogLevel)
	str("FANZHA_PUBLIC_URL", &c.PublicURL)
	str("FANZHA_TIMEZONE", &c.Report.Timezone)
	str("FANZHA_FONT", &c.Report.Font)
	if v := getenv("FANZHA_DISTRICTS"); v != "" {
		c.Report.Districts = splitList(v)
	}
	if v := getenv("FANZHA_REPORT_HOUR"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("FANZHA_REPORT_HOUR: %q is not an hour (0-23)", v)
		}
		c.Report.Hour = n
	}
	for name, dst := range map[string]*time.Duration{
		"FANZHA_STATS_RETENTION":  &c.Report.StatsRetention,
		"FANZHA_SAMPLE_RETENTION": &c.Report.SampleRetention,
	} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a Go duration (e.g. 2160h)", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("FANZHA_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("FANZHA_LLM_TIMEOUT: %q is not a Go duration (e.g. 8s)", v)
		}
		c.LLM.Timeout = d
	}
	for name, dst := range map[string]*time.Duration{
		"FANZHA_REPLY_LATE_AFTER": &c.Telegram.ReplyLateAfter,
		"FANZHA_REPLY_GIVE_UP":    &c.Telegram.ReplyGiveUp,
		"FANZHA_INBOX_CLAIM_IDLE": &c.Redis.InboxClaimIdle,
		"FANZHA_BLOCK_TTL":        &c.Review.BlockTTL,
		"FANZHA_AUDIT_RETENTION":  &c.Review.AuditRetention,
	} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a Go duration (e.g. 30s, 4320h)", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("FANZHA_SESSION_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("FANZHA_SESSION_MAX_BYTES: %q is not a number of bytes", v)
		}
		c.Session.MaxBytes = n
	}
	if v := getenv("FANZHA_SESSION_MAX_CHATS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("FANZHA_SESSION_MAX_CHATS: %q is not a number", v)
		}
		c.Session.MaxChats = n
	}
	if v := getenv("FANZHA_SESSION_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("FANZHA_SESSION_TTL: %q is not a Go duration (e.g. 24h)", v)
		}
		c.Session.TTL = d
	}
	if v := getenv("FANZHA_RATE_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("FANZHA_RATE_PER_MINUTE: %q is not a number", v)
		}
		c.Telegram.RatePerMinute = n
	}
	for name, dst := range map[string]*int{
		"FANZHA_LLM_USER_PER_MINUTE":   &c.LLM.UserPerMinute,
		"FANZHA_LLM_GLOBAL_PER_MINUTE": &c.LLM.GlobalPerMinute,
	} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", name, v)
			}
			*dst = n
		}
	}
	if v := getenv("FANZHA_OFFICERS"); v != "" {
		ids, err := parseIDs(v)
		if err != nil {
			return fmt.Errorf("FANZHA_OFFICERS: %w", err)
		}
		c.Review.Officers = ids
	}
	if v := getenv("FANZHA_REVIEW_CHAT"); v != "" {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return fmt.Errorf("FANZHA_REVIEW_CHAT: %q is not a chat id", v)
		}
		c.Review.Chat = id
	}
	return c.OCR.applyEnv(getenv)
}

// splitList splits a comma-separated list (ASCII or full-width commas),
// trimming spaces and dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a Telegram user id", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// readSecrets reads secrets given as files (Docker and Kubernetes secrets).
func (c *Config) readSecrets() error {
	read := func(field, path string, dst *string) error {
		if path == "" || *dst != "" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		*dst = strings.TrimSpace(string(b))
		return nil
	}
	if err := read("telegram.token_file", c.Telegram.TokenFile, &c.Telegram.Token); err != nil {
		return err
	}
	return read("llm.api_key_file", c.LLM.APIKeyFile, &c.LLM.APIKey)
}

// finish fills values that depend on others.
func (c *Config) finish() {
	c.Telegram.API = strings.TrimRight(c.Telegram.API, "/")
	c.LLM.Mode = c.LLM.EffectiveMode()
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.PublicURL == "" {
		c.PublicURL = defaultPublicURL(c.Telegram.WebhookURL, c.Listen)
	}
}

// defaultPublicURL is the webhook URL's origin, else the listen address as
// http://host:port (localhost when it names no host).
func defaultPublicURL(webhook, listen string) string {
	if u, err := url.Parse(webhook); err == nil && webhook != "" && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return ""
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// PublicOrigin is PublicURL, or its default when it is unset (a
// configuration built in code, not by Load).
func (c *Config) PublicOrigin() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return defaultPublicURL(c.Telegram.WebhookURL, c.Listen)
}

// Location is the time zone of Report.Timezone. Validate has checked it;
// Asia/Shanghai as a fixed UTC+8 when the zone database lacks it.
func (c *Config) Location() *time.Location {
	if loc, err := time.LoadLocation(c.Report.Timezone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// EffectiveMode is Mode, or when it is empty the default it stands for:
// uncertain with a base URL, off without one.
func (l LLM) EffectiveMode() string {
	switch {
	case l.Mode != "":
		return l.Mode
	case l.BaseURL != "":
		return LLMUncertain
	}
	return LLMOff
}

// Validate checks every field and names the first bad one with its value.
// Secrets are never echoed.
func (c *Config) Validate() error {
	if err := checkURL("telegram.api (FANZHA_TELEGRAM_API)", c.Telegram.API); err != nil {
		return err
	}
	if c.Telegram.WebhookURL != "" {
		if err := checkURL("telegram.webhook_url (FANZHA_WEBHOOK_URL)", c.Telegram.WebhookURL); err != nil {
			return err
		}
		if c.Telegram.Token == "" {
			return errors.New("telegram.webhook_url (FANZHA_WEBHOOK_URL) is set but telegram.token (FANZHA_TELEGRAM_TOKEN) is empty")
		}
	}
	if s := c.Telegram.WebhookSecret; s != "" && !validSecret(s) {
		return errors.New("telegram.webhook_secret (FANZHA_WEBHOOK_SECRET): must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
	}
	if c.Telegram.Token != "" && !strings.Contains(c.Telegram.Token, ":") {
		return errors.New("telegram.token (FANZHA_TELEGRAM_TOKEN): does not look like a bot token (expected digits:secret)")
	}
	if c.Telegram.RatePerMinute < 0 {
		return fmt.Errorf("telegram.rate_per_minute: %d must not be negative", c.Telegram.RatePerMinute)
	}
	if c.Redis.URL != "" {
		u, err := url.Parse(c.Redis.URL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			return fmt.Errorf("redis.url (FANZHA_REDIS_URL): %q must be a redis://, rediss:// or unix:// URL", redactURL(c.Redis.URL))
		}
	}
	switch c.LLM.Mode {
	case LLMOff, LLMUncertain, LLMAlways:
	default:
		return fmt.Errorf("llm.mode (FANZHA_LLM_MODE): %q must be off, uncertain or always", c.LLM.Mode)
	}
	if c.LLM.Mode != LLMOff {
		if c.LLM.BaseURL == "" {
			return fmt.Errorf("llm.base_url (FANZHA_LLM_BASE_URL): required when llm.mode is %q", c.LLM.Mode)
		}
		if err := checkURL("llm.base_url (FANZHA_LLM_BASE_URL)", c.LLM.BaseURL); err != nil {
			return err
		}
		if c.LLM.Model == "" {
			return errors.New("llm.model (FANZHA_LLM_MODEL): required when an LLM base URL is set")
		}
	}
	if c.LLM.UserPerMinute < 0 || c.LLM.GlobalPerMinute < 0 {
		return fmt.Errorf("llm.user_per_minute / llm.global_per_minute: %d / %d must not be negative", c.LLM.UserPerMinute, c.LLM.GlobalPerMinute)
	}
	if c.LLM.Timeout <= 0 || c.LLM.Timeout > 2*time.Minute {
		return fmt.Errorf("llm.timeout (FANZHA_LLM_TIMEOUT): %s must be between 0 and 2m", c.LLM.Timeout)
	}
	if !validPhone(c.Hotline) {
		return fmt.Errorf("hotline (FANZHA_HOTLINE): %q must be a phone number", c.Hotline)
	}
	if !validPhone(c.Police) {
		return fmt.Errorf("police (FANZHA_POLICE): %q must be a phone number", c.Police)
	}
	if c.Telegram.ReplyLateAfter <= 0 || c.Telegram.ReplyGiveUp < c.Telegram.ReplyLateAfter {
		return fmt.Errorf("telegram.reply_late_after / reply_give_up (FANZHA_REPLY_LATE_AFTER / FANZHA_REPLY_GIVE_UP): %s / %s must be positive, the second not shorter", c.Telegram.ReplyLateAfter, c.Telegram.ReplyGiveUp)
	}
	if c.Redis.InboxClaimIdle < time.Second {
		return fmt.Errorf("redis.inbox_claim_idle (FANZHA_INBOX_CLAIM_IDLE): %s must be at least 1s", c.Redis.InboxClaimIdle)
	}
	if c.Review.BlockTTL < time.Hour {
		return fmt.Errorf("review.block_ttl (FANZHA_BLOCK_TTL): %s must be at least 1h", c.Review.BlockTTL)
	}
	if c.Review.AuditRetention < 24*time.Hour {
		return fmt.Errorf("review.audit_retention (FANZHA_AUDIT_RETENTION): %s must be at least 24h", c.Review.AuditRetention)
	}
	if c.Session.MaxBytes < 1<<20 {
		return fmt.Errorf("session.max_bytes (FANZHA_SESSION_MAX_BYTES): %d must be at least 1 MiB", c.Session.MaxBytes)
	}
	if c.Session.MaxChats < 100 {
		return fmt.Errorf("session.max_chats (FANZHA_SESSION_MAX_CHATS): %d must be at least 100", c.Session.MaxChats)
	}
	if c.Session.TTL < time.Minute {
		return fmt.Errorf("session.ttl (FANZHA_SESSION_TTL): %s must be at least 1m", c.Session.TTL)
	}
	for _, id := range c.Review.Officers {
		if id <= 0 {
			return fmt.Errorf("review.officers (FANZHA_OFFICERS): %d is not a Telegram user id", id)
		}
	}
	if err := c.validateReport(); err != nil {
		return err
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level (FANZHA_LOG_LEVEL): %q must be debug, info, warn or error", c.LogLevel)
	}
	return c.OCR.validate()
}

func checkURL(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%s: %q must be an http(s) URL", field, redactURL(raw))
	}
	return nil
}

// redactURL hides a password in a URL so it can appear in an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable>"
	}
	return u.Redacted()
}

func validSecret(s string) bool {
	if len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func validPhone(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '-' || r == '+' || r == ' ') {
			return false
		}
	}
	return true
}

// validateReport checks the officers' report settings.
func (c *Config) validateReport() error {
	r := c.Report
	if _, err := time.LoadLocation(r.Timezone); err != nil && r.Timezone != "Asia/Shanghai" {
		return fmt.Errorf("report.timezone (FANZHA_TIMEZONE): %q is not a time zone (e.g. Asia/Shanghai)", r.Timezone)
	}
	if r.Timezone == "" {
		return errors.New("report.timezone (FANZHA_TIMEZONE): must not be empty (e.g. Asia/Shanghai)")
	}
	if r.Hour < 0 || r.Hour > 23 {
		return fmt.Errorf("report.hour (FANZHA_REPORT_HOUR): %d must be between 0 and 23", r.Hour)
	}
	if r.StatsRetention < 14*24*time.Hour {
		return fmt.Errorf("report.stats_retention (FANZHA_STATS_RETENTION): %s must be at least 336h (two weeks, for the week-over-week change)", r.StatsRetention)
	}
	if r.SampleRetention < 7*24*time.Hour {
		return fmt.Errorf("report.sample_retention (FANZHA_SAMPLE_RETENTION): %s must be at least 168h (one week)", r.SampleRetention)
	}
	for _, d := range r.Districts {
		if len(d) > 48 || strings.ContainsRune(d, '\n') {
			return fmt.Errorf("report.districts (FANZHA_DISTRICTS): %q must be one line of at most 48 bytes (16 Chinese characters: it goes in a button)", d)
		}
	}
	if len(r.Districts) > 40 {
		return fmt.Errorf("report.districts (FANZHA_DISTRICTS): %d districts, at most 40 fit a button list", len(r.Districts))
	}
	if err := checkURL("public_url (FANZHA_PUBLIC_URL)", c.PublicURL); err != nil {
		return err
	}
	return nil
}
