// Package redisconn opens the one go-redis client Fanzha's Redis adapters
// (session.Redis, review.Redis) share, with settings measured to fail fast on
// Debian's Redis 7.0, and a Guard that turns an outage into
// fanzha.ErrUnavailable at once, logs it once and notices the recovery.
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/fanzha/fanzha"
)

// Defaults for a client on a loopback or LAN Redis: an outage must cost a
// call a few hundred milliseconds at most, never go-redis's 5 s timeouts,
// 3 retries and 5 dial attempts (about 1.7 s per call against a dead port).
const (
	DefaultDialTimeout  = 250 * time.Millisecond
	DefaultReadTimeout  = 250 * time.Millisecond
	DefaultWriteTimeout = 250 * time.Millisecond
	DefaultMaxRetries   = 1
	DefaultRetryEvery   = 500 * time.Millisecond
	DefaultPrefix       = "fanzha:"
)

// Options tune Open. Zero values take the defaults above; timeouts set in
// the URL's query (dial_timeout, read_timeout, …) win over these.
type Options struct {
	Logger *slog.Logger
	// Prefix starts every key; DefaultPrefix when empty.
	Prefix string
	// RetryEvery is how long calls fail fast after a failure before one
	// call is let through to try Redis again.
	RetryEvery time.Duration
	// PoolSize caps connections; go-redis's default (10 per CPU) when 0.
	PoolSize int
}

// Conn is a client, its key prefix and its guard. It is safe for
// concurrent use; session.Redis and review.Redis may share one.
type Conn struct {
	Client *redis.Client
	Prefix string
	Guard  *Guard
}

// Open parses url (redis://, rediss:// or unix://) and returns a client. It
// does not connect: Ping does, and every call reconnects as needed, so a
// Redis that is down at start is only an unavailable store, not a crash.
func Open(url string, o Options) (*Conn, error) {
	if url == "" {
		return nil, errors.New("redis url is empty")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", redactErr(err, url))
	}
	ApplyDefaults(opt, hasQuery(url))
	if o.PoolSize > 0 {
		opt.PoolSize = o.PoolSize
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	quietOnce.Do(func() { redis.SetLogger(debugLogger{log.With("component", "go-redis")}) })
	prefix := o.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Conn{
		Client: redis.NewClient(opt),
		Prefix: prefix,
		Guard:  NewGuard(log.With("component", "redis"), o.RetryEvery),
	}, nil
}

// ApplyDefaults sets the fail-fast settings on opt. Timeouts and retries
// already given in the URL's query are kept when fromURL is true.
func ApplyDefaults(opt *redis.Options, fromURL map[string]bool) {
	// Debian's Redis 7.0 knows neither CLIENT SETINFO nor maintenance
	// notifications; asking costs a round trip and an error per connection.
	opt.DisableIdentity = true
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	if !fromURL["dial_timeout"] {
		opt.DialTimeout = DefaultDialTimeout
	}
	if !fromURL["read_timeout"] {
		opt.ReadTimeout = DefaultReadTimeout
	}
	if !fromURL["write_timeout"] {
		opt.WriteTimeout = DefaultWriteTimeout
	}
	if !fromURL["max_retries"] {
		opt.MaxRetries = DefaultMaxRetries
	}
	if !fromURL["pool_timeout"] {
		opt.PoolTimeout = opt.ReadTimeout + 100*time.Millisecond
	}
	if !fromURL["min_retry_backoff"] {
		opt.MinRetryBackoff = 5 * time.Millisecond
	}
	if !fromURL["max_retry_backoff"] {
		opt.MaxRetryBackoff = 50 * time.Millisecond
	}
	// One dial attempt per connection: the guard decides when to try again.
	opt.DialerRetries = 1
	// A caller's deadline bounds the socket operations too.
	opt.ContextTimeoutEnabled = true
}

func hasQuery(url string) map[string]bool {
	m := map[string]bool{}
	_, q, ok := strings.Cut(url, "?")
	if !ok {
		return m
	}
	for _, kv := range strings.Split(q, "&") {
		k, _, _ := strings.Cut(kv, "=")
		m[k] = true
	}
	return m
}

// redactErr drops the URL (which may hold a password) from a parse error.
func redactErr(err error, url string) error {
	if strings.Contains(err.Error(), url) {
		return errors.New("cannot parse the url")
	}
	return err
}

// Key returns the prefixed key made of parts joined by ':'.
func (c *Conn) Key(parts ...string) string {
	return c.Prefix + strings.Join(parts, ":")
}

// Do runs fn through the guard: while Redis is known to be down it fails
// at once with fanzha.ErrUnavailable.
func (c *Conn) Do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return c.Guard.Do(ctx, op, fn)
}

// Ping is the health probe: it always asks Redis (even while the guard
// fails calls fast) and updates the guard with the answer.
func (c *Conn) Ping(ctx context.Context) error {
	return c.Guard.Probe(ctx, "ping", func(ctx context.Context) error {
		return c.Client.Ping(ctx).Err()
	})
}

// Close closes the client.
func (c *Conn) Close() error { return c.Client.Close() }

var quietOnce sync.Once

// debugLogger routes go-redis's own messages (one per failed dial) to debug
// level: the guard already logs an outage once, at warn.
type debugLogger struct{ log *slog.Logger }

func (l debugLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...))
}

// The guard's two log messages: an outage begins (warn), it ends (info).
const (
	MsgDown = "redis unavailable; answering without shared state until it is back"
	MsgUp   = "redis available again"
)

// Guard is a small circuit breaker around Redis calls. After a call fails
// because Redis is unreachable or refusing work, further calls fail at once
// with fanzha.ErrUnavailable; every RetryEvery one call is let through, and
// its success closes the breaker. The first failure and the recovery are
// logged once each.
type Guard struct {
	log        *slog.Logger
	retryEvery time.Duration
	now        func() time.Time

	mu      sync.Mutex
	down    bool
	since   time.Time
	lastTry time.Time
	probing bool
}

// NewGuard returns a guard logging to log (nil: discard).
func NewGuard(log *slog.Logger, retryEvery time.Duration) *Guard {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if retryEvery <= 0 {
		retryEvery = DefaultRetryEvery
	}
	return &Guard{log: log, retryEvery: retryEvery, now: time.Now}
}

// Down reports whether the guard currently considers Redis unavailable.
func (g *Guard) Down() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down
}

// Do runs fn unless Redis is known to be down, and classifies its error.
func (g *Guard) Do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	probe, err := g.admit(op)
	if err != nil {
		return err
	}
	return g.done(ctx, op, probe, fn(ctx))
}

// Probe runs fn even while the guard is open and classifies its error.
func (g *Guard) Probe(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return g.done(ctx, op, false, fn(ctx))
}

func (g *Guard) admit(op string) (probe bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.down {
		return false, nil
	}
	now := g.now()
	if !g.probing && now.Sub(g.lastTry) >= g.retryEvery {
		g.probing, g.lastTry = true, now
		return true, nil
	}
	return false, fmt.Errorf("redis %s: %w", op, fanzha.ErrUnavailable)
}

func (g *Guard) done(ctx context.Context, op string, probe bool, err error) error {
	outage := err != nil && IsOutage(err) && !expired(ctx)
	g.mu.Lock()
	if probe {
		g.probing = false
	}
	now := g.now()
	switch {
	case outage && !g.down:
		g.down, g.since, g.lastTry = true, now, now
		g.mu.Unlock()
		g.log.Warn(MsgDown, "op", op, "err", err)
	case outage:
		g.lastTry = now
		g.mu.Unlock()
	case g.down && err != nil && IsOutage(err):
		// The caller gave up (its deadline) before Redis answered: that
		// proves nothing either way, so the state stays down.
		g.mu.Unlock()
	case g.down:
		since := g.since
		g.down = false
		g.mu.Unlock()
		g.log.Info(MsgUp, "op", op, "down_for", now.Sub(since).Round(time.Millisecond))
	default:
		g.mu.Unlock()
	}
	if outage {
		return fmt.Errorf("redis %s: %w: %w", op, fanzha.ErrUnavailable, err)
	}
	return err
}

// expired reports whether the caller's context is done or past its
// deadline: a socket deadline taken from the context can fire a moment
// before the context's own timer, and the caller's impatience is not an
// outage.
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// IsOutage reports whether err means Redis cannot serve us now (network
// failure, timeout, closed pool, or a server refusing work: LOADING,
// READONLY, MASTERDOWN, CLUSTERDOWN, TRYAGAIN, MISCONF, OOM, auth) rather
// than a problem with one request (redis.Nil, WRONGTYPE, a failed
// optimistic transaction, a caller's cancelled context, an error of the
// caller's own such as fanzha.ErrNotFound).
func IsOutage(err error) bool {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, redis.TxFailedErr) {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, fanzha.ErrUnavailable) {
		return true
	}
	var rerr redis.Error
	if errors.As(err, &rerr) && isReply(err) {
		msg := rerr.Error()
		for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "MISCONF", "OOM", "NOAUTH", "WRONGPASS", "NOPERM", "ERR max number of clients"} {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		return false
	}
	var nerr net.Error
	var operr *net.OpError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, redis.ErrClosed), errors.Is(err, redis.ErrPoolTimeout),
		errors.Is(err, redis.ErrPoolExhausted), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ENOENT),
		errors.As(err, &operr), errors.As(err, &nerr):
		return true
	}
	// Anything else (not found, a record that does not decode, a bad
	// argument) is about the request, not the server.
	return false
}

// isReply reports whether err is an error reply from the server (go-redis
// gives those as proto.RedisError, which implements redis.Error and has
// no Timeout method; network errors implement redis.Error's RedisError via
// wrapping only when they are replies).
func isReply(err error) bool {
	var rerr redis.Error
	if !errors.As(err, &rerr) {
		return false
	}
	var nerr net.Error
	return !errors.As(err, &nerr)
}
