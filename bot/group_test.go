package bot_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/bot/bottest"
)

func TestGroup(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	const me = "@" + bottest.Username
	date := int64(1_700_000_000)
	forwarded := func(chat, user int64, text string) map[string]any {
		m := bottest.Message(bottest.GroupChat(chat), user, text)
		m["forward_origin"] = map[string]any{"type": "hidden_user", "date": date, "sender_user_name": "陌生人"}
		return m
	}
	replyTo := func(chat, user int64, command string, target map[string]any) map[string]any {
		m := bottest.Message(bottest.GroupChat(chat), user, command)
		m["reply_to_message"] = target
		return m
	}
	tests := []struct {
		name string
		// msg builds the message for group chat; target is the message a
		// reply is expected to quote (nil: the message itself).
		msg    func(chat int64) (msg, target map[string]any)
		silent bool
		want   []string
	}{
		{name: "chatter is ignored", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			return bottest.Message(bottest.GroupChat(chat), 1, "大家晚上好"), nil
		}},
		{name: "a scam story nobody asked about is ignored", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			return bottest.Message(bottest.GroupChat(chat), 1, scamZH), nil
		}},
		{name: "mention is answered", want: []string{"高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			m := bottest.Message(bottest.GroupChat(chat), 1, me+" "+scamZH)
			return m, m
		}},
		{name: "mention in capitals", want: []string{"高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			m := bottest.Message(bottest.GroupChat(chat), 1, strings.ToUpper(me)+" "+scamZH)
			return m, m
		}},
		{name: "mention after letters that change length when lowered", want: []string{"高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			m := bottest.Message(bottest.GroupChat(chat), 1, "ȺȺȺȺȺȺȺȺȺȺK"+me+" "+scamZH)
			return m, m
		}},
		{name: "mention of a longer name is not a mention", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			return bottest.Message(bottest.GroupChat(chat), 1, me+"2 "+scamZH), nil
		}},
		{name: "mention in reply judges the replied message", want: []string{"高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			target := bottest.Message(bottest.GroupChat(chat), 2, policeSMS)
			return replyTo(chat, 1, me+" 这是真的吗？", target), target
		}},
		{name: "check in reply", want: []string{"高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			target := bottest.Message(bottest.GroupChat(chat), 2, policeSMS)
			return replyTo(chat, 1, "/check", target), target
		}},
		{name: "check with our name in reply", want: []string{"高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			target := bottest.Message(bottest.GroupChat(chat), 2, policeSMS)
			return replyTo(chat, 1, "/check"+me, target), target
		}},
		{name: "check in reply to a forwarded message", want: []string{"这条转发的消息", "高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			target := forwarded(chat, 2, policeSMS)
			return replyTo(chat, 1, "/check", target), target
		}},
		{name: "check in reply to a harmless message", want: []string{"暂未发现诈骗迹象"}, msg: func(chat int64) (map[string]any, map[string]any) {
			target := bottest.Message(bottest.GroupChat(chat), 2, benignZH)
			return replyTo(chat, 1, "/check", target), target
		}},
		{name: "check for another bot is ignored", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			target := bottest.Message(bottest.GroupChat(chat), 2, policeSMS)
			return replyTo(chat, 1, "/check@other_bot", target), nil
		}},
		{name: "check alone says how", want: []string{"/check"}, msg: func(chat int64) (map[string]any, map[string]any) {
			m := bottest.Message(bottest.GroupChat(chat), 1, "/check")
			return m, m
		}},
		{name: "high-risk forward is answered unasked", want: []string{"这条转发的消息", "高风险"}, msg: func(chat int64) (map[string]any, map[string]any) {
			m := forwarded(chat, 1, policeSMS)
			return m, m
		}},
		{name: "harmless forward is ignored", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			return forwarded(chat, 1, benignZH), nil
		}},
		{name: "help without our name is ignored", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			return bottest.Message(bottest.GroupChat(chat), 1, "/help"), nil
		}},
		{name: "start with our name is answered", want: []string{"/check"}, msg: func(chat int64) (map[string]any, map[string]any) {
			m := bottest.Message(bottest.GroupChat(chat), 1, "/start"+me)
			return m, m
		}},
		{name: "voice is ignored", silent: true, msg: func(chat int64) (map[string]any, map[string]any) {
			m := bottest.Message(bottest.GroupChat(chat), 1, "")
			m["voice"] = map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 3}
			return m, nil
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chat := int64(-1000 - i)
			msg, target := tc.msg(chat)
			api.Push(bottest.Wrap(msg))
			// A sentinel in the same chat: chats are handled in order, so
			// once it is answered the message before it has been too.
			sentinel := bottest.Message(bottest.GroupChat(chat), 9, "/check"+me+" "+benignZH)
			api.Push(bottest.Wrap(sentinel))
			sentinelID := strconv.FormatInt(sentinel["message_id"].(int64), 10)
			waitFor(t, "the sentinel's reply", func() bool {
				for _, c := range api.Sent(chat) {
					if c.Params.Get("reply_to_message_id") == sentinelID {
						return true
					}
				}
				return false
			})
			sent := api.Sent(chat)
			want := 2
			if tc.silent {
				want = 1
			}
			if len(sent) != want {
				t.Fatalf("%d messages to the group, want %d", len(sent), want)
			}
			if tc.silent {
				return
			}
			mustContain(t, sent[0].Text(), tc.want...)
			if got, want := sent[0].Params.Get("reply_to_message_id"), strconv.FormatInt(target["message_id"].(int64), 10); got != want {
				t.Errorf("reply_to_message_id = %s, want %s", got, want)
			}
		})
	}
}
