package bot_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/conversation"
)

func TestPrivateChat(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	tests := []struct {
		name        string
		texts       []string
		want        []string // in the last reply
		notWant     []string
		wantButtons map[string]bool // button labels under the last reply
	}{
		{name: "zh scam", texts: []string{scamZH}, want: []string{"高风险", "冒充公检法", "96110"},
			wantButtons: map[string]bool{"我已经转账了": true, "请民警看看": true, "详细说明": true}},
		{name: "en scam", texts: []string{scamEN}, want: []string{"High risk", "96110"}, notWant: []string{"高风险"},
			wantButtons: map[string]bool{"I already paid": true, "Ask an officer": true, "More": true}},
		{name: "zh benign", texts: []string{benignZH}, want: []string{"暂未发现诈骗迹象"}, wantButtons: map[string]bool{}},
		{name: "en benign", texts: []string{benignEN}, want: []string{"No sign of fraud"}, wantButtons: map[string]bool{}},
		{name: "lang en then Chinese", texts: []string{"/lang en", scamZH}, want: []string{"High risk"}, notWant: []string{"高风险"}},
		{name: "lang zh then English", texts: []string{"/lang zh", scamEN}, want: []string{"高风险"}},
		{name: "lang usage", texts: []string{"/lang fr"}, want: []string{"/lang zh", "/lang en"}},
		{name: "start in the client's language", texts: []string{"/start"}, want: []string{"你好，我是反诈助手", "/forget", "24"}, notWant: []string{"Hello, I am Fanzha"}},
		{name: "start after English", texts: []string{benignEN, "/start"}, want: []string{"Hello, I am Fanzha"}, notWant: []string{"你好"}},
		{name: "help", texts: []string{"/help"}, want: []string{"/new", "/lang", "/hotline", "/forget", "/check"}},
		{name: "hotline", texts: []string{"/hotline"}, want: []string{"96110", "110"}},
		{name: "command with bot name", texts: []string{"/hotline@" + bottest.Username}, want: []string{"96110"}},
		{name: "unknown command", texts: []string{"/frobnicate"}, want: []string{"我不认识这个命令"}},
		{name: "risk never drops", texts: []string{scamZH, benignZH}, want: []string{"高风险"}},
		{name: "evidence adds up over messages", texts: []string{"有个自称警察的人打电话给我", "他让我把钱转到一个账户"}, want: []string{"高风险", "冒充公检法"}},
		{name: "new starts over", texts: []string{scamZH, "/new", benignZH}, want: []string{"暂未发现诈骗迹象"}},
		{name: "paid command", texts: []string{"/paid"}, want: []string{"110", "止付"}},
		{name: "check with text", texts: []string{"/check " + scamZH}, want: []string{"高风险"}},
		{name: "user HTML is escaped", texts: []string{"<b>老师</b> & 客服说我涉嫌洗钱，让我把钱转到安全账户"}, want: []string{"高风险"}, notWant: []string{"<b>老师</b>"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			user := int64(100 + i)
			for _, text := range tc.texts {
				api.Push(bottest.Private(user, text))
			}
			sent := api.WaitSent(t, user, len(tc.texts))
			last := sent[len(sent)-1]
			if got := last.Params.Get("parse_mode"); got != "HTML" {
				t.Errorf("parse_mode = %q, want HTML", got)
			}
			mustContain(t, last.Text(), tc.want...)
			mustNotContain(t, last.Text(), tc.notWant...)
			if tc.wantButtons != nil {
				got := bottest.Buttons(last)
				if len(got) != len(tc.wantButtons) {
					t.Errorf("buttons = %v, want %v", got, tc.wantButtons)
				}
				for label := range tc.wantButtons {
					if got[label] == "" {
						t.Errorf("no button %q in %v", label, got)
					}
				}
			}
		})
	}
}

func TestForgetDeletesSession(t *testing.T) {
	api := bottest.NewServer(t)
	h := start(t, api, nil)
	const user = 700
	api.Push(bottest.Private(user, scamZH))
	api.WaitSent(t, user, 1)
	if h.store.Len() != 1 {
		t.Fatalf("sessions = %d after a message, want 1", h.store.Len())
	}
	api.Push(bottest.Private(user, "/forget"))
	sent := api.WaitSent(t, user, 2)
	mustContain(t, sent[1].Text(), "已删除")
	if h.store.Len() != 0 {
		t.Fatalf("sessions = %d after /forget, want 0", h.store.Len())
	}
	// The conversation starts afresh: a harmless message is harmless again.
	api.Push(bottest.Private(user, benignZH))
	sent = api.WaitSent(t, user, 3)
	mustContain(t, sent[2].Text(), "暂未发现诈骗迹象")
}

func TestForwardedMessages(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	date := int64(1_700_000_000)
	tests := []struct {
		name   string
		fields map[string]any
	}{
		{"origin user", map[string]any{"forward_origin": map[string]any{"type": "user", "date": date, "sender_user": bottest.User(555, "zh")}}},
		{"origin hidden user", map[string]any{"forward_origin": map[string]any{"type": "hidden_user", "date": date, "sender_user_name": "张警官"}}},
		{"origin channel", map[string]any{"forward_origin": map[string]any{"type": "channel", "date": date, "message_id": 77, "chat": map[string]any{"id": -1001234, "type": "channel", "title": "通知"}}}},
		{"origin chat", map[string]any{"forward_origin": map[string]any{"type": "chat", "date": date, "sender_chat": map[string]any{"id": -1009876, "type": "supergroup", "title": "群"}}}},
		{"legacy forward_from", map[string]any{"forward_from": bottest.User(556, "zh"), "forward_date": date}},
		{"legacy forward_sender_name", map[string]any{"forward_sender_name": "张警官", "forward_date": date}},
		{"legacy channel", map[string]any{"forward_from_chat": map[string]any{"id": -1001234, "type": "channel", "title": "通知"}, "forward_date": date}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			user := int64(200 + i)
			msg := bottest.Message(bottest.PrivateChat(user), user, policeSMS)
			for k, v := range tc.fields {
				msg[k] = v
			}
			api.Push(bottest.Wrap(msg))
			reply := api.WaitSent(t, user, 1)[0]
			mustContain(t, reply.Text(), "这条转发的消息", "高风险", "匹配的已知剧本")
			if got, want := reply.Params.Get("reply_to_message_id"), strconv.FormatInt(msg["message_id"].(int64), 10); got != want {
				t.Errorf("reply_to_message_id = %q, want %q", got, want)
			}
			if len(bottest.Buttons(reply)) != 3 {
				t.Errorf("want both buttons under a risky forwarded message, got %v", bottest.Buttons(reply))
			}
		})
	}
	t.Run("not forwarded", func(t *testing.T) {
		const user = 290
		api.Push(bottest.Private(user, policeSMS))
		reply := api.WaitSent(t, user, 1)[0]
		mustNotContain(t, reply.Text(), "这条转发的消息")
	})
	t.Run("forwarded photo with caption", func(t *testing.T) {
		const user = 291
		msg := bottest.Message(bottest.PrivateChat(user), user, "")
		msg["photo"] = []any{map[string]any{"file_id": "f", "file_unique_id": "u", "width": 90, "height": 90}}
		msg["caption"] = policeSMS
		msg["forward_origin"] = map[string]any{"type": "hidden_user", "date": date, "sender_user_name": "x"}
		api.Push(bottest.Wrap(msg))
		mustContain(t, api.WaitSent(t, user, 1)[0].Text(), "这条转发的消息", "高风险")
	})
}

func TestMedia(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	photo := []any{map[string]any{"file_id": "f", "file_unique_id": "u", "width": 90, "height": 90}}
	tests := []struct {
		name   string
		fields map[string]any
		want   string
	}{
		{"sticker", map[string]any{"sticker": map[string]any{"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512, "is_animated": false}}, "我能读的是文字"},
		{"voice", map[string]any{"voice": map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 3}}, "我能读的是文字"},
		{"document without caption", map[string]any{"document": map[string]any{"file_id": "d", "file_unique_id": "d"}}, "我能读的是文字"},
		{"video without caption", map[string]any{"video": map[string]any{"file_id": "d", "file_unique_id": "d", "width": 1, "height": 1, "duration": 1}}, "我能读的是文字"},
		{"photo without caption", map[string]any{"photo": photo}, "我能读的是文字"},
		{"photo with caption", map[string]any{"photo": photo, "caption": scamZH}, "高风险"},
		{"document with caption", map[string]any{"document": map[string]any{"file_id": "d", "file_unique_id": "d"}, "caption": scamZH}, "高风险"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			user := int64(300 + i)
			msg := bottest.Message(bottest.PrivateChat(user), user, "")
			for k, v := range tc.fields {
				msg[k] = v
			}
			api.Push(bottest.Wrap(msg))
			mustContain(t, api.WaitSent(t, user, 1)[0].Text(), tc.want)
		})
	}
}

// TestAssessGetsUserKey: with Options.Assess set (the LLM assistant), it
// judges what users ask about and learns who asks.
func TestAssessGetsUserKey(t *testing.T) {
	api := bottest.NewServer(t)
	var mu sync.Mutex
	var keys []string
	startWith(t, api, func(o *conversation.Options) {
		cls := o.Classify
		o.Assess = func(ctx context.Context, user, text string) fanzha.Assessment {
			mu.Lock()
			keys = append(keys, user)
			mu.Unlock()
			return cls(ctx, text)
		}
	}, nil)
	api.Push(bottest.Private(31, scamZH))
	api.Push(bottest.Group(-31, 32, "/check "+scamZH))
	api.WaitSent(t, 31, 1)
	api.WaitSent(t, -31, 1)
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(keys)
	if want := []string{"tg:31", "tg:32"}; !slices.Equal(keys, want) {
		t.Fatalf("Assess called for %v, want %v", keys, want)
	}
}
