package bot

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds (seconds) of the update-to-reply
// latency histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics counts what the bot does, for Prometheus. It writes the text
// exposition format itself (no client library): updates by kind, replies by
// risk and scam type, the update-to-reply latency histogram and errors by
// kind. It is safe for concurrent use.
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

// WriteTo writes the metrics in the Prometheus text exposition format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	m.mu.Lock()
	counter := func(name, help string, vals map[string]uint64, label string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
		for _, k := range sortedKeys(vals) {
			fmt.Fprintf(&b, "%s{%s=\"%s\"} %d\n", name, label, escapeLabel(k), vals[k])
		}
	}
	counter("fanzha_updates_total", "Telegram updates received, by kind.", m.updates, "kind")
	fmt.Fprintf(&b, "# HELP fanzha_replies_total Assessment replies sent, by risk and scam type.\n# TYPE fanzha_replies_total counter\n")
	rk := make([][2]string, 0, len(m.replies))
	for k := range m.replies {
		rk = append(rk, k)
	}
	sort.Slice(rk, func(i, j int) bool {
		if rk[i][0] != rk[j][0] {
			return rk[i][0] < rk[j][0]
		}
		return rk[i][1] < rk[j][1]
	})
	for _, k := range rk {
		fmt.Fprintf(&b, "fanzha_replies_total{risk=\"%s\",type=\"%s\"} %d\n", escapeLabel(k[0]), escapeLabel(k[1]), m.replies[k])
	}
	counter("fanzha_errors_total", "Errors, by kind.", m.errors, "kind")
	fmt.Fprintf(&b, "# HELP fanzha_rate_limited_total Messages dropped by the per-user rate limit.\n# TYPE fanzha_rate_limited_total counter\nfanzha_rate_limited_total %d\n", m.limited)
	fmt.Fprintf(&b, "# HELP fanzha_duplicate_updates_total Redelivered updates dropped.\n# TYPE fanzha_duplicate_updates_total counter\nfanzha_duplicate_updates_total %d\n", m.dupes)
	fmt.Fprintf(&b, "# HELP fanzha_updates_in_flight Updates received and not yet handled.\n# TYPE fanzha_updates_in_flight gauge\nfanzha_updates_in_flight %d\n", m.inflight)
	for _, fam := range eventFamilies {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", fam.name, fam.help, fam.name)
		series := m.events[fam.name]
		if len(series) == 0 {
			fmt.Fprintf(&b, "%s 0\n", fam.name)
			continue
		}
		for _, labels := range sortedKeys(series) {
			if labels == "" {
				fmt.Fprintf(&b, "%s %d\n", fam.name, series[labels])
			} else {
				fmt.Fprintf(&b, "%s{%s} %d\n", fam.name, labels, series[labels])
			}
		}
	}
	name := "fanzha_update_duration_seconds"
	fmt.Fprintf(&b, "# HELP %s Time from receiving an update to having handled it (reply sent).\n# TYPE %s histogram\n", name, name)
	var cum uint64
	for i, le := range latencyBuckets {
		cum += m.buckets[i]
		fmt.Fprintf(&b, "%s_bucket{le=\"%s\"} %d\n", name, strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	fmt.Fprintf(&b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", name, m.count, name, strconv.FormatFloat(m.sum, 'g', -1, 64), name, m.count)
	m.mu.Unlock()
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// ServeHTTP serves the metrics at /metrics.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = m.WriteTo(w)
}

func sortedKeys(m map[string]uint64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
