package stats

import (
	"context"
	"sync"
	"time"
)

var _ Store = (*Memory)(nil)

// Memory keeps counts and samples in the process: the embedded default.
// Days older than the retention are dropped as new days begin. It is safe
// for concurrent use.
type Memory struct {
	opts Options

	mu      sync.Mutex
	counts  map[string]map[string]int64 // day → event key → n
	samples map[string][]Sample         // day → samples
	pruned  string                      // the day of the last pruning
}

// NewMemory returns an empty store.
func NewMemory(o Options) *Memory {
	o.setDefaults()
	return &Memory{opts: o, counts: map[string]map[string]int64{}, samples: map[string][]Sample{}}
}

// Location returns the time zone of the days.
func (m *Memory) Location() *time.Location { return m.opts.Location }

// Count adds one event.
func (m *Memory) Count(ctx context.Context, e Event) error {
	e, ok := m.opts.prepare(e)
	if !ok {
		return nil
	}
	day := dayKey(Day(e.At, m.opts.Location))
	k := e.key()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prune()
	c := m.counts[day]
	if c == nil {
		c = map[string]int64{}
		m.counts[day] = c
	}
	c[k]++
	return nil
}

// prune drops expired days, once a day. m.mu is held.
func (m *Memory) prune() {
	now := m.opts.Now()
	today := dayKey(Day(now, m.opts.Location))
	if today == m.pruned {
		return
	}
	m.pruned = today
	counts := dayKey(Day(now.Add(-m.opts.Retention), m.opts.Location))
	samples := dayKey(Day(now.Add(-m.opts.SampleRetention), m.opts.Location))
	for d := range m.counts {
		if d < counts {
			delete(m.counts, d)
		}
	}
	for d := range m.samples {
		if d < samples {
			delete(m.samples, d)
		}
	}
}

// Counts returns the counts of the days from ≤ day < to.
func (m *Memory) Counts(ctx context.Context, from, to time.Time) ([]Count, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Count
	for _, d := range days(from, to, m.opts.Location) {
		for k, n := range m.counts[dayKey(d)] {
			if e, ok := parseKey(k); ok && n != 0 {
				out = append(out, Count{Day: d, Event: e, N: n})
			}
		}
	}
	return out, nil
}

// AddSample keeps a redacted new-script sample.
func (m *Memory) AddSample(ctx context.Context, s Sample) error {
	s, ok := m.opts.prepareSample(s)
	if !ok {
		return nil
	}
	day := dayKey(Day(s.At, m.opts.Location))
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prune()
	if len(m.samples[day]) < m.opts.MaxSamplesPerDay {
		m.samples[day] = append(m.samples[day], s)
	}
	return nil
}

// Samples returns the samples taken from ≤ At < to.
func (m *Memory) Samples(ctx context.Context, from, to time.Time) ([]Sample, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Sample
	for _, d := range days(from, to, m.opts.Location) {
		for _, s := range m.samples[dayKey(d)] {
			if !s.At.Before(from) && s.At.Before(to) {
				out = append(out, s)
			}
		}
	}
	return out, nil
}
