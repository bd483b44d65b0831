// Package llm implements fanzha.Assistant with an OpenAI-compatible chat
// completions API (DeepSeek, Qwen on DashScope, Ollama, vLLM, OpenAI) through
// github.com/sashabaranov/go-openai.
//
// The base URL must include the API version path — https://api.deepseek.com/v1,
// not https://api.deepseek.com — because go-openai appends /chat/completions
// to it as given. The client has its own http.Client with a timeout (go-openai
// has none by default) and makes exactly one HTTP request per Review: no
// retries, so a call never outlives its deadline. Failures come back as
// *fanzha.AssistantError with a kind (timeout, rate_limited, backoff,
// server_error, bad_response, other) and are counted. After a 429 (or a 503
// with Retry-After) no request is sent until the Retry-After time has passed:
// Review returns ErrBackoff at once instead.
//
// The user's text goes to the model only as a JSON-quoted string under a
// system prompt that says it is data that may carry instructions. The
// answer must be one JSON object {label, risk, reasons, next_question};
// an unknown label or risk makes the whole answer unusable (bad_response).
// Neither the API key nor the user's text is ever logged.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	openai "github.com/sashabaranov/go-openai"

	"github.com/fanzha/fanzha"
)

// ErrBackoff is wrapped by the FailBackoff error Review returns, without
// calling the provider, while an earlier Retry-After has not passed.
var ErrBackoff = errors.New("provider asked to wait (Retry-After); no call made")

// Limits on what the model's answer may put in front of a user.
const (
	maxReasons     = 4
	maxReasonRunes = 200
	// maxBody bounds a response body read from the provider.
	maxBody = 1 << 20
)

// Options configure a Client. BaseURL and Model are required.
type Options struct {
	// BaseURL of the OpenAI-compatible API, including the version path:
	// https://api.deepseek.com/v1, https://dashscope.aliyuncs.com/compatible-mode/v1,
	// http://localhost:11434/v1 (Ollama), http://host:8000/v1 (vLLM).
	BaseURL string
	APIKey  string // may be empty for local servers
	Model   string
	// Timeout bounds one HTTP request (default 8s). The caller's context
	// deadline, when earlier, wins.
	Timeout time.Duration
	// JSONSchema asks for response_format json_schema (OpenAI, vLLM, recent
	// Ollama). The default, json_object, is what DeepSeek and DashScope
	// accept; the schema is then spelled out in the prompt. Either way the
	// answer is validated here.
	JSONSchema bool
	// MaxTokens bounds the answer (default 600).
	MaxTokens int
	// Hotline and Police are the only numbers the model is told it may
	// mention; required (their defaults live in config).
	Hotline, Police string
	// DefaultBackoff is the wait after a 429 that has no usable
	// Retry-After header (default 5s); MaxBackoff caps any wait (default 10m).
	DefaultBackoff, MaxBackoff time.Duration
	// Logger receives failures at warn and answers at debug, never the
	// user's text or the key. Default: discard.
	Logger *slog.Logger
}

// Client is a fanzha.Assistant backed by an OpenAI-compatible API. It is
// safe for concurrent use.
type Client struct {
	api    *openai.Client
	opts   Options
	log    *slog.Logger
	system string

	mu    sync.Mutex
	until time.Time // no call before this (Retry-After)

	requests, answers      atomic.Int64
	promptTok, completeTok atomic.Int64
	failures               map[fanzha.FailureKind]*atomic.Int64
	now                    func() time.Time
}

var _ fanzha.Assistant = (*Client)(nil)

// New returns a client; it checks the options but makes no request.
func New(o Options) (*Client, error) {
	if err := CheckBaseURL(o.BaseURL); err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.Model) == "" {
		return nil, errors.New("llm: model is required (e.g. deepseek-chat, qwen-plus, qwen2.5:7b)")
	}
	if o.Timeout <= 0 {
		o.Timeout = 8 * time.Second
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 600
	}
	if o.Hotline == "" || o.Police == "" {
		return nil, errors.New("llm: the hotline and police numbers are required")
	}
	if o.DefaultBackoff <= 0 {
		o.DefaultBackoff = 5 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	tr.ResponseHeaderTimeout = o.Timeout
	cfg := openai.DefaultConfig(o.APIKey)
	cfg.BaseURL = strings.TrimRight(o.BaseURL, "/")
	cfg.HTTPClient = &http.Client{Timeout: o.Timeout, Transport: limitedBody{tr}}
	c := &Client{
		api:      openai.NewClientWithConfig(cfg),
		opts:     o,
		log:      log.With("subsystem", "llm", "model", o.Model),
		system:   systemPrompt(o.Hotline, o.Police),
		failures: map[fanzha.FailureKind]*atomic.Int64{},
		now:      time.Now,
	}
	for _, k := range fanzha.FailureKinds {
		c.failures[k] = new(atomic.Int64)
	}
	return c, nil
}

var versionPath = regexp.MustCompile(`/v\d+[a-z0-9]*$`)

// CheckBaseURL reports whether s is a usable base URL: http(s), a host, no
// credentials, and a path ending in the API version (/v1; Zhipu's is /v4),
// since go-openai appends /chat/completions to it as given.
func CheckBaseURL(s string) error {
	if s == "" {
		return errors.New("llm: base URL is required, including /v1 (e.g. https://api.deepseek.com/v1)")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("llm: base URL %q must be an http(s) URL including /v1, e.g. https://api.deepseek.com/v1", redactURL(s))
	}
	if u.User != nil {
		return fmt.Errorf("llm: base URL %q must not carry credentials; set the API key (FANZHA_LLM_API_KEY) instead", redactURL(s))
	}
	p := strings.TrimRight(u.Path, "/")
	if strings.HasSuffix(p, "/chat/completions") {
		return fmt.Errorf("llm: base URL %q must stop at the version path (…/v1), without /chat/completions", redactURL(s))
	}
	if !versionPath.MatchString(p) {
		return fmt.Errorf("llm: base URL %q must include the API version path /v1 (e.g. https://api.deepseek.com/v1, http://localhost:11434/v1)", redactURL(s))
	}
	return nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User("redacted")
	return u.String()
}

// Review asks the model for its reading of text, given the deterministic
// assessment a. It makes at most one HTTP request and returns when ctx
// ends or the client timeout passes, whichever is first.
func (c *Client) Review(ctx context.Context, text string, a fanzha.Assessment) (fanzha.Opinion, error) {
	if wait := c.backoffLeft(); wait > 0 {
		return fanzha.Opinion{}, c.fail(&fanzha.AssistantError{Kind: fanzha.FailBackoff, RetryAfter: wait, Err: ErrBackoff})
	}
	if err := ctx.Err(); err != nil {
		return fanzha.Opinion{}, c.fail(ctxError(err))
	}
	start := time.Now()
	c.requests.Add(1)
	resp, err := c.api.CreateChatCompletion(ctx, c.request(text, a))
	if err != nil {
		return fanzha.Opinion{}, c.fail(c.classify(ctx, err, resp.Header()))
	}
	c.promptTok.Add(int64(resp.Usage.PromptTokens))
	c.completeTok.Add(int64(resp.Usage.CompletionTokens))
	op, err := parseAnswer(resp)
	if err != nil {
		return fanzha.Opinion{}, c.fail(&fanzha.AssistantError{Kind: fanzha.FailBadResponse, Err: err})
	}
	c.answers.Add(1)
	c.log.Debug("llm answer", "label", op.Label, "risk", op.Risk, "reasons", len(op.Reasons), "ms", time.Since(start).Milliseconds())
	return op, nil
}

func (c *Client) request(text string, a fanzha.Assessment) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model: c.opts.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: c.system},
			{Role: openai.ChatMessageRoleUser, Content: userPrompt(text, a)},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject},
	}
	if c.opts.JSONSchema {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: "fanzha_opinion", Schema: responseSchema{}, Strict: true,
			},
		}
	}
	// OpenAI's reasoning models take max_completion_tokens and no
	// temperature; every other provider takes the classic fields.
	if m := c.opts.Model; strings.HasPrefix(m, "o1") || strings.HasPrefix(m, "o3") || strings.HasPrefix(m, "o4") || strings.HasPrefix(m, "gpt-5") {
		req.MaxCompletionTokens = c.opts.MaxTokens
	} else {
		req.MaxTokens = c.opts.MaxTokens
		req.Temperature = 0.2
	}
	return req
}

// fail counts and logs an error and returns it.
func (c *Client) fail(e *fanzha.AssistantError) error {
	c.failures[e.Kind].Add(1)
	// Debug only: the caller (assist) logs the fallback at warn.
	c.log.Debug("llm call failed", "kind", e.Kind, "status", e.Status, "err", e)
	return e
}

func (c *Client) backoffLeft() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.until.Sub(c.now())
}

func (c *Client) backoff(d time.Duration) {
	if d > c.opts.MaxBackoff {
		d = c.opts.MaxBackoff
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.now().Add(d); t.After(c.until) {
		c.until = t
	}
}

// classify turns a go-openai error into an AssistantError whose message
// holds neither the response body nor anything the user wrote.
func (c *Client) classify(ctx context.Context, err error, h http.Header) *fanzha.AssistantError {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var ue *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isNetTimeout(err):
		return &fanzha.AssistantError{Kind: fanzha.FailTimeout, Err: errNoAnswer}
	case errors.Is(err, context.Canceled):
		return ctxError(err)
	case errors.As(err, &ue):
		// The request never got an HTTP answer: refused, reset, DNS.
		return &fanzha.AssistantError{Kind: fanzha.FailOther, Err: fmt.Errorf("transport: %s", c.redact(ue.Err.Error()))}
	case errors.As(err, &apiErr):
		e := c.statusError(apiErr.HTTPStatusCode, h, fanzha.FailOther)
		e.Err = fmt.Errorf("provider error type=%q code=%v", clipRunes(apiErr.Type, 40), apiErr.Code)
		c.log.Debug("llm provider error", "status", apiErr.HTTPStatusCode, "message", c.redact(clipRunes(apiErr.Message, 200)))
		c.hint(apiErr.HTTPStatusCode)
		return e
	case errors.As(err, &reqErr):
		e := c.statusError(reqErr.HTTPStatusCode, h, fanzha.FailBadResponse)
		e.Err = fmt.Errorf("non-OpenAI error body (%d bytes)", len(reqErr.Body))
		c.hint(reqErr.HTTPStatusCode)
		return e
	case errors.As(err, &syn), errors.As(err, &typ), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &fanzha.AssistantError{Kind: fanzha.FailBadResponse, Err: errors.New("response body is not OpenAI JSON")}
	}
	if ctx.Err() != nil {
		return ctxError(ctx.Err())
	}
	return &fanzha.AssistantError{Kind: fanzha.FailOther, Err: errors.New(c.redact(err.Error()))}
}

var errNoAnswer = fmt.Errorf("no answer before the deadline: %w", context.DeadlineExceeded)

func ctxError(err error) *fanzha.AssistantError {
	if errors.Is(err, context.DeadlineExceeded) {
		return &fanzha.AssistantError{Kind: fanzha.FailTimeout, Err: errNoAnswer}
	}
	return &fanzha.AssistantError{Kind: fanzha.FailOther, Err: err}
}

// statusError maps an HTTP status to a kind and honours Retry-After.
func (c *Client) statusError(status int, h http.Header, def fanzha.FailureKind) *fanzha.AssistantError {
	e := &fanzha.AssistantError{Kind: def, Status: status}
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind = fanzha.FailRateLimited
		d, ok := retryAfter(h, c.now())
		if !ok {
			d = c.opts.DefaultBackoff
		}
		e.RetryAfter = d
		c.backoff(d)
	case status >= 500:
		e.Kind = fanzha.FailServerError
		if d, ok := retryAfter(h, c.now()); ok {
			e.RetryAfter = d
			c.backoff(d)
		}
	case status == http.StatusRequestTimeout:
		e.Kind = fanzha.FailTimeout
	}
	return e
}

// hint logs the likely configuration mistake behind a 4xx.
func (c *Client) hint(status int) {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		c.log.Warn("llm provider rejected the API key (FANZHA_LLM_API_KEY)", "status", status)
	case http.StatusNotFound:
		c.log.Warn("llm endpoint or model not found: check that FANZHA_LLM_BASE_URL includes /v1 and FANZHA_LLM_MODEL exists", "status", status)
	}
}

func (c *Client) redact(s string) string {
	if k := c.opts.APIKey; len(k) >= 4 {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// retryAfter reads Retry-After (seconds or an HTTP date) or OpenAI's
// retry-after-ms.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// answer is the JSON the model must produce. Reasons may come as one
// string and the question as "question": small models do that.
type answer struct {
	Label        string  `json:"label"`
	Risk         string  `json:"risk"`
	Reasons      reasons `json:"reasons"`
	NextQuestion string  `json:"next_question"`
	Question     string  `json:"question"`
}

type reasons []string

func (r *reasons) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*r = reasons{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*r = many
	return nil
}

var thinkBlock = regexp.MustCompile(`(?s)<think>.*?</think>`)

// parseAnswer validates the model's answer: one JSON object with a known
// label and risk. Reasons are trimmed, bounded in number and length.
func parseAnswer(resp openai.ChatCompletionResponse) (fanzha.Opinion, error) {
	if len(resp.Choices) == 0 {
		return fanzha.Opinion{}, errors.New("answer has no choices")
	}
	msg := resp.Choices[0].Message
	if msg.Refusal != "" {
		return fanzha.Opinion{}, errors.New("model refused to answer")
	}
	content := thinkBlock.ReplaceAllString(msg.Content, "")
	i, j := strings.IndexByte(content, '{'), strings.LastIndexByte(content, '}')
	if i < 0 || j < i {
		return fanzha.Opinion{}, fmt.Errorf("answer is not a JSON object (finish_reason %q)", resp.Choices[0].FinishReason)
	}
	var ans answer
	if err := json.Unmarshal([]byte(content[i:j+1]), &ans); err != nil {
		return fanzha.Opinion{}, fmt.Errorf("answer is malformed JSON (finish_reason %q)", resp.Choices[0].FinishReason)
	}
	label := fanzha.ScamType(strings.ToLower(strings.TrimSpace(ans.Label)))
	if !label.Valid() {
		return fanzha.Opinion{}, fmt.Errorf("answer has unknown label %q", clipRunes(ans.Label, 30))
	}
	risk, err := fanzha.ParseRisk(ans.Risk)
	if err != nil {
		return fanzha.Opinion{}, fmt.Errorf("answer has unknown risk %q", clipRunes(ans.Risk, 30))
	}
	if ans.NextQuestion == "" {
		ans.NextQuestion = ans.Question
	}
	op := fanzha.Opinion{Label: label, Risk: risk, Question: cleanLine(ans.NextQuestion)}
	for _, r := range ans.Reasons {
		if r = cleanLine(r); r != "" && len(op.Reasons) < maxReasons {
			op.Reasons = append(op.Reasons, r)
		}
	}
	return op, nil
}

// cleanLine makes a model string one tidy line: no control characters,
// single spaces, at most maxReasonRunes.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxReasonRunes {
		s = string([]rune(s)[:maxReasonRunes-1]) + "…"
	}
	return s
}

// limitedBody caps every response body at maxBody: a runaway body fails
// as malformed instead of filling memory.
type limitedBody struct{ base http.RoundTripper }

func (t limitedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.Body != nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, maxBody), resp.Body}
	}
	return resp, err
}

// Stats is a snapshot of the client's counters.
type Stats struct {
	Requests         int64 // HTTP requests sent
	Answers          int64 // valid opinions returned
	Failures         map[fanzha.FailureKind]int64
	PromptTokens     int64
	CompletionTokens int64
}

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	s := Stats{
		Requests: c.requests.Load(), Answers: c.answers.Load(),
		PromptTokens: c.promptTok.Load(), CompletionTokens: c.completeTok.Load(),
		Failures: map[fanzha.FailureKind]int64{},
	}
	for k, v := range c.failures {
		s.Failures[k] = v.Load()
	}
	return s
}

var _ prometheus.Collector = (*Client)(nil)

// Describe sends the metrics' descriptions (prometheus.Collector).
func (c *Client) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(c, ch) }

// Collect sends the counters (prometheus.Collector).
func (c *Client) Collect(ch chan<- prometheus.Metric) {
	s := c.Stats()
	counter := func(name, help string, v int64, label, value string) {
		var names, values []string
		if label != "" {
			names, values = []string{label}, []string{value}
		}
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, names, nil), prometheus.CounterValue, float64(v), values...)
	}
	counter("fanzha_llm_client_requests_total", "HTTP requests sent to the LLM provider.", s.Requests, "", "")
	counter("fanzha_llm_client_answers_total", "Valid answers received from the LLM provider.", s.Answers, "", "")
	for _, k := range fanzha.FailureKinds {
		counter("fanzha_llm_client_failures_total", "LLM calls that gave no usable answer, by kind.", s.Failures[k], "kind", string(k))
	}
	counter("fanzha_llm_client_tokens_total", "Tokens reported by the provider.", s.PromptTokens, "type", "prompt")
	counter("fanzha_llm_client_tokens_total", "Tokens reported by the provider.", s.CompletionTokens, "type", "completion")
}
