package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/config"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/internal/testkit"
)

// syncBuffer is a log sink shared by the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serving is `fanzha serve` running in the test: the real Main, configured
// in code, against a fake Bot API server.
type serving struct {
	logs   *syncBuffer
	base   string // http://addr of FANZHA_LISTEN
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

var listenRE = regexp.MustCompile(`msg="http listening" addr=(\S+)`)

func startServe(t *testing.T, api *bottest.Server, mod func(*config.Config)) *serving {
	t.Helper()
	return startServeAt(t, api, mod, nil)
}

// startServeAt is startServe with the officers' clock (counts, report,
// console) set to now.
func startServeAt(t *testing.T, api *bottest.Server, mod func(*config.Config), now func() time.Time) *serving {
	t.Helper()
	c := config.Default()
	c.Telegram.Token = api.Token
	c.Telegram.API = api.URL()
	c.Listen = "127.0.0.1:0"
	c.LogLevel = "debug"
	if mod != nil {
		mod(&c)
	}
	s := &serving{logs: &syncBuffer{}, done: make(chan error, 1)}
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: s.logs, Getenv: func(string) string { return "" }, Config: &c, Now: now}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		err := m.Run(ctx, []string{"serve"})
		m.Close()
		s.done <- err
	}()
	t.Cleanup(func() { _ = s.stop() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		if mm := listenRE.FindStringSubmatch(s.logs.String()); mm != nil {
			s.base = "http://" + mm[1]
			break
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve stopped at start: %v\n%s", err, s.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", s.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitUntil(t, "ready", func() bool { code, _ := httpGet(s.base + "/readyz"); return code == 200 })
	return s
}

// stop is SIGTERM: cancel the context, wait for Run to return.
func (s *serving) stop() error {
	s.once.Do(func() {
		s.cancel()
		select {
		case s.err = <-s.done:
		case <-time.After(30 * time.Second):
			s.err = fmt.Errorf("serve did not stop within 30s")
		}
	})
	return s.err
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, cond, "timed out waiting for "+what)
}

func httpGet(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func contains(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("want %q in:\n%s", sub, s)
		}
	}
}

const (
	e2eScamZH = "客服说我的百万保障要关闭，不然每月扣费，让我开屏幕共享，再把钱转到安全账户"
	e2eScamEN = "A police officer called: my ID card is linked to money laundering and I must transfer my savings to a safe account today"
	e2eBenign = "明天上午去银行柜台办业务，记得带身份证"
	e2ePolice = "【公安提示】您名下身份证涉嫌一起跨境洗钱案，请于今日17时前致电配合调查，并将资金转入安全账户进行资金清查。"
)

// TestServePolling runs `fanzha serve` in polling mode through a private
// conversation in both languages, a forward, a group, a button press, a
// 429, a malformed update, health and metrics, and a restart in the middle.
func TestServePolling(t *testing.T) {
	api := bottest.NewServer(t)
	api.PushRaw(1, `{"update_id": 1, "message": "malformed"}`)
	api.Fail("getUpdates", bottest.Failure{Code: 500})
	s := startServe(t, api, nil)

	t.Run("private Chinese", func(t *testing.T) {
		api.Push(bottest.Private(11, e2eScamZH))
		r := api.WaitSent(t, 11, 1)[0]
		contains(t, r.Text(), "高风险", "96110")
		if r.Params.Get("parse_mode") != "HTML" {
			t.Error("not HTML")
		}
	})
	t.Run("private English", func(t *testing.T) {
		api.Push(bottest.Private(12, e2eScamEN))
		contains(t, api.WaitSent(t, 12, 1)[0].Text(), "High risk", "96110")
	})
	t.Run("forwarded from a hidden user", func(t *testing.T) {
		m := bottest.Message(bottest.PrivateChat(13), 13, e2ePolice)
		m["forward_origin"] = map[string]any{"type": "hidden_user", "date": 1700000000, "sender_user_name": "王警官"}
		api.Push(bottest.Wrap(m))
		contains(t, api.WaitSent(t, 13, 1)[0].Text(), "这条转发的消息", "匹配的已知剧本")
	})
	t.Run("group", func(t *testing.T) {
		const group = -500
		target := bottest.Message(bottest.GroupChat(group), 2, e2ePolice)
		api.Push(bottest.Wrap(target))                                  // silent
		api.Push(bottest.Group(group, 3, "大家好"))                        // silent
		check := bottest.Message(bottest.GroupChat(group), 3, "/check") // answered
		check["reply_to_message"] = target
		api.Push(bottest.Wrap(check))
		sent := api.WaitSent(t, group, 1)
		contains(t, sent[0].Text(), "高风险")
		if got, want := sent[0].Params.Get("reply_to_message_id"), fmt.Sprint(target["message_id"]); got != want {
			t.Errorf("reply_to_message_id %s, want %s", got, want)
		}
	})
	t.Run("button and 429", func(t *testing.T) {
		const user = 14
		api.Push(bottest.Private(user, e2eScamZH))
		verdict := api.WaitSent(t, user, 1)[0]
		data := bottest.Buttons(verdict)["我已经转账了"]
		if data == "" {
			t.Fatalf("no paid button: %v", bottest.Buttons(verdict))
		}
		api.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 1, ChatID: user})
		api.Push(bottest.Callback(user, bottest.SentMessage(verdict, bottest.PrivateChat(user), 77), data))
		contains(t, api.WaitSent(t, user, 2)[1].Text(), "止付")
	})
	t.Run("health and metrics", func(t *testing.T) {
		if code, _ := httpGet(s.base + "/healthz"); code != 200 {
			t.Errorf("/healthz %d", code)
		}
		code, body := httpGet(s.base + "/metrics")
		if code != 200 {
			t.Fatalf("/metrics %d", code)
		}
		contains(t, body, `fanzha_updates_total{kind="message"}`, `fanzha_replies_total{risk="high"`,
			`fanzha_update_duration_seconds_bucket{le="0.05"}`, `fanzha_errors_total{kind="telegram_429"}`,
			`fanzha_errors_total{kind="telegram_5xx"}`, `fanzha_errors_total{kind="malformed_update"} 1`)
	})

	// Restart in the middle: one reply is in flight (refused once with a
	// 429) when serve is stopped; more updates arrive while it is down.
	api.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 1, ChatID: 20})
	api.Push(bottest.Private(20, e2eBenign))
	waitUntil(t, "the refused reply", func() bool {
		for _, c := range api.Calls("sendMessage") {
			if c.ChatID() == 20 {
				return true
			}
		}
		return false
	})
	if err := s.stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if code, _ := httpGet(s.base + "/healthz"); code == 200 {
		t.Error("still listening after stop")
	}
	for i := range 3 {
		api.Push(bottest.Private(int64(21+i), e2eBenign))
	}
	s2 := startServe(t, api, nil)
	for i := range 3 {
		api.WaitSent(t, int64(21+i), 1)
	}
	if err := s2.stop(); err != nil {
		t.Fatalf("serve after restart: %v", err)
	}
	per := map[int64]int{}
	for _, c := range api.Sent(0) {
		per[c.ChatID()]++
	}
	for chat, want := range map[int64]int{11: 1, 12: 1, 13: 1, -500: 1, 14: 2, 20: 1, 21: 1, 22: 1, 23: 1} {
		if per[chat] != want {
			t.Errorf("chat %d: %d messages, want %d", chat, per[chat], want)
		}
	}
	secret := api.Token[strings.IndexByte(api.Token, ':')+1:]
	for _, logs := range []string{s.logs.String(), s2.logs.String()} {
		if strings.Contains(logs, secret) {
			t.Errorf("the token is in the log:\n%s", logs)
		}
		// Privacy: no message text in the logs, even at debug level.
		for _, text := range []string{e2eScamZH, "百万保障", e2eBenign, "王警官"} {
			if strings.Contains(logs, text) {
				t.Errorf("message text %q is in the log", text)
			}
		}
	}
}

func TestServeWebhook(t *testing.T) {
	api := bottest.NewServer(t)
	const secret = "webhook-Secret_42"
	s := startServe(t, api, func(c *config.Config) {
		c.Telegram.WebhookURL = "https://fanzha.example.org/tg/updates"
		c.Telegram.WebhookSecret = secret
	})
	if wh := api.Webhook(); wh.Get("url") != "https://fanzha.example.org/tg/updates" || wh.Get("secret_token") != secret {
		t.Fatalf("setWebhook: %v", wh)
	}
	post := func(sec, body string) int {
		req, _ := http.NewRequest(http.MethodPost, s.base+"/tg/updates", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if sec != "" {
			req.Header.Set(bot.SecretHeader, sec)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	update := func(id, chat int) string {
		return fmt.Sprintf(`{"update_id": %d, "message": {"message_id": %d, "date": 1700000000, "chat": {"id": %d, "type": "private"}, "from": {"id": %d, "is_bot": false, "first_name": "A"}, "text": %q}}`, id, id, chat, chat, e2eScamZH)
	}
	tests := []struct {
		name, secret, body string
		status             int
	}{
		{"right secret", secret, update(1, 31), 200},
		{"redelivery", secret, update(1, 31), 200},
		{"wrong secret", "nope", update(2, 32), 401},
		{"missing secret", "", update(3, 33), 401},
		{"malformed", secret, `{"update_id": `, 400},
	}
	for _, tc := range tests {
		if got := post(tc.secret, tc.body); got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
		}
	}
	contains(t, api.WaitSent(t, 31, 1)[0].Text(), "高风险")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(api.Sent(31)); n != 1 {
		t.Errorf("redelivered update answered %d times", n)
	}
	if n := len(api.Sent(32)) + len(api.Sent(33)); n != 0 {
		t.Errorf("%d replies to unauthenticated updates", n)
	}
	if n := len(api.Calls("getUpdates")); n != 0 {
		t.Errorf("%d getUpdates calls in webhook mode", n)
	}
	if strings.Contains(s.logs.String(), secret) {
		t.Error("the webhook secret is in the log")
	}
}

func TestServeErrors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(c *config.Config, api *bottest.Server)
		want string
	}{
		{"no token", func(c *config.Config, _ *bottest.Server) { c.Telegram.Token = "" }, "FANZHA_TELEGRAM_TOKEN"},
		{"token refused", func(c *config.Config, _ *bottest.Server) { c.Telegram.Token = "1:refused-by-server" }, "getMe"},
		{"bad listen address", func(c *config.Config, _ *bottest.Server) { c.Listen = "127.0.0.1:99999" }, "FANZHA_LISTEN"},
		{"webhook path taken", func(c *config.Config, _ *bottest.Server) { c.Telegram.WebhookURL = "https://x.example.org/metrics" }, "taken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := bottest.NewServer(t)
			c := config.Default()
			c.Telegram.Token = api.Token
			c.Telegram.API = api.URL()
			c.Listen = "127.0.0.1:0"
			tc.mod(&c, api)
			var logs syncBuffer
			m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs, Getenv: func(string) string { return "" }, Config: &c}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := m.Run(ctx, []string{"serve"})
			m.Close()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("serve = %v, want an error naming %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "refused-by-server") {
				t.Errorf("the token is in the error: %v", err)
			}
		})
	}
}

// TestServeRedis: with FANZHA_REDIS_URL the conversation and the polling
// offset live in Redis, so a new process carries on where the last stopped:
// risk does not drop across a restart.
func TestServeRedis(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{Own: true})
	api := bottest.NewServer(t)
	withRedis := func(c *config.Config) { c.Redis.URL = rs.URL }

	s := startServe(t, api, withRedis)
	api.Push(bottest.Private(41, e2eScamZH))
	contains(t, api.WaitSent(t, 41, 1)[0].Text(), "高风险")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}

	s2 := startServe(t, api, withRedis)
	api.Push(bottest.Private(41, e2eBenign))
	contains(t, api.WaitSent(t, 41, 2)[1].Text(), "高风险")
	api.Push(bottest.Private(41, "/forget"))
	api.Push(bottest.Private(41, e2eBenign))
	contains(t, api.WaitSent(t, 41, 4)[3].Text(), "暂未发现诈骗迹象")
	if err := s2.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(api.Sent(41)); n != 4 {
		t.Errorf("%d replies, want 4", n)
	}
}

// TestServeProcessSIGTERM builds the real binary and runs it as a process:
// SIGTERM in the middle of a stream of updates, then a restart. Every
// update is answered exactly once and the exit is clean.
func TestServeProcessSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "fanzha")
	// go test puts GOROOT/bin first on the PATH.
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := bottest.NewServer(t)
	run := func() (*exec.Cmd, *syncBuffer) {
		var logs syncBuffer
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(),
			"FANZHA_TELEGRAM_TOKEN="+api.Token,
			"FANZHA_TELEGRAM_API="+api.URL(),
			"FANZHA_LISTEN=127.0.0.1:0",
			"FANZHA_LOG_LEVEL=debug",
			"FANZHA_REDIS_URL=", "FANZHA_WEBHOOK_URL=", "FANZHA_LLM_BASE_URL=", "FANZHA_CONFIG=",
		)
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		return cmd, &logs
	}
	stop := func(cmd *exec.Cmd) {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no exit within 20s of SIGTERM")
		}
	}
	texts := []string{e2eScamZH, e2eBenign, e2eScamEN, e2ePolice}
	const slow = 70
	api.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 1, ChatID: slow})
	for i := range 20 {
		api.Push(bottest.Private(int64(60+i), texts[i%len(texts)]))
	}
	cmd, logs1 := run()
	waitUntil(t, "the refused reply", func() bool {
		for _, c := range api.Calls("sendMessage") {
			if c.ChatID() == slow {
				return true
			}
		}
		return false
	})
	stop(cmd)
	for i := range 10 {
		api.Push(bottest.Private(int64(80+i), texts[i%len(texts)]))
	}
	cmd, logs2 := run()
	for i := range 30 {
		api.WaitSent(t, int64(60+i), 1)
	}
	stop(cmd)
	per := map[int64]int{}
	for _, c := range api.Sent(0) {
		per[c.ChatID()]++
	}
	for i := range 30 {
		if n := per[int64(60+i)]; n != 1 {
			t.Errorf("chat %d answered %d times", 60+i, n)
		}
	}
	secret := api.Token[strings.IndexByte(api.Token, ':')+1:]
	for _, l := range []string{logs1.String(), logs2.String()} {
		if strings.Contains(l, secret) {
			t.Errorf("token in the log:\n%s", l)
		}
		contains(t, l, "offset confirmed")
	}
}

// Review test data: an officer, someone who is not one, the officers' chat,
// and a conversation with a (valid, nobody's) ID number, the citizen's own
// phone and the scammer's.
const (
	e2eOfficer    = 555
	e2eNotOfficer = 666
	e2eReviewChat = -100777
	e2eIDNumber   = "330203199001011236"
	e2eOwnPhone   = "13912345678"
	e2eScammer    = "17012345678"
	e2eAmbiguous  = "有个自称警察的人打电话给我"
	e2eCaseText   = "他说我涉嫌洗钱，让我把钱转到安全账户，我的身份证号" + e2eIDNumber + "，我的电话" + e2eOwnPhone + "，他的电话是" + e2eScammer
)

// withReview turns on Redis, the officers and the review chat.
func withReview(url string) func(*config.Config) {
	return func(c *config.Config) {
		c.Redis.URL = url
		c.Review.Officers = []int64{e2eOfficer}
		c.Review.Chat = e2eReviewChat
	}
}

// pressButton returns a button press by user on the recorded message c
// (shown in chat), for the button labelled label.
func pressButton(t *testing.T, user int64, c bottest.Call, chat map[string]any, label string) map[string]any {
	t.Helper()
	data := bottest.Buttons(c)[label]
	if data == "" {
		t.Fatalf("no button %q under:\n%s\nbuttons: %v", label, c.Text(), bottest.Buttons(c))
	}
	return bottest.Callback(user, bottest.SentMessage(c, chat, bottest.NewMessageID()), data)
}

func callbackID(u map[string]any) string { return u["callback_query"].(map[string]any)["id"].(string) }

// answerTo waits for the answerCallbackQuery of a press.
func answerTo(t *testing.T, api *bottest.Server, u map[string]any) bottest.Call {
	t.Helper()
	id := callbackID(u)
	var got bottest.Call
	waitUntil(t, "the answer to "+id, func() bool {
		for _, c := range api.Calls("answerCallbackQuery") {
			if c.Params.Get("callback_query_id") == id {
				got = c
				return true
			}
		}
		return false
	})
	return got
}

func notContains(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			t.Errorf("do not want %q in:\n%s", sub, s)
		}
	}
}

// TestServeReview runs `fanzha serve` on Redis with officers and a review
// chat: a conversation that escalates across a restart (its deciding
// question answered by the new process), a case handed to officers with an
// ID number that must not show, a tap by someone who is not an officer, the
// officer's confirmation told to the citizen, the scammer's number in
// someone else's message, the officers' commands, metrics and readiness.
func TestServeReview(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{Own: true, AppendOnly: true})
	api := bottest.NewServer(t)
	const citizen, other = 51, 52
	chat := bottest.PrivateChat(citizen)
	review := bottest.GroupChat(e2eReviewChat)

	s := startServe(t, api, withReview(rs.URL))
	api.Push(bottest.Private(citizen, e2eAmbiguous))
	question := api.WaitSent(t, citizen, 1)[0]
	contains(t, question.Text(), "可疑", "关键问题", "安全账户")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}

	// A new process answers the question asked by the old one, and
	// remembers the conversation.
	s = startServe(t, api, withReview(rs.URL))
	api.Push(pressButton(t, citizen, question, chat, "是"))
	// The first message's red flag ("警察") is still there: the verdict is
	// about the whole conversation.
	contains(t, api.WaitSent(t, citizen, 2)[1].Text(), "高风险", "你确认了", "“警察”", "冒充公检法")
	api.Push(bottest.Private(citizen, e2eBenign))
	contains(t, api.WaitSent(t, citizen, 3)[2].Text(), "高风险")

	// The citizen gives the details and asks for an officer.
	api.Push(bottest.Private(citizen, e2eCaseText))
	verdict := api.WaitSent(t, citizen, 4)[3]
	api.Push(pressButton(t, citizen, verdict, chat, "请民警看看"))
	consent := api.WaitSent(t, citizen, 5)[4]
	contains(t, consent.Text(), "民警看到的就是下面这些", "330*************36", e2eScammer)
	notContains(t, consent.Text(), e2eIDNumber, e2eOwnPhone)
	api.Push(pressButton(t, citizen, consent, chat, "同意并提交"))
	contains(t, api.WaitSent(t, citizen, 6)[5].Text(), "案件编号 #1")

	card := api.WaitCalls(t, "sendMessage", e2eReviewChat, 1, 20*time.Second)[0]
	contains(t, card.Text(), "案件 #1", e2eScammer, "330*************36", "139****5678", "高风险", e2eAmbiguous)
	notContains(t, card.Text(), e2eIDNumber, e2eOwnPhone)

	// Not an officer: refused, with a pop-up.
	tap := pressButton(t, e2eNotOfficer, card, review, "确认诈骗")
	api.Push(tap)
	refusal := answerTo(t, api, tap)
	if refusal.Params.Get("show_alert") != "true" {
		t.Errorf("refusal is not a pop-up: %v", refusal.Params)
	}
	contains(t, refusal.Params.Get("text"), "只有授权的反诈民警")

	// The officer confirms: the card says so, the citizen is told.
	tap = pressButton(t, e2eOfficer, card, review, "确认诈骗")
	api.Push(tap)
	answerTo(t, api, tap)
	edit := api.WaitCalls(t, "editMessageText", e2eReviewChat, 1, 20*time.Second)[0]
	contains(t, edit.Text(), "状态：已确认诈骗", "民警 User555（555）")
	contains(t, api.WaitSent(t, citizen, 7)[6].Text(), "#1", "确认这是诈骗")

	// The scammer's number in someone else's message.
	api.Push(bottest.Private(other, "刚才"+e2eScammer+"给我打电话，说有事找我"))
	contains(t, api.WaitSent(t, other, 1)[0].Text(), "高风险", "该号码已被民警确认用于诈骗")

	// Officers' commands, in the review chat, for officers only; the
	// refused tap is in the case's audit log.
	replies := func() []bottest.Call {
		var out []bottest.Call
		for _, c := range api.Sent(e2eReviewChat) {
			if c.Params.Get("reply_to_message_id") != "" {
				out = append(out, c)
			}
		}
		return out
	}
	next := func(user int64, text string) bottest.Call {
		t.Helper()
		n := len(replies())
		api.Push(bottest.Group(e2eReviewChat, user, text))
		waitUntil(t, "a reply to "+text, func() bool { return len(replies()) > n })
		return replies()[n]
	}
	contains(t, next(e2eOfficer, "/case 1").Text(), "用户 666 确认诈骗（已拒绝）", "用户 555 确认诈骗（允许）", "用户 51 提交（允许）")
	contains(t, next(e2eOfficer, "/queue").Text(), "没有待处理的案件")
	contains(t, next(e2eOfficer, "/stats").Text(), "冒充公检法及政府机关：1 件，占 100.0%", "已确认诈骗 1 件")
	for _, cmd := range []string{"/queue", "/case 1", "/stats"} {
		r := next(e2eNotOfficer, cmd)
		contains(t, r.Text(), "只有授权的反诈民警")
		notContains(t, r.Text(), "案件 #1", e2eScammer, "本周")
	}

	code, body := httpGet(s.base + "/readyz")
	if code != 200 {
		t.Errorf("/readyz %d", code)
	}
	contains(t, body, "ready", "redis: up")
	_, metrics := httpGet(s.base + "/metrics")
	contains(t, metrics, `fanzha_store_up{backend="redis"} 1`, "fanzha_review_enabled 1",
		"fanzha_review_cases_submitted_total 1", "fanzha_review_cards_posted_total 1",
		`fanzha_review_actions_total{action="confirm",outcome="refused"} 1`,
		`fanzha_review_actions_total{action="confirm",outcome="done"} 1`,
		"fanzha_blocklist_hits_total 1", `fanzha_followup_answers_total{answer="yes"} 1`,
		`fanzha_assistant_mode{mode="off"} 1`, "fanzha_assistant_assessments_total")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(api.Sent(e2eReviewChat)) - len(replies()); n != 1 {
		t.Errorf("%d cards posted, want 1", n)
	}
	// Privacy: no message text or ID number in the logs.
	for _, text := range []string{e2eIDNumber, e2eOwnPhone, "涉嫌洗钱", e2eAmbiguous} {
		if strings.Contains(s.logs.String(), text) {
			t.Errorf("%q is in the log", text)
		}
	}
}

// TestServeReplicas: two `fanzha serve` replicas in webhook mode on one
// Redis and one Bot API: updates reach either; cases submitted through
// both are posted to the review chat once each, by both consumers between
// them, and an officer's tap on a card works whichever replica gets it.
func TestServeReplicas(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	api := bottest.NewServer(t)
	const secret = "replica-secret-42"
	webhook := func(c *config.Config) {
		withReview(rs.URL)(c)
		c.Telegram.WebhookURL = "https://fanzha.example.org/tg"
		c.Telegram.WebhookSecret = secret
	}
	replicas := []*serving{startServe(t, api, webhook), startServe(t, api, webhook)}
	var updateID atomic.Int64
	post := func(r int, u map[string]any) {
		t.Helper()
		u["update_id"] = updateID.Add(1)
		b, _ := json.Marshal(u)
		req, _ := http.NewRequest(http.MethodPost, replicas[r%2].base+"/tg", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(bot.SecretHeader, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("webhook status %d", resp.StatusCode)
		}
	}

	// Eight citizens at once, each step through either replica.
	const citizens = 8
	user := func(i int) int64 { return int64(70 + i) }
	for i := range citizens {
		post(i, bottest.Private(user(i), e2eScamZH))
	}
	for i := range citizens {
		verdict := api.WaitSent(t, user(i), 1)[0]
		post(i+1, pressButton(t, user(i), verdict, bottest.PrivateChat(user(i)), "请民警看看"))
	}
	for i := range citizens {
		consent := api.WaitSent(t, user(i), 2)[1]
		post(i, pressButton(t, user(i), consent, bottest.PrivateChat(user(i)), "同意并提交"))
	}
	for i := range citizens {
		contains(t, api.WaitSent(t, user(i), 3)[2].Text(), "案件编号 #")
	}
	cards := api.WaitCalls(t, "sendMessage", e2eReviewChat, citizens, 20*time.Second)
	time.Sleep(300 * time.Millisecond) // a card posted twice would show by now
	cards = api.Sent(e2eReviewChat)
	seen := map[string]int{}
	caseRE := regexp.MustCompile(`案件 #(\d+)`)
	for _, c := range cards {
		m := caseRE.FindStringSubmatch(c.Text())
		if m == nil {
			t.Fatalf("not a card: %s", c.Text())
		}
		seen[m[1]]++
	}
	if len(seen) != citizens || len(cards) != citizens {
		t.Errorf("%d cards for %d cases: %v", len(cards), len(seen), seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("case %s posted %d times", id, n)
		}
	}
	for i, r := range replicas {
		if !strings.Contains(r.logs.String(), "posting cases to the review chat") {
			t.Errorf("replica %d does not consume the review queue", i)
		}
	}
	posted := 0
	for _, r := range replicas {
		if strings.Contains(r.logs.String(), `msg="case posted to the review chat"`) {
			posted++
		}
	}
	if posted != 2 {
		t.Errorf("%d of the 2 replicas posted cards; both consume the queue", posted)
	}

	// A tap on a card posted by one replica, handled by the other.
	tap := pressButton(t, e2eOfficer, cards[0], bottest.GroupChat(e2eReviewChat), "需要回访")
	post(1, tap)
	contains(t, answerTo(t, api, tap).Params.Get("text"), "需要回访")
	for i, r := range replicas {
		if err := r.stop(); err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}

// TestServeRedisKilled: Redis dies under a running `fanzha serve`. Replies
// keep coming, at once, saying they cannot remember; /readyz stays 200 and
// says Redis is down; the outage is logged once. Redis comes back with its
// data and the conversation is remembered again, without a restart.
func TestServeRedisKilled(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{Own: true, AppendOnly: true})
	api := bottest.NewServer(t)
	s := startServe(t, api, func(c *config.Config) {
		withReview(rs.URL)(c)
		c.Telegram.RatePerMinute = 0 // the test asks again and again
	})
	const user = 61
	api.Push(bottest.Private(user, e2eScamZH))
	contains(t, api.WaitSent(t, user, 1)[0].Text(), "高风险")

	rs.Kill(t)
	for i := range 3 {
		t0 := time.Now()
		api.Push(bottest.Private(user, e2eBenign))
		r := api.WaitSent(t, user, 2+i)[1+i]
		contains(t, r.Text(), "暂时无法记住对话", "暂未发现诈骗迹象")
		if d := time.Since(t0); d > 3*time.Second {
			t.Errorf("reply %d took %s with Redis down", i, d)
		}
	}
	code, body := httpGet(s.base + "/readyz")
	if code != 200 {
		t.Errorf("/readyz %d with Redis down, want 200 (the bot still answers)", code)
	}
	contains(t, body, "redis: down")
	_, metrics := httpGet(s.base + "/metrics")
	contains(t, metrics, `fanzha_store_up{backend="redis"} 0`, "fanzha_stateless_replies_total 3")

	rs.Start(t)
	waitUntil(t, "memory to come back", func() bool {
		n := len(api.Sent(user))
		api.Push(bottest.Private(user, e2eBenign))
		return !strings.Contains(api.WaitSent(t, user, n+1)[n].Text(), "暂时无法记住对话")
	})
	sent := api.Sent(user)
	contains(t, sent[len(sent)-1].Text(), "高风险")
	_, body = httpGet(s.base + "/readyz")
	contains(t, body, "redis: up")
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	logs := s.logs.String()
	if n := strings.Count(logs, redisconn.MsgDown); n != 1 {
		t.Errorf("outage logged %d times, want once", n)
	}
	if n := strings.Count(logs, redisconn.MsgUp); n != 1 {
		t.Errorf("recovery logged %d times, want once", n)
	}
}
