package review

import (
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

// page sorts matches newest first (by case number) and cuts q's page.
func (q Query) page(matches []*fanzha.Case) Page {
	slices.SortFunc(matches, func(a, b *fanzha.Case) int {
		na, nb := caseNum(a.ID), caseNum(b.ID)
		switch {
		case na > nb:
			return -1
		case na < nb:
			return 1
		}
		return 0
	})
	p := Page{Total: len(matches)}
	lo := min(max(q.Offset, 0), len(matches))
	hi := len(matches)
	if q.Limit > 0 {
		hi = min(lo+q.Limit, hi)
	}
	p.Cases = make([]fanzha.Case, 0, hi-lo)
	for _, c := range matches[lo:hi] {
		p.Cases = append(p.Cases, cloneCase(c))
	}
	return p
}

// Query returns the cases q selects, newest first.
func (m *Memory) Query(ctx context.Context, q Query) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var matches []*fanzha.Case
	for _, c := range m.cases {
		if q.Match(c) {
			matches = append(matches, c)
		}
	}
	return q.page(matches), nil
}

// queryBatch is how many cases one MGET reads.
const queryBatch = 1000

// Query returns the cases q selects, newest first. It reads every case
// still kept (ids from the counter down, expired ones skipped) in batches
// of MGET: fine for the tens of thousands of cases a retention period
// holds.
func (r *Redis) Query(ctx context.Context, q Query) (Page, error) {
	var matches []*fanzha.Case
	err := r.conn.Do(ctx, "case query", func(ctx context.Context) error {
		seq, err := r.conn.Client.Get(ctx, r.key("case", "seq")).Int64()
		if err == redis.Nil {
			return nil
		}
		if err != nil {
			return err
		}
		keys := make([]string, 0, queryBatch)
		ids := make([]string, 0, queryBatch)
		for hi := seq; hi >= 1; hi -= queryBatch {
			keys, ids = keys[:0], ids[:0]
			for id := hi; id > max(hi-queryBatch, 0); id-- {
				s := strconv.FormatInt(id, 10)
				ids = append(ids, s)
				keys = append(keys, r.caseKey(s))
			}
			vals, err := r.conn.Client.MGet(ctx, keys...).Result()
			if err != nil {
				return err
			}
			for i, v := range vals {
				s, ok := v.(string)
				if !ok {
					continue // expired
				}
				c, err := decodeCase(ids[i], []byte(s))
				if err != nil {
					return err
				}
				if q.Match(&c) {
					matches = append(matches, &c)
				}
			}
		}
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("query cases: %w", err)
	}
	return q.page(matches), nil
}
