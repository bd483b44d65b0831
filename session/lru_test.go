package session_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/session"
)

func TestMemoryCapEvictsLeastRecentlyUsed(t *testing.T) {
	ctx := context.Background()
	m := session.NewMemoryCap(3, 0)
	for _, k := range []string{"a", "b", "c"} {
		if err := m.Put(ctx, k, fanzha.Session{Lang: fanzha.ZH}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	// "a" is used again, so "b" is now the least recently used.
	if _, err := m.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := m.Put(ctx, "d", fanzha.Session{}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "b"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Errorf("b: %v, want evicted", err)
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, err := m.Get(ctx, k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if got := m.Evicted(); got != 1 {
		t.Errorf("evicted %d, want 1", got)
	}
	if got := m.Len(); got != 3 {
		t.Errorf("len %d, want 3", got)
	}
	if err := m.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := m.Len(); got != 2 {
		t.Errorf("len after delete %d, want 2", got)
	}
}

// fullSession is the largest session the bot keeps: 10 recent messages of
// 300 Chinese characters and an assessment with flags and indicators.
func fullSession(i int) fanzha.Session {
	s := fanzha.Session{Lang: fanzha.ZH, Updated: time.Now()}
	text := strings.Repeat("对方说我涉嫌洗钱要把钱转到安全账户", 20)[:900] // 300 runes
	for j := range fanzha.MaxRecent {
		s.Recent = append(s.Recent, fanzha.Message{Kind: fanzha.MsgOwn, Text: text + strconv.Itoa(i+j)})
	}
	s.Assessment = fanzha.Assessment{Label: fanzha.Police, Risk: fanzha.RiskHigh, Score: 0.97,
		Flags:      []fanzha.Flag{{ID: "safe_account", Hard: true, Span: "安全账户"}, {ID: "money_laundering", Span: "涉嫌洗钱"}},
		Indicators: []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "170" + strconv.Itoa(10000000+i)}}}
	return s
}

// oneMessage is the session of a chat that sent one message.
func oneMessage(i int) fanzha.Session {
	s := fullSession(i)
	s.Recent = []fanzha.Message{{Kind: fanzha.MsgOwn, Text: "有人说我涉嫌洗钱，让我把钱转到安全账户，号码170" + strconv.Itoa(10000000+i)}}
	return s
}

// TestMemoryMillionChatsRSS puts a million distinct chats' sessions into a
// store with the default caps (config: session.max_chats 20,000,
// session.max_bytes 48 MiB) and checks the process stays under 300 MB RSS:
// chats of one message each, and the largest sessions the bot keeps.
func TestMemoryMillionChatsRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("a million sessions")
	}
	for _, tc := range []struct {
		name string
		s    func(int) fanzha.Session
		rss  bool
	}{{"one message each", oneMessage, true}, {"full sessions", fullSession, false}} {
		t.Run(tc.name, func(t *testing.T) { millionChats(t, tc.s, tc.rss) })
	}
}

// millionChats checks RSS when rss is set (the first case: RSS only grows
// in a process), else the live heap.
func millionChats(t *testing.T, sess func(int) fanzha.Session, rss bool) {
	const chats, limit, max = 1_000_000, 300 << 20, 20_000
	ctx := context.Background()
	m := session.NewMemoryCap(max, 48<<20)
	for i := range chats {
		if err := m.Put(ctx, "tg:"+strconv.Itoa(i), sess(i), 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := m.MarkSeen(ctx, "bot", int64(i), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("live heap %.0f MB", float64(ms.HeapAlloc)/(1<<20))
	if !rss && ms.HeapAlloc > 150<<20 {
		t.Errorf("live heap %d MB, want < 150 MB", ms.HeapAlloc>>20)
	}
	got := vmRSS(t)
	t.Logf("%d chats, %d kept, %d evicted: RSS %.0f MB (peak %.0f MB)", chats, m.Len(), m.Evicted(), float64(got)/(1<<20), float64(vmHWM(t))/(1<<20))
	if m.Len() > max || m.Evicted() != uint64(chats-m.Len()) {
		t.Errorf("kept %d, evicted %d", m.Len(), m.Evicted())
	}
	if rss && got > limit {
		t.Errorf("RSS %d MB, want < 300 MB", got>>20)
	}
}

func vmRSS(t *testing.T) int64 { return procStatus(t, "VmRSS:") }
func vmHWM(t *testing.T) int64 { return procStatus(t, "VmHWM:") }

func procStatus(t *testing.T, field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: ", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}
