// Package console is the officers' web console, an http.Handler mounted
// under /console on the bot's listener: the case queue with filters, a
// case's masked excerpt, audit trail and actions (confirm, dismiss, call
// back, block an indicator) through the review package, the weekly report
// with inline SVG charts, and CSV export of the counts. Pages are
// server-rendered html/template, no script, usable on a phone.
//
// Sign-in: the bot asks SignInLink for an officer and sends the link. The
// link works once, for 10 minutes; opening it shows a button (so link
// previews cannot use it up) whose POST opens a session: a cookie that is
// HttpOnly, SameSite=Strict, Secure behind TLS. Links and sessions live in
// Tokens (Redis or memory), so any replica can redeem them. Only the
// configured officers get in; every action is audited with the officer's
// id; every form carries the session's CSRF token and a foreign Origin is
// refused.
package console

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/report"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/stats"
)

// Cases is what the console needs of the review package (review.Memory and
// review.Redis are both).
type Cases interface {
	Get(ctx context.Context, id string) (fanzha.Case, error)
	Act(ctx context.Context, id string, officer int64, action fanzha.OfficerAction) (fanzha.Case, error)
	Query(ctx context.Context, q review.Query) (review.Page, error)
	fanzha.AuditLog
	fanzha.Blocklist
}

// Options configure a Console.
type Options struct {
	// Officers may sign in; nobody else.
	Officers []int64
	// PublicURL is the origin officers reach the listener at
	// ("https://fanzha.example.org"); sign-in links start with it.
	// Required.
	PublicURL string
	// Prefix is where the console is mounted; "/console" when empty.
	Prefix string
	Cases  Cases
	// Stats and Reports feed the report page and the CSV export.
	Stats   stats.Store
	Reports *report.Builder
	// Tokens keeps links and sessions; in memory when nil (one replica).
	Tokens Tokens
	// LinkTTL is how long a sign-in link works; 10 minutes when zero.
	LinkTTL time.Duration
	// SessionTTL is how long a session lasts; 12 hours when zero.
	SessionTTL time.Duration
	// Location is the time zone of dates shown and typed (use the stats
	// store's); Asia/Shanghai when nil.
	Location *time.Location
	// TypeName names a type in Chinese; report.OfficialName when nil.
	TypeName func(fanzha.ScamType) string
	// Districts is the deployment's list, for the queue's district filter.
	Districts []string
	// PageSize is the queue's page; 50 when zero.
	PageSize int
	Now      func() time.Time
	Logger   *slog.Logger
}

// Console is the handler.
type Console struct {
	opts       Options
	officers   map[int64]bool
	mux        *http.ServeMux
	secure     bool   // PublicURL is https
	publicHost string // PublicURL's host[:port]
}

// Cookie is the session cookie's name.
const Cookie = "fanzha_console"

// New returns a console. Cases, Stats, Reports and PublicURL are required.
func New(o Options) (*Console, error) {
	if o.Cases == nil || o.Stats == nil || o.Reports == nil {
		return nil, errors.New("console: cases, stats and reports are required")
	}
	if o.Prefix == "" {
		o.Prefix = "/console"
	}
	o.Prefix = "/" + strings.Trim(o.Prefix, "/")
	if o.LinkTTL <= 0 {
		o.LinkTTL = 10 * time.Minute
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tokens == nil {
		o.Tokens = NewMemoryTokens(o.Now)
	}
	if o.Location == nil {
		o.Location = stats.Shanghai()
	}
	if o.TypeName == nil {
		o.TypeName = report.OfficialName
	}
	if o.PageSize <= 0 {
		o.PageSize = 50
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	u, err := url.Parse(o.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("console: public url %q: want http(s)://host[:port]", o.PublicURL)
	}
	c := &Console{opts: o, officers: map[int64]bool{}, secure: u.Scheme == "https", publicHost: u.Host}
	for _, id := range o.Officers {
		c.officers[id] = true
	}
	c.routes()
	return c, nil
}

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /login", c.loginPage)
	m.HandleFunc("POST /login", c.login)
	m.Handle("POST /logout", c.auth(c.logout))
	m.Handle("GET /{$}", c.auth(func(w http.ResponseWriter, r *http.Request, s *session) {
		http.Redirect(w, r, c.opts.Prefix+"/queue", http.StatusSeeOther)
	}))
	m.Handle("GET /queue", c.auth(c.queue))
	m.Handle("GET /case/{id}", c.auth(c.caseDetail))
	m.Handle("POST /case/{id}/act", c.auth(c.act))
	m.Handle("POST /case/{id}/block", c.auth(c.block))
	m.Handle("GET /report", c.auth(c.reportPage))
	m.Handle("GET /report.png", c.auth(c.reportPNG))
	m.Handle("GET /export.csv", c.auth(c.exportCSV))
	c.mux = m
}

// ServeHTTP serves the console under its prefix.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin") // not no-referrer: Chrome then sends "Origin: null" on our own forms
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	if r.URL.Path == c.opts.Prefix {
		http.Redirect(w, r, c.opts.Prefix+"/", http.StatusSeeOther)
		return
	}
	http.StripPrefix(c.opts.Prefix, c.mux).ServeHTTP(w, r)
}

// IsOfficer reports whether id may sign in.
func (c *Console) IsOfficer(id int64) bool { return c.officers[id] }

// SignInLink returns a one-time link for officer (fanzha.ErrForbidden for
// anyone else): PublicURL + Prefix + "/login?t=…".
func (c *Console) SignInLink(ctx context.Context, officer int64) (string, error) {
	if !c.officers[officer] {
		return "", fmt.Errorf("console link for %d: %w", officer, fanzha.ErrForbidden)
	}
	tok := newToken()
	if err := c.opts.Tokens.Put(ctx, hashKey("link", tok), strconv.FormatInt(officer, 10), c.opts.LinkTTL); err != nil {
		return "", err
	}
	c.opts.Logger.Info("console link issued", "officer", officer)
	return c.opts.PublicURL + c.opts.Prefix + "/login?t=" + url.QueryEscape(tok), nil
}

// session is a signed-in officer.
type session struct {
	Officer int64  `json:"officer"`
	CSRF    string `json:"csrf"`
	key     string
}

// auth wraps a handler that needs a signed-in officer: 401 without a
// session, 403 for someone no longer an officer or a POST without the
// session's CSRF token or from another origin.
func (c *Console) auth(next func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := c.session(r)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if s == nil {
			c.problem(w, http.StatusUnauthorized, "请先登录", "请在 Telegram 里向机器人发送 /console，点开收到的一次性链接登录。")
			return
		}
		if !c.officers[s.Officer] {
			c.problem(w, http.StatusForbidden, "无权访问", "该账号不在民警名单中。")
			return
		}
		if r.Method == http.MethodPost {
			if !c.sameOrigin(r) || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.CSRF)) != 1 {
				c.opts.Logger.Warn("console form refused: csrf or origin", "officer", s.Officer, "path", r.URL.Path)
				c.problem(w, http.StatusForbidden, "请求无效", "表单已过期或来源不明，请刷新页面后重试。")
				return
			}
		}
		next(w, r, s)
	})
}

func (c *Console) session(r *http.Request) (*session, error) {
	ck, err := r.Cookie(Cookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	key := hashKey("session", ck.Value)
	v, ok, err := c.opts.Tokens.Get(r.Context(), key)
	if err != nil || !ok {
		return nil, err
	}
	var s session
	if json.Unmarshal([]byte(v), &s) != nil {
		return nil, nil
	}
	s.key = key
	return &s, nil
}

// sameOrigin refuses a POST whose Origin (or, lacking it, Referer) names
// another host. Browsers send Origin on POST; SameSite=Strict already
// keeps the cookie off cross-site requests.
func (c *Console) sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		return true // not a browser; the CSRF token still guards
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	return u.Host == r.Host || u.Host == c.publicHost
}

// isTLS: the request came over TLS, here or at a proxy in front.
func (c *Console) isTLS(r *http.Request) bool {
	return c.secure || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("t")
	if tok == "" {
		c.problem(w, http.StatusUnauthorized, "请先登录", "请在 Telegram 里向机器人发送 /console，点开收到的一次性链接登录。")
		return
	}
	// Only look: a link preview that fetches this page must not use the
	// link up. The button POSTs it.
	_, ok, err := c.opts.Tokens.Get(r.Context(), hashKey("link", tok))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !ok {
		c.problem(w, http.StatusForbidden, "链接无效", "登录链接已使用或已过期（有效期10分钟，只能用一次）。请向机器人重新发送 /console。")
		return
	}
	c.render(w, http.StatusOK, "login", map[string]any{"Token": tok})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if !c.sameOrigin(r) {
		c.problem(w, http.StatusForbidden, "请求无效", "来源不明。")
		return
	}
	v, ok, err := c.opts.Tokens.Take(r.Context(), hashKey("link", r.PostFormValue("t")))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	officer, _ := strconv.ParseInt(v, 10, 64)
	if !ok || !c.officers[officer] {
		c.problem(w, http.StatusForbidden, "链接无效", "登录链接已使用或已过期（有效期10分钟，只能用一次）。请向机器人重新发送 /console。")
		return
	}
	tok := newToken()
	b, _ := json.Marshal(session{Officer: officer, CSRF: newToken()})
	if err := c.opts.Tokens.Put(r.Context(), hashKey("session", tok), string(b), c.opts.SessionTTL); err != nil {
		c.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: Cookie, Value: tok, Path: c.opts.Prefix, MaxAge: int(c.opts.SessionTTL.Seconds()),
		HttpOnly: true, Secure: c.isTLS(r), SameSite: http.SameSiteStrictMode})
	c.audit(r.Context(), officer, "console_login", "", "")
	http.Redirect(w, r, c.opts.Prefix+"/queue", http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	_ = c.opts.Tokens.Delete(r.Context(), s.key)
	http.SetCookie(w, &http.Cookie{Name: Cookie, Value: "", Path: c.opts.Prefix, MaxAge: -1, HttpOnly: true, Secure: c.isTLS(r), SameSite: http.SameSiteStrictMode})
	c.problem(w, http.StatusOK, "已退出", "需要时请向机器人发送 /console 重新登录。")
}

// audit records a console action that the review package does not audit
// itself (sign-in, blocking an indicator).
func (c *Console) audit(ctx context.Context, officer int64, what, caseID, detail string) {
	e := fanzha.AuditEntry{At: c.opts.Now(), Who: officer, What: what, CaseID: caseID, Allowed: true, Detail: detail}
	if err := c.opts.Cases.Append(ctx, e); err != nil {
		c.opts.Logger.Error("console audit failed", "officer", officer, "what", what, "case_id", caseID, "err", err)
	}
}

// fail answers an internal error: logged, never shown.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, "内部错误，请稍后再试。"
	switch {
	case errors.Is(err, fanzha.ErrNotFound):
		status, msg = http.StatusNotFound, "没有这个案件（可能已过保存期）。"
	case errors.Is(err, fanzha.ErrForbidden):
		status, msg = http.StatusForbidden, "无权操作。"
	case errors.Is(err, fanzha.ErrUnavailable):
		status, msg = http.StatusServiceUnavailable, "数据存储暂时不可用，请稍后再试。"
	}
	if status >= 500 {
		c.opts.Logger.Error("console error", "path", r.URL.Path, "err", err)
	}
	c.problem(w, status, "出错了", msg)
}

func (c *Console) problem(w http.ResponseWriter, status int, title, msg string) {
	c.render(w, status, "problem", map[string]any{"Title": title, "Message": msg})
}

// validAction reads a form's action: one the review package knows.
func validAction(a string) (fanzha.OfficerAction, bool) {
	act := fanzha.OfficerAction(a)
	_, ok := act.Status()
	return act, ok
}
