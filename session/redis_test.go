package session_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/internal/testkit"
	"github.com/fanzha/fanzha/session"
)

func openRedis(t testing.TB, srv *redistest.Server, url string, log *slog.Logger) *session.Redis {
	t.Helper()
	r, err := session.OpenRedis(url, session.RedisOptions{Prefix: srv.Prefix, Logger: log, RetryEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func sampleSession() fanzha.Session {
	return fanzha.Session{
		Assessment: fanzha.Assessment{
			Label: fanzha.Police, Risk: fanzha.RiskHigh, Score: 0.93, Paid: true, Lang: fanzha.ZH,
			Flags: []fanzha.Flag{{ID: "safe_account", Type: fanzha.Police, Hard: true, Span: "安全账户",
				Text: fanzha.Text{ZH: "公检法不会让你转账到安全账户", EN: "Police never ask for a safe account"}}},
			Indicators: []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "13812345678"}, {Kind: fanzha.IndApp, Value: "腾讯会议"}},
		},
		Lang:    fanzha.EN,
		Wrote:   fanzha.ZH,
		Updated: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC),
	}
}

func TestRedisSessions(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	r := openRedis(t, srv, srv.URL, nil)
	if err := r.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}

	t.Run("missing", func(t *testing.T) {
		if _, err := r.Get(ctx, "tg:404"); !errors.Is(err, fanzha.ErrNotFound) {
			t.Fatalf("Get of nothing: %v, want ErrNotFound", err)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		want := sampleSession()
		if err := r.Put(ctx, "tg:1", want, time.Hour); err != nil {
			t.Fatal(err)
		}
		got, err := r.Get(ctx, "tg:1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Assessment.String() != want.Assessment.String() || got.Lang != want.Lang || got.Wrote != want.Wrote ||
			!got.Updated.Equal(want.Updated) || !slices.Equal(got.Assessment.Indicators, want.Assessment.Indicators) ||
			got.Assessment.Flags[0].Text != want.Assessment.Flags[0].Text || got.Assessment.Score != want.Assessment.Score {
			t.Fatalf("Get = %+v\nwant %+v", got, want)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := r.Put(ctx, "tg:2", sampleSession(), time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := r.Delete(ctx, "tg:2"); err != nil {
			t.Fatal(err)
		}
		if err := r.Delete(ctx, "tg:2"); err != nil {
			t.Fatalf("deleting nothing: %v", err)
		}
		if _, err := r.Get(ctx, "tg:2"); !errors.Is(err, fanzha.ErrNotFound) {
			t.Fatalf("after Delete: %v", err)
		}
	})
	t.Run("ttl expiry", func(t *testing.T) {
		const ttl = time.Second
		if err := r.Put(ctx, "tg:3", sampleSession(), ttl); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Get(ctx, "tg:3"); err != nil {
			t.Fatalf("gone at once: %v", err)
		}
		// A Put renews the TTL: 1.2 s after the first Put it is still there.
		time.Sleep(600 * time.Millisecond)
		if err := r.Put(ctx, "tg:3", sampleSession(), ttl); err != nil {
			t.Fatal(err)
		}
		time.Sleep(600 * time.Millisecond)
		if _, err := r.Get(ctx, "tg:3"); err != nil {
			t.Fatalf("expired despite the renewal: %v", err)
		}
		testkit.Eventually(t, 3*time.Second, func() bool {
			_, err := r.Get(ctx, "tg:3")
			return errors.Is(err, fanzha.ErrNotFound)
		}, "session still there after its TTL")
	})
	t.Run("bad ttl", func(t *testing.T) {
		if err := r.Put(ctx, "tg:4", sampleSession(), 0); err == nil {
			t.Fatal("Put with ttl 0 accepted")
		}
	})
	t.Run("unix socket", func(t *testing.T) {
		if srv.SocketURL == "" {
			t.Skip("external server: no socket") // only with FANZHA_TEST_REDIS_URL
		}
		u := openRedis(t, srv, srv.SocketURL, nil)
		got, err := u.Get(ctx, "tg:1")
		if err != nil || got.Assessment.Label != fanzha.Police {
			t.Fatalf("Get through the socket = %+v, %v", got, err)
		}
	})
	t.Run("replicas share", func(t *testing.T) {
		other := openRedis(t, srv, srv.URL, nil)
		s := sampleSession()
		s.Assessment.Label = fanzha.Investment
		if err := other.Put(ctx, "tg:5", s, time.Hour); err != nil {
			t.Fatal(err)
		}
		got, err := r.Get(ctx, "tg:5")
		if err != nil || got.Assessment.Label != fanzha.Investment {
			t.Fatalf("the other replica's session = %+v, %v", got, err)
		}
	})
}

func TestRedisBadURL(t *testing.T) {
	for _, url := range []string{"", "http://localhost:6379", "redis://localhost:6379/x", "unix://"} {
		if _, err := session.OpenRedis(url, session.RedisOptions{}); err == nil {
			t.Errorf("OpenRedis(%q) accepted", url)
		}
	}
	// A password in the URL never appears in the error.
	_, err := session.OpenRedis("redis://:s3cret@local host:6379", session.RedisOptions{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("bad url with a password: %v", err)
	}
}

func TestRedisPersistsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{AppendOnly: true})
	r := openRedis(t, srv, srv.URL, nil)
	if err := r.Put(ctx, "tg:7", sampleSession(), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := r.SetOffset(ctx, "bot1", 42); err != nil {
		t.Fatal(err)
	}
	if first, err := r.MarkSeen(ctx, "bot1", 41, time.Hour); err != nil || !first {
		t.Fatalf("MarkSeen = %v, %v", first, err)
	}
	r.Close()
	srv.Restart(t)

	r2 := openRedis(t, srv, srv.URL, nil)
	got, err := r2.Get(ctx, "tg:7")
	if err != nil || got.Assessment.Label != fanzha.Police || got.Assessment.Risk != fanzha.RiskHigh || !got.Assessment.Paid {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
	if off, err := r2.Offset(ctx, "bot1"); err != nil || off != 42 {
		t.Fatalf("offset after restart = %d, %v", off, err)
	}
	if first, err := r2.MarkSeen(ctx, "bot1", 41, time.Hour); err != nil || first {
		t.Fatalf("MarkSeen after restart = %v, %v; want a redelivery", first, err)
	}
}

func TestRedisOffsetMonotonic(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	r := openRedis(t, srv, srv.URL, nil)
	if off, err := r.Offset(ctx, "bot1"); err != nil || off != 0 {
		t.Fatalf("Offset of nothing = %d, %v", off, err)
	}
	for _, step := range []struct{ set, want int64 }{{10, 10}, {5, 10}, {10, 10}, {11, 11}, {0, 11}, {-3, 11}} {
		if err := r.SetOffset(ctx, "bot1", step.set); err != nil {
			t.Fatal(err)
		}
		if off, err := r.Offset(ctx, "bot1"); err != nil || off != step.want {
			t.Fatalf("after SetOffset(%d): %d, %v; want %d", step.set, off, err, step.want)
		}
	}
	if off, _ := r.Offset(ctx, "bot2"); off != 0 {
		t.Fatalf("scopes leak: bot2 = %d", off)
	}
	// Replicas racing: the largest wins whatever the order.
	other := openRedis(t, srv, srv.URL, nil)
	var wg sync.WaitGroup
	for i := int64(1); i <= 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := r
			if i%2 == 0 {
				s = other
			}
			if err := s.SetOffset(ctx, "race", i); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if off, err := r.Offset(ctx, "race"); err != nil || off != 200 {
		t.Fatalf("after the race: %d, %v; want 200", off, err)
	}
	// Large ids survive the trip through Lua.
	if err := r.SetOffset(ctx, "big", 1<<52+1); err != nil {
		t.Fatal(err)
	}
	if off, _ := r.Offset(ctx, "big"); off != 1<<52+1 {
		t.Fatalf("big offset = %d", off)
	}
	// A stored offset expires within a week without a raise: Telegram
	// renumbers updates after a week of silence.
	ttl, err := r.Conn().Client.TTL(ctx, r.Conn().Key("offset", "bot1")).Result()
	if err != nil || ttl <= 0 || ttl > 7*24*time.Hour {
		t.Fatalf("offset TTL = %v, %v; want under a week", ttl, err)
	}
}

func TestRedisMarkSeen(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	a := openRedis(t, srv, srv.URL, nil)
	b := openRedis(t, srv, srv.URL, nil)

	t.Run("concurrent", func(t *testing.T) {
		for id := int64(1); id <= 20; id++ {
			var firsts atomic.Int32
			var wg sync.WaitGroup
			for g := 0; g < 16; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := a
					if g%2 == 1 {
						s = b
					}
					first, err := s.MarkSeen(ctx, "bot1", id, time.Hour)
					if err != nil {
						t.Error(err)
					}
					if first {
						firsts.Add(1)
					}
				}()
			}
			wg.Wait()
			if n := firsts.Load(); n != 1 {
				t.Fatalf("update %d: %d callers were first, want exactly 1", id, n)
			}
		}
	})
	t.Run("scoped", func(t *testing.T) {
		if first, _ := a.MarkSeen(ctx, "bot2", 1, time.Hour); !first {
			t.Fatal("id 1 of bot2 taken for bot1's")
		}
	})
	t.Run("expires", func(t *testing.T) {
		if first, _ := a.MarkSeen(ctx, "bot3", 9, 200*time.Millisecond); !first {
			t.Fatal("not first")
		}
		testkit.Eventually(t, 3*time.Second, func() bool {
			first, err := a.MarkSeen(ctx, "bot3", 9, 200*time.Millisecond)
			return err == nil && first
		}, "seen mark never expired")
	})
}

// TestRedisOutage kills Redis under a running store: calls fail fast with
// ErrUnavailable, the outage is logged once, and after a restart the store
// works again without being reopened.
func TestRedisOutage(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{Own: true, AppendOnly: true})
	logs := &redistest.Logs{}
	r := openRedis(t, srv, srv.URL, logs.Logger())
	if err := r.Put(ctx, "tg:8", sampleSession(), time.Hour); err != nil {
		t.Fatal(err)
	}

	srv.Kill(t)
	calls := []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := r.Get(ctx, "tg:8"); return err }},
		{"put", func() error { return r.Put(ctx, "tg:8", sampleSession(), time.Hour) }},
		{"delete", func() error { return r.Delete(ctx, "tg:9") }},
		{"offset", func() error { _, err := r.Offset(ctx, "bot1"); return err }},
		{"set offset", func() error { return r.SetOffset(ctx, "bot1", 5) }},
		{"mark seen", func() error { _, err := r.MarkSeen(ctx, "bot1", 5, time.Hour); return err }},
		{"ping", func() error { return r.Ping(ctx) }},
	}
	for round := 0; round < 3; round++ {
		for _, c := range calls {
			err := c.call()
			if !errors.Is(err, session.ErrUnavailable) {
				t.Fatalf("round %d %s with Redis down: %v, want ErrUnavailable", round, c.name, err)
			}
			if errors.Is(err, fanzha.ErrNotFound) {
				t.Fatalf("%s: an outage must not read as not found", c.name)
			}
		}
	}
	if n := logs.Count(slog.LevelWarn, redisconn.MsgDown); n != 1 {
		t.Fatalf("outage logged %d times, want once: %q", n, logs.Messages())
	}

	srv.Start(t)
	testkit.Eventually(t, 5*time.Second, func() bool {
		_, err := r.Get(ctx, "tg:8")
		return err == nil
	}, "store did not recover after Redis came back")
	got, err := r.Get(ctx, "tg:8")
	if err != nil || got.Assessment.Label != fanzha.Police {
		t.Fatalf("after recovery: %+v, %v", got, err)
	}
	for _, c := range calls {
		if err := c.call(); err != nil {
			t.Fatalf("%s after recovery: %v", c.name, err)
		}
	}
	if n := logs.Count(slog.LevelInfo, redisconn.MsgUp); n != 1 {
		t.Fatalf("recovery logged %d times, want once: %q", n, logs.Messages())
	}
	if n := logs.Count(slog.LevelWarn, redisconn.MsgDown); n != 1 {
		t.Fatalf("outage logged %d times in all, want once: %q", n, logs.Messages())
	}
}

// TestRedisSlow freezes Redis: calls time out into ErrUnavailable instead
// of hanging, and work resumes when Redis does.
func TestRedisSlow(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{Own: true})
	logs := &redistest.Logs{}
	r := openRedis(t, srv, srv.URL, logs.Logger())
	if err := r.Put(ctx, "tg:1", sampleSession(), time.Hour); err != nil {
		t.Fatal(err)
	}
	srv.Pause(t)
	for i := 0; i < 5; i++ {
		if _, err := r.Get(ctx, "tg:1"); !errors.Is(err, session.ErrUnavailable) {
			srv.Resume(t)
			t.Fatalf("Get %d with Redis frozen: %v, want ErrUnavailable", i, err)
		}
	}
	srv.Resume(t)
	testkit.Eventually(t, 5*time.Second, func() bool {
		_, err := r.Get(ctx, "tg:1")
		return err == nil
	}, "no recovery after Redis resumed")
	if n := logs.Count(slog.LevelWarn, redisconn.MsgDown); n != 1 {
		t.Fatalf("outage logged %d times, want once: %q", n, logs.Messages())
	}
}

// TestRedisDownAtStart: a store opened while Redis is down works once it
// comes up.
func TestRedisDownAtStart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{Own: true})
	srv.Kill(t)
	r := openRedis(t, srv, srv.URL, nil)
	if err := r.Ping(ctx); !errors.Is(err, session.ErrUnavailable) {
		t.Fatalf("Ping with Redis down: %v", err)
	}
	if _, err := r.Get(ctx, "tg:1"); !errors.Is(err, session.ErrUnavailable) {
		t.Fatalf("Get with Redis down: %v", err)
	}
	srv.Start(t)
	testkit.Eventually(t, 5*time.Second, func() bool { return r.Ping(ctx) == nil }, "no recovery")
	if _, err := r.Get(ctx, "tg:1"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Fatalf("Get after start: %v", err)
	}
}

// BenchmarkSessionReadWrite measures one Get plus one Put of a realistic
// session on a loopback Redis, reporting the p50 and p99 of the pair.
func BenchmarkSessionReadWrite(b *testing.B) {
	ctx := context.Background()
	srv := redistest.Start(b, redistest.Options{})
	r := openRedis(b, srv, srv.URL, nil)
	s := sampleSession()
	const keys = 1000
	for i := 0; i < keys; i++ {
		if err := r.Put(ctx, fmt.Sprintf("tg:%d", i), s, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := fmt.Sprintf("tg:%d", i%keys)
		t0 := time.Now()
		got, err := r.Get(ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		got.Updated = t0
		if err := r.Put(ctx, key, got, time.Hour); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// TestRedisOldSessionDecodes: a session stored when recent messages were
// plain strings ("[转发] …" for forwards, "（回答…" for answers) is read as
// typed messages, so an upgrade keeps every conversation.
func TestRedisOldSessionDecodes(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	r := openRedis(t, srv, srv.URL, nil)
	old := `{"assessment":{"label":"police","risk":"high","score":0.9,"paid":false,"lang":"zh","flags":[],"matches":[],"indicators":[]},` +
		`"recent":["有个警察打电话给我","[转发] 【公安提示】请转入安全账户","（回答关键问题「对方有没有让你转账？」：是）"],"updated":"2025-03-01T09:00:00Z"}`
	if err := r.Conn().Client.Set(ctx, r.Conn().Key("session", "tg:9"), old, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	s, err := r.Get(ctx, "tg:9")
	if err != nil {
		t.Fatal(err)
	}
	want := []fanzha.Message{
		{Kind: fanzha.MsgOwn, Text: "有个警察打电话给我"},
		{Kind: fanzha.MsgForwarded, Text: "【公安提示】请转入安全账户"},
		{Kind: fanzha.MsgAnswer, Text: "（回答关键问题「对方有没有让你转账？」：是）"},
	}
	if !slices.Equal(s.Recent, want) {
		t.Fatalf("recent = %+v, want %+v", s.Recent, want)
	}
	// Written back, it is typed.
	if err := r.Put(ctx, "tg:9", s, time.Hour); err != nil {
		t.Fatal(err)
	}
	raw, _ := r.Conn().Client.Get(ctx, r.Conn().Key("session", "tg:9")).Result()
	if !strings.Contains(raw, `"kind":"forwarded"`) {
		t.Errorf("stored again as %s", raw)
	}
}
