package console_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/console"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/stats"
)

func TestSignIn(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()

	t.Run("no session: 401", func(t *testing.T) {
		c := e.client(t)
		for _, p := range []string{"/console/queue", "/console/case/1", "/console/report", "/console/export.csv", "/console/"} {
			st, body, _ := c.do("GET", p, nil)
			must(t, st == http.StatusUnauthorized && strings.Contains(body, "/console"), "%s: %d", p, st)
		}
		st, _, _ := c.do("POST", "/console/case/1/act", url.Values{"action": {"confirm"}})
		must(t, st == http.StatusUnauthorized, "post: %d", st)
	})
	t.Run("not an officer gets no link", func(t *testing.T) {
		_, err := e.console.SignInLink(ctx, notOfficer)
		must(t, errors.Is(err, fanzha.ErrForbidden), "err %v", err)
	})
	t.Run("bad link: 403", func(t *testing.T) {
		c := e.client(t)
		st, _, _ := c.do("GET", "/console/login?t=forged", nil)
		must(t, st == http.StatusForbidden, "get: %d", st)
		st, _, _ = c.do("POST", "/console/login", url.Values{"t": {"forged"}})
		must(t, st == http.StatusForbidden, "post: %d", st)
	})
	t.Run("link works once, sets a strict cookie", func(t *testing.T) {
		c := e.client(t)
		link, err := e.console.SignInLink(ctx, officer)
		must(t, err == nil, "%v", err)
		u, _ := url.Parse(link)
		tok := u.Query().Get("t")
		// Looking at the link (a preview) does not use it up.
		for range 2 {
			st, _, _ := c.do("GET", u.RequestURI(), nil)
			must(t, st == 200, "look: %d", st)
		}
		st, _, h := c.do("POST", "/console/login", url.Values{"t": {tok}})
		must(t, st == http.StatusSeeOther, "sign in: %d", st)
		ck := h.Get("Set-Cookie")
		for _, want := range []string{console.Cookie + "=", "Path=/console", "HttpOnly", "SameSite=Strict"} {
			must(t, strings.Contains(ck, want), "cookie %q lacks %q", ck, want)
		}
		must(t, !strings.Contains(ck, "Secure"), "no TLS, no Secure: %q", ck)
		st, _, _ = c.do("GET", "/console/queue", nil)
		must(t, st == 200, "queue after sign-in: %d", st)
		// Second use: refused.
		st, _, _ = e.client(t).do("POST", "/console/login", url.Values{"t": {tok}})
		must(t, st == http.StatusForbidden, "reuse: %d", st)
	})
	t.Run("link expires after 10 minutes", func(t *testing.T) {
		link, _ := e.console.SignInLink(ctx, officer)
		u, _ := url.Parse(link)
		e.clk.Add(10*time.Minute + time.Second)
		st, _, _ := e.client(t).do("POST", "/console/login", url.Values{"t": {u.Query().Get("t")}})
		must(t, st == http.StatusForbidden, "expired: %d", st)
	})
	t.Run("secure cookie behind TLS", func(t *testing.T) {
		link, _ := e.console.SignInLink(ctx, officer)
		u, _ := url.Parse(link)
		req := httptest.NewRequest("POST", "/console/login", strings.NewReader(url.Values{"t": {u.Query().Get("t")}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		e.console.ServeHTTP(w, req)
		must(t, w.Code == http.StatusSeeOther && strings.Contains(w.Header().Get("Set-Cookie"), "Secure"), "%d %q", w.Code, w.Header().Get("Set-Cookie"))
	})
	t.Run("headers", func(t *testing.T) {
		_, _, h := e.client(t).do("GET", "/console/queue", nil)
		must(t, strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") && h.Get("Referrer-Policy") == "same-origin", "%v", h)
	})
}

func TestActions(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	id := e.submit(t, "他让我转到6222021234567890123，下载鑫利宝APP，网址 https://evil-pay.top/x 投资", fanzha.Investment,
		fanzha.Indicator{Kind: fanzha.IndURL, Value: "https://evil-pay.top/x"}, fanzha.Indicator{Kind: fanzha.IndApp, Value: "鑫利宝"})
	other := e.submit(t, "客服说要退款", fanzha.CustomerService)
	c := e.client(t)
	c.signIn()

	st, body, _ := c.do("GET", "/console/queue", nil)
	must(t, st == 200 && strings.Contains(body, "/console/case/"+id) && strings.Contains(body, "/console/case/"+other), "queue: %d", st)
	st, body, _ = c.do("GET", "/console/queue?type=investment&risk=high&status=open", nil)
	must(t, st == 200 && strings.Contains(body, "/console/case/"+id) && !strings.Contains(body, "/console/case/"+other+`"`), "filtered queue:\n%s", body)

	st, page, _ := c.do("GET", "/console/case/"+id, nil)
	must(t, st == 200 && strings.Contains(page, "evil-pay.top") && strings.Contains(page, "确认诈骗"), "case: %d", st)
	tok := csrf(t, page)

	// Without the form's token, or from another site: refused.
	st, _, _ = c.do("POST", "/console/case/"+id+"/act", url.Values{"action": {"confirm"}})
	must(t, st == http.StatusForbidden, "no csrf: %d", st)
	st, _, _ = c.do("POST", "/console/case/"+id+"/act", url.Values{"action": {"confirm"}, "csrf": {tok}}, "Origin", "https://evil.example")
	must(t, st == http.StatusForbidden, "foreign origin: %d", st)
	st, _, _ = c.do("POST", "/console/case/"+id+"/act", url.Values{"action": {"delete"}, "csrf": {tok}})
	must(t, st == http.StatusBadRequest, "unknown action: %d", st)
	cs, _ := e.cases.Get(ctx, id)
	must(t, cs.Status == fanzha.CaseOpen, "refused forms changed the case: %s", cs.Status)

	st, _, h := c.do("POST", "/console/case/"+id+"/act", url.Values{"action": {"confirm"}, "csrf": {tok}})
	must(t, st == http.StatusSeeOther && strings.HasPrefix(h.Get("Location"), "/console/case/"+id), "confirm: %d %v", st, h)
	cs, _ = e.cases.Get(ctx, id)
	must(t, cs.Status == fanzha.CaseConfirmed && cs.Officer == officer, "case %+v", cs)

	// Block the app (index 1) by hand too: refused with the reason (app
	// names are never blocklisted, issue 12) and audited; the URL was
	// blocklisted by the confirmation.
	st, _, _ = c.do("POST", "/console/case/"+other+"/block", url.Values{"indicator": {"0"}, "csrf": {tok}})
	must(t, st == http.StatusBadRequest, "a case without indicators: %d", st)
	st, _, body422 := c.do("POST", "/console/case/"+id+"/block", url.Values{"indicator": {"1"}, "csrf": {tok}})
	must(t, st == http.StatusUnprocessableEntity, "block an app: %d %v", st, body422)
	hits, _ := e.cases.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndApp, Value: "鑫利宝"}})
	must(t, len(hits) == 0, "blocklist %v", hits)
	hits, _ = e.cases.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndURL, Value: "evil-pay.top"}})
	must(t, len(hits) == 1, "blocklist %v", hits)

	_, page, _ = c.do("GET", "/console/case/"+id, nil)
	for _, want := range []string{"已确认诈骗", "民警 1001", "确认诈骗", "app 鑫利宝", "群众"} {
		must(t, strings.Contains(page, want), "case page lacks %q:\n%s", want, page)
	}
	audit, _ := e.cases.ByCase(ctx, id)
	var whats []string
	for _, a := range audit {
		whats = append(whats, a.What)
	}
	must(t, strings.Join(whats, ",") == "submit,confirm,block,block_refused,block_refused", "audit %v", whats)

	// The pending queue no longer lists it.
	_, body, _ = c.do("GET", "/console/queue", nil)
	must(t, !strings.Contains(body, `/console/case/`+id+`"`), "confirmed case still pending")
	st, _, _ = c.do("GET", "/console/case/99999", nil)
	must(t, st == http.StatusNotFound, "missing case: %d", st)

	// Sign out: the session is gone.
	st, _, _ = c.do("POST", "/console/logout", url.Values{"csrf": {tok}})
	must(t, st == 200, "logout %d", st)
	st, _, _ = c.do("GET", "/console/queue", nil)
	must(t, st == http.StatusUnauthorized, "after logout: %d", st)
}

func TestReportAndExport(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	for i := range 12 {
		ev := stats.Event{At: e.clk.Now().Add(-time.Duration(i) * time.Hour), Kind: stats.KindAssessed, Type: fanzha.TaskRebate,
			Risk: fanzha.RiskHigh, Lang: fanzha.ZH, Channel: stats.ChannelPrivate, District: districts[i%3], Amount: stats.AmountLT10K}
		if err := e.stats.Count(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client(t)
	c.signIn()
	st, body, _ := c.do("GET", "/console/report", nil)
	must(t, st == 200, "report %d", st)
	for _, want := range []string{"<svg", "刷单返利", "海曙区", "chart-trend", "共识别中高风险诈骗咨询12起"} {
		must(t, strings.Contains(body, want), "report page lacks %q", want)
	}
	must(t, strings.Count(body, "<svg") == 3, "three charts")
	st, img, h := c.do("GET", "/console/report.png", nil)
	must(t, st == 200 && h.Get("Content-Type") == "image/png", "png %d", st)
	_, err := png.Decode(bytes.NewReader([]byte(img)))
	must(t, err == nil, "png: %v", err)

	st, body, h = c.do("GET", "/console/export.csv?week=2026-12-02", nil)
	must(t, st == 200 && strings.HasPrefix(h.Get("Content-Type"), "text/csv"), "csv %d", st)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	must(t, err == nil && len(rows) > 1 && rows[0][0] == "day" && rows[0][10] == "count", "csv %v %v", rows, err)
	var n int
	for _, r := range rows[1:] {
		must(t, r[2] == "task_rebate" && r[3] == "刷单返利", "row %v", r)
		var k int
		for _, ch := range r[10] {
			k = k*10 + int(ch-'0')
		}
		n += k
	}
	must(t, n == 12, "csv counts sum to %d", n)
}

// Any replica redeems a link another issued, and honours its session.
func TestRedisTokensAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	open := func() console.Tokens {
		conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return console.NewRedisTokens(conn)
	}
	a := newEnv(t, envOptions{tokens: open()})
	b := newEnv(t, envOptions{tokens: open(), cases: a.cases})
	link, err := a.console.SignInLink(context.Background(), officer)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link)
	cb := b.client(t)
	st, _, h := cb.do("POST", "/console/login", url.Values{"t": {u.Query().Get("t")}})
	must(t, st == http.StatusSeeOther, "redeem on b: %d", st)
	// The same cookie on replica a.
	ca := a.client(t)
	for _, ck := range (&http.Response{Header: h}).Cookies() {
		au, _ := url.Parse(a.srv.URL + "/console/")
		ca.jar.SetCookies(au, []*http.Cookie{ck})
	}
	st, _, _ = ca.do("GET", "/console/queue", nil)
	must(t, st == 200, "session on a: %d", st)
	st, _, _ = a.client(t).do("POST", "/console/login", url.Values{"t": {u.Query().Get("t")}})
	must(t, st == http.StatusForbidden, "reuse on a: %d", st)
}
