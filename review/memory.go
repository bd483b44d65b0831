package review

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fanzha/fanzha"
)

var (
	_ fanzha.ReviewQueue = (*Memory)(nil)
	_ fanzha.Blocklist   = (*Memory)(nil)
	_ fanzha.AuditLog    = (*Memory)(nil)
)

// Memory is the in-process review queue, blocklist and audit log: the
// embedded default for a single bot. Everything is lost when the process
// ends. It is safe for concurrent use.
type Memory struct {
	opts     Options
	officers map[int64]bool

	mu       sync.Mutex
	seq      int64
	cases    map[string]*fanzha.Case
	queue    []string             // submitted, not yet delivered
	inflight map[string]time.Time // delivered by Next, not acknowledged: when
	wake     chan struct{}        // closed and replaced on Submit
	audit    []fanzha.AuditEntry
	block    map[string]map[string]blockVal // kind:value → case → entry
	stats    map[string]map[string]int64    // week → type → count
}

// NewMemory returns an empty queue.
func NewMemory(o Options) *Memory {
	o.setDefaults()
	return &Memory{
		opts:     o,
		officers: officerSet(o.Officers),
		cases:    map[string]*fanzha.Case{},
		inflight: map[string]time.Time{},
		wake:     make(chan struct{}),
		block:    map[string]map[string]blockVal{},
		stats:    map[string]map[string]int64{},
	}
}

// IsOfficer reports whether user may act on cases.
func (m *Memory) IsOfficer(user int64) bool { return m.officers[user] }

// Submit stores c as a new open case and queues it.
func (m *Memory) Submit(ctx context.Context, c fanzha.Case) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := m.opts.Now()
	c, err := prepare(c, now)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	m.seq++
	c.ID = strconv.FormatInt(m.seq, 10)
	m.cases[c.ID] = &c
	m.queue = append(m.queue, c.ID)
	m.count(c.Created, string(c.Label), 1)
	m.audit = append(m.audit, submitEntry(c))
	close(m.wake)
	m.wake = make(chan struct{})
	m.mu.Unlock()
	m.opts.Logger.Info("case submitted", "case_id", c.ID, "label", c.Label, "risk", c.Risk)
	return c.ID, nil
}

func submitEntry(c fanzha.Case) fanzha.AuditEntry {
	return fanzha.AuditEntry{At: c.Created, Who: c.UserID, What: "submit", CaseID: c.ID, Allowed: true,
		Detail: fmt.Sprintf("label=%s risk=%s consent=%t", c.Label, c.Risk, c.Consent)}
}

// count adds n to a week's counter. m.mu is held.
func (m *Memory) count(created time.Time, field string, n int64) {
	week, _ := weekOf(created, m.opts.Location)
	if m.stats[week] == nil {
		m.stats[week] = map[string]int64{}
	}
	m.stats[week][field] += n
}

// Next returns the next case to post: one delivered earlier and never
// acknowledged for MinIdle first, else the oldest undelivered. It waits
// until there is one or ctx is done.
func (m *Memory) Next(ctx context.Context) (fanzha.Case, error) {
	for {
		if err := ctx.Err(); err != nil {
			return fanzha.Case{}, err
		}
		m.mu.Lock()
		now := m.opts.Now()
		wait := m.opts.MinIdle
		var stale string
		for id, at := range m.inflight {
			idle := now.Sub(at)
			if idle >= m.opts.MinIdle && (stale == "" || caseNum(id) < caseNum(stale)) {
				stale = id
			}
			wait = min(wait, m.opts.MinIdle-idle)
		}
		id := stale
		if id == "" && len(m.queue) > 0 {
			id, m.queue = m.queue[0], m.queue[1:]
		}
		if id != "" {
			m.inflight[id] = now
			c := cloneCase(m.cases[id])
			m.mu.Unlock()
			return c, nil
		}
		wake := m.wake
		m.mu.Unlock()
		t := time.NewTimer(max(min(wait, time.Second), time.Millisecond))
		select {
		case <-ctx.Done():
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Ack records that the case was posted.
func (m *Memory) Ack(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cases[id]; !ok {
		return fmt.Errorf("ack case %s: %w", id, fanzha.ErrNotFound)
	}
	delete(m.inflight, id)
	return nil
}

// Get returns the case, or fanzha.ErrNotFound.
func (m *Memory) Get(ctx context.Context, id string) (fanzha.Case, error) {
	if err := ctx.Err(); err != nil {
		return fanzha.Case{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.cases[id]
	if !ok {
		return fanzha.Case{}, fmt.Errorf("case %s: %w", id, fanzha.ErrNotFound)
	}
	return cloneCase(c), nil
}

// Act applies an officer's action. A non-officer gets fanzha.ErrForbidden;
// the attempt is audited either way.
func (m *Memory) Act(ctx context.Context, id string, officer int64, action fanzha.OfficerAction) (fanzha.Case, error) {
	if err := ctx.Err(); err != nil {
		return fanzha.Case{}, err
	}
	now := m.opts.Now()
	if !m.officers[officer] {
		m.mu.Lock()
		m.audit = append(m.audit, refusedEntry(now, officer, id, action))
		m.mu.Unlock()
		m.opts.Logger.Warn("case action refused: not an officer", "case_id", id, "user_id", officer, "action", action)
		return fanzha.Case{}, fmt.Errorf("case %s: user %d: %w", id, officer, fanzha.ErrForbidden)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.cases[id]
	if !ok {
		return fanzha.Case{}, fmt.Errorf("case %s: %w", id, fanzha.ErrNotFound)
	}
	prev, err := apply(c, officer, action, now)
	if err != nil {
		return fanzha.Case{}, err
	}
	m.audit = append(m.audit, actEntry(now, officer, c, action, prev))
	switch {
	case c.Status == fanzha.CaseConfirmed && prev != fanzha.CaseConfirmed:
		m.addBlock(now, officer, c.ID, c.Label, c.Indicators)
		m.count(c.Created, confirmedPrefix+string(c.Label), 1)
	case prev == fanzha.CaseConfirmed && c.Status != fanzha.CaseConfirmed:
		m.removeBlock(now, officer, c.ID, c.Indicators)
		m.count(c.Created, confirmedPrefix+string(c.Label), -1)
	}
	m.opts.Logger.Info("case action", "case_id", id, "officer", officer, "action", action, "status", c.Status)
	return cloneCase(c), nil
}

func refusedEntry(now time.Time, who int64, id string, action fanzha.OfficerAction) fanzha.AuditEntry {
	e := fanzha.AuditEntry{At: now, Who: who, What: string(action), CaseID: id, Allowed: false, Detail: "refused: not an officer"}
	// Button data can be forged: an id that is not a case id is noted,
	// clipped, in the entry but does not open a per-case audit list.
	if !validCaseID(id) {
		if len(id) > 32 {
			id = id[:32]
		}
		e.CaseID, e.Detail = "", fmt.Sprintf("refused: not an officer (case id %q)", id)
	}
	if len(e.What) > 32 {
		e.What = e.What[:32]
	}
	return e
}

func actEntry(now time.Time, officer int64, c *fanzha.Case, action fanzha.OfficerAction, prev fanzha.CaseStatus) fanzha.AuditEntry {
	return fanzha.AuditEntry{At: now, Who: officer, What: string(action), CaseID: c.ID, Allowed: true,
		Detail: fmt.Sprintf("status %s → %s", prev, c.Status)}
}

// Pending lists up to limit cases still needing an officer, oldest first.
func (m *Memory) Pending(ctx context.Context, limit int) ([]fanzha.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []fanzha.Case
	for _, c := range m.cases {
		if c.Status.Pending() {
			out = append(out, cloneCase(c))
		}
	}
	slices.SortFunc(out, func(a, b fanzha.Case) int { return int(caseNum(a.ID) - caseNum(b.ID)) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Stats compares the week containing at with the week before.
func (m *Memory) Stats(ctx context.Context, at time.Time) (fanzha.WeekStats, error) {
	if err := ctx.Err(); err != nil {
		return fanzha.WeekStats{}, err
	}
	key, start := weekOf(at, m.opts.Location)
	last, _ := weekOf(start.AddDate(0, 0, -7), m.opts.Location)
	m.mu.Lock()
	defer m.mu.Unlock()
	return buildStats(at, m.opts.Location, m.stats[key], m.stats[last]), nil
}

// Add blocklists what may be of a confirmed case's indicators.
func (m *Memory) Add(ctx context.Context, officer int64, caseID string, label fanzha.ScamType, inds []fanzha.Indicator) ([]fanzha.BlockRefusal, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addBlock(m.opts.Now(), officer, caseID, label, inds), nil
}

// addBlock adds and audits. m.mu is held.
func (m *Memory) addBlock(now time.Time, officer int64, caseID string, label fanzha.ScamType, inds []fanzha.Indicator) []fanzha.BlockRefusal {
	ok, refused := blockable(inds)
	v := blockVal{Label: label, Officer: officer, Added: now.Unix(), Expires: now.Add(m.opts.BlockTTL).Unix()}
	for _, in := range ok {
		k := blockKey(in)
		if m.block[k] == nil {
			m.block[k] = map[string]blockVal{}
		}
		m.block[k][caseID] = v
	}
	m.audit = append(m.audit, blockAudit(now, officer, caseID, "block", ok, refused)...)
	return refused
}

// Remove takes a case's indicators off the blocklist.
func (m *Memory) Remove(ctx context.Context, caseID string, inds []fanzha.Indicator) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.removeBlock(m.opts.Now(), 0, caseID, inds)
	return nil
}

func (m *Memory) removeBlock(now time.Time, officer int64, caseID string, inds []fanzha.Indicator) {
	var removed []fanzha.Indicator
	for _, in := range normalizeAll(inds) {
		k := blockKey(in)
		if _, ok := m.block[k][caseID]; ok {
			removed = append(removed, in)
		}
		delete(m.block[k], caseID)
		if len(m.block[k]) == 0 {
			delete(m.block, k)
		}
	}
	m.audit = append(m.audit, blockAudit(now, officer, caseID, "unblock", removed, nil)...)
}

// Lookup returns the indicators found on the blocklist.
func (m *Memory) Lookup(ctx context.Context, inds []fanzha.Indicator) ([]fanzha.BlockHit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return lookup(inds, m.opts.Now(), func(k fanzha.Indicator) map[string]blockVal { return m.block[blockKey(k)] }), nil
}

// List returns live entries whose value contains query, newest first.
func (m *Memory) List(ctx context.Context, query string, limit int) ([]fanzha.BlockEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Now()
	var out []fanzha.BlockEntry
	for k, cases := range m.block {
		in, _ := parseBlockKey(k)
		if !matches(in, query) {
			continue
		}
		for id, v := range cases {
			if v.live(now) {
				out = append(out, v.entry(in, id))
			}
		}
	}
	sortEntries(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Unblock removes every entry of an indicator, audited.
func (m *Memory) Unblock(ctx context.Context, officer int64, in fanzha.Indicator) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := blockKey(in)
	n := len(m.block[k])
	now := m.opts.Now()
	for id := range m.block[k] {
		m.audit = append(m.audit, blockAudit(now, officer, id, "unblock", []fanzha.Indicator{in}, nil)...)
	}
	delete(m.block, k)
	return n, nil
}

// lookup runs a blocklist lookup over get, which returns case → label for
// a normalised indicator.
func lookup(inds []fanzha.Indicator, now time.Time, get func(fanzha.Indicator) map[string]blockVal) []fanzha.BlockHit {
	var hits []fanzha.BlockHit
	seen := map[fanzha.Indicator]bool{}
	for _, in := range normalizeAll(inds) {
		for _, k := range lookupKeys(in) {
			if seen[k] {
				continue
			}
			seen[k] = true
			if h, ok := makeHit(k, now, get(k)); ok {
				hits = append(hits, h)
				break
			}
		}
	}
	return hits
}

func makeHit(k fanzha.Indicator, now time.Time, cases map[string]blockVal) (fanzha.BlockHit, bool) {
	h := fanzha.BlockHit{Indicator: k}
	for id, v := range cases {
		if v.live(now) {
			h.Cases = append(h.Cases, id)
		}
	}
	if len(h.Cases) == 0 {
		return fanzha.BlockHit{}, false
	}
	slices.SortFunc(h.Cases, func(a, b string) int { return int(caseNum(a) - caseNum(b)) })
	h.Label = cases[h.Cases[len(h.Cases)-1]].Label
	return h, true
}

// Append adds an entry to the audit log.
func (m *Memory) Append(ctx context.Context, e fanzha.AuditEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = m.opts.Now()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audit = append(m.audit, e)
	return nil
}

// ByCase returns a case's audit entries, oldest first.
func (m *Memory) ByCase(ctx context.Context, caseID string) ([]fanzha.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []fanzha.AuditEntry
	for _, e := range m.audit {
		if e.CaseID == caseID {
			out = append(out, e)
		}
	}
	return out, nil
}

// Recent returns up to n latest audit entries, newest first.
func (m *Memory) Recent(ctx context.Context, n int) ([]fanzha.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []fanzha.AuditEntry
	for i := len(m.audit) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, m.audit[i])
	}
	return out, nil
}

func cloneCase(c *fanzha.Case) fanzha.Case {
	out := *c
	out.Flags = slices.Clone(c.Flags)
	out.Indicators = slices.Clone(c.Indicators)
	out.History = slices.Clone(c.History)
	return out
}
