package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/config"
)

// sameMessages are 500 one-line messages (a terminal line is one message):
// every one-line text of the dev set, then holdout messages to make 500.
func sameMessages(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, f := range []string{"dev_descriptions", "dev_messages", "holdout_messages"} {
		fh, err := os.Open("../../testdata/" + f + ".jsonl")
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() && len(out) < 500 {
			var in struct{ Text string }
			if json.Unmarshal(sc.Bytes(), &in) == nil && strings.TrimSpace(in.Text) != "" && !strings.ContainsAny(in.Text, "\r\n") {
				out = append(out, strings.TrimSpace(in.Text))
			}
		}
		fh.Close()
	}
	if len(out) != 500 {
		t.Fatalf("%d messages, want 500", len(out))
	}
	return out
}

type verdict struct {
	Label string `json:"label"`
	Risk  string `json:"risk"`
	Paid  bool   `json:"paid"`
	Line  string `json:"-"` // the reply's first line, as a person reads it
}

var (
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	assessedRE = regexp.MustCompile(`msg=assessed .*?chat_id=(\d+) verdict=("(?:[^"\\]|\\.)*")`)
)

func firstLine(s string) string {
	s = strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(s, "")))
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// TestSameVerdictEverywhere: the same 500 messages through `check`, `chat`
// and the bot (a private chat, fake Bot API, `fanzha serve`) get the same
// label, risk and paid, and the same verdict line.
func TestSameVerdictEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("500 messages through three front ends")
	}
	texts := sameMessages(t)
	ctx := context.Background()
	c := config.Default()
	m := &Main{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Config: &c}
	defer m.Close()
	e, err := m.engine()
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.conversation(nil, c.Session.TTL, m.logger())
	if err != nil {
		t.Fatal(err)
	}

	// check, as JSON and as a reply.
	checks := make([]verdict, len(texts))
	for i, text := range texts {
		var js, human bytes.Buffer
		if err := runCheck(ctx, conv, []string{"--json", "--", text}, nil, &js); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(js.Bytes(), &checks[i]); err != nil {
			t.Fatal(err)
		}
		if err := runCheck(ctx, conv, []string{"--", text}, nil, &human); err != nil {
			t.Fatal(err)
		}
		checks[i].Line = firstLine(human.String())
	}
	// chat: each message opens a conversation.
	for i, text := range texts {
		var out bytes.Buffer
		if err := runChat(ctx, conv, strings.NewReader(text+"\n"), &out); err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(out.String(), "> ")
		if len(parts) < 2 {
			t.Fatalf("chat output:\n%s", out.String())
		}
		if got := firstLine(parts[1]); got != checks[i].Line {
			t.Errorf("message %d %q:\n  check: %s\n  chat:  %s", i, text, checks[i].Line, got)
		}
	}
	// The bot: each message from its own user, in a private chat.
	api := bottest.NewServer(t)
	s := startServe(t, api, func(c *config.Config) { c.Telegram.RatePerMinute = 0 })
	const base = 50_000
	for i, text := range texts {
		api.Push(bottest.Private(int64(base+i), text))
	}
	// The verdict is logged just after the reply is sent: wait for both.
	deadline := time.Now().Add(60 * time.Second)
	for (len(api.Sent(0)) < len(texts) || len(assessedRE.FindAllStringIndex(s.logs.String(), -1)) < len(texts)) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	bots := map[int64]verdict{}
	for _, mm := range assessedRE.FindAllStringSubmatch(s.logs.String(), -1) {
		id, _ := strconv.ParseInt(mm[1], 10, 64)
		raw, err := strconv.Unquote(mm[2])
		if err != nil {
			t.Fatal(err)
		}
		var v verdict
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatal(err)
		}
		bots[id] = v
	}
	mismatch := 0
	for i, text := range texts {
		id := int64(base + i)
		sent := api.Sent(id)
		got, ok := bots[id]
		if !ok || len(sent) != 1 {
			t.Errorf("message %d: %d replies, verdict logged %v", i, len(sent), ok)
			continue
		}
		got.Line = firstLine(sent[0].Text())
		if got != checks[i] {
			mismatch++
			t.Errorf("message %d %q:\n  check: %+v\n  bot:   %+v", i, text, checks[i], got)
		}
	}
	t.Logf("%d messages: check, chat and the bot agree on %d", len(texts), len(texts)-mismatch)
	if mismatch > 0 {
		t.Fatal(fmt.Sprintf("%d disagreements", mismatch))
	}
}

// TestSameConversationEverywhere: scripted conversations (several messages,
// commands, money sent) through `fanzha chat` and through a private chat
// with the bot get the same reply, line for line in their first line, and
// the bot's replies fit a phone screen as the chat's do.
func TestSameConversationEverywhere(t *testing.T) {
	scripts := [][]string{
		{"有个自称公安局的人打电话", "他说我涉嫌洗钱，让我把钱转到安全账户", "好的谢谢", "/new", "好的谢谢"},
		{"群里老师带单，投3万每月返3000", "/paid", "今天天气不错"},
		{"A guy I met online wants to chat every day", "he asks me to invest in a crypto platform he trusts", "/lang zh", "ok"},
		{"/hotline", "客服说我的百万保障要关闭，不然每月扣费", "他让我开屏幕共享", "/forget", "明天上午去银行柜台办业务"},
	}
	ctx := context.Background()
	c := config.Default()
	m := &Main{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Config: &c}
	defer m.Close()
	e, err := m.engine()
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.conversation(nil, c.Session.TTL, m.logger())
	if err != nil {
		t.Fatal(err)
	}
	api := bottest.NewServer(t)
	startServe(t, api, func(c *config.Config) { c.Telegram.RatePerMinute = 0 })
	for i, script := range scripts {
		var out bytes.Buffer
		if err := runChat(ctx, conv, strings.NewReader(strings.Join(script, "\n")+"\n"), &out); err != nil {
			t.Fatal(err)
		}
		chat := strings.Split(out.String(), "> ")[1:]
		user := int64(70_000 + i)
		for _, text := range script {
			api.Push(bottest.Private(user, text))
		}
		sent := api.WaitSent(t, user, len(script))
		for j := range script {
			got, want := firstLine(sent[j].Text()), firstLine(chat[j])
			if got != want {
				t.Errorf("script %d, message %d %q:\n  chat: %s\n  bot:  %s", i, j, script[j], want, got)
			}
		}
	}
}
