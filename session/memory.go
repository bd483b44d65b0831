// Package session keeps conversation state for the transports: the
// accumulated assessment and language of each chat, the polling offset and
// the update ids already seen. Memory is the embedded default for a single
// process; a Redis store shared by replicas implements the same interfaces.
package session

import (
	"container/list"
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

// maxSeen bounds the update ids remembered against redelivery; past it
// the expired ones go, then any (a redelivery an hour late is rare, and
// answering twice beats growing without bound).
const maxSeen = 200_000

// Memory is an in-memory SessionStore and UpdateLog. It is safe for
// concurrent use. Expired entries are invisible at once and removed by a
// sweep on the first write after sweepEvery. With a cap (NewMemoryCap) it
// keeps at most that many sessions, forgetting the least recently used
// first, so memory stays bounded whatever the number of chats.
type Memory struct {
	// Now returns the current time; tests replace it to move time.
	Now func() time.Time

	mu       sync.Mutex
	max      int                      // 0: no cap
	maxBytes int64                    // 0: no cap
	bytes    int64                    // estimated size of the sessions kept
	sessions map[string]*list.Element // of *entry
	lru      *list.List               // front: most recently used
	evicted  uint64
	offsets  map[string]int64
	seen     map[seenKey]time.Time // expiry
	swept    time.Time
}

type entry struct {
	key     string
	s       fanzha.Session
	expires time.Time
	size    int64
}

// sizeOf estimates what a session holds in memory: its strings and a
// fixed cost per element (measured: the estimate is about 2/3 of the heap
// a session takes).
func sizeOf(key string, s *fanzha.Session) int64 {
	n := 400 + len(key) + len(s.Case) + len(s.CaseOf)
	for _, m := range s.Recent {
		n += 48 + len(m.Text)
	}
	a := &s.Assessment
	for _, f := range a.Flags {
		n += 160 + len(f.ID) + len(f.Span) + len(f.Text.ZH) + len(f.Text.EN)
	}
	for _, m := range a.Matches {
		n += 96 + len(m.ID) + len(m.Snippet)
	}
	for _, in := range a.Indicators {
		n += 48 + len(in.Value)
	}
	n += 16 * len(s.Answered)
	return int64(n)
}

type seenKey struct {
	scope string
	id    int64
}

// NewMemory returns an empty store without a cap on sessions.
func NewMemory() *Memory { return NewMemoryCap(0, 0) }

// NewMemoryCap returns an empty store that keeps at most max sessions and
// about maxBytes of them (0: no cap), evicting the least recently used.
func NewMemoryCap(max int, maxBytes int64) *Memory {
	return &Memory{
		Now:      time.Now,
		max:      max,
		maxBytes: maxBytes,
		lru:      list.New(),
		sessions: map[string]*list.Element{},
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
	el, ok := m.sessions[key]
	if !ok {
		return fanzha.Session{}, fanzha.ErrNotFound
	}
	e := el.Value.(*entry)
	if !m.Now().Before(e.expires) {
		return fanzha.Session{}, fanzha.ErrNotFound
	}
	m.lru.MoveToFront(el)
	return e.s, nil
}

// Put stores s at key for ttl.
func (m *Memory) Put(ctx context.Context, key string, s fanzha.Session, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	exp := m.Now().Add(ttl)
	size := sizeOf(key, &s)
	if el, ok := m.sessions[key]; ok {
		e := el.Value.(*entry)
		m.bytes += size - e.size
		e.s, e.expires, e.size = s, exp, size
		m.lru.MoveToFront(el)
	} else {
		m.sessions[key] = m.lru.PushFront(&entry{key: key, s: s, expires: exp, size: size})
		m.bytes += size
	}
	for m.lru.Len() > 1 && (m.max > 0 && m.lru.Len() > m.max || m.maxBytes > 0 && m.bytes > m.maxBytes) {
		m.remove(m.lru.Back())
		m.evicted++
	}
	m.wrote()
	return nil
}

// remove drops a session's element. m.mu is held.
func (m *Memory) remove(el *list.Element) {
	m.lru.Remove(el)
	e := el.Value.(*entry)
	m.bytes -= e.size
	delete(m.sessions, e.key)
}

// Evicted returns how many sessions the cap has forgotten before their
// time.
func (m *Memory) Evicted() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.evicted
}

// Delete removes the session at key.
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.sessions[key]; ok {
		m.remove(el)
	}
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
	if len(m.seen) > maxSeen {
		for k, exp := range m.seen {
			if !now.Before(exp) || len(m.seen) > maxSeen*3/4 {
				delete(m.seen, k)
			}
		}
	}
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
	for _, el := range m.sessions {
		if now.Before(el.Value.(*entry).expires) {
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
	for _, el := range m.sessions {
		if !now.Before(el.Value.(*entry).expires) {
			m.remove(el)
		}
	}
	for k, exp := range m.seen {
		if !now.Before(exp) {
			delete(m.seen, k)
		}
	}
}
