package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/conversation"
)

// gate is a classifier that records the order it sees texts in and holds
// texts starting with "HOLD" until released.
type gate struct {
	classify func(context.Context, string) fanzha.Assessment
	release  chan struct{}
	mu       sync.Mutex
	seen     []string
}

func (g *gate) Classify(ctx context.Context, text string) fanzha.Assessment {
	if strings.HasPrefix(text, "HOLD") {
		<-g.release
	}
	// A multi-line text is the conversation judged as a whole after a
	// message; only the messages themselves show the handling order.
	if !strings.Contains(text, "\n") {
		g.mu.Lock()
		g.seen = append(g.seen, text)
		g.mu.Unlock()
	}
	return g.classify(ctx, text)
}

func (g *gate) order(prefix string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, s := range g.seen {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// TestChatsInParallelEachInOrder: a chat stuck on a slow update does not
// hold up another chat, and a chat's own updates are handled in the order
// they came.
func TestChatsInParallelEachInOrder(t *testing.T) {
	api := bottest.NewServer(t)
	g := &gate{release: make(chan struct{})}
	startWith(t, api, func(o *conversation.Options) { g.classify = o.Classify; o.Classify = g.Classify }, nil)

	const slow, fast = 1, 2
	api.Push(bottest.Private(slow, "HOLD "+benignZH))
	for i := range 20 {
		api.Push(bottest.Private(slow, fmt.Sprintf("slow-%02d %s", i, benignZH)))
	}
	api.Push(bottest.Private(fast, benignZH))
	// The other chat is answered while the first is held.
	api.WaitSent(t, fast, 1)
	if n := len(api.Sent(slow)); n != 0 {
		t.Fatalf("the held chat got %d replies before its first update finished", n)
	}
	close(g.release)
	api.WaitSent(t, slow, 21)
	got := g.order("slow-")
	for i, s := range got {
		if want := fmt.Sprintf("slow-%02d", i); !strings.HasPrefix(s, want) {
			t.Fatalf("update %d handled as %q: out of order %v", i, s[:7], got)
		}
	}
}
