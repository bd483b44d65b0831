package redistest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha/internal/redistest"
)

func client(t *testing.T, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestServerLifecycle(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{Own: true, AppendOnly: true})
	if !strings.HasPrefix(srv.URL, "redis://127.0.0.1:") || srv.Addr() == "127.0.0.1:6379" {
		t.Fatalf("URL %q", srv.URL)
	}
	c := client(t, srv.URL)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	srv.Kill(t)
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("ping after Kill succeeded")
	}
	srv.Start(t)
	if v, err := c.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("after restart with AOF: %q, %v", v, err)
	}
	srv.Restart(t)
	if v, err := client(t, srv.SocketURL).Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("through the socket after Restart: %q, %v", v, err)
	}
}

// TestExternal points the helper at a server as FANZHA_TEST_REDIS_URL
// would: a random prefix, and the test's keys deleted afterwards.
func TestExternal(t *testing.T) {
	ctx := context.Background()
	own := redistest.Start(t, redistest.Options{Own: true})
	t.Setenv(redistest.EnvURL, own.URL)
	var prefix string
	t.Run("inner", func(t *testing.T) {
		srv := redistest.Start(t, redistest.Options{})
		if srv.URL != own.URL || !strings.HasPrefix(srv.Prefix, "fanzhatest:") {
			t.Fatalf("external server: %q %q", srv.URL, srv.Prefix)
		}
		prefix = srv.Prefix
		if err := client(t, srv.URL).Set(ctx, srv.Prefix+"a", "1", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if srv2 := redistest.Start(t, redistest.Options{}); srv2.Prefix == srv.Prefix {
			t.Fatal("two tests share a prefix")
		}
	})
	if n, err := client(t, own.URL).Exists(ctx, prefix+"a").Result(); err != nil || n != 0 {
		t.Fatalf("keys left behind: %d, %v", n, err)
	}
}
