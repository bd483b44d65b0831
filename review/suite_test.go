package review_test

import (
	"context"
	"errors"
	"github.com/fanzha/fanzha/conversation"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/review"
)

// store is everything both implementations are.
type store interface {
	fanzha.ReviewQueue
	fanzha.Blocklist
	fanzha.AuditLog
}

// newStore makes an empty store with the given options.
type newStore func(t *testing.T, o review.Options) store

const (
	officer    = int64(1001)
	notOfficer = int64(666)
)

// clock is a time tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func sampleCase(label fanzha.ScamType) fanzha.Case {
	return fanzha.Case{
		Source: "tg:42", UserID: 42, Lang: fanzha.ZH, Label: label, Risk: fanzha.RiskHigh, Score: 0.9,
		Flags: []fanzha.CaseFlag{{ID: "safe_account", Type: fanzha.Police, Hard: true,
			Text: fanzha.Text{ZH: "公检法不会让你转账到安全账户", EN: "Police never ask for a safe account"}}},
		Excerpt: "他让我转到" + card1 + "，我的身份证" + id1 + "，我的电话13912345678",
		Indicators: []fanzha.Indicator{
			{Kind: fanzha.IndPhone, Value: "17012345678"}, {Kind: fanzha.IndURL, Value: "evil-pay.top"},
			{Kind: fanzha.IndBankCard, Value: card1}, {Kind: fanzha.IndApp, Value: "鑫利宝"},
			{Kind: fanzha.IndApp, Value: "腾讯会议"}, {Kind: fanzha.IndIDNumber, Value: id1},
		},
		Consent: true,
	}
}

func runSuite(t *testing.T, mk newStore) {
	t.Run("submit, next, ack", func(t *testing.T) { testSubmitNextAck(t, mk) })
	t.Run("next waits", func(t *testing.T) { testNextWaits(t, mk) })
	t.Run("officer actions", func(t *testing.T) { testActions(t, mk) })
	t.Run("blocklist", func(t *testing.T) { testBlocklist(t, mk) })
	t.Run("blocklist officers can trust", func(t *testing.T) { testTrustedBlocklist(t, mk) })
	t.Run("stats", func(t *testing.T) { testStats(t, mk) })
	t.Run("audit log", func(t *testing.T) { testAudit(t, mk) })
	t.Run("redelivery", func(t *testing.T) { testRedelivery(t, mk) })
	t.Run("forged case id", func(t *testing.T) { testForgedCaseID(t, mk) })
}

func testSubmitNextAck(t *testing.T, mk newStore) {
	ctx := context.Background()
	s := mk(t, review.Options{Officers: []int64{officer}})
	var ids []string
	for _, l := range []fanzha.ScamType{fanzha.Police, fanzha.Investment, fanzha.TaskRebate} {
		id, err := s.Submit(ctx, sampleCase(l))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if ids[0] == ids[1] || ids[1] == ids[2] {
		t.Fatalf("ids not unique: %v", ids)
	}
	for i, want := range ids {
		c, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != want {
			t.Fatalf("Next %d = case %s, want %s (queue order)", i, c.ID, want)
		}
		if err := s.Ack(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Get(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	// Submit masks whatever the caller sent, and never keeps an ID number.
	if strings.Contains(c.Excerpt, id1) || !strings.Contains(c.Excerpt, "330*************36") || !strings.Contains(c.Excerpt, "139****5678") {
		t.Errorf("excerpt not masked: %s", c.Excerpt)
	}
	if !strings.Contains(c.Excerpt, card1) {
		t.Errorf("the scammer's account was masked: %s", c.Excerpt)
	}
	if slices.ContainsFunc(c.Indicators, func(i fanzha.Indicator) bool { return i.Kind == fanzha.IndIDNumber }) {
		t.Errorf("indicators keep an ID number: %+v", c.Indicators)
	}
	if c.Status != fanzha.CaseOpen || c.Created.IsZero() || c.Label != fanzha.Police || !c.Consent || c.Source != "tg:42" {
		t.Errorf("stored case = %+v", c)
	}
	if _, err := s.Get(ctx, "999"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Errorf("Get of nothing: %v", err)
	}
	if _, err := s.Get(ctx, "../x"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Errorf("Get of a bad id: %v", err)
	}
	if err := s.Ack(ctx, "999"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Errorf("Ack of nothing: %v", err)
	}
	pending, err := s.Pending(ctx, 10)
	if err != nil || len(pending) != 3 || pending[0].ID != ids[0] {
		t.Errorf("Pending = %d cases, %v", len(pending), err)
	}
	if p2, _ := s.Pending(ctx, 2); len(p2) != 2 {
		t.Errorf("Pending(2) = %d cases", len(p2))
	}
	if _, err := s.Submit(ctx, fanzha.Case{Label: fanzha.Police}); err == nil {
		t.Error("a case without a source was accepted")
	}
	if _, err := s.Submit(ctx, fanzha.Case{Source: "tg:1", Label: "bogus"}); err == nil {
		t.Error("a case with an unknown label was accepted")
	}
}

func testNextWaits(t *testing.T, mk newStore) {
	s := mk(t, review.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next on an empty queue: %v, want the context's error", err)
	}
	got := make(chan fanzha.Case, 1)
	go func() {
		c, err := s.Next(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- c
	}()
	time.Sleep(50 * time.Millisecond)
	id, err := s.Submit(context.Background(), sampleCase(fanzha.Romance))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-got:
		if c.ID != id {
			t.Fatalf("waiting Next got %s, want %s", c.ID, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a waiting Next never got the new case")
	}
}

func testActions(t *testing.T, mk newStore) {
	ctx := context.Background()
	s := mk(t, review.Options{Officers: []int64{officer, 1002}})
	id, err := s.Submit(ctx, sampleCase(fanzha.Police))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("non-officer refused", func(t *testing.T) {
		_, err := s.Act(ctx, id, notOfficer, fanzha.ActionConfirm)
		if !errors.Is(err, fanzha.ErrForbidden) {
			t.Fatalf("Act by a non-officer: %v, want ErrForbidden", err)
		}
		c, _ := s.Get(ctx, id)
		if c.Status != fanzha.CaseOpen || len(c.History) != 0 {
			t.Fatalf("a refused action changed the case: %+v", c)
		}
		es, err := s.ByCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(es, func(e fanzha.AuditEntry) bool {
			return e.Who == notOfficer && !e.Allowed && e.What == string(fanzha.ActionConfirm) && !e.At.IsZero()
		}) {
			t.Fatalf("refusal not audited: %+v", es)
		}
		if hits, _ := s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17012345678"}}); len(hits) != 0 {
			t.Fatalf("a refused confirm blocklisted: %+v", hits)
		}
	})
	t.Run("callback keeps it pending", func(t *testing.T) {
		c, err := s.Act(ctx, id, 1002, fanzha.ActionCallback)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != fanzha.CaseCallback || c.Officer != 1002 {
			t.Fatalf("after callback: %+v", c)
		}
		p, _ := s.Pending(ctx, 0)
		if len(p) != 1 || p[0].ID != id {
			t.Fatalf("Pending after callback = %+v", p)
		}
	})
	t.Run("confirm", func(t *testing.T) {
		c, err := s.Act(ctx, id, officer, fanzha.ActionConfirm)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != fanzha.CaseConfirmed || c.Officer != officer || len(c.History) != 2 ||
			c.History[1].Action != fanzha.ActionConfirm || c.History[1].Officer != officer || c.ID != id {
			t.Fatalf("after confirm: %+v", c)
		}
		got, _ := s.Get(ctx, id)
		if got.Status != fanzha.CaseConfirmed || len(got.History) != 2 {
			t.Fatalf("stored after confirm: %+v", got)
		}
		if p, _ := s.Pending(ctx, 0); len(p) != 0 {
			t.Fatalf("a confirmed case is still pending: %+v", p)
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := s.Act(ctx, "999", officer, fanzha.ActionConfirm); !errors.Is(err, fanzha.ErrNotFound) {
			t.Errorf("Act on nothing: %v", err)
		}
		if _, err := s.Act(ctx, id, officer, "delete"); err == nil {
			t.Error("unknown action accepted")
		}
	})
	t.Run("concurrent officers", func(t *testing.T) {
		id2, _ := s.Submit(ctx, sampleCase(fanzha.Romance))
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := fanzha.ActionCallback
				if i%2 == 0 {
					a = fanzha.ActionDismiss
				}
				if _, err := s.Act(ctx, id2, officer, a); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		c, _ := s.Get(ctx, id2)
		if len(c.History) != 10 {
			t.Fatalf("history has %d of 10 concurrent actions", len(c.History))
		}
	})
}

func testBlocklist(t *testing.T, mk newStore) {
	ctx := context.Background()
	s := mk(t, review.Options{Officers: []int64{officer}})
	id, _ := s.Submit(ctx, sampleCase(fanzha.Police))
	later := []fanzha.Indicator{
		{Kind: fanzha.IndPhone, Value: "+86 170 1234 5678"},
		{Kind: fanzha.IndURL, Value: "https://WWW.evil-pay.top/pay?x=1"},
		{Kind: fanzha.IndURL, Value: "http://m.evil-pay.top"},
		{Kind: fanzha.IndBankCard, Value: card1},
		{Kind: fanzha.IndApp, Value: "鑫利宝app"},
		{Kind: fanzha.IndApp, Value: "腾讯会议"},
		{Kind: fanzha.IndPhone, Value: "13912345678"},
	}
	if hits, err := s.Lookup(ctx, later); err != nil || len(hits) != 0 {
		t.Fatalf("before any confirm: %+v, %v", hits, err)
	}
	if _, err := s.Act(ctx, id, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Lookup(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, string(h.Indicator.Kind)+"="+h.Indicator.Value)
		if !slices.Equal(h.Cases, []string{id}) || h.Label != fanzha.Police {
			t.Errorf("hit %+v: cases/label wrong", h)
		}
	}
	// App names are never blocklisted (issue 12): only what a scammer
	// controls.
	want := []string{"phone=17012345678", "url=evil-pay.top", "bank_card=" + card1}
	if !slices.Equal(got, want) {
		t.Fatalf("hits = %q, want %q", got, want)
	}
	// The reply that a later message gets.
	a := fanzha.Assessment{Label: fanzha.None, Risk: fanzha.RiskNone}
	conversation.Escalate(&a, hits[:1])
	if a.Risk != fanzha.RiskHigh || a.Flags[0].Text.ZH != "该号码已被民警确认用于诈骗" {
		t.Fatalf("escalated = %+v", a)
	}

	// A second confirmed case with the same phone; dismissing the first
	// keeps the phone listed through the second.
	id2, _ := s.Submit(ctx, fanzha.Case{Source: "tg:7", Label: fanzha.Investment, Indicators: []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17012345678"}}})
	if _, err := s.Act(ctx, id2, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	hits, _ = s.Lookup(ctx, later[:1])
	if len(hits) != 1 || !slices.Equal(hits[0].Cases, []string{id, id2}) || hits[0].Label != fanzha.Investment {
		t.Fatalf("phone in two cases: %+v", hits)
	}
	if _, err := s.Act(ctx, id, officer, fanzha.ActionDismiss); err != nil {
		t.Fatal(err)
	}
	hits, _ = s.Lookup(ctx, later)
	if len(hits) != 1 || hits[0].Indicator.Value != "17012345678" || !slices.Equal(hits[0].Cases, []string{id2}) {
		t.Fatalf("after dismissing the first case: %+v", hits)
	}

	// Direct use.
	if refused, err := s.Add(ctx, officer, "77", fanzha.Shopping, []fanzha.Indicator{{Kind: fanzha.IndWeChat, Value: "Shop_Fake1"}}); err != nil || len(refused) > 0 {
		t.Fatal(refused, err)
	}
	hits, _ = s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndWeChat, Value: "shop_fake1"}})
	if len(hits) != 1 || hits[0].Label != fanzha.Shopping {
		t.Fatalf("wechat hit: %+v", hits)
	}
	if err := s.Remove(ctx, "77", []fanzha.Indicator{{Kind: fanzha.IndWeChat, Value: "SHOP_FAKE1"}}); err != nil {
		t.Fatal(err)
	}
	if hits, _ = s.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndWeChat, Value: "shop_fake1"}}); len(hits) != 0 {
		t.Fatalf("after Remove: %+v", hits)
	}
	if hits, err = s.Lookup(ctx, nil); err != nil || len(hits) != 0 {
		t.Fatalf("empty lookup: %+v, %v", hits, err)
	}
}

func testStats(t *testing.T, mk newStore) {
	ctx := context.Background()
	clk := &clock{}
	s := mk(t, review.Options{Officers: []int64{officer}, Now: clk.Now})
	// Week 2025-W09 runs Mon 24 Feb – Sun 2 Mar in China.
	clk.Set(time.Date(2025, 2, 20, 12, 0, 0, 0, review.CST)) // W08
	for _, l := range []fanzha.ScamType{fanzha.Police, fanzha.Police, fanzha.Investment} {
		if _, err := s.Submit(ctx, sampleCase(l)); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(time.Date(2025, 2, 23, 23, 30, 0, 0, review.CST)) // Sunday night: still W08
	if _, err := s.Submit(ctx, sampleCase(fanzha.Investment)); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2025, 2, 24, 0, 10, 0, 0, review.CST)) // Monday: W09
	var police string
	for _, l := range []fanzha.ScamType{fanzha.Police, fanzha.Police, fanzha.Police, fanzha.TaskRebate} {
		id, err := s.Submit(ctx, sampleCase(l))
		if err != nil {
			t.Fatal(err)
		}
		if l == fanzha.Police {
			police = id
		}
	}
	if _, err := s.Act(ctx, police, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, time.Date(2025, 3, 1, 9, 0, 0, 0, review.CST))
	if err != nil {
		t.Fatal(err)
	}
	if st.Week != "2025-W09" || st.LastWeek != "2025-W08" || st.Total != 4 || st.LastTotal != 4 || st.Change == nil || *st.Change != 0 {
		t.Fatalf("stats header = %+v", st)
	}
	if !st.Start.Equal(time.Date(2025, 2, 24, 0, 0, 0, 0, review.CST)) {
		t.Errorf("week start = %v", st.Start)
	}
	type row struct {
		typ              fanzha.ScamType
		this, last, conf int64
		share, lastShare float64
		change           float64 // NaN: none
	}
	want := []row{
		{fanzha.Police, 3, 2, 1, 0.75, 0.5, 0.5},
		{fanzha.TaskRebate, 1, 0, 0, 0.25, 0, math.NaN()},
		{fanzha.Investment, 0, 2, 0, 0, 0.5, -1},
	}
	if len(st.Types) != len(want) {
		t.Fatalf("rows = %+v", st.Types)
	}
	for i, w := range want {
		g := st.Types[i]
		ch := math.NaN()
		if g.Change != nil {
			ch = *g.Change
		}
		if g.Type != w.typ || g.This != w.this || g.Last != w.last || g.Confirmed != w.conf ||
			math.Abs(g.Share-w.share) > 1e-9 || math.Abs(g.LastShare-w.lastShare) > 1e-9 ||
			!(ch == w.change || math.IsNaN(ch) && math.IsNaN(w.change)) {
			t.Errorf("row %d = %+v (change %v), want %+v", i, g, ch, w)
		}
	}
	empty, err := s.Stats(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || empty.Total != 0 || len(empty.Types) != 0 || empty.Change != nil {
		t.Fatalf("stats of an empty week = %+v, %v", empty, err)
	}
}

func testAudit(t *testing.T, mk newStore) {
	ctx := context.Background()
	s := mk(t, review.Options{Officers: []int64{officer}})
	id, _ := s.Submit(ctx, sampleCase(fanzha.Police))
	s.Act(ctx, id, notOfficer, fanzha.ActionDismiss)
	if _, err := s.Act(ctx, id, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	es, err := s.ByCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.What+"/"+map[bool]string{true: "ok", false: "refused"}[e.Allowed])
		if e.CaseID != id || e.At.IsZero() {
			t.Errorf("entry %+v", e)
		}
	}
	// Confirming also audits each blocklist change (3 indicators added, the
	// two app names refused).
	if want := []string{"submit/ok", "dismiss/refused", "confirm/ok", "block/ok", "block/ok", "block/ok", "block_refused/refused", "block_refused/refused"}; !slices.Equal(got, want) {
		t.Fatalf("ByCase = %q, want %q", got, want)
	}
	if es[1].Who != notOfficer || es[2].Who != officer || es[0].Who != 42 {
		t.Fatalf("who: %+v", es)
	}
	if err := s.Append(ctx, fanzha.AuditEntry{Who: officer, What: "view", CaseID: id, Allowed: true}); err != nil {
		t.Fatal(err)
	}
	recent, err := s.Recent(ctx, 2)
	if err != nil || len(recent) != 2 || recent[0].What != "view" || recent[1].What != "block_refused" || recent[0].At.IsZero() {
		t.Fatalf("Recent = %+v, %v", recent, err)
	}
	if es, _ := s.ByCase(ctx, "999"); len(es) != 0 {
		t.Fatalf("ByCase of nothing = %+v", es)
	}
}

// testRedelivery: a case taken and never acknowledged comes back after
// MinIdle; an acknowledged one never does.
func testRedelivery(t *testing.T, mk newStore) {
	ctx := context.Background()
	s := mk(t, review.Options{MinIdle: 300 * time.Millisecond})
	id, _ := s.Submit(ctx, sampleCase(fanzha.Police))
	c, err := s.Next(ctx)
	if err != nil || c.ID != id {
		t.Fatalf("Next = %s, %v", c.ID, err)
	}
	// Not acknowledged (posting failed): delivered again, later.
	c2, err := s.Next(ctx)
	if err != nil || c2.ID != id {
		t.Fatalf("redelivery = %s, %v", c2.ID, err)
	}
	if err := s.Ack(ctx, id); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
	defer cancel()
	if c3, err := s.Next(short); err == nil {
		t.Fatalf("an acknowledged case came back: %s", c3.ID)
	}
}

func TestMemory(t *testing.T) {
	runSuite(t, func(t *testing.T, o review.Options) store { return review.NewMemory(o) })
}

func TestDeliverMemory(t *testing.T) {
	testDeliver(t, review.NewMemory(review.Options{MinIdle: 200 * time.Millisecond}))
}

// testDeliver runs the delivery loop: the first post fails, the case comes
// back and is posted, and acknowledged.
func testDeliver(t *testing.T, s store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var posts []string
	fails := 1
	done := make(chan struct{})
	go func() {
		defer close(done)
		review.Deliver(ctx, s, func(ctx context.Context, c fanzha.Case) error {
			mu.Lock()
			defer mu.Unlock()
			posts = append(posts, c.ID)
			if fails > 0 {
				fails--
				return errors.New("telegram said no")
			}
			return nil
		}, nil)
	}()
	id, _ := s.Submit(ctx, sampleCase(fanzha.Police))
	id2, _ := s.Submit(ctx, sampleCase(fanzha.Romance))
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("posts = %v", posts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // nothing else comes
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if want := []string{id, id2, id}; !slices.Equal(posts, want) {
		t.Fatalf("posts = %v, want %v", posts, want)
	}
}

// Button data can be forged: a refused tap with a made-up case id is
// audited without opening a per-case audit list for it.
func testForgedCaseID(t *testing.T, mk newStore) {
	ctx := context.Background()
	s := mk(t, review.Options{Officers: []int64{officer}})
	junk := "x'); DROP" + strings.Repeat("A", 200)
	if _, err := s.Act(ctx, junk, notOfficer, fanzha.ActionConfirm); !errors.Is(err, fanzha.ErrForbidden) {
		t.Fatalf("Act by a non-officer: %v", err)
	}
	if es, err := s.ByCase(ctx, junk); err != nil || len(es) != 0 {
		t.Errorf("forged id got an audit list: %v %v", es, err)
	}
	recent, err := s.Recent(ctx, 5)
	if err != nil || len(recent) == 0 || recent[0].Allowed || recent[0].CaseID != "" || !strings.Contains(recent[0].Detail, "case id") || len(recent[0].Detail) > 120 {
		t.Errorf("refusal not audited as expected: %+v %v", recent, err)
	}
}
