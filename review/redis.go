package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redisconn"
)

var (
	_ fanzha.ReviewQueue = (*Redis)(nil)
	_ fanzha.Blocklist   = (*Redis)(nil)
	_ fanzha.AuditLog    = (*Redis)(nil)
)

// RedisOptions configure Redis.
type RedisOptions struct {
	Options
	// Consumer names this replica in the consumer group; hostname-pid
	// when empty. Replicas must not share a name.
	Consumer string
	// Group is the consumer group of the replicas; "review" when empty.
	Group string
	// Block is how long one XREADGROUP waits for a new case (positive:
	// zero would block forever); 1 s when zero.
	Block time.Duration
	// MaxLen caps the case stream (approximately); 100 000 when zero.
	MaxLen int64
	// Retention is how long a case and its audit list are kept after they
	// are submitted (they hold masked personal data); one year when zero.
	Retention time.Duration
}

// Redis is the review queue, blocklist and audit log in Redis, shared by
// replicas and kept across restarts (with AOF on the server):
//
//	fanzha:cases                stream of submitted case ids; consumer group "review"
//	fanzha:case:seq             case id counter
//	fanzha:case:<id>            the case, JSON (expires after Retention)
//	fanzha:cases:entries        hash: case id → stream entry id (for XACK; the field goes at XACK)
//	fanzha:cases:pending        sorted set of cases needing an officer
//	fanzha:audit                stream of audit entries (JSON; trimmed by age, MINID AuditRetention, and count)
//	fanzha:audit:case:<id>      list of the case's audit entries (JSON; expires with the case)
//	fanzha:block:<kind>:<value> hash: confirmed case id → {label, officer, added, expires} (key expires BlockTTL after the last add)
//	fanzha:blocklist            sorted set: kind:value → expiry (Unix s), for /blocked
//	fanzha:stats:<2025-W09>     hash: type → cases, confirmed:type → confirmed (expires Retention after the week)
//
// Each replica is a consumer: XREADGROUP hands each new case to one of them;
// XACK follows the posting; a case a crashed replica held is taken over
// with XAUTOCLAIM after MinIdle. While Redis is unreachable every call fails
// fast with an error wrapping fanzha.ErrUnavailable.
type Redis struct {
	conn     *redisconn.Conn
	owned    bool
	opts     RedisOptions
	officers map[int64]bool

	mu          sync.Mutex
	groupReady  bool
	historyDone bool
	buffered    []redis.XMessage // own pending entries from a previous life
	claimFrom   string           // XAUTOCLAIM cursor
}

// NewRedis returns a queue on a connection shared with other adapters
// (session.Redis.Conn()).
func NewRedis(conn *redisconn.Conn, o RedisOptions) *Redis {
	o.setDefaults()
	if o.Consumer == "" {
		host, _ := os.Hostname()
		if host == "" {
			host = "fanzha"
		}
		o.Consumer = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if o.Group == "" {
		o.Group = "review"
	}
	if o.Block <= 0 {
		o.Block = time.Second
	}
	if o.MaxLen <= 0 {
		o.MaxLen = 100_000
	}
	if o.Retention <= 0 {
		o.Retention = 365 * 24 * time.Hour
	}
	return &Redis{conn: conn, opts: o, officers: officerSet(o.Officers), claimFrom: "0-0"}
}

// OpenRedis returns a queue with its own connection to url.
func OpenRedis(url string, o RedisOptions) (*Redis, error) {
	c, err := redisconn.Open(url, redisconn.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	r := NewRedis(c, o)
	r.owned = true
	return r, nil
}

// Close closes the connection if OpenRedis made it.
func (r *Redis) Close() error {
	if r.owned {
		return r.conn.Close()
	}
	return nil
}

// Ping checks that Redis answers (the health probe).
func (r *Redis) Ping(ctx context.Context) error { return r.conn.Ping(ctx) }

// Consumer returns this replica's name in the consumer group.
func (r *Redis) Consumer() string { return r.opts.Consumer }

// IsOfficer reports whether user may act on cases.
func (r *Redis) IsOfficer(user int64) bool { return r.officers[user] }

func (r *Redis) key(parts ...string) string { return r.conn.Key(parts...) }
func (r *Redis) stream() string             { return r.key("cases") }
func (r *Redis) caseKey(id string) string   { return r.key("case", id) }
func (r *Redis) statsKey(t time.Time) string {
	w, _ := weekOf(t, r.opts.Location)
	return r.key("stats", w)
}

// submitScript stores a case and queues it atomically.
// KEYS: case, stream, entries, pending, stats, audit, case audit.
// ARGV: id, case JSON, label, maxlen, audit JSON, retention seconds, audit
// min id.
var submitScript = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[6])
local entry = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'case', ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], entry)
redis.call('ZADD', KEYS[4], tonumber(ARGV[1]), ARGV[1])
redis.call('HINCRBY', KEYS[5], ARGV[3], 1)
redis.call('EXPIRE', KEYS[5], ARGV[6] + 1209600)
redis.call('XADD', KEYS[6], 'MINID', '~', ARGV[7], '*', 'entry', ARGV[5])
redis.call('RPUSH', KEYS[7], ARGV[5])
redis.call('EXPIRE', KEYS[7], ARGV[6])
return entry`)

// Submit stores c as a new open case and queues it for the replicas.
func (r *Redis) Submit(ctx context.Context, c fanzha.Case) (string, error) {
	c, err := prepare(c, r.opts.Now())
	if err != nil {
		return "", err
	}
	err = r.conn.Do(ctx, "case submit", func(ctx context.Context) error {
		n, err := r.conn.Client.Incr(ctx, r.key("case", "seq")).Result()
		if err != nil {
			return err
		}
		c.ID = strconv.FormatInt(n, 10)
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		e, err := json.Marshal(submitEntry(c))
		if err != nil {
			return err
		}
		keys := []string{r.caseKey(c.ID), r.stream(), r.key("cases", "entries"), r.key("cases", "pending"),
			r.statsKey(c.Created), r.key("audit"), r.key("audit", "case", c.ID)}
		return submitScript.Run(ctx, r.conn.Client, keys, c.ID, b, string(c.Label), r.opts.MaxLen, e, int64(r.opts.Retention/time.Second), r.auditMinID()).Err()
	})
	if err != nil {
		return "", fmt.Errorf("submit case: %w", err)
	}
	r.opts.Logger.Info("case submitted", "case_id", c.ID, "label", c.Label, "risk", c.Risk)
	return c.ID, nil
}

// ensureGroup creates the consumer group (reading the stream from its
// start, so cases submitted before any replica listened are not missed).
func (r *Redis) ensureGroup(ctx context.Context) error {
	r.mu.Lock()
	ready := r.groupReady
	r.mu.Unlock()
	if ready {
		return nil
	}
	err := r.conn.Client.XGroupCreateMkStream(ctx, r.stream(), r.opts.Group, "0").Err()
	if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
		return err
	}
	r.mu.Lock()
	r.groupReady = true
	r.mu.Unlock()
	return nil
}

func isNoGroup(err error) bool { return redis.HasErrorPrefix(err, "NOGROUP") }

// Next waits for the next case to post to the review chat: first cases this
// consumer held before a restart, then cases other consumers held for more
// than MinIdle without acknowledging (XAUTOCLAIM), then new ones
// (XREADGROUP, blocking at most Block per call).
func (r *Redis) Next(ctx context.Context) (fanzha.Case, error) {
	for {
		if err := ctxErr(ctx); err != nil {
			return fanzha.Case{}, err
		}
		var c fanzha.Case
		var found bool
		err := r.conn.Do(ctx, "case next", func(ctx context.Context) error {
			var err error
			c, found, err = r.next(ctx)
			if isNoGroup(err) { // the stream was deleted (or Redis lost it)
				r.mu.Lock()
				r.groupReady = false
				r.mu.Unlock()
				c, found, err = r.next(ctx)
			}
			return err
		})
		if err != nil {
			if err := ctxErr(ctx); err != nil {
				return fanzha.Case{}, err
			}
			return fanzha.Case{}, fmt.Errorf("next case: %w", err)
		}
		if found {
			return c, nil
		}
	}
}

// ctxErr is ctx.Err, or DeadlineExceeded once the deadline has passed even
// if the context's timer has not fired yet (a socket deadline taken from
// the context can fire first).
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func (r *Redis) next(ctx context.Context) (fanzha.Case, bool, error) {
	if err := r.ensureGroup(ctx); err != nil {
		return fanzha.Case{}, false, err
	}
	msg, ok, err := r.take(ctx)
	if err != nil || !ok {
		return fanzha.Case{}, false, err
	}
	id, _ := msg.Values["case"].(string)
	c, err := r.get(ctx, id)
	if errors.Is(err, fanzha.ErrNotFound) {
		// A stream entry without its case: nothing to post.
		r.opts.Logger.Warn("queued case has no record; dropping it", "case_id", id, "entry", msg.ID)
		return fanzha.Case{}, false, r.conn.Client.XAck(ctx, r.stream(), r.opts.Group, msg.ID).Err()
	}
	if err != nil {
		return fanzha.Case{}, false, err
	}
	return c, true, nil
}

// take returns one stream entry for this consumer.
func (r *Redis) take(ctx context.Context) (redis.XMessage, bool, error) {
	cl := r.conn.Client
	r.mu.Lock()
	historyDone := r.historyDone
	r.mu.Unlock()
	if !historyDone {
		// Entries delivered to this consumer name and never acknowledged
		// (the same replica, restarted): once, at start.
		res, err := cl.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: r.opts.Group, Consumer: r.opts.Consumer, Streams: []string{r.stream(), "0"}, Count: 100, Block: -1,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return redis.XMessage{}, false, err
		}
		r.mu.Lock()
		for _, s := range res {
			r.buffered = append(r.buffered, s.Messages...)
		}
		r.historyDone = true
		r.mu.Unlock()
	}
	r.mu.Lock()
	if len(r.buffered) > 0 {
		m := r.buffered[0]
		r.buffered = r.buffered[1:]
		r.mu.Unlock()
		return m, true, nil
	}
	from := r.claimFrom
	r.mu.Unlock()

	msgs, next, err := cl.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: r.stream(), Group: r.opts.Group, Consumer: r.opts.Consumer,
		MinIdle: r.opts.MinIdle, Start: from, Count: 1,
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return redis.XMessage{}, false, err
	}
	r.mu.Lock()
	r.claimFrom = next
	if next == "" {
		r.claimFrom = "0-0"
	}
	r.mu.Unlock()
	if len(msgs) > 0 {
		r.opts.Logger.Info("case taken over from an idle consumer", "entry", msgs[0].ID, "consumer", r.opts.Consumer)
		return msgs[0], true, nil
	}

	bctx, cancel := context.WithTimeout(ctx, r.opts.Block+redisconn.DefaultReadTimeout+500*time.Millisecond)
	defer cancel()
	res, err := cl.XReadGroup(bctx, &redis.XReadGroupArgs{
		Group: r.opts.Group, Consumer: r.opts.Consumer, Streams: []string{r.stream(), ">"}, Count: 1, Block: r.opts.Block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return redis.XMessage{}, false, nil
	}
	if err != nil {
		return redis.XMessage{}, false, err
	}
	for _, s := range res {
		if len(s.Messages) > 0 {
			return s.Messages[0], true, nil
		}
	}
	return redis.XMessage{}, false, nil
}

// Ack records that the case was posted (XACK).
func (r *Redis) Ack(ctx context.Context, id string) error {
	err := r.conn.Do(ctx, "case ack", func(ctx context.Context) error {
		entry, err := r.conn.Client.HGet(ctx, r.key("cases", "entries"), id).Result()
		if errors.Is(err, redis.Nil) {
			return fmt.Errorf("case %s: %w", id, fanzha.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = r.conn.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.XAck(ctx, r.stream(), r.opts.Group, entry)
			p.HDel(ctx, r.key("cases", "entries"), id) // needed only until posted
			return nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("ack case: %w", err)
	}
	return nil
}

// Get returns the case, or fanzha.ErrNotFound.
func (r *Redis) Get(ctx context.Context, id string) (fanzha.Case, error) {
	var c fanzha.Case
	err := r.conn.Do(ctx, "case get", func(ctx context.Context) error {
		var err error
		c, err = r.get(ctx, id)
		return err
	})
	return c, err
}

func (r *Redis) get(ctx context.Context, id string) (fanzha.Case, error) {
	if !validCaseID(id) {
		return fanzha.Case{}, fmt.Errorf("case %q: %w", id, fanzha.ErrNotFound)
	}
	b, err := r.conn.Client.Get(ctx, r.caseKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return fanzha.Case{}, fmt.Errorf("case %s: %w", id, fanzha.ErrNotFound)
	}
	if err != nil {
		return fanzha.Case{}, err
	}
	return decodeCase(id, b)
}

func decodeCase(id string, b []byte) (fanzha.Case, error) {
	var c fanzha.Case
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("case %s: decode: %w", id, err)
	}
	c.ID = id
	return c, nil
}

// Act applies an officer's action. A non-officer gets fanzha.ErrForbidden;
// the attempt is audited either way. The case, its place in the pending
// set, the blocklist, the counters and the audit log change in one
// transaction (WATCH/MULTI).
func (r *Redis) Act(ctx context.Context, id string, officer int64, action fanzha.OfficerAction) (fanzha.Case, error) {
	now := r.opts.Now()
	if !r.officers[officer] {
		r.opts.Logger.Warn("case action refused: not an officer", "case_id", id, "user_id", officer, "action", action)
		if err := r.Append(ctx, refusedEntry(now, officer, id, action)); err != nil {
			r.opts.Logger.Error("audit of a refused action failed", "case_id", id, "user_id", officer, "err", err)
		}
		return fanzha.Case{}, fmt.Errorf("case %s: user %d: %w", id, officer, fanzha.ErrForbidden)
	}
	if _, ok := action.Status(); !ok {
		return fanzha.Case{}, fmt.Errorf("case %s: unknown action %q", id, action)
	}
	var out fanzha.Case
	err := r.conn.Do(ctx, "case act", func(ctx context.Context) error {
		for attempt := 0; attempt < 20; attempt++ {
			err := r.conn.Client.Watch(ctx, func(tx *redis.Tx) error {
				c, err := r.getTx(ctx, tx, id)
				if err != nil {
					return err
				}
				prev, err := apply(&c, officer, action, now)
				if err != nil {
					return err
				}
				b, err := json.Marshal(c)
				if err != nil {
					return err
				}
				e, err := json.Marshal(actEntry(now, officer, &c, action, prev))
				if err != nil {
					return err
				}
				_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, r.caseKey(id), b, redis.KeepTTL)
					if c.Status.Pending() {
						p.ZAdd(ctx, r.key("cases", "pending"), redis.Z{Score: float64(caseNum(id)), Member: id})
					} else {
						p.ZRem(ctx, r.key("cases", "pending"), id)
					}
					r.audit(ctx, p, id, e)
					switch {
					case c.Status == fanzha.CaseConfirmed && prev != fanzha.CaseConfirmed:
						r.addBlock(ctx, p, now, officer, id, c.Label, c.Indicators)
						p.HIncrBy(ctx, r.statsKey(c.Created), confirmedPrefix+string(c.Label), 1)
					case prev == fanzha.CaseConfirmed && c.Status != fanzha.CaseConfirmed:
						r.removeBlock(ctx, p, now, officer, id, c.Indicators)
						p.HIncrBy(ctx, r.statsKey(c.Created), confirmedPrefix+string(c.Label), -1)
					}
					return nil
				})
				if err == nil {
					out = c
				}
				return err
			}, r.caseKey(id))
			if errors.Is(err, redis.TxFailedErr) {
				continue // another officer acted at the same moment: read again
			}
			return err
		}
		return fmt.Errorf("case %s: too much contention", id)
	})
	if err != nil {
		return fanzha.Case{}, fmt.Errorf("act on case: %w", err)
	}
	r.opts.Logger.Info("case action", "case_id", id, "officer", officer, "action", action, "status", out.Status)
	return out, nil
}

func (r *Redis) getTx(ctx context.Context, tx *redis.Tx, id string) (fanzha.Case, error) {
	if !validCaseID(id) {
		return fanzha.Case{}, fmt.Errorf("case %q: %w", id, fanzha.ErrNotFound)
	}
	b, err := tx.Get(ctx, r.caseKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return fanzha.Case{}, fmt.Errorf("case %s: %w", id, fanzha.ErrNotFound)
	}
	if err != nil {
		return fanzha.Case{}, err
	}
	return decodeCase(id, b)
}

// Pending lists up to limit cases still needing an officer, oldest first.
func (r *Redis) Pending(ctx context.Context, limit int) ([]fanzha.Case, error) {
	var out []fanzha.Case
	err := r.conn.Do(ctx, "case pending", func(ctx context.Context) error {
		stop := int64(-1)
		if limit > 0 {
			stop = int64(limit - 1)
		}
		ids, err := r.conn.Client.ZRange(ctx, r.key("cases", "pending"), 0, stop).Result()
		if err != nil || len(ids) == 0 {
			return err
		}
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = r.caseKey(id)
		}
		vals, err := r.conn.Client.MGet(ctx, keys...).Result()
		if err != nil {
			return err
		}
		for i, v := range vals {
			s, ok := v.(string)
			if !ok {
				// The case expired (Retention): it leaves the queue too.
				r.conn.Client.ZRem(ctx, r.key("cases", "pending"), ids[i])
				continue
			}
			c, err := decodeCase(ids[i], []byte(s))
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// Stats compares the week containing at with the week before.
func (r *Redis) Stats(ctx context.Context, at time.Time) (fanzha.WeekStats, error) {
	_, start := weekOf(at, r.opts.Location)
	var this, last map[string]string
	err := r.conn.Do(ctx, "stats", func(ctx context.Context) error {
		p := r.conn.Client.Pipeline()
		a := p.HGetAll(ctx, r.statsKey(at))
		b := p.HGetAll(ctx, r.statsKey(start.AddDate(0, 0, -7)))
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		this, last = a.Val(), b.Val()
		return nil
	})
	if err != nil {
		return fanzha.WeekStats{}, err
	}
	return buildStats(at, r.opts.Location, ints(this), ints(last)), nil
}

func ints(m map[string]string) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		n, _ := strconv.ParseInt(v, 10, 64)
		out[k] = n
	}
	return out
}

// Blocklist.

func (r *Redis) blockKey(in fanzha.Indicator) string { return r.key("block", blockKey(in)) }

func (r *Redis) addBlock(ctx context.Context, p redis.Pipeliner, now time.Time, officer int64, caseID string, label fanzha.ScamType, inds []fanzha.Indicator) []fanzha.BlockRefusal {
	ok, refused := blockable(inds)
	exp := now.Add(r.opts.BlockTTL)
	v := blockVal{Label: label, Officer: officer, Added: now.Unix(), Expires: exp.Unix()}.encode()
	for _, in := range ok {
		k := r.blockKey(in)
		p.HSet(ctx, k, caseID, v)
		p.Expire(ctx, k, r.opts.BlockTTL) // relative: Redis keeps its own time
		p.ZAddGT(ctx, r.key("blocklist"), redis.Z{Score: float64(exp.Unix()), Member: blockKey(in)})
	}
	for _, e := range blockAudit(now, officer, caseID, "block", ok, refused) {
		b, _ := json.Marshal(e)
		r.audit(ctx, p, caseID, b)
	}
	return refused
}

func (r *Redis) removeBlock(ctx context.Context, p redis.Pipeliner, now time.Time, officer int64, caseID string, inds []fanzha.Indicator) {
	ok := normalizeAll(inds)
	for _, in := range ok {
		p.HDel(ctx, r.blockKey(in), caseID)
	}
	for _, e := range blockAudit(now, officer, caseID, "unblock", ok, nil) {
		b, _ := json.Marshal(e)
		r.audit(ctx, p, caseID, b)
	}
}

// Add blocklists what may be of a confirmed case's indicators.
func (r *Redis) Add(ctx context.Context, officer int64, caseID string, label fanzha.ScamType, inds []fanzha.Indicator) ([]fanzha.BlockRefusal, error) {
	var refused []fanzha.BlockRefusal
	err := r.conn.Do(ctx, "block add", func(ctx context.Context) error {
		_, err := r.conn.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			refused = r.addBlock(ctx, p, r.opts.Now(), officer, caseID, label, inds)
			return nil
		})
		return err
	})
	return refused, err
}

// Remove takes a case's indicators off the blocklist.
func (r *Redis) Remove(ctx context.Context, caseID string, inds []fanzha.Indicator) error {
	return r.conn.Do(ctx, "block remove", func(ctx context.Context) error {
		_, err := r.conn.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			r.removeBlock(ctx, p, r.opts.Now(), 0, caseID, inds)
			return nil
		})
		return err
	})
}

// Lookup returns the indicators found on the blocklist, in one round trip.
func (r *Redis) Lookup(ctx context.Context, inds []fanzha.Indicator) ([]fanzha.BlockHit, error) {
	norm := normalizeAll(inds)
	if len(norm) == 0 {
		return nil, nil
	}
	found := map[fanzha.Indicator]map[string]blockVal{}
	err := r.conn.Do(ctx, "block lookup", func(ctx context.Context) error {
		p := r.conn.Client.Pipeline()
		cmds := map[fanzha.Indicator]*redis.MapStringStringCmd{}
		for _, in := range norm {
			for _, k := range lookupKeys(in) {
				if cmds[k] == nil {
					cmds[k] = p.HGetAll(ctx, r.blockKey(k))
				}
			}
		}
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		for k, c := range cmds {
			if len(c.Val()) > 0 {
				found[k] = decodeBlockVals(c.Val())
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blocklist lookup: %w", err)
	}
	return lookup(inds, r.opts.Now(), func(k fanzha.Indicator) map[string]blockVal { return found[k] }), nil
}

func decodeBlockVals(m map[string]string) map[string]blockVal {
	out := make(map[string]blockVal, len(m))
	for id, s := range m {
		out[id] = decodeBlockVal(s)
	}
	return out
}

// List returns live entries whose value contains query, newest first.
func (r *Redis) List(ctx context.Context, query string, limit int) ([]fanzha.BlockEntry, error) {
	now := r.opts.Now()
	var out []fanzha.BlockEntry
	err := r.conn.Do(ctx, "block list", func(ctx context.Context) error {
		idx := r.key("blocklist")
		cl := r.conn.Client
		if err := cl.ZRemRangeByScore(ctx, idx, "-inf", strconv.FormatInt(now.Unix(), 10)).Err(); err != nil {
			return err
		}
		members, err := cl.ZRevRangeByScore(ctx, idx, &redis.ZRangeBy{Min: "(" + strconv.FormatInt(now.Unix(), 10), Max: "+inf", Count: 10_000}).Result()
		if err != nil {
			return err
		}
		var ins []fanzha.Indicator
		for _, m := range members {
			if in, ok := parseBlockKey(m); ok && matches(in, query) {
				ins = append(ins, in)
			}
		}
		p := cl.Pipeline()
		cmds := make([]*redis.MapStringStringCmd, len(ins))
		for i, in := range ins {
			cmds[i] = p.HGetAll(ctx, r.blockKey(in))
		}
		if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		for i, in := range ins {
			for id, v := range decodeBlockVals(cmds[i].Val()) {
				if v.live(now) {
					out = append(out, v.entry(in, id))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blocklist list: %w", err)
	}
	sortEntries(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Unblock removes every entry of an indicator, audited.
func (r *Redis) Unblock(ctx context.Context, officer int64, in fanzha.Indicator) (int, error) {
	now := r.opts.Now()
	n := 0
	err := r.conn.Do(ctx, "block remove", func(ctx context.Context) error {
		cases, err := r.conn.Client.HKeys(ctx, r.blockKey(in)).Result()
		if err != nil {
			return err
		}
		n = len(cases)
		_, err = r.conn.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Del(ctx, r.blockKey(in))
			p.ZRem(ctx, r.key("blocklist"), blockKey(in))
			for _, id := range cases {
				for _, e := range blockAudit(now, officer, id, "unblock", []fanzha.Indicator{in}, nil) {
					b, _ := json.Marshal(e)
					r.audit(ctx, p, id, b)
				}
			}
			return nil
		})
		return err
	})
	return n, err
}

// auditMinID is the oldest audit stream id kept: AuditRetention ago.
func (r *Redis) auditMinID() string {
	return strconv.FormatInt(r.opts.Now().Add(-r.opts.AuditRetention).UnixMilli(), 10) + "-0"
}

// audit queues an audit entry: on the stream (trimmed by age, MINID, and by
// count) and on the case's own list (which expires with the case: set
// here only when it has no expiry yet).
func (r *Redis) audit(ctx context.Context, p redis.Pipeliner, caseID string, e []byte) {
	p.XAdd(ctx, &redis.XAddArgs{Stream: r.key("audit"), MinID: r.auditMinID(), Approx: true, Values: []any{"entry", e}})
	p.XTrimMaxLenApprox(ctx, r.key("audit"), 10*r.opts.MaxLen, 0)
	if caseID != "" {
		k := r.key("audit", "case", caseID)
		p.RPush(ctx, k, e)
		p.ExpireNX(ctx, k, r.opts.Retention)
	}
}

// Audit log.

// Append adds an entry to the audit log.
func (r *Redis) Append(ctx context.Context, e fanzha.AuditEntry) error {
	if e.At.IsZero() {
		e.At = r.opts.Now()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return r.conn.Do(ctx, "audit append", func(ctx context.Context) error {
		_, err := r.conn.Client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			// The stream keeps AuditRetention (and about MaxLen×10
			// entries); each case's own list keeps all of its history.
			r.audit(ctx, p, e.CaseID, b)
			return nil
		})
		return err
	})
}

// ByCase returns a case's audit entries, oldest first.
func (r *Redis) ByCase(ctx context.Context, caseID string) ([]fanzha.AuditEntry, error) {
	var raw []string
	err := r.conn.Do(ctx, "audit by case", func(ctx context.Context) error {
		var err error
		raw, err = r.conn.Client.LRange(ctx, r.key("audit", "case", caseID), 0, -1).Result()
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]fanzha.AuditEntry, 0, len(raw))
	for _, s := range raw {
		var e fanzha.AuditEntry
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return nil, fmt.Errorf("audit entry: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Recent returns up to n latest audit entries, newest first.
func (r *Redis) Recent(ctx context.Context, n int) ([]fanzha.AuditEntry, error) {
	var msgs []redis.XMessage
	err := r.conn.Do(ctx, "audit recent", func(ctx context.Context) error {
		var err error
		msgs, err = r.conn.Client.XRevRangeN(ctx, r.key("audit"), "+", "-", int64(n)).Result()
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]fanzha.AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		s, _ := m.Values["entry"].(string)
		var e fanzha.AuditEntry
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return nil, fmt.Errorf("audit entry %s: %w", m.ID, err)
		}
		out = append(out, e)
	}
	return out, nil
}
