package bot

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// latencyBuckets are the upper bounds (seconds) of the update-to-reply
// latency histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics counts what the bot does, for Prometheus: updates by kind,
// replies by risk and scam type, the update-to-reply latency histogram,
// errors by kind and the review, blocklist and follow-up events. It is a
// prometheus.Collector: register it, and client_golang writes the
// exposition format. It is safe for concurrent use.
type Metrics struct {
	mu       sync.Mutex
	updates  map[string]uint64
	replies  map[[2]string]uint64
	errors   map[string]uint64
	buckets  []uint64 // cumulative counts are computed on write
	count    uint64
	sum      float64
	limited  uint64
	dupes    uint64
	inflight int64
	// events: family → label set (`action="confirm"`, or "") → count.
	events map[string]map[string]uint64
}

// Event counters of the review, blocklist and follow-up features, and of
// replies given without memory.
const (
	famSubmitted = "fanzha_review_cases_submitted_total"
	famPosted    = "fanzha_review_cards_posted_total"
	famActions   = "fanzha_review_actions_total"
	famCommands  = "fanzha_review_commands_total"
	famBlockHits = "fanzha_blocklist_hits_total"
	famQuestions = "fanzha_followup_questions_total"
	famAnswers   = "fanzha_followup_answers_total"
	famStateless = "fanzha_stateless_replies_total"
	famInbox     = "fanzha_inbox_updates_total"
	famLate      = "fanzha_late_replies_total"
)

var eventFamilies = []struct{ name, help string }{
	{famSubmitted, "Cases citizens handed to officers (after consent)."},
	{famPosted, "Case cards posted to the review chat by this replica."},
	{famActions, "Taps on case cards, by action and outcome (done, refused: not an officer, failed)."},
	{famCommands, "Officer commands in the review chat, by command and outcome."},
	{famBlockHits, "Messages with an indicator on the blocklist of confirmed scammers."},
	{famQuestions, "Replies that ended with a type's deciding question."},
	{famAnswers, "Answers to deciding questions, by answer."},
	{famStateless, "Replies given without the conversation because the session store was unavailable."},
	{famInbox, "Updates taken in, by outcome: queued (in the Redis inbox), local (handled in this process only: memory mode or Redis down), duplicate, reclaimed (taken over from a stopped replica), done, left (left in the inbox at shutdown)."},
	{famLate, "Replies sent late, with the \"sorry for the delay\" opener."},
}

// event adds one to an event counter; labels is `k="v",…` or "".
func (m *Metrics) event(family, labels string) {
	m.mu.Lock()
	f := m.events[family]
	if f == nil {
		f = map[string]uint64{}
		m.events[family] = f
	}
	f[labels]++
	m.mu.Unlock()
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{
		updates: map[string]uint64{},
		replies: map[[2]string]uint64{},
		errors:  map[string]uint64{},
		buckets: make([]uint64, len(latencyBuckets)+1),
		events:  map[string]map[string]uint64{},
	}
}

// Update counts a received update of kind (message, callback_query, …).
func (m *Metrics) Update(kind string) {
	m.mu.Lock()
	m.updates[kind]++
	m.mu.Unlock()
}

// Reply counts an assessment reply.
func (m *Metrics) Reply(risk, typ string) {
	m.mu.Lock()
	m.replies[[2]string{risk, typ}]++
	m.mu.Unlock()
}

// Error counts an error of kind.
func (m *Metrics) Error(kind string) {
	m.mu.Lock()
	m.errors[kind]++
	m.mu.Unlock()
}

// Observe records how long an update took from receipt to handled.
func (m *Metrics) Observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	m.mu.Lock()
	m.buckets[i]++
	m.count++
	m.sum += s
	m.mu.Unlock()
}

// RateLimited counts a message dropped by the per-user limit.
func (m *Metrics) RateLimited() {
	m.mu.Lock()
	m.limited++
	m.mu.Unlock()
}

// Duplicate counts a redelivered update that was dropped.
func (m *Metrics) Duplicate() {
	m.mu.Lock()
	m.dupes++
	m.mu.Unlock()
}

func (m *Metrics) addInflight(n int64) {
	m.mu.Lock()
	m.inflight += n
	m.mu.Unlock()
}

// Snapshot returns the counters by name, for tests and logs: keys look like
// `updates{kind="message"}`, `replies{risk="high",type="police"}`,
// `errors{kind="telegram_429"}`, `rate_limited`, `duplicates`, `handled`,
// and the events without their fanzha_ prefix and _total suffix:
// `review_actions{action="confirm",outcome="refused"}`, `blocklist_hits`…
func (m *Metrics) Snapshot() map[string]uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]uint64{"rate_limited": m.limited, "duplicates": m.dupes, "handled": m.count}
	for k, v := range m.updates {
		out[fmt.Sprintf("updates{kind=%q}", k)] = v
	}
	for k, v := range m.replies {
		out[fmt.Sprintf("replies{risk=%q,type=%q}", k[0], k[1])] = v
	}
	for k, v := range m.errors {
		out[fmt.Sprintf("errors{kind=%q}", k)] = v
	}
	for fam, series := range m.events {
		name := strings.TrimSuffix(strings.TrimPrefix(fam, "fanzha_"), "_total")
		for labels, v := range series {
			if labels != "" {
				out[name+"{"+labels+"}"] = v
			} else {
				out[name] = v
			}
		}
	}
	return out
}

var _ prometheus.Collector = (*Metrics)(nil)

// Describe sends the descriptions of the metrics (prometheus.Collector).
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(m, ch) }

// Collect sends the current values (prometheus.Collector); client_golang
// writes the exposition format.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	counter := func(name, help string, value uint64, labels map[string]string) {
		names, values := split(labels)
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, names, nil), prometheus.CounterValue, float64(value), values...)
	}
	for _, k := range slices.Sorted(maps.Keys(m.updates)) {
		counter("fanzha_updates_total", "Telegram updates received, by kind.", m.updates[k], map[string]string{"kind": k})
	}
	for k, v := range m.replies {
		counter("fanzha_replies_total", "Assessment replies sent, by risk and scam type.", v, map[string]string{"risk": k[0], "type": k[1]})
	}
	for _, k := range slices.Sorted(maps.Keys(m.errors)) {
		counter("fanzha_errors_total", "Errors, by kind.", m.errors[k], map[string]string{"kind": k})
	}
	counter("fanzha_rate_limited_total", "Messages dropped by the per-user rate limit.", m.limited, nil)
	counter("fanzha_duplicate_updates_total", "Redelivered updates dropped.", m.dupes, nil)
	ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("fanzha_updates_in_flight", "Updates received and not yet handled.", nil, nil),
		prometheus.GaugeValue, float64(m.inflight))
	for _, fam := range eventFamilies {
		series := m.events[fam.name]
		if len(series) == 0 {
			counter(fam.name, fam.help, 0, nil)
			continue
		}
		for labels, v := range series {
			counter(fam.name, fam.help, v, parseLabels(labels))
		}
	}
	buckets := make(map[float64]uint64, len(latencyBuckets))
	var cum uint64
	for i, le := range latencyBuckets {
		cum += m.buckets[i]
		buckets[le] = cum
	}
	ch <- prometheus.MustNewConstHistogram(prometheus.NewDesc("fanzha_update_duration_seconds",
		"Time from receiving an update to having handled it (reply sent).", nil, nil), m.count, m.sum, buckets)
}

// split returns a label set's names and values, in name order.
func split(labels map[string]string) (names, values []string) {
	for k := range labels {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		values = append(values, labels[k])
	}
	return names, values
}

// labelPair matches one k="v" of an event's label string.
var labelPair = regexp.MustCompile(`([a-z_]+)="((?:[^"\\]|\\.)*)"`)

// parseLabels reads an event's `k="v",…` label string.
func parseLabels(s string) map[string]string {
	out := map[string]string{}
	for _, m := range labelPair.FindAllStringSubmatch(s, -1) {
		if v, err := strconv.Unquote(`"` + m[2] + `"`); err == nil {
			out[m[1]] = v
		} else {
			out[m[1]] = m[2]
		}
	}
	return out
}
