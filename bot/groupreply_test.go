package bot_test

import (
	"strings"
	"testing"

	"github.com/fanzha/fanzha/bot/bottest"
)

// TestGroupReplyAndBystanders: a verdict in a group speaks of "this
// message", carries no personal button but "More" (for the asker) and a
// deep link to a private chat; a bystander's taps are refused, the asker's
// "More" opens the details, which show no script id or similarity.
func TestGroupReplyAndBystanders(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	const group, asker, bystander = -4242, 42, 43
	target := bottest.Message(bottest.GroupChat(group), 2, policeSMS)
	check := bottest.Message(bottest.GroupChat(group), asker, "/check")
	check["reply_to_message"] = target
	api.Push(bottest.Wrap(check))
	v := api.WaitSent(t, group, 1)[0]
	mustContain(t, v.Text(), "这条消息", "高风险")
	mustNotContain(t, v.Text(), "你说的话里", "请民警看看")
	buttons := bottest.Buttons(v)
	if buttons["我已经转账了"] != "" || buttons["请民警看看"] != "" || buttons["是"] != "" {
		t.Fatalf("personal buttons under a group verdict: %v", buttons)
	}
	if rm := v.Params.Get("reply_markup"); !strings.Contains(rm, "https://t.me/"+bottest.Username+"?start=") || !strings.Contains(rm, "私聊我") {
		t.Fatalf("no deep link to a private chat: %s", rm)
	}
	more := buttons["详细说明"]
	if more == "" {
		t.Fatalf("no More button: %v", buttons)
	}
	shown := bottest.SentMessage(v, bottest.GroupChat(group), bottest.NewMessageID())
	shown["reply_to_message"] = target

	// A bystander: refused with a pop-up, nothing posted.
	for _, data := range []string{more, "fz1:paid:zh", "fz1:fu:zh:police:y"} {
		u := bottest.Callback(bystander, shown, data)
		api.Push(u)
		a := answerOf(t, api, u["callback_query"].(map[string]any)["id"].(string))
		if a.Params.Get("show_alert") != "true" {
			t.Errorf("bystander's %s: answer %v", data, a.Params)
		}
	}
	// The asker: the details, in reply to the verdict.
	u := bottest.Callback(asker, shown, more)
	api.Push(u)
	answerOf(t, api, u["callback_query"].(map[string]any)["id"].(string))
	sent := api.WaitSent(t, group, 2)
	if len(sent) != 2 {
		t.Fatalf("%d messages to the group", len(sent))
	}
	d := sent[1].Text()
	mustContain(t, d, "这条消息", "冒充公检法")
	mustNotContain(t, d, "police-", "相似度", "你说的话里")
}

// TestMoreInPrivate: "More" under a private verdict sends the details of
// the conversation; a citizen sees the script's type, never its id or a
// similarity figure.
func TestMoreInPrivate(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	const user = 4300
	api.Push(bottest.Private(user, scamZH))
	v := api.WaitSent(t, user, 1)[0]
	more := bottest.Buttons(v)["详细说明"]
	if more == "" {
		t.Fatalf("no More button: %v", bottest.Buttons(v))
	}
	api.Push(bottest.Callback(user, bottest.SentMessage(v, bottest.PrivateChat(user), bottest.NewMessageID()), more))
	d := api.WaitSent(t, user, 2)[1].Text()
	mustContain(t, d, "高风险", "冒充公检法", "现在怎么做")
	mustNotContain(t, d, "police-", "相似度")
	if len(d) <= len(v.Text()) {
		t.Errorf("details (%d bytes) no longer than the reply (%d)", len(d), len(v.Text()))
	}
}
