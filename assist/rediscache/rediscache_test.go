package rediscache_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist/rediscache"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/session"
)

func openRedis(t *testing.T, srv *redistest.Server) *session.Redis {
	t.Helper()
	r, err := session.OpenRedis(srv.URL, session.RedisOptions{Prefix: srv.Prefix, RetryEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestOpinionCache(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	r := openRedis(t, srv)
	c := rediscache.New(r.Conn(), time.Hour)
	const key = "fanzha:llm:v1:0123abcd"
	if _, ok := c.Get(ctx, key); ok {
		t.Fatal("hit on an empty cache")
	}
	want := fanzha.Opinion{Label: fanzha.Police, Risk: fanzha.RiskHigh, Reasons: []string{"冒充公安"}, Question: "有没有让你转账？"}
	c.Set(ctx, key, want)
	got, ok := c.Get(ctx, key)
	if !ok || got.Label != want.Label || got.Risk != want.Risk || !slices.Equal(got.Reasons, want.Reasons) || got.Question != want.Question {
		t.Fatalf("Get = %+v, %v; want %+v", got, ok, want)
	}
	// A second replica on the same Redis shares the answer.
	other := rediscache.New(openRedis(t, srv).Conn(), time.Hour)
	if _, ok := other.Get(ctx, key); !ok {
		t.Error("another replica misses a cached answer")
	}
	// The stored key holds no text, only the hash, under our prefix.
	keys, err := r.Conn().Client.Keys(ctx, "*opinion*").Result()
	if err != nil || len(keys) != 1 || !strings.HasSuffix(keys[0], "opinion:llm:v1:0123abcd") {
		t.Errorf("keys %v, %v", keys, err)
	}
	// Redis down: a miss, never an error or a stall.
	srv.Stop(t)
	if _, ok := c.Get(ctx, key); ok {
		t.Error("hit while Redis is down")
	}
	c.Set(ctx, key, want) // must not panic or block
}
