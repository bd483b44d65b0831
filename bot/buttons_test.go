package bot_test

import (
	"strings"
	"testing"

	"github.com/fanzha/fanzha/bot/bottest"
)

func TestButtons(t *testing.T) {
	api := bottest.NewServer(t)
	start(t, api, nil)
	tests := []struct {
		name        string
		text        string
		paid        string // label of the "already paid" button
		officer     string
		wantPaid    []string
		wantOfficer []string
		wantAfter   string // the verdict on a harmless message after pressing "paid"
	}{
		{name: "Chinese", text: scamZH, paid: "我已经转账了", officer: "请民警看看",
			wantPaid: []string{"止付", "110"}, wantOfficer: []string{"民警审核功能还没有开通", "96110"}, wantAfter: "你说钱已经转出"},
		{name: "English", text: scamEN, paid: "I already paid", officer: "Ask an officer",
			wantPaid: []string{"stop-payment", "110"}, wantOfficer: []string{"not set up yet", "96110"}, wantAfter: "Money already sent"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			user := int64(400 + i)
			api.Push(bottest.Private(user, tc.text))
			verdict := api.WaitSent(t, user, 1)[0]
			buttons := bottest.Buttons(verdict)
			if buttons[tc.paid] == "" || buttons[tc.officer] == "" {
				t.Fatalf("buttons = %v, want %q and %q", buttons, tc.paid, tc.officer)
			}
			shown := bottest.SentMessage(verdict, bottest.PrivateChat(user), 9000+int64(i))
			answered := len(api.Calls("answerCallbackQuery"))

			// "I already paid": the press is answered, the button removed and
			// the stop-payment steps sent.
			api.Push(bottest.Callback(user, shown, buttons[tc.paid]))
			sent := api.WaitSent(t, user, 2)
			mustContain(t, sent[1].Text(), tc.wantPaid...)
			waitFor(t, "answerCallbackQuery", func() bool { return len(api.Calls("answerCallbackQuery")) > answered })
			edits := api.Calls("editMessageReplyMarkup")
			var edit *bottest.Call
			for j := range edits {
				if edits[j].ChatID() == user {
					edit = &edits[j]
				}
			}
			if edit == nil {
				t.Fatal("the keyboard was not edited after the press")
			}
			if rm := edit.Params.Get("reply_markup"); strings.Contains(rm, tc.paid) || !strings.Contains(rm, tc.officer) {
				t.Errorf("edited keyboard %s: want only %q", rm, tc.officer)
			}

			// "Ask an officer": not configured yet, and it says so.
			api.Push(bottest.Callback(user, shown, buttons[tc.officer]))
			sent = api.WaitSent(t, user, 3)
			mustContain(t, sent[2].Text(), tc.wantOfficer...)

			// The conversation remembers that money has left.
			api.Push(bottest.Private(user, "/lang "+map[string]string{"Chinese": "zh", "English": "en"}[tc.name]))
			api.Push(bottest.Private(user, benignZH))
			sent = api.WaitSent(t, user, 5)
			mustContain(t, sent[4].Text(), tc.wantAfter)
		})
	}
	t.Run("press without the message", func(t *testing.T) {
		const user = 498
		api.Push(map[string]any{"callback_query": map[string]any{"id": "cb-nomsg", "from": bottest.User(user, "zh"), "chat_instance": "1", "data": "fz1:paid:zh"}})
		mustContain(t, api.WaitSent(t, user, 1)[0].Text(), "止付")
	})
	t.Run("unknown button data", func(t *testing.T) {
		before := len(api.Calls("answerCallbackQuery"))
		const user = 499
		api.Push(bottest.Callback(user, bottest.Message(bottest.PrivateChat(user), bottest.BotID, "old"), "something:else"))
		waitFor(t, "the press to be answered", func() bool { return len(api.Calls("answerCallbackQuery")) > before })
		if n := len(api.Sent(user)); n != 0 {
			t.Errorf("%d messages sent for an unknown button", n)
		}
	})
}
