package session_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/session"
)

// clock is a time tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newStore() (*session.Memory, *clock) {
	c := &clock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	m := session.NewMemory()
	m.Now = c.Now
	return m, c
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	m, c := newStore()
	s := fanzha.Session{Assessment: fanzha.Assessment{Label: fanzha.Police, Risk: fanzha.RiskHigh}, Lang: fanzha.EN}

	if _, err := m.Get(ctx, "tg:1"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Fatalf("Get of nothing: %v, want ErrNotFound", err)
	}
	if err := m.Put(ctx, "tg:1", s, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := m.Get(ctx, "tg:1")
	if err != nil || got.Assessment.Label != fanzha.Police || got.Lang != fanzha.EN {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	c.Add(59 * time.Minute)
	if _, err := m.Get(ctx, "tg:1"); err != nil {
		t.Fatalf("expired early: %v", err)
	}
	// A Put renews the TTL.
	if err := m.Put(ctx, "tg:1", s, time.Hour); err != nil {
		t.Fatal(err)
	}
	c.Add(59 * time.Minute)
	if _, err := m.Get(ctx, "tg:1"); err != nil {
		t.Fatalf("expired despite the renewal: %v", err)
	}
	c.Add(2 * time.Minute)
	if _, err := m.Get(ctx, "tg:1"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Fatalf("after the TTL: %v, want ErrNotFound", err)
	}
	if m.Len() != 0 {
		t.Fatalf("Len = %d after expiry", m.Len())
	}

	if err := m.Put(ctx, "tg:2", s, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete(ctx, "tg:2"); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete(ctx, "tg:2"); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
	if _, err := m.Get(ctx, "tg:2"); !errors.Is(err, fanzha.ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
}

func TestSweepFreesExpired(t *testing.T) {
	ctx := context.Background()
	m, c := newStore()
	for i := range 100 {
		_ = m.Put(ctx, string(rune('a'+i)), fanzha.Session{}, time.Minute)
	}
	c.Add(2 * time.Minute)
	_ = m.Put(ctx, "fresh", fanzha.Session{}, time.Minute) // sweeps
	if m.Len() != 1 {
		t.Fatalf("Len = %d, want 1", m.Len())
	}
}

func TestOffset(t *testing.T) {
	ctx := context.Background()
	m, _ := newStore()
	tests := []struct {
		name  string
		set   int64
		scope string
		want  int64
	}{
		{"first", 10, "bot1", 10},
		{"forward", 15, "bot1", 15},
		{"never backwards", 12, "bot1", 15},
		{"scopes are separate", 3, "bot2", 3},
	}
	if got, _ := m.Offset(ctx, "bot1"); got != 0 {
		t.Fatalf("empty offset = %d", got)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := m.SetOffset(ctx, tc.scope, tc.set); err != nil {
				t.Fatal(err)
			}
			if got, err := m.Offset(ctx, tc.scope); err != nil || got != tc.want {
				t.Fatalf("Offset = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestMarkSeen(t *testing.T) {
	ctx := context.Background()
	m, c := newStore()
	first := func(scope string, id int64) bool {
		ok, err := m.MarkSeen(ctx, scope, id, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !first("b", 1) {
		t.Fatal("new id not first")
	}
	if first("b", 1) {
		t.Fatal("repeated id is first")
	}
	if !first("other", 1) {
		t.Fatal("scopes share ids")
	}
	c.Add(61 * time.Minute)
	if !first("b", 1) {
		t.Fatal("id still seen after its TTL")
	}

	// Of many concurrent deliveries of one id, exactly one is first.
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := m.MarkSeen(ctx, "b", 99, time.Hour); ok {
				firsts.Add(1)
			}
		}()
	}
	wg.Wait()
	if firsts.Load() != 1 {
		t.Fatalf("%d firsts, want 1", firsts.Load())
	}
}

func TestCancelledContext(t *testing.T) {
	m, _ := newStore()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Put(ctx, "k", fanzha.Session{}, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context: %v", err)
	}
}
