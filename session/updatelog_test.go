package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/session"
)

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
