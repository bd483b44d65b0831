package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/console"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/review"
)

// The queue page with 10,000 cases must answer in under 100 ms at the
// 95th percentile. The benchmark reports p95 (and p50) per store.
func BenchmarkQueue10k(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		benchQueue(b, review.NewMemory(review.Options{Officers: []int64{officer}}))
	})
	b.Run("redis", func(b *testing.B) {
		srv := redistest.Start(b, redistest.Options{})
		conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix})
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		benchQueue(b, review.NewRedis(conn, review.RedisOptions{Options: review.Options{Officers: []int64{officer}}, Consumer: "bench"}))
	})
}

type benchCases interface {
	fanzha.ReviewQueue
	console.Cases
}

func benchQueue(b *testing.B, cases benchCases) {
	ctx := context.Background()
	types := fanzha.ScamTypes[:11]
	for i := range 10_000 {
		c := fanzha.Case{Source: fmt.Sprintf("tg:%d", i), Label: types[i%len(types)], Risk: fanzha.Risk(2 + i%2), Paid: i%7 == 0,
			Excerpt: "对方自称客服，说我的百万保障要取消，否则每月扣费500元，让我下载会议软件共享屏幕。", Consent: true,
			Indicators: []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17012345678"}, {Kind: fanzha.IndApp, Value: "腾讯会议"}}}
		if _, err := cases.Submit(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	e := newEnvWith(b, cases)
	c := e.client(b)
	c.signIn()
	ck := c.jar.Cookies(mustURL(e.srv.URL + "/console/"))
	var durs []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		path := "/console/queue"
		if i%2 == 1 {
			path = "/console/queue?type=investment&risk=high&status=all&page=3"
		}
		req := httptest.NewRequest("GET", path, nil)
		for _, k := range ck {
			req.AddCookie(k)
		}
		w := httptest.NewRecorder()
		start := time.Now()
		e.console.ServeHTTP(w, req)
		durs = append(durs, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "p50-ms")
}
