package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha/internal/redisconn"
)

// Tokens keeps sign-in links and sessions where every replica can read
// them. Keys are already hashed by the console: a leaked store holds no
// usable token.
type Tokens interface {
	// Put stores value under key for ttl.
	Put(ctx context.Context, key, value string, ttl time.Duration) error
	// Take returns the value and deletes it in one step (single use);
	// ok false when the key is unknown or expired.
	Take(ctx context.Context, key string) (value string, ok bool, err error)
	// Get returns the value; ok false when unknown or expired.
	Get(ctx context.Context, key string) (value string, ok bool, err error)
	// Delete forgets key.
	Delete(ctx context.Context, key string) error
}

// newToken returns a random URL-safe token (256 bits).
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashKey is the store key of a token.
func hashKey(kind, token string) string {
	h := sha256.Sum256([]byte(token))
	return kind + ":" + hex.EncodeToString(h[:])
}

// MemoryTokens is Tokens in the process: for a single replica.
type MemoryTokens struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]memToken
}

type memToken struct {
	value string
	until time.Time
}

// NewMemoryTokens returns an empty store; now is time.Now when nil.
func NewMemoryTokens(now func() time.Time) *MemoryTokens {
	if now == nil {
		now = time.Now
	}
	return &MemoryTokens{now: now, m: map[string]memToken{}}
}

func (t *MemoryTokens) Put(ctx context.Context, key, value string, ttl time.Duration) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for k, v := range t.m { // sweep: the map holds a few sessions at most
		if !now.Before(v.until) {
			delete(t.m, k)
		}
	}
	t.m[key] = memToken{value, now.Add(ttl)}
	return nil
}

func (t *MemoryTokens) Take(ctx context.Context, key string) (string, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.m[key]
	delete(t.m, key)
	if !ok || !t.now().Before(v.until) {
		return "", false, nil
	}
	return v.value, true, nil
}

func (t *MemoryTokens) Get(ctx context.Context, key string) (string, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.m[key]
	if !ok || !t.now().Before(v.until) {
		return "", false, nil
	}
	return v.value, true, nil
}

func (t *MemoryTokens) Delete(ctx context.Context, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
	return nil
}

// RedisTokens is Tokens in Redis, shared by replicas:
//
//	fanzha:console:link:<sha256>     officer id (expires after the link's 10 minutes; GETDEL on use)
//	fanzha:console:session:<sha256>  session JSON (expires with the session)
type RedisTokens struct {
	conn *redisconn.Conn
}

// NewRedisTokens returns a store on a shared connection.
func NewRedisTokens(conn *redisconn.Conn) *RedisTokens { return &RedisTokens{conn: conn} }

func (t *RedisTokens) key(k string) string { return t.conn.Key("console", k) }

func (t *RedisTokens) Put(ctx context.Context, key, value string, ttl time.Duration) error {
	err := t.conn.Do(ctx, "console put", func(ctx context.Context) error {
		return t.conn.Client.Set(ctx, t.key(key), value, ttl).Err()
	})
	if err != nil {
		return fmt.Errorf("console token: %w", err)
	}
	return nil
}

func (t *RedisTokens) Take(ctx context.Context, key string) (string, bool, error) {
	return t.get(ctx, key, true)
}

func (t *RedisTokens) Get(ctx context.Context, key string) (string, bool, error) {
	return t.get(ctx, key, false)
}

func (t *RedisTokens) get(ctx context.Context, key string, del bool) (string, bool, error) {
	var v string
	var ok bool
	err := t.conn.Do(ctx, "console get", func(ctx context.Context) error {
		var err error
		if del {
			v, err = t.conn.Client.GetDel(ctx, t.key(key)).Result()
		} else {
			v, err = t.conn.Client.Get(ctx, t.key(key)).Result()
		}
		if errors.Is(err, redis.Nil) {
			return nil
		}
		ok = err == nil
		return err
	})
	if err != nil {
		return "", false, fmt.Errorf("console token: %w", err)
	}
	return v, ok, nil
}

func (t *RedisTokens) Delete(ctx context.Context, key string) error {
	err := t.conn.Do(ctx, "console delete", func(ctx context.Context) error {
		return t.conn.Client.Del(ctx, t.key(key)).Err()
	})
	if err != nil {
		return fmt.Errorf("console token: %w", err)
	}
	return nil
}
