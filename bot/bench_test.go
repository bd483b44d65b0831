package bot_test

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/internal/redistest"
)

// BenchmarkBotThroughput pushes updates through the fake Bot API server to
// the real bot (polling, real classifier and advisor, no LLM) and reports
// updates/s and the update-to-reply latency (push into the server → reply
// received by it): "burst" pushes b.N updates at once (capacity), "paced"
// pushes them at 300/s (latency under the target load). The "_redis" runs
// keep sessions and the polling offset in a real redis-server and check
// every message against the blocklist there (three round trips per
// update), as `fanzha serve` does with FANZHA_REDIS_URL. Run with e.g.
//
//	go test -run '^$' -bench BotThroughput -benchtime 3000x ./bot/
func BenchmarkBotThroughput(b *testing.B) {
	texts := []string{scamZH, benignZH, scamEN, benignEN, policeSMS,
		"群里老师带单，投3万每月返3000，稳赚不赔", "快递丢了，客服说给我理赔，要我下载一个会议软件共享屏幕"}
	run := func(b *testing.B, rate float64, withRedis bool) {
		api := bottest.NewServer(b)
		var be backend
		if withRedis {
			be = redisBackend(b, redistest.Options{})
		}
		h := start(b, api, func(o *bot.Options) {
			o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			o.PollTimeout = 10 * time.Second
			if withRedis {
				o.Sessions, o.Updates, o.Review = be.sessions, be.sessions, be.review
				o.Inbox, o.InboxClaimIdle = be.inbox, 5*time.Second
			}
		})
		const chats = 200
		pushed := make([]time.Time, b.N)
		b.ResetTimer()
		t0 := time.Now()
		for i := range b.N {
			if rate > 0 {
				if d := time.Until(t0.Add(time.Duration(float64(i) / rate * float64(time.Second)))); d > 0 {
					time.Sleep(d)
				}
			}
			pushed[i] = time.Now()
			api.Push(bottest.Private(int64(10_000+i%chats), texts[i%len(texts)]))
		}
		for api.Count("sendMessage") < b.N {
			time.Sleep(time.Millisecond)
		}
		elapsed := time.Since(t0)
		b.StopTimer()
		if err := h.stop(); err != nil {
			b.Fatal(err)
		}

		// The k-th reply to a chat answers its k-th update (chats are in order).
		sent := map[int64][]time.Time{}
		for _, c := range api.Sent(0) {
			sent[c.ChatID()] = append(sent[c.ChatID()], c.At)
		}
		if n := len(api.Sent(0)); n != b.N {
			b.Fatalf("%d replies to %d updates", n, b.N)
		}
		lat := make([]float64, 0, b.N)
		next := map[int64]int{}
		for i := range b.N {
			chat := int64(10_000 + i%chats)
			at := sent[chat][next[chat]]
			next[chat]++
			lat = append(lat, float64(at.Sub(pushed[i]))/float64(time.Millisecond))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
		b.ReportMetric(lat[len(lat)/2], "p50_ms")
		b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)], "p99_ms")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("burst", func(b *testing.B) { run(b, 0, false) })
	b.Run("paced_300", func(b *testing.B) { run(b, 300, false) })
	b.Run("burst_redis", func(b *testing.B) { run(b, 0, true) })
	b.Run("paced_300_redis", func(b *testing.B) { run(b, 300, true) })
}
