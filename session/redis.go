package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redisconn"
)

var (
	_ fanzha.SessionStore = (*Redis)(nil)
	_ fanzha.UpdateLog    = (*Redis)(nil)
)

// ErrUnavailable is fanzha.ErrUnavailable: Redis cannot be reached or is
// refusing work. Callers answer statelessly and try again later; the store
// recovers by itself.
var ErrUnavailable = fanzha.ErrUnavailable

// RedisOptions tune OpenRedis.
type RedisOptions struct {
	// Logger receives one warning when Redis becomes unavailable and one
	// notice when it is back. Nil discards.
	Logger *slog.Logger
	// Prefix starts every key; "fanzha:" when empty.
	Prefix string
	// RetryEvery is how long calls fail fast after a failure before one is
	// let through to try again; 500 ms when zero.
	RetryEvery time.Duration
}

// Redis is a SessionStore and UpdateLog in Redis, shared by replicas:
//
//	fanzha:session:<key>        JSON of the Session, with the TTL as expiry
//	fanzha:offset:<scope>       next update id; only ever raised (Lua)
//	fanzha:seen:<scope>:<id>    "1", SET NX with the TTL
//
// While Redis is unreachable every call fails fast with an error wrapping
// ErrUnavailable.
type Redis struct {
	conn  *redisconn.Conn
	owned bool
}

// OpenRedis returns a store on the Redis at url (redis://, rediss:// or
// unix://; FANZHA_REDIS_URL). It does not connect yet: call Ping to check
// the server at start. Close releases the connections.
func OpenRedis(url string, o RedisOptions) (*Redis, error) {
	c, err := redisconn.Open(url, redisconn.Options{Logger: o.Logger, Prefix: o.Prefix, RetryEvery: o.RetryEvery})
	if err != nil {
		return nil, err
	}
	return &Redis{conn: c, owned: true}, nil
}

// NewRedis returns a store on an open connection shared with other
// adapters (review.Redis). Close does not close a shared connection.
func NewRedis(c *redisconn.Conn) *Redis { return &Redis{conn: c} }

// Conn returns the connection, to share with review.NewRedis.
func (r *Redis) Conn() *redisconn.Conn { return r.conn }

// Ping checks that Redis answers (the health probe). It asks Redis even
// while calls are failing fast, and a success ends the outage at once.
func (r *Redis) Ping(ctx context.Context) error { return r.conn.Ping(ctx) }

// Close closes the connection if OpenRedis made it.
func (r *Redis) Close() error {
	if r.owned {
		return r.conn.Close()
	}
	return nil
}

func (r *Redis) sessionKey(key string) string { return r.conn.Key("session", key) }

// Get returns the session at key, or fanzha.ErrNotFound.
func (r *Redis) Get(ctx context.Context, key string) (fanzha.Session, error) {
	var b []byte
	err := r.conn.Do(ctx, "session get", func(ctx context.Context) error {
		var err error
		b, err = r.conn.Client.Get(ctx, r.sessionKey(key)).Bytes()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return fanzha.Session{}, fanzha.ErrNotFound
	}
	if err != nil {
		return fanzha.Session{}, err
	}
	var s fanzha.Session
	if err := json.Unmarshal(b, &s); err != nil {
		return fanzha.Session{}, fmt.Errorf("session %s: decode: %w", key, err)
	}
	return s, nil
}

// Put stores s at key; it expires after ttl without a new Put.
func (r *Redis) Put(ctx context.Context, key string, s fanzha.Session, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("session put: ttl %v must be positive", ttl)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("session %s: encode: %w", key, err)
	}
	return r.conn.Do(ctx, "session put", func(ctx context.Context) error {
		return r.conn.Client.Set(ctx, r.sessionKey(key), b, ttl).Err()
	})
}

// Delete removes the session at key.
func (r *Redis) Delete(ctx context.Context, key string) error {
	return r.conn.Do(ctx, "session delete", func(ctx context.Context) error {
		return r.conn.Client.Del(ctx, r.sessionKey(key)).Err()
	})
}

// Offset returns the stored offset of scope, 0 when none.
func (r *Redis) Offset(ctx context.Context, scope string) (int64, error) {
	var n int64
	err := r.conn.Do(ctx, "offset get", func(ctx context.Context) error {
		var err error
		n, err = r.conn.Client.Get(ctx, r.conn.Key("offset", scope)).Int64()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

// raiseScript sets KEYS[1] to ARGV[1] only if that is larger than what is
// stored, so replicas racing to store their offsets never move it back. The
// key expires after ARGV[2] seconds without a raise: after a week without
// updates Telegram numbers the next one at random, possibly below an old
// offset, which would then hide every new update.
var raiseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local new = tonumber(ARGV[1])
if new > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return new
end
return cur`)

// offsetTTL is how long a stored offset outlives the last update: under
// the week after which Telegram restarts its numbering.
const offsetTTL = 6 * 24 * time.Hour

// SetOffset stores offset for scope unless a larger one is stored.
func (r *Redis) SetOffset(ctx context.Context, scope string, offset int64) error {
	return r.conn.Do(ctx, "offset set", func(ctx context.Context) error {
		return raiseScript.Run(ctx, r.conn.Client, []string{r.conn.Key("offset", scope)}, offset, int64(offsetTTL/time.Second)).Err()
	})
}

// MarkSeen records id in scope for ttl and reports whether it is new. SET NX
// makes it atomic across goroutines and replicas.
func (r *Redis) MarkSeen(ctx context.Context, scope string, id int64, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("mark seen: ttl %v must be positive", ttl)
	}
	var first bool
	err := r.conn.Do(ctx, "mark seen", func(ctx context.Context) error {
		var err error
		first, err = r.conn.Client.SetNX(ctx, r.conn.Key("seen", scope, strconv.FormatInt(id, 10)), "1", ttl).Result()
		return err
	})
	return first, err
}

// Unmark forgets that id was seen in scope.
func (r *Redis) Unmark(ctx context.Context, scope string, id int64) error {
	return r.conn.Do(ctx, "unmark seen", func(ctx context.Context) error {
		return r.conn.Client.Del(ctx, r.conn.Key("seen", scope, strconv.FormatInt(id, 10))).Err()
	})
}
