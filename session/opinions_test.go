package session_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/session"
)

func TestOpinionCache(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	r := openRedis(t, srv, srv.URL, nil)
	c := session.NewOpinionCache(r.Conn(), time.Hour)
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
	other := session.NewOpinionCache(openRedis(t, srv, srv.URL, nil).Conn(), time.Hour)
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

// Unmark lets a redelivered update through again, on both stores.
func TestUnmark(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	stores := map[string]fanzha.UpdateLog{"memory": session.NewMemory(), "redis": openRedis(t, srv, srv.URL, nil)}
	for name, s := range stores {
		t.Run(name, func(t *testing.T) {
			if first, err := s.MarkSeen(ctx, "bot", 42, time.Hour); !first || err != nil {
				t.Fatalf("first MarkSeen: %v %v", first, err)
			}
			if first, _ := s.MarkSeen(ctx, "bot", 42, time.Hour); first {
				t.Fatal("second MarkSeen says first")
			}
			if err := s.Unmark(ctx, "bot", 42); err != nil {
				t.Fatal(err)
			}
			if first, err := s.MarkSeen(ctx, "bot", 42, time.Hour); !first || err != nil {
				t.Fatalf("MarkSeen after Unmark: %v %v", first, err)
			}
		})
	}
}
