package redisconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/fanzha/fanzha"
)

func TestOpenOptions(t *testing.T) {
	c, err := Open("redis://:pw@127.0.0.1:1/2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o := c.Client.Options()
	if !o.DisableIdentity || o.MaintNotificationsConfig == nil || o.MaintNotificationsConfig.Mode != maintnotifications.ModeDisabled {
		t.Errorf("identity/maintenance not disabled: %v %+v", o.DisableIdentity, o.MaintNotificationsConfig)
	}
	if o.DialTimeout != DefaultDialTimeout || o.ReadTimeout != DefaultReadTimeout || o.WriteTimeout != DefaultWriteTimeout ||
		o.MaxRetries != DefaultMaxRetries || o.DialerRetries != 1 || o.DB != 2 || o.Password != "pw" {
		t.Errorf("options = dial %v read %v write %v retries %d dialer %d db %d", o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.MaxRetries, o.DialerRetries, o.DB)
	}
	if c.Prefix != "fanzha:" || c.Key("session", "tg:1") != "fanzha:session:tg:1" {
		t.Errorf("prefix %q, key %q", c.Prefix, c.Key("session", "tg:1"))
	}

	// Settings in the URL win.
	c2, err := Open("redis://127.0.0.1:1?dial_timeout=2s&read_timeout=1s&max_retries=4", Options{Prefix: "x:"})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	o = c2.Client.Options()
	if o.DialTimeout != 2*time.Second || o.ReadTimeout != time.Second || o.MaxRetries != 4 || o.WriteTimeout != DefaultWriteTimeout {
		t.Errorf("URL settings lost: dial %v read %v retries %d", o.DialTimeout, o.ReadTimeout, o.MaxRetries)
	}

	c3, err := Open("unix:///run/redis.sock?db=1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if o := c3.Client.Options(); o.Network != "unix" || o.Addr != "/run/redis.sock" || o.DB != 1 {
		t.Errorf("unix: %s %s %d", o.Network, o.Addr, o.DB)
	}
	if c4, err := Open("rediss://example.org:6380", Options{}); err != nil || c4.Client.Options().TLSConfig == nil {
		t.Errorf("rediss: %v", err)
	} else {
		c4.Close()
	}
}

func TestIsOutage(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{redis.Nil, false},
		{redis.TxFailedErr, false},
		{context.Canceled, false},
		{fanzha.ErrNotFound, false},
		{errors.New("decode: bad json"), false},
		{redisError("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
		{redisError("NOGROUP No such key"), false},
		{redisError("LOADING Redis is loading the dataset in memory"), true},
		{redisError("READONLY You can't write against a read only replica."), true},
		{redisError("MISCONF Redis is configured to save RDB snapshots"), true},
		{redisError("NOAUTH Authentication required."), true},
		{io.EOF, true},
		{fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{os.ErrDeadlineExceeded, true},
		{context.DeadlineExceeded, true},
		{redis.ErrClosed, true},
		{redis.ErrPoolTimeout, true},
		{fmt.Errorf("x: %w", fanzha.ErrUnavailable), true},
	}
	for _, tt := range tests {
		if got := IsOutage(tt.err); got != tt.want {
			t.Errorf("IsOutage(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// redisError is an error reply as go-redis returns them.
type redisError string

func (e redisError) Error() string { return string(e) }
func (redisError) RedisError()     {}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type countHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.msgs = append(h.msgs, r.Message)
	h.mu.Unlock()
	return nil
}
func (h *countHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countHandler) WithGroup(string) slog.Handler      { return h }

func TestGuard(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{now: time.Unix(1000, 0)}
	logs := &countHandler{}
	g := NewGuard(slog.New(logs), time.Second)
	g.now = clk.Now

	calls := 0
	down := io.EOF
	call := func(err error) error {
		return g.Do(ctx, "op", func(context.Context) error { calls++; return err })
	}

	if err := call(nil); err != nil || g.Down() {
		t.Fatalf("healthy call: %v", err)
	}
	if err := call(redis.Nil); !errors.Is(err, redis.Nil) || g.Down() {
		t.Fatalf("redis.Nil is not an outage: %v", err)
	}
	// An outage: wrapped as ErrUnavailable and the original.
	err := call(down)
	if !errors.Is(err, fanzha.ErrUnavailable) || !errors.Is(err, io.EOF) || !g.Down() {
		t.Fatalf("outage: %v", err)
	}
	// While down, calls fail without running.
	before := calls
	for i := 0; i < 5; i++ {
		if err := call(nil); !errors.Is(err, fanzha.ErrUnavailable) {
			t.Fatalf("fast fail: %v", err)
		}
	}
	if calls != before {
		t.Fatalf("%d calls ran while down", calls-before)
	}
	// After RetryEvery one call is let through; it fails: still down.
	clk.Add(time.Second)
	if err := call(down); !errors.Is(err, fanzha.ErrUnavailable) || calls != before+1 {
		t.Fatalf("probe: %v (%d calls)", err, calls-before)
	}
	if err := call(nil); !errors.Is(err, fanzha.ErrUnavailable) || calls != before+1 {
		t.Fatalf("after a failed probe: %v", err)
	}
	// The next probe succeeds: up again.
	clk.Add(time.Second)
	if err := call(nil); err != nil || g.Down() {
		t.Fatalf("recovery: %v", err)
	}
	if err := call(nil); err != nil {
		t.Fatal(err)
	}
	// A caller's cancelled context is not an outage.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.Do(cctx, "op", func(context.Context) error { return io.EOF }); !errors.Is(err, context.Canceled) || g.Down() {
		t.Fatalf("cancelled: %v, down %v", err, g.Down())
	}
	// Probe runs even while down, and its success closes the guard.
	call(down)
	if err := g.Probe(ctx, "ping", func(context.Context) error { return nil }); err != nil || g.Down() {
		t.Fatalf("probe while down: %v", err)
	}

	logs.mu.Lock()
	defer logs.mu.Unlock()
	want := []string{MsgDown, MsgUp, MsgDown, MsgUp}
	if fmt.Sprint(logs.msgs) != fmt.Sprint(want) {
		t.Fatalf("logged %q, want %q", logs.msgs, want)
	}
}
