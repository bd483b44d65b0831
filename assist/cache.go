package assist

import (
	"container/list"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/fanzha/fanzha"
)

// Cache remembers the assistant's raw opinions (before the safety floor,
// which is applied again on every use) by key. Keys are opaque strings
// that already carry a namespace ("fanzha:llm:v1:<sha256>"), so a Redis
// implementation can use them as they are. Implementations must be safe
// for concurrent use and must return by the context's deadline; a failing
// Get is a miss and a failing Set is ignored (the implementation may log
// and count it).
type Cache interface {
	Get(ctx context.Context, key string) (fanzha.Opinion, bool)
	Set(ctx context.Context, key string, op fanzha.Opinion)
}

// NoCache is a Cache that remembers nothing.
var NoCache Cache = noCache{}

type noCache struct{}

func (noCache) Get(context.Context, string) (fanzha.Opinion, bool) { return fanzha.Opinion{}, false }
func (noCache) Set(context.Context, string, fanzha.Opinion)        {}

// MemoryCache is an in-process LRU cache whose entries expire after a TTL.
type MemoryCache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	ll    *list.List // front: most recently used
	items map[string]*list.Element
	now   func() time.Time
}

type entry struct {
	key     string
	op      fanzha.Opinion
	expires time.Time
}

var _ Cache = (*MemoryCache)(nil)

// NewMemoryCache returns a cache of at most size entries (default 4096),
// each kept for ttl (default 24h).
func NewMemoryCache(size int, ttl time.Duration) *MemoryCache {
	if size <= 0 {
		size = 4096
	}
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &MemoryCache{size: size, ttl: ttl, ll: list.New(), items: map[string]*list.Element{}, now: time.Now}
}

// Get returns the opinion stored under key, if it has not expired.
func (c *MemoryCache) Get(_ context.Context, key string) (fanzha.Opinion, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return fanzha.Opinion{}, false
	}
	en := el.Value.(*entry)
	if c.now().After(en.expires) {
		c.ll.Remove(el)
		delete(c.items, key)
		return fanzha.Opinion{}, false
	}
	c.ll.MoveToFront(el)
	return clone(en.op), true
}

// Set stores op under key, evicting the least recently used entry when full.
func (c *MemoryCache) Set(_ context.Context, key string, op fanzha.Opinion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if el, ok := c.items[key]; ok {
		el.Value = &entry{key: key, op: clone(op), expires: exp}
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&entry{key: key, op: clone(op), expires: exp})
	for c.ll.Len() > c.size {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*entry).key)
	}
}

// Len returns the number of entries (expired ones included until touched).
func (c *MemoryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

func clone(op fanzha.Opinion) fanzha.Opinion {
	op.Reasons = slices.Clone(op.Reasons)
	return op
}
