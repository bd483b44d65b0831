// Package rediscache keeps the LLM assistant's opinions in Redis (an
// assist.Cache), shared by replicas. It lives beside assist, not in
// session: conversations and opinions are different things that happen to
// share a Redis connection.
package rediscache

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist"
	"github.com/fanzha/fanzha/internal/redisconn"
)

var _ assist.Cache = (*Cache)(nil)

// Cache keeps the LLM assistant's answers in Redis, so replicas
// share them and a restart does not pay for the same text twice. Keys are
// the assistant's hashes of the normalised text: no message text is
// stored. A Redis outage only means a cache miss.
type Cache struct {
	conn *redisconn.Conn
	ttl  time.Duration
}

// New returns a cache on conn (session.Redis.Conn shares the sessions'
// connection) whose entries live for ttl.
func New(conn *redisconn.Conn, ttl time.Duration) *Cache {
	return &Cache{conn: conn, ttl: ttl}
}

func (c *Cache) key(k string) string {
	return c.conn.Key("opinion", strings.TrimPrefix(k, "fanzha:"))
}

// Get returns the cached opinion for key.
func (c *Cache) Get(ctx context.Context, key string) (fanzha.Opinion, bool) {
	var b []byte
	err := c.conn.Do(ctx, "opinion get", func(ctx context.Context) error {
		var err error
		b, err = c.conn.Client.Get(ctx, c.key(key)).Bytes()
		return err
	})
	if err != nil {
		return fanzha.Opinion{}, false
	}
	var op fanzha.Opinion
	if json.Unmarshal(b, &op) != nil {
		return fanzha.Opinion{}, false
	}
	return op, true
}

// Set stores op for key; a failure is only a lost cache entry.
func (c *Cache) Set(ctx context.Context, key string, op fanzha.Opinion) {
	b, err := json.Marshal(op)
	if err != nil {
		return
	}
	_ = c.conn.Do(ctx, "opinion set", func(ctx context.Context) error {
		return c.conn.Client.Set(ctx, c.key(key), b, c.ttl).Err()
	})
}
