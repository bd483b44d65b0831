// Package session keeps conversation state for the transports: the
// accumulated assessment and language of each chat, the polling offset and
// the update ids already seen. Memory is the embedded default for a single
// process; a Redis store shared by replicas implements the same interfaces.
package session

import (
	"context"
	"sync"
	"time"

	"github.com/fanzha/fanzha"
)

var (
	_ fanzha.SessionStore = (*Memory)(nil)
	_ fanzha.UpdateLog    = (*Memory)(nil)
)

// sweepEvery is how often expired entries are removed (checked on writes).
const sweepEvery = 30 * time.Second

// Memory is an in-memory SessionStore and UpdateLog. It is safe for
// concurrent use. Expired entries are invisible at once and removed by a
// sweep on the first write after sweepEvery, so memory stays bounded by
// what is live.
type Memory struct {
	// Now returns the current time; tests replace it to move time.
	Now func() time.Time

	mu       sync.Mutex
	sessions map[string]entry
	offsets  map[string]int64
	seen     map[seenKey]time.Time // expiry
	swept    time.Time
}

type entry struct {
	s       fanzha.Session
	expires time.Time
}

type seenKey struct {
	scope string
	id    int64
}

// NewMemory returns an empty store.
func NewMemory() *Memory {
	return &Memory{
		Now:      time.Now,
		sessions: map[string]entry{},
		offsets:  map[string]int64{},
		seen:     map[seenKey]time.Time{},
	}
}

// Get returns the session at key, or fanzha.ErrNotFound.
func (m *Memory) Get(ctx context.Context, key string) (fanzha.Session, error) {
	if err := ctx.Err(); err != nil {
		return fanzha.Session{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.sessions[key]
	if !ok || !m.Now().Before(e.expires) {
		return fanzha.Session{}, fanzha.ErrNotFound
	}
	return e.s, nil
}

// Put stores s at key for ttl.
func (m *Memory) Put(ctx context.Context, key string, s fanzha.Session, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[key] = entry{s: s, expires: m.Now().Add(ttl)}
	m.wrote()
	return nil
}

// Delete removes the session at key.
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, key)
	return nil
}

// Offset returns the stored offset of scope, 0 when none.
func (m *Memory) Offset(ctx context.Context, scope string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offsets[scope], nil
}

// SetOffset stores offset for scope unless a larger one is stored.
func (m *Memory) SetOffset(ctx context.Context, scope string, offset int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if offset > m.offsets[scope] {
		m.offsets[scope] = offset
	}
	return nil
}

// MarkSeen records id in scope for ttl and reports whether it is new.
func (m *Memory) MarkSeen(ctx context.Context, scope string, id int64, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.Now()
	k := seenKey{scope, id}
	if exp, ok := m.seen[k]; ok && now.Before(exp) {
		return false, nil
	}
	m.seen[k] = now.Add(ttl)
	m.wrote()
	return true, nil
}

// Unmark forgets that id was seen in scope.
func (m *Memory) Unmark(ctx context.Context, scope string, id int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.seen, seenKey{scope, id})
	return nil
}

// Len returns how many live sessions the store holds.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	now, n := m.Now(), 0
	for _, e := range m.sessions {
		if now.Before(e.expires) {
			n++
		}
	}
	return n
}

// wrote sweeps expired entries now and then. m.mu is held.
func (m *Memory) wrote() {
	now := m.Now()
	if now.Sub(m.swept) < sweepEvery {
		return
	}
	m.swept = now
	for k, e := range m.sessions {
		if !now.Before(e.expires) {
			delete(m.sessions, k)
		}
	}
	for k, exp := range m.seen {
		if !now.Before(exp) {
			delete(m.seen, k)
		}
	}
}
