package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha"
)

// Query selects cases for the officers' console and the weekly report. Zero
// fields match everything.
type Query struct {
	Type   fanzha.ScamType
	Status fanzha.CaseStatus
	// Pending keeps only cases that still need an officer (open or
	// callback); it is ignored when Status is set.
	Pending bool
	// MinRisk keeps cases at this risk or above (RiskNone keeps all).
	MinRisk fanzha.Risk
	// District keeps the cases of one district (as the citizen chose it).
	District string
	// From and To bound the creation time: From ≤ Created < To.
	From, To time.Time
	// Offset and Limit page through the matches, newest first; Limit 0
	// returns them all.
	Offset, Limit int
}

// Match reports whether c is selected by q (ignoring Offset and Limit).
func (q Query) Match(c *fanzha.Case) bool {
	switch {
	case q.Type != "" && c.Label != q.Type,
		q.Status != "" && c.Status != q.Status,
		q.Status == "" && q.Pending && !c.Status.Pending(),
		c.Risk < q.MinRisk,
		q.District != "" && c.District != q.District,
		!q.From.IsZero() && c.Created.Before(q.From),
		!q.To.IsZero() && !c.Created.Before(q.To):
		return false
	}
	return true
}

// Page is one page of a query's matches, newest first, and how many match
// in all.
type Page struct {
	Cases []fanzha.Case
	Total int
}

// window returns the bounds of q's page among n matches.
func (q Query) window(n int) (lo, hi int) {
	lo = min(max(q.Offset, 0), n)
	hi = n
	if q.Limit > 0 {
		hi = min(lo+q.Limit, hi)
	}
	return lo, hi
}

// Query returns the cases q selects, newest first.
func (m *Memory) Query(ctx context.Context, q Query) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	type match struct {
		n int64
		c *fanzha.Case
	}
	var matches []match
	for _, c := range m.cases {
		if q.Match(c) {
			matches = append(matches, match{caseNum(c.ID), c})
		}
	}
	slices.SortFunc(matches, func(a, b match) int { return cmp.Compare(b.n, a.n) }) // newest first
	lo, hi := q.window(len(matches))
	p := Page{Total: len(matches), Cases: make([]fanzha.Case, 0, hi-lo)}
	for _, m := range matches[lo:hi] {
		p.Cases = append(p.Cases, cloneCase(m.c))
	}
	return p, nil
}

// queryBatch is how many cases one MGET reads.
const queryBatch = 1000

// Query returns the cases q selects, newest first. It reads every case
// still kept (ids from the counter down, expired ones skipped) with MGETs
// in one pipeline, filters on the few fields it needs (scanMeta), and decodes whole
// cases only for the page: fine for the tens of thousands of cases a
// retention period holds.
func (r *Redis) Query(ctx context.Context, q Query) (Page, error) {
	type hit struct {
		id  string
		raw string
	}
	var hits []hit
	err := r.conn.Do(ctx, "case query", func(ctx context.Context) error {
		seq, err := r.conn.Client.Get(ctx, r.key("case", "seq")).Int64()
		if err == redis.Nil {
			return nil
		}
		if err != nil {
			return err
		}
		p := r.conn.Client.Pipeline()
		var cmds []*redis.SliceCmd
		for hi := seq; hi >= 1; hi -= queryBatch {
			keys := make([]string, 0, min(hi, queryBatch))
			for id := hi; id > max(hi-queryBatch, 0); id-- {
				keys = append(keys, r.caseKey(strconv.FormatInt(id, 10)))
			}
			cmds = append(cmds, p.MGet(ctx, keys...))
		}
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
		id := seq
		for _, cmd := range cmds {
			for _, v := range cmd.Val() {
				s, ok := v.(string)
				cur := id
				id--
				if !ok {
					continue // expired
				}
				c, err := scanMeta([]byte(s))
				if err != nil {
					return fmt.Errorf("case %d: decode: %w", cur, err)
				}
				if q.Match(&c) {
					hits = append(hits, hit{strconv.FormatInt(cur, 10), s})
				}
			}
		}
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("query cases: %w", err)
	}
	// Ids were read from the highest down: hits are newest first already.
	lo, hi := q.window(len(hits))
	pg := Page{Total: len(hits), Cases: make([]fanzha.Case, 0, hi-lo)}
	for _, h := range hits[lo:hi] {
		c, err := decodeCase(h.id, []byte(h.raw))
		if err != nil {
			return Page{}, fmt.Errorf("query cases: %w", err)
		}
		pg.Cases = append(pg.Cases, c)
	}
	return pg, nil
}
