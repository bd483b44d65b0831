package bot_test

import (
	"context"
	"fmt"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/internal/testkit"
	"github.com/fanzha/fanzha/session"
)

// TestRestart stops the bot while a reply is still in flight, lets updates
// arrive while it is down, and starts a new one with an empty store (a new
// process): every update is answered exactly once.
func TestRestart(t *testing.T) {
	api := bottest.NewServer(t)
	for i := range 5 {
		api.Push(bottest.Private(int64(1000+i), benignZH))
	}
	h := start(t, api, nil)
	api.WaitSent(t, 0, 5)

	// The next reply is refused once with a 429, so it is still being
	// handled when the bot is told to stop.
	const slow = 2000
	api.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 1, ChatID: slow})
	api.Push(bottest.Private(slow, benignZH))
	waitFor(t, "the refused reply", func() bool { return len(callsTo(api, slow)) == 1 })
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(api.Sent(slow)); n != 1 {
		t.Fatalf("the in-flight reply was sent %d times before Run returned, want 1", n)
	}
	if n := api.Pending(); n != 0 {
		t.Fatalf("%d updates left unconfirmed at shutdown", n)
	}

	for i := range 3 {
		api.Push(bottest.Private(int64(3000+i), benignZH))
	}
	h2 := start(t, api, nil)
	api.WaitSent(t, 0, 5+1+3)
	if err := h2.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	per := map[int64]int{}
	for _, c := range api.Sent(0) {
		per[c.ChatID()]++
	}
	if len(per) != 9 {
		t.Errorf("answered %d chats, want 9: %v", len(per), per)
	}
	for chat, n := range per {
		if n != 1 {
			t.Errorf("chat %d answered %d times", chat, n)
		}
	}
}

// TestOffsetStored: the offset is kept in the session store, so a new bot
// on the same store starts where the last one stopped.
func TestOffsetStored(t *testing.T) {
	api := bottest.NewServer(t)
	id := api.Push(bottest.Private(1, benignZH))
	h := start(t, api, nil)
	api.WaitSent(t, 1, 1)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	got, err := h.store.Offset(context.Background(), fmt.Sprint(bottest.BotID))
	if err != nil || got != id+1 {
		t.Fatalf("stored offset = %d, %v; want %d", got, err, id+1)
	}
}

func TestTelegramErrors(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		failure  bottest.Failure
		attempts int    // sendMessage calls for the one reply
		kind     string // error counted
	}{
		{"sendMessage 429 honours retry_after", "sendMessage", bottest.Failure{Code: 429, RetryAfter: 1}, 2, "telegram_429"},
		{"sendMessage 500 is retried", "sendMessage", bottest.Failure{Code: 500, Times: 2}, 3, "telegram_5xx"},
		{"sendMessage 502 from a proxy is retried", "sendMessage", bottest.Failure{Code: 0}, 2, "network"},
		{"getUpdates 429", "getUpdates", bottest.Failure{Code: 429, RetryAfter: 1}, 1, "telegram_429"},
		{"getUpdates 500", "getUpdates", bottest.Failure{Code: 500, Times: 2}, 1, "telegram_5xx"},
		{"getUpdates 502 from a proxy", "getUpdates", bottest.Failure{Code: 0}, 1, "network"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := bottest.NewServer(t)
			h := start(t, api, nil)
			const user = 42
			api.Fail(tc.method, tc.failure)
			api.Push(bottest.Private(user, scamZH))
			mustContain(t, api.WaitSent(t, user, 1)[0].Text(), "高风险")
			if err := h.stop(); err != nil {
				t.Fatal(err)
			}
			if n := len(callsTo(api, user)); n != tc.attempts {
				t.Errorf("%d sendMessage calls, want %d", n, tc.attempts)
			}
			if n := h.bot.Metrics().Snapshot()[fmt.Sprintf("errors{kind=%q}", tc.kind)]; n == 0 {
				t.Errorf("no %s error counted: %v", tc.kind, h.bot.Metrics().Snapshot())
			}
		})
	}
}

// TestForbiddenLoggedOnce: a user who blocked the bot gets no retries, and
// the log says so once.
func TestForbiddenLoggedOnce(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, nil)
	const user = 403
	api.Fail("sendMessage", bottest.Failure{Code: 403, ChatID: user, Times: 3})
	for range 3 {
		api.Push(bottest.Private(user, benignZH))
	}
	waitFor(t, "three refused replies", func() bool { return len(callsTo(api, user)) >= 3 })
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(callsTo(api, user)); n != 3 {
		t.Errorf("%d sendMessage calls for 3 updates, want 3 (no retries)", n)
	}
	if n := strings.Count(h.logs.String(), "cannot write to this chat"); n != 1 {
		t.Errorf("403 logged %d times, want once:\n%s", n, h.logs.String())
	}
}

// TestShutdownFinishesInFlight: Run returns only after the reply being
// sent is sent, and confirms the offset.
func TestShutdownFinishesInFlight(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, nil)
	const user = 77
	api.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 1, ChatID: user})
	api.Push(bottest.Private(user, scamZH))
	waitFor(t, "the first attempt", func() bool { return len(callsTo(api, user)) == 1 })
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if n := len(api.Sent(user)); n != 1 {
		t.Errorf("reply sent %d times by the time Run returned, want 1", n)
	}
	if api.Pending() != 0 {
		t.Errorf("offset not confirmed: %d updates pending", api.Pending())
	}
	if h.bot.Ready() {
		t.Error("still ready after Run returned")
	}
}

type panicky struct {
	classify func(context.Context, string) fanzha.Assessment
}

func (p panicky) Classify(ctx context.Context, text string) fanzha.Assessment {
	if strings.Contains(text, "PANIC") {
		panic("classifier exploded")
	}
	return p.classify(ctx, text)
}

func TestPanicRecovered(t *testing.T) {
	api := bottest.NewServer(t)
	h := startWith(t, api, func(o *conversation.Options) { o.Classify = panicky{o.Classify}.Classify }, nil)
	const user = 66
	api.Push(bottest.Private(user, "PANIC please"))
	api.Push(bottest.Private(user, scamZH))
	sent := api.WaitSent(t, user, 2)
	mustContain(t, sent[0].Text(), "出了点问题")
	mustContain(t, sent[1].Text(), "高风险")
	mustContain(t, h.logs.String(), "panic", "classifier exploded")
	if n := h.bot.Metrics().Snapshot()[`errors{kind="panic"}`]; n != 1 {
		t.Errorf("panics counted: %d, want 1", n)
	}
}

// TestTokenNeverLogged makes the library fail with transport errors (whose
// text holds the request URL, and so the token) and checks that neither
// the logs nor the returned errors contain it.
func TestTokenNeverLogged(t *testing.T) {
	secret := bottest.Token[strings.IndexByte(bottest.Token, ':')+1:]
	t.Run("running bot loses the server", func(t *testing.T) {
		api := bottest.NewServer(t)
		h := start(t, api, nil)
		api.Push(bottest.Private(1, benignZH))
		api.WaitSent(t, 1, 1)
		api.Close()
		waitFor(t, "a failed poll to be logged", func() bool { return strings.Contains(h.logs.String(), "getUpdates failed") })
		if err := h.stop(); err != nil {
			t.Fatal(err)
		}
		logs := h.logs.String()
		mustContain(t, logs, "[REDACTED]")
		mustNotContain(t, logs, secret)
	})
	t.Run("no server at start", func(t *testing.T) {
		api := bottest.NewServer(t)
		api.Close()
		logs := &logBuffer{}
		store := session.NewMemory()
		b, err := bot.New(bot.Options{Token: bottest.Token, API: api.URL(), Conversation: newConversation(t, nil, nil), Sessions: store, Updates: store, SessionTTL: time.Hour, ReplyLateAfter: time.Minute, ReplyGiveUp: time.Hour,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		defer cancel()
		err = b.Open(ctx)
		if err == nil {
			t.Fatal("Open succeeded without a server")
		}
		mustContain(t, err.Error(), "[REDACTED]")
		mustNotContain(t, err.Error(), secret)
		mustContain(t, logs.String(), "[REDACTED]")
		mustNotContain(t, logs.String(), secret)
	})
	t.Run("wrong token", func(t *testing.T) {
		api := bottest.NewServer(t)
		store := session.NewMemory()
		b, err := bot.New(bot.Options{Token: "999:wrong-token-secret-part", API: api.URL(), Conversation: newConversation(t, nil, nil), Sessions: store, Updates: store, SessionTTL: time.Hour, ReplyLateAfter: time.Minute, ReplyGiveUp: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		err = b.Open(context.Background())
		if err == nil || strings.Contains(err.Error(), "wrong-token-secret-part") {
			t.Fatalf("Open = %v; want an error without the token", err)
		}
	})
	t.Run("redacting logger", func(t *testing.T) {
		logs := &logBuffer{}
		l := bot.RedactLogger(slog.New(slog.NewTextHandler(logs, nil)), bottest.Token)
		l.Info("calling https://api.telegram.org/bot"+bottest.Token+"/getMe", "err", fmt.Errorf("post %s", bottest.Token), "url", "x/"+bottest.Token, slog.Group("g", "s", secret))
		mustNotContain(t, logs.String(), secret)
		if n := strings.Count(logs.String(), "[REDACTED]"); n != 4 {
			t.Errorf("%d redactions, want 4:\n%s", n, logs.String())
		}
	})
}

func TestMalformedUpdates(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, nil)
	for i, raw := range []string{
		`{"update_id": 501, "message": "not an object"}`,
		`{"update_id": 502, "message": {"message_id": 1, "chat": {"id": "abc"}}}`,
		`{"update_id": 503}`,
		`{"update_id": 504, "message": {"message_id": 2, "date": 0}}`,
		`{"update_id": 505, "message": {"message_id": 3, "chat": {"id": 5, "type": "private"}, "text": "/x", "entities": [{"type": "bot_command", "offset": 0, "length": 99}]}}`,
		`{"update_id": 506, "callback_query": {"id": "q1"}}`,
		`{"no_update_id": true}`,
		`[1, 2, 3]`,
		`{"update_id": 509, "message": {"message_id": 4, "chat": {"id": 6, "type": "private"}, "forward_origin": "weird", "text": "` + policeSMS + `"}}`,
		`{"update_id": 510, "message": {"message_id": 5, "chat": {"id": 7, "type": "private"}, "reply_to_message": {"message_id": 1}, "text": "/check"}}`,
		`{"update_id": 511, "edited_message": {"message_id": 6, "chat": {"id": 8, "type": "private"}, "text": "edited"}}`,
		`{"update_id": 512, "message": {"message_id": 7, "chat": {"id": -9, "type": "supergroup"}, "text": "/check"}}`,
		`{"update_id": 514, "message": {"message_id": 9, "chat": {"id": 12, "type": "private"}, "date": 1, "pinned_message": {"message_id": 1, "date": 1, "chat": {"id": 12, "type": "private"}}}}`,
		`{"update_id": 513, "message": {"message_id": 8, "chat": {"id": 10, "type": "private"}, "text": "\u0000\ufffd` + strings.Repeat("长", 20000) + `"}}`,
	} {
		api.PushRaw(int64(501+i), raw)
	}
	api.Push(bottest.Private(11, scamZH))
	mustContain(t, api.WaitSent(t, 11, 1)[0].Text(), "高风险")
	mustContain(t, api.WaitSent(t, 5, 1)[0].Text(), "我不认识这个命令")
	mustContain(t, api.WaitSent(t, 6, 1)[0].Text(), "这条转发的消息")
	mustContain(t, api.WaitSent(t, 7, 1)[0].Text(), "/check")
	mustContain(t, api.WaitSent(t, -9, 1)[0].Text(), "/check")
	api.WaitSent(t, 10, 1)
	waitFor(t, "every update to be confirmed", func() bool { return api.Pending() == 0 })
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(api.Sent(8)); n != 0 {
		t.Errorf("an edited message was answered")
	}
	if n := len(api.Sent(12)); n != 0 {
		t.Errorf("a service message was answered")
	}
	if n := h.bot.Metrics().Snapshot()[`errors{kind="malformed_update"}`]; n < 4 {
		t.Errorf("malformed updates counted: %d, want at least 4", n)
	}
	mustNotContain(t, h.logs.String(), "panic")
}

func TestRateLimit(t *testing.T) {
	api := bottest.NewServer(t)
	var mu sync.Mutex
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := start(t, api, func(o *bot.Options) { o.RatePerMinute = 3; o.Now = clock })
	const user = 88
	for range 6 {
		api.Push(bottest.Private(user, benignZH))
	}
	// The limit applies at intake: counted before the replies go out.
	waitFor(t, "three messages over the limit", func() bool { return h.bot.Metrics().Snapshot()["rate_limited"] == 3 })
	api.WaitSent(t, user, 4)
	time.Sleep(100 * time.Millisecond) // no fifth
	sent := api.Sent(user)
	if len(sent) != 4 {
		t.Fatalf("%d replies, want 3 verdicts and one notice", len(sent))
	}
	mustContain(t, sent[3].Text(), "一分钟后再发", "96110")

	// Another user is not affected.
	api.Push(bottest.Private(user+1, benignZH))
	api.WaitSent(t, user+1, 1)

	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	api.Push(bottest.Private(user, benignZH))
	sent = api.WaitSent(t, user, 5)
	mustContain(t, sent[4].Text(), "暂未发现诈骗迹象")
}

// longAdvisor adds hundreds of lines to every reply.
type longAdvisor struct{ bot.Advisor }

func (l longAdvisor) Render(w advice.View) advice.Reply {
	r := l.Advisor.Render(w)
	lines := make([]string, 300)
	for i := range lines {
		lines[i] = fmt.Sprintf("第%d条：不要向“安全账户”转账 <注意> & 先打电话核实 🚨", i+1)
	}
	r.Sections = append(r.Sections, advice.Section{Title: "很长的一节", Lines: lines})
	return r
}

func TestLongReplySplit(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, func(o *bot.Options) { o.Advisor = longAdvisor{engineAdvisor(t)} })
	const user = 99
	t.Cleanup(func() {
		if t.Failed() {
			for _, c := range api.Calls("") {
				t.Logf("%s %d chat=%d len=%d mode=%q markup=%v", c.Method, c.Status, c.ChatID(), len(c.Text()), c.Params.Get("parse_mode"), c.Params.Get("reply_markup") != "")
			}
			t.Log(h.logs.String())
		}
	})
	api.Push(bottest.Private(user, scamZH))
	waitFor(t, "the split reply", func() bool {
		s := api.Sent(user)
		return len(s) > 0 && s[len(s)-1].Params.Get("reply_markup") != ""
	})
	parts := api.Sent(user)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want at least 3", len(parts))
	}
	var all strings.Builder
	for i, p := range parts {
		if p.Params.Get("parse_mode") != "HTML" {
			t.Errorf("part %d not sent as HTML (Telegram rejected it?)", i)
		}
		if hasMarkup := p.Params.Get("reply_markup") != ""; hasMarkup != (i == len(parts)-1) {
			t.Errorf("part %d: buttons %v, want them only under the last part", i, hasMarkup)
		}
		all.WriteString(p.Text())
		all.WriteString("\n")
	}
	mustContain(t, all.String(), "第1条", "第300条", "高风险", "&lt;注意&gt; &amp;")
	if len(callsTo(api, user)) != len(parts) {
		t.Errorf("a part was refused by the server")
	}
}

func TestWebhook(t *testing.T) {
	api := bottest.NewServer(t)
	const secret = "right-Secret_123"
	h := start(t, api, func(o *bot.Options) {
		o.WebhookURL = "https://fanzha.example.org/telegram/hook"
		o.WebhookSecret = secret
	})
	wh := api.Webhook()
	if wh.Get("url") != "https://fanzha.example.org/telegram/hook" || wh.Get("secret_token") != secret {
		t.Fatalf("setWebhook got %v", wh)
	}
	if p := h.bot.WebhookPath(); p != "/telegram/hook" {
		t.Fatalf("WebhookPath = %q", p)
	}
	mux := http.NewServeMux()
	mux.Handle(h.bot.WebhookPath(), h.bot)
	srv := newServer(t, mux)
	post := func(secretHeader *string, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv+"/telegram/hook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secretHeader != nil {
			req.Header.Set(bot.SecretHeader, *secretHeader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	right, wrong, empty := secret, "wrong-secret", ""
	update := func(id, chat int64) string {
		return fmt.Sprintf(`{"update_id": %d, "message": {"message_id": %d, "date": 1700000000, "chat": {"id": %d, "type": "private"}, "from": {"id": %d, "is_bot": false, "first_name": "A"}, "text": %q}}`, id, id, chat, chat, scamZH)
	}
	tests := []struct {
		name    string
		secret  *string
		body    string
		status  int
		chat    int64
		replies int
	}{
		{"right secret", &right, update(1, 501), 200, 501, 1},
		{"wrong secret", &wrong, update(2, 502), 401, 502, 0},
		{"missing secret", nil, update(3, 503), 401, 503, 0},
		{"empty secret", &empty, update(4, 504), 401, 504, 0},
		{"secret with a prefix of the right one", ptr(secret[:5]), update(5, 505), 401, 505, 0},
		{"not JSON", &right, `{"update_id": 6, "message": `, 400, 0, 0},
		{"no update_id", &right, `{"message": {"message_id": 1, "chat": {"id": 507, "type": "private"}, "text": "hi"}}`, 400, 507, 0},
		// An update id with a body we cannot read: acknowledged (and
		// skipped), or Telegram would send it again forever.
		{"wrong types", &right, `{"update_id": 8, "message": {"chat": {"id": "508"}}}`, 200, 508, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(tc.secret, tc.body); got != tc.status {
				t.Fatalf("status %d, want %d", got, tc.status)
			}
		})
	}
	t.Run("redelivered update is answered once", func(t *testing.T) {
		for range 3 {
			if got := post(&right, update(9, 509)); got != 200 {
				t.Fatalf("status %d", got)
			}
		}
	})
	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(srv + "/telegram/hook")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	api.WaitSent(t, 501, 1)
	api.WaitSent(t, 509, 1)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		if tc.chat != 0 && len(api.Sent(tc.chat)) != tc.replies {
			t.Errorf("%s: %d replies, want %d", tc.name, len(api.Sent(tc.chat)), tc.replies)
		}
	}
	if n := len(api.Sent(509)); n != 1 {
		t.Errorf("redelivered update answered %d times", n)
	}
	if n := len(api.Calls("getUpdates")); n != 0 {
		t.Errorf("%d getUpdates calls in webhook mode", n)
	}
	if got := post(&right, update(10, 510)); got != http.StatusServiceUnavailable {
		t.Errorf("after shutdown: status %d, want 503", got)
	}
}

// TestWebhookDerivedSecret: with no secret configured, one is derived and
// still required.
func TestWebhookDerivedSecret(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, func(o *bot.Options) { o.WebhookURL = "https://fanzha.example.org/" })
	s := api.Webhook().Get("secret_token")
	if len(s) < 32 || strings.Contains(s, bottest.Token) {
		t.Fatalf("derived secret %q", s)
	}
	srv := newServer(t, h.bot)
	req, _ := http.NewRequest(http.MethodPost, srv+"/", strings.NewReader(`{"update_id": 1}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d without the derived secret", resp.StatusCode)
	}
}

func TestMetricsAndHealth(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, nil)
	api.Push(bottest.Private(1, scamZH))
	api.Push(bottest.Private(2, benignZH))
	api.WaitSent(t, 0, 2)
	mux := http.NewServeMux()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(h.bot.Metrics())
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/readyz", h.bot.ServeReady)
	mux.HandleFunc("/healthz", bot.Health)
	srv := newServer(t, mux)
	// A reply is sent before its handler returns and records its duration:
	// wait for both updates to be counted.
	testkit.Eventually(t, 5*time.Second, func() bool {
		return strings.Contains(get(t, srv+"/metrics", 200), "fanzha_update_duration_seconds_count 2")
	}, "both updates' durations recorded")
	body := get(t, srv+"/metrics", 200)
	mustContain(t, body,
		`fanzha_updates_total{kind="message"} 2`,
		`fanzha_replies_total{risk="high",type="`,
		`fanzha_replies_total{risk="none",type="none"} 1`,
		`# TYPE fanzha_update_duration_seconds histogram`,
		`fanzha_update_duration_seconds_bucket{le="+Inf"} 2`,
		`fanzha_update_duration_seconds_count 2`,
		`# TYPE fanzha_review_cases_submitted_total counter`,
	)
	get(t, srv+"/healthz", 200)
	get(t, srv+"/readyz", 200)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	get(t, srv+"/readyz", 503)
}

// After a long silence Telegram numbers the next update at random, maybe
// below the offset we hold; polling then restarts from Telegram's offset
// instead of confirming (dropping) it unseen.
func TestIdleResetAcceptsRenumberedUpdates(t *testing.T) {
	api := bottest.NewServer(t)
	api.Push(map[string]any{"update_id": 1000, "message": bottest.Private(1, benignZH)["message"]})
	start(t, api, func(o *bot.Options) { o.IdleReset = 300 * time.Millisecond; o.PollTimeout = 100 * time.Millisecond })
	api.WaitSent(t, 1, 1)
	time.Sleep(700 * time.Millisecond) // silence longer than IdleReset
	api.Push(map[string]any{"update_id": 5, "message": bottest.Private(2, benignZH)["message"]})
	api.WaitSent(t, 2, 1)
}
