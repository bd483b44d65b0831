package bot

import (
	"sync"
	"time"
)

// limiter is a per-user token bucket: perMinute messages a minute, in
// bursts of up to perMinute. It also remembers whether the user has been
// told they are limited, so the polite reply is sent once per episode, not
// once per dropped message.
type limiter struct {
	perMinute int
	now       func() time.Time

	mu    sync.Mutex
	users map[int64]*bucket
	swept time.Time
}

type bucket struct {
	tokens   float64
	last     time.Time
	notified bool
}

func newLimiter(perMinute int, now func() time.Time) *limiter {
	return &limiter{perMinute: perMinute, now: now, users: map[int64]*bucket{}}
}

// allow takes a token for user. When none is left it reports ok false, and
// notify true the first time in a row, so the caller says so once.
func (l *limiter) allow(user int64) (ok, notify bool) {
	if l == nil || l.perMinute <= 0 {
		return true, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b := l.users[user]
	capacity := float64(l.perMinute)
	if b == nil {
		b = &bucket{tokens: capacity, last: now}
		l.users[user] = b
	}
	b.tokens += now.Sub(b.last).Minutes() * capacity
	if b.tokens > capacity {
		b.tokens = capacity
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		b.notified = false
		return true, false
	}
	notify = !b.notified
	b.notified = true
	return false, notify
}

// sweep drops users whose bucket is full again (they are as good as new),
// at most once a minute. l.mu is held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for id, b := range l.users {
		if now.Sub(b.last) >= time.Minute {
			delete(l.users, id)
		}
	}
}
