package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/console"
	"github.com/fanzha/fanzha/report"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/stats"
)

const (
	officer    = int64(1001)
	notOfficer = int64(666)
)

var districts = []string{"海曙区", "江北区", "北仑区"}

// clock is a time tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a console on a loopback server, with in-memory stores.
type env struct {
	clk     *clock
	cases   console.Cases
	stats   *stats.Memory
	console *console.Console
	srv     *httptest.Server
}

type envOptions struct {
	tokens console.Tokens
	cases  console.Cases
}

// newEnvWith is a console over cases (Memory or Redis).
func newEnvWith(t testing.TB, cases console.Cases) *env {
	return newEnv(t, envOptions{cases: cases})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	clk := &clock{now: time.Date(2026, 12, 2, 10, 0, 0, 0, stats.Shanghai())}
	e := &env{clk: clk, cases: o.cases}
	if o.cases == nil {
		e.cases = review.NewMemory(review.Options{Officers: []int64{officer}, Now: clk.Now})
	}
	e.stats = stats.NewMemory(stats.Options{Districts: districts, Now: clk.Now})
	rb := report.New(e.stats, e.cases, report.Options{Districts: districts, Now: clk.Now})
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	var err error
	e.console, err = console.New(console.Options{Officers: []int64{officer}, PublicURL: e.srv.URL, Cases: e.cases, Stats: e.stats, Reports: rb,
		Tokens: o.tokens, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/console/", e.console)
	mux.Handle("/console", e.console)
	return e
}

// submit adds a case from a citizen's text and assessment.
func (e *env) submit(t testing.TB, text string, label fanzha.ScamType, inds ...fanzha.Indicator) string {
	t.Helper()
	c := review.NewCase(review.CaseInput{Source: "tg:42", UserID: 42, Lang: fanzha.ZH, Text: text,
		Assessment: fanzha.Assessment{Label: label, Risk: fanzha.RiskHigh, Lang: fanzha.ZH, Indicators: inds,
			Flags: []fanzha.Flag{{ID: "transfer", Text: fanzha.Text{ZH: "要求转账"}}}}})
	id, err := e.cases.(fanzha.ReviewQueue).Submit(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// client is a browser without redirects followed.
type client struct {
	t   testing.TB
	e   *env
	hc  *http.Client
	jar *cookiejar.Jar
}

func (e *env) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, jar: jar, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values, header ...string) (int, string, http.Header) {
	c.t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = c.e.srv.URL + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", c.e.srv.URL)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrf(t testing.TB, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf token in page:\n%s", page)
	}
	return m[1]
}

// signIn opens a fresh link and presses the button.
func (c *client) signIn() {
	c.t.Helper()
	link, err := c.e.console.SignInLink(context.Background(), officer)
	if err != nil {
		c.t.Fatal(err)
	}
	u, _ := url.Parse(link)
	tok := u.Query().Get("t")
	if st, body, _ := c.do("GET", u.RequestURI(), nil); st != 200 || !strings.Contains(body, "登录") {
		c.t.Fatalf("login page: %d %s", st, body)
	}
	st, _, h := c.do("POST", "/console/login", url.Values{"t": {tok}})
	if st != http.StatusSeeOther || h.Get("Location") != "/console/queue" {
		c.t.Fatalf("sign in: %d %v", st, h)
	}
}

func must(t testing.TB, cond bool, format string, args ...any) {
	t.Helper()
	if !cond {
		t.Fatalf(format, args...)
	}
}
