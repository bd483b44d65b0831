package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha/internal/redisconn"
)

var _ Store = (*Redis)(nil)

// Redis keeps counts and samples in Redis, shared by replicas:
//
//	fanzha:counts:<2026-12-02>          hash: event key → n (expires Retention after the day)
//	fanzha:counts:samples:<2026-12-02>  list of samples, JSON (capped; expires SampleRetention after the day)
//
// A day's keys expire a retention after the day ends, so nothing needs
// sweeping. While Redis is unreachable calls fail fast with an error
// wrapping fanzha.ErrUnavailable; a lost count is not retried.
type Redis struct {
	conn  *redisconn.Conn
	owned bool
	opts  Options
}

// NewRedis returns a store on a shared connection.
func NewRedis(conn *redisconn.Conn, o Options) *Redis {
	o.setDefaults()
	return &Redis{conn: conn, opts: o}
}

// OpenRedis returns a store with its own connection to url.
func OpenRedis(url string, o Options) (*Redis, error) {
	c, err := redisconn.Open(url, redisconn.Options{})
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

// Location returns the time zone of the days.
func (r *Redis) Location() *time.Location { return r.opts.Location }

func (r *Redis) countsKey(d time.Time) string  { return r.conn.Key("counts", dayKey(d)) }
func (r *Redis) samplesKey(d time.Time) string { return r.conn.Key("counts", "samples", dayKey(d)) }

// expireAt is when a day's keys go: retention after the day's end.
func expireAt(day time.Time, keep time.Duration) time.Time { return day.AddDate(0, 0, 1).Add(keep) }

// Count adds one event: HINCRBY and EXPIREAT in one round trip.
func (r *Redis) Count(ctx context.Context, e Event) error {
	e, ok := r.opts.prepare(e)
	if !ok {
		return nil
	}
	d := Day(e.At, r.opts.Location)
	key := r.countsKey(d)
	err := r.conn.Do(ctx, "stats count", func(ctx context.Context) error {
		p := r.conn.Client.Pipeline()
		p.HIncrBy(ctx, key, e.key(), 1)
		p.ExpireAt(ctx, key, expireAt(d, r.opts.Retention))
		_, err := p.Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("count event: %w", err)
	}
	return nil
}

// Counts returns the counts of the days from ≤ day < to, in one pipeline.
func (r *Redis) Counts(ctx context.Context, from, to time.Time) ([]Count, error) {
	ds := days(from, to, r.opts.Location)
	var out []Count
	err := r.conn.Do(ctx, "stats counts", func(ctx context.Context) error {
		p := r.conn.Client.Pipeline()
		cmds := make([]*redis.MapStringStringCmd, len(ds))
		for i, d := range ds {
			cmds[i] = p.HGetAll(ctx, r.countsKey(d))
		}
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		for i, c := range cmds {
			for k, v := range c.Val() {
				n, _ := strconv.ParseInt(v, 10, 64)
				if e, ok := parseKey(k); ok && n != 0 {
					out = append(out, Count{Day: ds[i], Event: e, N: n})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read counts: %w", err)
	}
	return out, nil
}

// AddSample keeps a redacted new-script sample (the day's list is capped
// at MaxSamplesPerDay: later samples of a busy day are dropped).
func (r *Redis) AddSample(ctx context.Context, s Sample) error {
	s, ok := r.opts.prepareSample(s)
	if !ok {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	d := Day(s.At, r.opts.Location)
	key := r.samplesKey(d)
	err = r.conn.Do(ctx, "stats sample", func(ctx context.Context) error {
		n, err := r.conn.Client.LLen(ctx, key).Result()
		if err != nil || n >= int64(r.opts.MaxSamplesPerDay) {
			return err
		}
		p := r.conn.Client.Pipeline()
		p.RPush(ctx, key, b)
		p.ExpireAt(ctx, key, expireAt(d, r.opts.SampleRetention))
		_, err = p.Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("keep sample: %w", err)
	}
	return nil
}

// Samples returns the samples taken from ≤ At < to.
func (r *Redis) Samples(ctx context.Context, from, to time.Time) ([]Sample, error) {
	ds := days(from, to, r.opts.Location)
	var out []Sample
	err := r.conn.Do(ctx, "stats samples", func(ctx context.Context) error {
		p := r.conn.Client.Pipeline()
		cmds := make([]*redis.StringSliceCmd, len(ds))
		for i, d := range ds {
			cmds[i] = p.LRange(ctx, r.samplesKey(d), 0, -1)
		}
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		for _, c := range cmds {
			for _, v := range c.Val() {
				var s Sample
				if json.Unmarshal([]byte(v), &s) == nil && !s.At.Before(from) && s.At.Before(to) {
					out = append(out, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read samples: %w", err)
	}
	return out, nil
}
