package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/session"
)

// Review test data: a valid ID number (check digit right, nobody's), the
// citizen's own phone and the scammer's.
const (
	reviewChat   = -100777
	officer      = 555
	notOfficer   = 666
	idNumber     = "330203199001011236"
	ownPhone     = "13912345678"
	scammerPhone = "17012345678"
	// caseText carries all three, and hard flags.
	caseText = "自称警察的人说我涉嫌洗钱，让我把钱转到安全账户，我的身份证号" + idNumber +
		"，我的电话" + ownPhone + "，他的电话是" + scammerPhone
	ambiguousZH = "有个自称警察的人打电话给我，说要核实我的身份信息"
)

// backend is a session store and review queue for a test.
type backend struct {
	name     string
	sessions interface {
		fanzha.SessionStore
		fanzha.UpdateLog
	}
	review bot.Review
	inbox  fanzha.Inbox      // nil in memory
	srv    *redistest.Server // nil in memory
	logs   *redistest.Logs   // Redis's outage log; nil in memory
}

func memoryBackend(t testing.TB) backend {
	return backend{name: "memory", sessions: session.NewMemory(), review: review.NewMemory(review.Options{Officers: []int64{officer}})}
}

func redisBackend(t testing.TB, o redistest.Options) backend {
	t.Helper()
	srv := redistest.Start(t, o)
	logs := &redistest.Logs{}
	rs, err := session.OpenRedis(srv.URL, session.RedisOptions{Prefix: srv.Prefix, RetryEvery: 100 * time.Millisecond, Logger: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	q := review.NewRedis(rs.Conn(), review.RedisOptions{Options: review.Options{Officers: []int64{officer}}, Consumer: "c1", Block: 200 * time.Millisecond})
	inbox := rs.Inbox(session.InboxOptions{Consumer: "c1", ClaimIdle: 5 * time.Second, Block: 200 * time.Millisecond})
	return backend{name: "redis", sessions: rs, review: q, inbox: inbox, srv: srv, logs: logs}
}

// startReview starts a bot on be with the review chat set, and posts
// cases to it (review.Deliver) until the test ends.
func startReview(t testing.TB, api *bottest.Server, be backend, mod func(*bot.Options)) *harness {
	t.Helper()
	h := start(t, api, func(o *bot.Options) {
		o.Sessions, o.Updates = be.sessions, be.sessions
		o.Review, o.ReviewChat = be.review, reviewChat
		if be.inbox != nil {
			o.Inbox, o.InboxClaimIdle = be.inbox, 5*time.Second
		}
		if mod != nil {
			mod(o)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		review.Deliver(ctx, be.review, h.bot.PostCase, nil)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// press pushes a button press by user on the message c (a recorded send
// in chat) and returns the callback query id.
func press(api *bottest.Server, user int64, c bottest.Call, chat map[string]any, label string) string {
	data := bottest.Buttons(c)[label]
	if data == "" {
		panic(fmt.Sprintf("no button %q under %q: %v", label, c.Text(), bottest.Buttons(c)))
	}
	u := bottest.Callback(user, bottest.SentMessage(c, chat, bottest.NewMessageID()), data)
	api.Push(u)
	return u["callback_query"].(map[string]any)["id"].(string)
}

// answerOf waits for the answerCallbackQuery of query id.
func answerOf(t testing.TB, api *bottest.Server, id string) bottest.Call {
	t.Helper()
	var got bottest.Call
	waitFor(t, "the answer to "+id, func() bool {
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

func cards(api *bottest.Server) []bottest.Call { return api.Sent(reviewChat) }

func TestReviewFlow(t *testing.T) {
	for _, mk := range []func(testing.TB) backend{memoryBackend, func(t testing.TB) backend { return redisBackend(t, redistest.Options{}) }} {
		be := mk(t)
		t.Run(be.name, func(t *testing.T) {
			api := bottest.NewServer(t)
			startReview(t, api, be, nil)
			const citizen, other = 900, 901
			citizenChat := bottest.PrivateChat(citizen)

			// The verdict offers an officer.
			api.Push(bottest.Private(citizen, caseText))
			verdict := api.WaitSent(t, citizen, 1)[0]
			mustContain(t, verdict.Text(), "高风险", "请民警看看")

			// The consent screen shows exactly what will be shared, masked.
			press(api, citizen, verdict, citizenChat, "请民警看看")
			consent := api.WaitSent(t, citizen, 2)[1]
			mustContain(t, consent.Text(), "民警看到的就是下面这些", "330*************36", "139****5678", scammerPhone, "可疑之处", "高风险")
			mustNotContain(t, consent.Text(), idNumber, ownPhone)
			for _, label := range []string{"同意并提交", "提交，不用联系我", "取消"} {
				if bottest.Buttons(consent)[label] == "" {
					t.Fatalf("consent screen lacks %q: %v", label, bottest.Buttons(consent))
				}
			}
			if n := len(cards(api)); n != 0 {
				t.Fatalf("%d cards before consent", n)
			}

			// Agree: the citizen gets the case id, officers a card.
			press(api, citizen, consent, citizenChat, "同意并提交")
			done := api.WaitSent(t, citizen, 3)[2]
			mustContain(t, done.Text(), "案件编号 #1")
			card := api.WaitCalls(t, "sendMessage", reviewChat, 1, 20*time.Second)[0]
			mustContain(t, card.Text(), "案件 #1", scammerPhone, "330*************36", "冒充公检法", "高风险", "同意被联系：是")
			mustNotContain(t, card.Text(), idNumber, ownPhone)
			groupChat := bottest.GroupChat(reviewChat)

			// Someone who is not an officer: refused with a pop-up, audited.
			id := press(api, notOfficer, card, groupChat, "确认诈骗")
			ans := answerOf(t, api, id)
			if ans.Params.Get("show_alert") != "true" || !strings.Contains(ans.Params.Get("text"), "只有授权的反诈民警") {
				t.Errorf("refusal = %v", ans.Params)
			}
			ctx := context.Background()
			audit, err := be.review.ByCase(ctx, "1")
			if err != nil {
				t.Fatal(err)
			}
			refused := false
			for _, e := range audit {
				if e.Who == notOfficer && !e.Allowed && e.What == string(fanzha.ActionConfirm) {
					refused = true
				}
			}
			if !refused {
				t.Errorf("refused tap not audited: %+v", audit)
			}
			if c, _ := be.review.Get(ctx, "1"); c.Status != fanzha.CaseOpen {
				t.Errorf("status %s after a refused tap", c.Status)
			}

			// The officer confirms: the card says who did what, the
			// citizen (who agreed) is told.
			id = press(api, officer, card, groupChat, "确认诈骗")
			mustContain(t, answerOf(t, api, id).Params.Get("text"), "已确认诈骗")
			edit := api.WaitCalls(t, "editMessageText", reviewChat, 1, 20*time.Second)[0]
			mustContain(t, edit.Text(), "状态：已确认诈骗", "民警 User555", "确认诈骗")
			if bottest.Buttons(edit)["不是诈骗"] == "" {
				t.Error("the edited card lost its buttons")
			}
			told := api.WaitSent(t, citizen, 4)[3]
			mustContain(t, told.Text(), "#1", "确认这是诈骗")

			// The same tap again does nothing more.
			id = press(api, officer, card, groupChat, "确认诈骗")
			mustContain(t, answerOf(t, api, id).Params.Get("text"), "已经是")

			// The scammer's number in someone else's message: high risk,
			// and it says why.
			api.Push(bottest.Private(other, "刚才"+scammerPhone+"给我打电话，说有事找我"))
			hit := api.WaitSent(t, other, 1)[0]
			mustContain(t, hit.Text(), "高风险", "该号码已被民警确认用于诈骗", scammerPhone)

			time.Sleep(100 * time.Millisecond)
			if n := len(api.Sent(citizen)); n != 4 {
				t.Errorf("citizen got %d messages, want 4", n)
			}
			if n := len(cards(api)); n != 1 {
				t.Errorf("%d cards, want 1", n)
			}
		})
	}
}

func TestReviewConsentChoices(t *testing.T) {
	api := bottest.NewServer(t)
	be := memoryBackend(t)
	startReview(t, api, be, nil)
	ctx := context.Background()
	chat := func(id int64) map[string]any { return bottest.PrivateChat(id) }

	t.Run("cancel shares nothing", func(t *testing.T) {
		const user = 910
		api.Push(bottest.Private(user, scamZH))
		v := api.WaitSent(t, user, 1)[0]
		press(api, user, v, chat(user), "请民警看看")
		c := api.WaitSent(t, user, 2)[1]
		press(api, user, c, chat(user), "取消")
		mustContain(t, api.WaitSent(t, user, 3)[2].Text(), "没有分享任何内容")
		if p, _ := be.review.Pending(ctx, 10); len(p) != 0 {
			t.Errorf("%d cases after cancel", len(p))
		}
	})
	t.Run("changed conversation asks again; no double submit", func(t *testing.T) {
		const user = 911
		api.Push(bottest.Private(user, scamZH))
		v := api.WaitSent(t, user, 1)[0]
		press(api, user, v, chat(user), "请民警看看")
		old := api.WaitSent(t, user, 2)[1]
		api.Push(bottest.Private(user, "他还说要我保密，不能告诉家人"))
		api.WaitSent(t, user, 3)
		press(api, user, old, chat(user), "同意并提交")
		fresh := api.WaitSent(t, user, 4)[3]
		mustContain(t, fresh.Text(), "民警看到的就是下面这些", "不能告诉家人")
		if p, _ := be.review.Pending(ctx, 10); len(p) != 0 {
			t.Fatalf("submitted from a stale screen: %d cases", len(p))
		}
		press(api, user, fresh, chat(user), "同意并提交")
		mustContain(t, api.WaitSent(t, user, 5)[4].Text(), "案件编号 #")
		press(api, user, fresh, chat(user), "同意并提交")
		mustContain(t, api.WaitSent(t, user, 6)[5].Text(), "已经提交过了")
		if p, _ := be.review.Pending(ctx, 10); len(p) != 1 {
			t.Errorf("%d cases, want 1", len(p))
		}
	})
	t.Run("without contact the citizen is not told", func(t *testing.T) {
		const user = 912
		api.Push(bottest.Private(user, scamEN))
		v := api.WaitSent(t, user, 1)[0]
		press(api, user, v, chat(user), "Ask an officer")
		c := api.WaitSent(t, user, 2)[1]
		mustContain(t, c.Text(), "exactly what they will see")
		press(api, user, c, chat(user), "Submit, don't contact me")
		mustContain(t, api.WaitSent(t, user, 3)[2].Text(), "not hear the outcome")
		var card bottest.Call
		waitFor(t, "the card", func() bool {
			for _, k := range cards(api) {
				if strings.Contains(k.Text(), "同意被联系：否") {
					card = k
					return true
				}
			}
			return false
		})
		id := press(api, officer, card, bottest.GroupChat(reviewChat), "不是诈骗")
		answerOf(t, api, id)
		api.WaitCalls(t, "editMessageText", reviewChat, 1, 20*time.Second)
		time.Sleep(100 * time.Millisecond)
		if n := len(api.Sent(user)); n != 3 {
			t.Errorf("citizen who declined contact got %d messages, want 3", n)
		}
	})
	t.Run("in a group: go private", func(t *testing.T) {
		const group, user = -913, 913
		target := bottest.Message(bottest.GroupChat(group), 2, policeSMS)
		check := bottest.Message(bottest.GroupChat(group), user, "/check")
		check["reply_to_message"] = target
		api.Push(bottest.Wrap(check))
		v := api.WaitSent(t, group, 1)[0]
		if got := bottest.Buttons(v); got["请民警看看"] != "" || got["我已经转账了"] != "" {
			t.Fatalf("personal buttons under a group verdict: %v", got)
		}
		// A button of an older verdict, tapped in the group, is refused.
		u := bottest.Callback(user, bottest.SentMessage(v, bottest.GroupChat(group), bottest.NewMessageID()), "fz1:officer:zh")
		api.Push(u)
		if a := answerOf(t, api, u["callback_query"].(map[string]any)["id"].(string)); a.Params.Get("show_alert") != "true" || !strings.Contains(a.Params.Get("text"), "私聊") {
			t.Errorf("answer = %v", a.Params)
		}
	})
}

func TestOfficerCommands(t *testing.T) {
	api := bottest.NewServer(t)
	be := memoryBackend(t)
	hs := startReview(t, api, be, nil)
	ctx := context.Background()
	for i := range 3 {
		c := review.NewCase(review.CaseInput{Source: fmt.Sprintf("tg:%d", 920+i), UserID: int64(920 + i), Text: caseText,
			Assessment: fanzha.Assessment{Label: fanzha.Police, Risk: fanzha.RiskHigh, Indicators: []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: scammerPhone}}}})
		if _, err := be.review.Submit(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	api.WaitCalls(t, "sendMessage", reviewChat, 3, 20*time.Second)
	inReview := func(user int64, text string) { api.Push(bottest.Group(reviewChat, user, text)) }
	replies := func() []bottest.Call {
		var out []bottest.Call
		for _, c := range api.Sent(reviewChat) {
			if c.Params.Get("reply_to_message_id") != "" {
				out = append(out, c)
			}
		}
		return out
	}
	wait := func(n int) bottest.Call {
		t.Helper()
		waitFor(t, fmt.Sprintf("%d command replies", n), func() bool { return len(replies()) >= n })
		return replies()[n-1]
	}

	inReview(officer, "/queue")
	mustContain(t, wait(1).Text(), "待处理案件（3 件", "#1", "#3", "冒充公检法")
	inReview(officer, "/case 2")
	c2 := wait(2)
	mustContain(t, c2.Text(), "案件 #2", scammerPhone, "审计记录", "提交")
	mustNotContain(t, c2.Text(), idNumber)
	if bottest.Buttons(c2)["确认诈骗"] == "" {
		t.Error("/case has no buttons")
	}
	inReview(officer, "/case 99")
	mustContain(t, wait(3).Text(), "找不到案件 #99")
	inReview(officer, "/stats")
	mustContain(t, wait(4).Text(), "本周", "冒充公检法及政府机关：3 件，占 100.0%", "上周没有")

	for i, cmd := range []string{"/queue", "/case 1", "/stats"} {
		inReview(notOfficer, cmd)
		r := wait(5 + i)
		mustContain(t, r.Text(), "只有授权的反诈民警")
		mustNotContain(t, r.Text(), "案件 #", "待处理案件", "本周")
	}
	audit, _ := be.review.ByCase(ctx, "1")
	refused := 0
	for _, e := range audit {
		if e.Who == notOfficer && !e.Allowed && e.What == "/case" {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("refused /case audited %d times: %+v", refused, audit)
	}
	recent, _ := be.review.Recent(ctx, 20)
	n := 0
	for _, e := range recent {
		if e.Who == notOfficer && !e.Allowed {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d refused commands audited, want 3", n)
	}

	// An officer's private chat knows them (issue 10); a citizen's does
	// not, and another group does not hear them.
	api.Push(bottest.Private(officer, "/queue"))
	mustContain(t, api.WaitSent(t, officer, 1)[0].Text(), "待处理案件")
	api.Push(bottest.Private(notOfficer, "/queue"))
	mustContain(t, api.WaitSent(t, notOfficer, 1)[0].Text(), "我不认识这个命令")
	api.Push(bottest.Group(-999, officer, "/queue"))
	time.Sleep(200 * time.Millisecond)
	if n := len(api.Sent(-999)); n != 0 {
		t.Errorf("another group got %d replies", n)
	}
	if n := hs.bot.Metrics().Snapshot()[`review_commands{command="queue",outcome="refused"}`]; n != 1 {
		t.Errorf("refused /queue counted %d times", n)
	}
}

func TestFollowUpQuestion(t *testing.T) {
	api := bottest.NewServer(t)
	be := memoryBackend(t)
	startReview(t, api, be, nil)
	chat := bottest.PrivateChat

	t.Run("yes makes it high", func(t *testing.T) {
		const user = 930
		api.Push(bottest.Private(user, ambiguousZH))
		v := api.WaitSent(t, user, 1)[0]
		mustContain(t, v.Text(), "可疑", "关键问题", "安全账户")
		if !strings.HasSuffix(strings.TrimSpace(v.Text()), "？") {
			t.Errorf("the reply does not end with the question:\n%s", v.Text())
		}
		press(api, user, v, chat(user), "是")
		r := api.WaitSent(t, user, 2)[1]
		mustContain(t, r.Text(), "高风险", "你确认了", "安全账户")
		mustNotContain(t, r.Text(), "关键问题")
		edits := api.Calls("editMessageReplyMarkup")
		if len(edits) == 0 || strings.Contains(edits[len(edits)-1].Params.Get("reply_markup"), `"是"`) {
			t.Errorf("the yes/no buttons were not removed: %v", edits)
		}
		// Still high later.
		api.Push(bottest.Private(user, benignZH))
		mustContain(t, api.WaitSent(t, user, 3)[2].Text(), "高风险")
	})
	t.Run("no keeps the risk", func(t *testing.T) {
		const user = 931
		api.Push(bottest.Private(user, ambiguousZH))
		v := api.WaitSent(t, user, 1)[0]
		press(api, user, v, chat(user), "否")
		r := api.WaitSent(t, user, 2)[1]
		mustContain(t, r.Text(), "不会因此降低", "可疑", "冒充公检法")
		// The risk never drops, and the question is not asked again.
		api.Push(bottest.Private(user, benignZH))
		later := api.WaitSent(t, user, 3)[2]
		mustContain(t, later.Text(), "可疑")
		mustNotContain(t, later.Text(), "关键问题")
	})
	t.Run("English", func(t *testing.T) {
		const user = 932
		api.Push(bottest.Private(user, "A guy I met online wants to chat every day"))
		v := api.WaitSent(t, user, 1)[0]
		mustContain(t, v.Text(), "question that decides it", "never met")
		press(api, user, v, chat(user), "Yes")
		mustContain(t, api.WaitSent(t, user, 2)[1].Text(), "High risk", "You confirmed")
	})
	t.Run("clear cases get no question", func(t *testing.T) {
		const user = 933
		api.Push(bottest.Private(user, scamZH))
		mustNotContain(t, api.WaitSent(t, user, 1)[0].Text(), "关键问题")
		api.Push(bottest.Private(user+1, benignZH))
		mustNotContain(t, api.WaitSent(t, user+1, 1)[0].Text(), "关键问题")
	})
}

// TestRedisKilledMidConversation: Redis dies in the middle of a
// conversation; replies keep coming, fast, saying they cannot remember;
// Redis comes back (with its data: AOF) and so does the memory.
func TestRedisKilledMidConversation(t *testing.T) {
	be := redisBackend(t, redistest.Options{Own: true, AppendOnly: true})
	api := bottest.NewServer(t)
	hs := startReview(t, api, be, nil)
	const user = 940

	api.Push(bottest.Private(user, scamZH))
	mustContain(t, api.WaitSent(t, user, 1)[0].Text(), "高风险")

	be.srv.Kill(t)
	for i := range 3 {
		t0 := time.Now()
		api.Push(bottest.Private(user, benignZH))
		r := api.WaitSent(t, user, 2+i)[1+i]
		mustContain(t, r.Text(), "暂时无法记住对话", "暂未发现诈骗迹象")
		if d := time.Since(t0); d > 3*time.Second {
			t.Errorf("reply %d took %s with Redis down", i, d)
		}
	}
	// The "Ask an officer" path says it cannot submit.
	api.Push(bottest.Private(user+1, scamZH))
	v := api.WaitSent(t, user+1, 1)[0]
	mustContain(t, v.Text(), "暂时无法记住对话", "高风险")
	press(api, user+1, v, bottest.PrivateChat(user+1), "请民警看看")
	mustContain(t, api.WaitSent(t, user+1, 2)[1].Text(), "暂时无法提交给民警")

	be.srv.Start(t)
	waitFor(t, "memory back", func() bool {
		n := len(api.Sent(user))
		api.Push(bottest.Private(user, benignZH))
		r := api.WaitSent(t, user, n+1)[n]
		return !strings.Contains(r.Text(), "暂时无法记住对话")
	})
	last := api.Sent(user)
	mustContain(t, last[len(last)-1].Text(), "高风险")
	if down, up := be.logs.Count(slog.LevelWarn, redisconn.MsgDown), be.logs.Count(slog.LevelInfo, redisconn.MsgUp); down != 1 || up != 1 {
		t.Errorf("outage logged %d times, recovery %d times, want once each:\n%s", down, up, strings.Join(be.logs.Messages(), "\n"))
	}
	if s := hs.bot.Metrics().Snapshot(); s["stateless_replies"] < 4 {
		t.Errorf("stateless replies = %d", s["stateless_replies"])
	}
}

// TestRedisPaused: a Redis that hangs (SIGSTOP: connections open, no
// answers) costs a reply a few hundred milliseconds at most; the reply says
// it cannot remember; when Redis answers again so does the memory.
func TestRedisPaused(t *testing.T) {
	be := redisBackend(t, redistest.Options{Own: true})
	api := bottest.NewServer(t)
	startReview(t, api, be, nil)
	const user = 950
	api.Push(bottest.Private(user, scamZH))
	mustContain(t, api.WaitSent(t, user, 1)[0].Text(), "高风险")

	be.srv.Pause(t)
	for i := range 3 {
		t0 := time.Now()
		api.Push(bottest.Private(user, benignZH))
		r := api.WaitSent(t, user, 2+i)[1+i]
		mustContain(t, r.Text(), "暂时无法记住对话")
		if d := time.Since(t0); d > 2*time.Second {
			t.Errorf("reply %d took %s with Redis hanging", i, d)
		}
	}
	be.srv.Resume(t)
	waitFor(t, "memory back", func() bool {
		n := len(api.Sent(user))
		api.Push(bottest.Private(user, benignZH))
		return !strings.Contains(api.WaitSent(t, user, n+1)[n].Text(), "暂时无法记住对话")
	})
	last := api.Sent(user)
	mustContain(t, last[len(last)-1].Text(), "高风险")
}
