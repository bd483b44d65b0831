package session

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha"
)

var _ fanzha.Inbox = (*RedisInbox)(nil)

// InboxOptions tune a RedisInbox. Zero values take the defaults noted.
type InboxOptions struct {
	// Consumer names this replica in the consumer group (hostname-pid);
	// required.
	Consumer string
	// Group is the consumer group; "bot" when empty.
	Group string
	// ClaimIdle is how long an item may go without its taker holding it
	// before another replica takes it over (XAUTOCLAIM); 30 s when zero. A
	// taker holds its items every ClaimIdle/3 (Hold), so only a crashed or
	// stuck replica loses them.
	ClaimIdle time.Duration
	// SeenTTL is how long an update id is remembered against a second Put
	// (Telegram keeps an update for 24 h); 24 h when zero.
	SeenTTL time.Duration
	// Block is how long Take waits for a new item; 1 s when zero.
	Block time.Duration
}

// RedisInbox is a fanzha.Inbox on Redis Streams, shared by replicas:
//
//	fanzha:inbox:<scope>            stream of unanswered updates (fields id, u, n);
//	                                an entry is deleted once answered (XACK + XDEL)
//	fanzha:inbox:seen:<scope>:<id>  "1", SET NX with SeenTTL: one Put per update id
//
// The consumer group "bot" hands each entry to one replica (XREADGROUP); an
// entry a replica took and stopped holding for ClaimIdle — it crashed, was
// killed, or shut down before answering — is taken over by another
// (XAUTOCLAIM), or by the same after a restart.
type RedisInbox struct {
	r *Redis
	o InboxOptions

	mu     sync.Mutex
	groups map[string]bool      // scope → group created
	claim  map[string]string    // scope → XAUTOCLAIM cursor
	last   map[string]time.Time // scope → last XAUTOCLAIM
}

// Inbox returns the store's inbox for this replica.
func (r *Redis) Inbox(o InboxOptions) *RedisInbox {
	if o.Group == "" {
		o.Group = "bot"
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = 30 * time.Second
	}
	if o.SeenTTL <= 0 {
		o.SeenTTL = 24 * time.Hour
	}
	if o.Block <= 0 {
		o.Block = time.Second
	}
	return &RedisInbox{r: r, o: o, groups: map[string]bool{}, claim: map[string]string{}, last: map[string]time.Time{}}
}

// ClaimIdle is how long an item may go unheld before it is taken over.
func (in *RedisInbox) ClaimIdle() time.Duration { return in.o.ClaimIdle }

func (in *RedisInbox) stream(scope string) string { return in.r.conn.Key("inbox", scope) }

// putScript queues an update once: SET NX of its seen key, then XADD.
// KEYS: stream, seen key. ARGV: update id, raw update, seen TTL (s), notice.
var putScript = redis.NewScript(`
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then
  redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'u', ARGV[2], 'n', ARGV[4])
  return 1
end
return 0`)

// Put queues an update unless its id was queued within SeenTTL.
func (in *RedisInbox) Put(ctx context.Context, scope string, id int64, raw []byte, notice bool) (bool, error) {
	n := "0"
	if notice {
		n = "1"
	}
	var queued bool
	err := in.r.conn.Do(ctx, "inbox put", func(ctx context.Context) error {
		keys := []string{in.stream(scope), in.r.conn.Key("inbox", "seen", scope, strconv.FormatInt(id, 10))}
		v, err := putScript.Run(ctx, in.r.conn.Client, keys, id, raw, int64(in.o.SeenTTL/time.Second), n).Int()
		queued = v == 1
		return err
	})
	return queued, err
}

func (in *RedisInbox) ensureGroup(ctx context.Context, scope string) error {
	in.mu.Lock()
	ok := in.groups[scope]
	in.mu.Unlock()
	if ok {
		return nil
	}
	err := in.r.conn.Client.XGroupCreateMkStream(ctx, in.stream(scope), in.o.Group, "0").Err()
	if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
		return err
	}
	in.mu.Lock()
	in.groups[scope] = true
	in.mu.Unlock()
	return nil
}

// Take returns up to max items: every ClaimIdle/3, items other consumers
// stopped holding (XAUTOCLAIM); otherwise new ones (XREADGROUP, waiting up
// to Block).
func (in *RedisInbox) Take(ctx context.Context, scope string, max int) ([]fanzha.InboxItem, error) {
	var out []fanzha.InboxItem
	err := in.r.conn.Do(ctx, "inbox take", func(ctx context.Context) error {
		var err error
		out, err = in.take(ctx, scope, max)
		if redis.HasErrorPrefix(err, "NOGROUP") { // Redis lost the stream
			in.mu.Lock()
			in.groups[scope] = false
			in.mu.Unlock()
			out, err = in.take(ctx, scope, max)
		}
		return err
	})
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return out, err
}

func (in *RedisInbox) take(ctx context.Context, scope string, max int) ([]fanzha.InboxItem, error) {
	if err := in.ensureGroup(ctx, scope); err != nil {
		return nil, err
	}
	cl := in.r.conn.Client
	in.mu.Lock()
	due := time.Since(in.last[scope]) >= in.o.ClaimIdle/3
	from := in.claim[scope]
	in.mu.Unlock()
	if from == "" {
		from = "0-0"
	}
	if due {
		msgs, next, err := cl.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: in.stream(scope), Group: in.o.Group, Consumer: in.o.Consumer,
			MinIdle: in.o.ClaimIdle, Start: from, Count: int64(max),
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		in.mu.Lock()
		if next == "" || next == "0-0" {
			next = "0-0"
			in.last[scope] = time.Now() // a full pass: wait before the next
		}
		in.claim[scope] = next
		in.mu.Unlock()
		if len(msgs) > 0 {
			return items(msgs, true), nil
		}
	}
	bctx, cancel := context.WithTimeout(ctx, in.o.Block+time.Second)
	defer cancel()
	res, err := cl.XReadGroup(bctx, &redis.XReadGroupArgs{
		Group: in.o.Group, Consumer: in.o.Consumer, Streams: []string{in.stream(scope), ">"}, Count: int64(max), Block: in.o.Block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []fanzha.InboxItem
	for _, s := range res {
		out = append(out, items(s.Messages, false)...)
	}
	return out, nil
}

func items(msgs []redis.XMessage, reclaimed bool) []fanzha.InboxItem {
	out := make([]fanzha.InboxItem, 0, len(msgs))
	for _, m := range msgs {
		idS, _ := m.Values["id"].(string)
		raw, _ := m.Values["u"].(string)
		n, _ := m.Values["n"].(string)
		id, _ := strconv.ParseInt(idS, 10, 64)
		it := fanzha.InboxItem{Ref: m.ID, UpdateID: id, Raw: []byte(raw), Notice: n == "1", Reclaimed: reclaimed}
		// A stream id starts with the milliseconds of its XADD.
		if ms, _, ok := strings.Cut(m.ID, "-"); ok {
			if v, err := strconv.ParseInt(ms, 10, 64); err == nil {
				it.Queued = time.UnixMilli(v)
			}
		}
		out = append(out, it)
	}
	return out
}

// Hold resets the idle time of items this replica is working on (XCLAIM
// to itself, JUSTID), so they are not taken over while it lives.
func (in *RedisInbox) Hold(ctx context.Context, scope string, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	return in.r.conn.Do(ctx, "inbox hold", func(ctx context.Context) error {
		return in.r.conn.Client.XClaimJustID(ctx, &redis.XClaimArgs{
			Stream: in.stream(scope), Group: in.o.Group, Consumer: in.o.Consumer, MinIdle: 0, Messages: refs,
		}).Err()
	})
}

// Done acknowledges and deletes an answered item.
func (in *RedisInbox) Done(ctx context.Context, scope, ref string) error {
	return in.r.conn.Do(ctx, "inbox done", func(ctx context.Context) error {
		_, err := in.r.conn.Client.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.XAck(ctx, in.stream(scope), in.o.Group, ref)
			p.XDel(ctx, in.stream(scope), ref)
			return nil
		})
		return err
	})
}
