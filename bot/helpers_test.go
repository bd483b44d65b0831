package bot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/classifier"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/internal/testkit"
	"github.com/fanzha/fanzha/session"
)

// Texts the tests send. The scam ones carry hard flags (a "safe account"),
// so they stay high risk however the classifier is tuned.
const (
	scamZH    = "有人说我涉嫌洗钱，让我把钱转到安全账户"
	scamEN    = "Someone claiming to be the police says my bank account is linked to money laundering and I must move my savings to a safe account"
	benignZH  = "今天天气不错，晚上吃什么"
	benignEN  = "What a nice day, let us have dinner together tonight"
	policeSMS = "【公安提示】您名下身份证涉嫌一起跨境洗钱案，请于今日17时前致电配合调查，并将资金转入安全账户进行资金清查。"
)

// engine is the real classifier and advisor, built once per test binary.
func engine(tb testing.TB) (*classifier.Classifier, *advice.Advisor) { return testkit.Engine(tb) }

func engineAdvisor(tb testing.TB) *advice.Advisor {
	_, adv := engine(tb)
	return adv
}

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// harness is a bot running against a fake Bot API server.
type harness struct {
	api   *bottest.Server
	bot   *bot.Bot
	store *session.Memory
	logs  *logBuffer

	cancel   context.CancelFunc
	done     chan error
	stopOnce sync.Once
	stopErr  error
}

// start opens a bot on api (polling unless mod sets a webhook URL) and runs
// it until the test ends or stop is called.
func start(t testing.TB, api *bottest.Server, mod func(*bot.Options)) *harness {
	t.Helper()
	return startWith(t, api, nil, mod)
}

// newConversation is the real conversation service on the shared engine,
// checking the blocklist of review when it is set.
func newConversation(tb testing.TB, review bot.Review, mod func(*conversation.Options)) *conversation.Service {
	tb.Helper()
	cls, adv := engine(tb)
	co := conversation.Options{Classify: cls.Classify, Advisor: adv}
	if review != nil {
		co.Blocklist = review
	}
	if mod != nil {
		mod(&co)
	}
	c, err := conversation.New(co)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// startWith is start with the conversation's options changed by convMod
// (the blocklist is the bot's Review unless convMod says otherwise).
func startWith(t testing.TB, api *bottest.Server, convMod func(*conversation.Options), mod func(*bot.Options)) *harness {
	t.Helper()
	h := &harness{api: api, store: session.NewMemory(), logs: &logBuffer{}}
	o := bot.Options{
		Token:          api.Token,
		API:            api.URL(),
		Sessions:       h.store,
		Updates:        h.store,
		SessionTTL:     24 * time.Hour,
		ReplyLateAfter: time.Minute,
		ReplyGiveUp:    time.Hour,
		Logger:         slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PollTimeout:    2 * time.Second,
	}
	if mod != nil {
		mod(&o)
	}
	if o.Conversation == nil {
		o.Conversation = newConversation(t, o.Review, func(co *conversation.Options) {
			co.Logger = o.Logger
			if convMod != nil {
				convMod(co)
			}
		})
	}
	b, err := bot.New(o)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	if err := b.Open(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() { _ = h.stop() })
	return h
}

// stop cancels the bot and waits for Run to return.
func (h *harness) stop() error {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.stopErr = <-h.done:
		case <-time.After(30 * time.Second):
			panic("bot did not stop within 30s")
		}
	})
	return h.stopErr
}

// waitFor polls cond until it holds, failing the test after 20 s.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	testkit.Eventually(tb, 20*time.Second, cond, "timed out waiting for "+what)
}

// callsTo returns every sendMessage call to chat, failed ones included.
func callsTo(api *bottest.Server, chat int64) []bottest.Call {
	var out []bottest.Call
	for _, c := range api.Calls("sendMessage") {
		if c.ChatID() == chat {
			out = append(out, c)
		}
	}
	return out
}

func mustContain(tb testing.TB, s string, subs ...string) {
	tb.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			tb.Errorf("want %q in:\n%s", sub, s)
		}
	}
}

func mustNotContain(tb testing.TB, s string, subs ...string) {
	tb.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			tb.Errorf("do not want %q in:\n%s", sub, s)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// newServer serves h on loopback until the test ends and returns its URL.
func newServer(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// get fetches url, checks the status and returns the body.
func get(t testing.TB, url string, status int) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d", url, resp.StatusCode, status)
	}
	return string(b)
}
