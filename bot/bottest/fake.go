// Package bottest is a fake Telegram Bot API server on loopback for tests:
// it routes /bot<token>/<method>, reads form-encoded, multipart and JSON
// requests like the real one, queues updates for getUpdates with the real
// offset semantics (an update is confirmed, and dropped, once getUpdates is
// called with a larger offset) and long-polls, records every call, and
// fails calls on demand (429 with retry_after, 5xx, 403…).
package bottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Token is the default bot token of a fake server.
const Token = "424242:AAF-fake_secret_part_0123456789abcdef"

// Username is the fake bot's username.
const Username = "fanzha_test_bot"

// BotID is the fake bot's user id.
const BotID = 424242

// Call is one request the server received.
type Call struct {
	Method string
	Params url.Values
	Status int // HTTP status answered
	At     time.Time
}

// ChatID returns the call's chat_id.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
	return id
}

// Text returns the call's text parameter.
func (c Call) Text() string { return c.Params.Get("text") }

// Failure makes calls to a method fail.
type Failure struct {
	// Code is the HTTP status and error_code; 0 sends a 502 with a body
	// that is not JSON, as a proxy in front of Telegram would.
	Code        int
	RetryAfter  int    // seconds, sent in parameters.retry_after
	Description string // default: Telegram's wording for the code
	ChatID      int64  // fail only calls for this chat (0: any)
	Times       int    // how many calls fail (0: 1)
	// Until, when set, makes every call fail until then (Times ignored):
	// an outage. See FailFor.
	Until time.Time
}

type stored struct {
	id  int64
	raw json.RawMessage
	at  time.Time
}

// Server is a fake Bot API server.
type Server struct {
	Token string
	srv   *httptest.Server

	mu        sync.Mutex
	updates   []stored
	nextID    int64
	calls     []Call
	failures  map[string][]*Failure
	webhook   url.Values
	wake      chan struct{}
	nextMsgID int64
	pushed    map[int64]time.Time
	closed    bool
	ok        map[string]int // successful calls by method
	files     map[string]*File
	nextFile  int
	delay     time.Duration // every call but getUpdates waits this long first
}

// File is a file the fake server holds for getFile and downloads.
type File struct {
	ID   string
	Path string // file_path, e.g. photos/file_3.jpg
	Data []byte
	// HideSize leaves file_size out of getFile and Content-Length out of
	// the download (streamed), as servers sometimes do.
	HideSize bool
	// Downloads counts the GETs of the file.
	Downloads atomic.Int64
}

// MaxDownload is the Bot API's limit on files a bot may download (20 MB):
// getFile refuses larger ones with "Bad Request: file is too big".
const MaxDownload = 20 << 20

// AddFile stores data as a file and returns it (its ID goes in a photo or
// document). name's extension becomes the file_path's.
func (s *Server) AddFile(name string, data []byte) *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string]*File{}
	}
	s.nextFile++
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ext = name[i:]
	}
	f := &File{ID: fmt.Sprintf("AgAC-file-%d", s.nextFile), Path: fmt.Sprintf("photos/file_%d%s", s.nextFile, ext), Data: data}
	s.files[f.ID] = f
	return f
}

func (s *Server) file(id string) *File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.files[id]
}

// serveFile answers GET /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, token, path string) {
	s.mu.Lock()
	var f *File
	for _, x := range s.files {
		if x.Path == path {
			f = x
		}
	}
	s.calls = append(s.calls, Call{Method: "file", Params: url.Values{"file_path": {path}}, Status: http.StatusOK, At: time.Now()})
	s.mu.Unlock()
	if token != s.Token || f == nil {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	f.Downloads.Add(1)
	if f.HideSize {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		for b := f.Data; len(b) > 0; {
			n := min(len(b), 32<<10)
			if _, err := w.Write(b[:n]); err != nil {
				return
			}
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			b = b[n:]
		}
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}

// FailFor makes every call to method fail for d from now (an outage).
func (s *Server) FailFor(method string, d time.Duration, f Failure) {
	f.Until = time.Now().Add(d)
	s.mu.Lock()
	s.failures[method] = append(s.failures[method], &f)
	s.mu.Unlock()
}

// Delay makes every call except getUpdates wait d before it is answered (a
// slow API); a client that gives up meanwhile is not answered, and the
// call does not count as successful.
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

var msgIDs atomic.Int64

// NewServer starts a fake server; it is closed when the test ends.
func NewServer(tb testing.TB) *Server {
	s := &Server{Token: Token, nextID: 1000, failures: map[string][]*Failure{}, wake: make(chan struct{}), pushed: map[int64]time.Time{}, ok: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// URL is the base URL to give the bot (FANZHA_TELEGRAM_API).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.wakeLocked()
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Push queues an update and returns its update_id (assigned when absent).
func (s *Server) Push(update map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := update["update_id"].(int64)
	if !ok {
		if n, isInt := update["update_id"].(int); isInt {
			id, ok = int64(n), true
		}
	}
	if !ok {
		id = s.nextID
		update["update_id"] = id
	}
	if id >= s.nextID {
		s.nextID = id + 1
	}
	raw, err := json.Marshal(update)
	if err != nil {
		panic(err)
	}
	now := time.Now()
	s.updates = append(s.updates, stored{id: id, raw: raw, at: now})
	s.pushed[id] = now
	s.wakeLocked()
	return id
}

// PushRaw queues a raw JSON value as an update (it may be malformed). id
// orders it and decides when it is confirmed.
func (s *Server) PushRaw(id int64, raw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id >= s.nextID {
		s.nextID = id + 1
	}
	s.updates = append(s.updates, stored{id: id, raw: json.RawMessage(raw), at: time.Now()})
	s.wakeLocked()
}

// NextID returns the update_id the next Push will get.
func (s *Server) NextID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextID
}

func (s *Server) wakeLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// Pending returns how many updates are not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// Fail makes the next f.Times calls to method fail.
func (s *Server) Fail(method string, f Failure) {
	if f.Times == 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.failures[method] = append(s.failures[method], &f)
	s.mu.Unlock()
}

// Calls returns the calls to method (all methods when empty), failed ones
// included, in order.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Count returns how many calls to method succeeded.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ok[method]
}

// Sent returns the sendMessage calls that succeeded, optionally only to
// chat (0: all).
func (s *Server) Sent(chat int64) []Call {
	var out []Call
	for _, c := range s.Calls("sendMessage") {
		if c.Status == http.StatusOK && (chat == 0 || c.ChatID() == chat) {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until the server has at least n successful calls to
// method (for chat, when not 0) and returns them. It fails the test after
// timeout.
func (s *Server) WaitCalls(tb testing.TB, method string, chat int64, n int, timeout time.Duration) []Call {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var got []Call
		for _, c := range s.Calls(method) {
			if c.Status == http.StatusOK && (chat == 0 || c.ChatID() == chat) {
				got = append(got, c)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waited %s for %d successful %s calls (chat %d), got %d", timeout, n, method, chat, len(got))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// WaitSent waits for n successful sendMessage calls to chat (0: any).
func (s *Server) WaitSent(tb testing.TB, chat int64, n int) []Call {
	tb.Helper()
	return s.WaitCalls(tb, "sendMessage", chat, n, 20*time.Second)
}

// Webhook returns the webhook parameters last set (url, secret_token…),
// nil when none is set.
func (s *Server) Webhook() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// PushedAt returns when update id was pushed.
func (s *Server) PushedAt(id int64) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushed[id]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		token, path, _ := strings.Cut(rest, "/")
		s.serveFile(w, r, token, path)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", 0)
		return
	}
	token, method, ok := strings.Cut(rest, "/")
	if !ok || token != s.Token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	params, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 && method != "getUpdates" {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client went away: nothing was done
		}
	}
	// The answer is buffered and the call recorded before it is sent, so
	// calls are recorded in the order the client made them.
	buf := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
	status := s.handle(buf, r, method, params)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Params: params, Status: status, At: time.Now()})
	if status == http.StatusOK {
		s.ok[method]++
	}
	s.mu.Unlock()
	if status == 499 {
		return // the client went away
	}
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}

// bufferedWriter holds a response until the call is recorded.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedWriter) WriteHeader(status int)      { b.status = status }

// handle answers one call and returns the HTTP status it wrote.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, method string, p url.Values) int {
	if f := s.failure(method, p); f != nil {
		if f.Code == 0 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
			return http.StatusBadGateway
		}
		desc := f.Description
		if desc == "" {
			desc = describe(f.Code, f.RetryAfter)
		}
		writeError(w, f.Code, desc, f.RetryAfter)
		return f.Code
	}
	switch method {
	case "getMe":
		return writeResult(w, map[string]any{"id": BotID, "is_bot": true, "first_name": "Fanzha", "username": Username, "can_join_groups": true})
	case "getUpdates":
		return s.getUpdates(w, r, p)
	case "sendMessage":
		chatID, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
		text := p.Get("text")
		if err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
			return http.StatusBadRequest
		}
		if msg := textError(text, p.Get("parse_mode"), "message is too long"); msg != "" {
			writeError(w, http.StatusBadRequest, msg, 0)
			return http.StatusBadRequest
		}
		s.mu.Lock()
		s.nextMsgID++
		id := s.nextMsgID + 1_000_000
		s.mu.Unlock()
		return writeResult(w, map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chatID, "type": "private"}, "text": text})
	case "getFile":
		f := s.file(p.Get("file_id"))
		switch {
		case f == nil:
			writeError(w, http.StatusBadRequest, "Bad Request: invalid file_id", 0)
			return http.StatusBadRequest
		case len(f.Data) > MaxDownload:
			writeError(w, http.StatusBadRequest, "Bad Request: file is too big", 0)
			return http.StatusBadRequest
		}
		res := map[string]any{"file_id": f.ID, "file_unique_id": "u" + f.ID, "file_path": f.Path}
		if !f.HideSize {
			res["file_size"] = len(f.Data)
		}
		return writeResult(w, res)
	case "sendPhoto":
		// An uploaded photo is recorded as "file:<name>:<bytes>" (see
		// readParams); a file_id or URL as given.
		chatID, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
		if err != nil || p.Get("photo") == "" || p.Get("photo") == "file::0" {
			writeError(w, http.StatusBadRequest, "Bad Request: there is no photo in the request", 0)
			return http.StatusBadRequest
		}
		if len([]rune(p.Get("caption"))) > 1024 {
			writeError(w, http.StatusBadRequest, "Bad Request: message caption is too long", 0)
			return http.StatusBadRequest
		}
		s.mu.Lock()
		s.nextMsgID++
		id := s.nextMsgID + 1_000_000
		s.mu.Unlock()
		return writeResult(w, map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chatID, "type": "private"},
			"photo": []map[string]any{{"file_id": fmt.Sprintf("photo%d", id), "file_unique_id": fmt.Sprintf("u%d", id), "width": 1000, "height": 1500}}})
	case "setMyCommands":
		var cmds []map[string]any
		if err := json.Unmarshal([]byte(p.Get("commands")), &cmds); err != nil || len(cmds) > 100 {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse commands JSON object", 0)
			return http.StatusBadRequest
		}
		for _, c := range cmds {
			name, _ := c["command"].(string)
			desc, _ := c["description"].(string)
			if name == "" || len(name) > 32 || desc == "" || len([]rune(desc)) > 256 {
				writeError(w, http.StatusBadRequest, "Bad Request: BOT_COMMAND_INVALID", 0)
				return http.StatusBadRequest
			}
		}
		return writeResult(w, true)
	case "answerCallbackQuery":
		if p.Get("callback_query_id") == "" {
			writeError(w, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
			return http.StatusBadRequest
		}
		return writeResult(w, true)
	case "editMessageReplyMarkup":
		return writeResult(w, true)
	case "editMessageText":
		if p.Get("message_id") == "" && p.Get("inline_message_id") == "" {
			writeError(w, http.StatusBadRequest, "Bad Request: message identifier is not specified", 0)
			return http.StatusBadRequest
		}
		if msg := textError(p.Get("text"), p.Get("parse_mode"), "MESSAGE_TOO_LONG"); msg != "" {
			writeError(w, http.StatusBadRequest, msg, 0)
			return http.StatusBadRequest
		}
		return writeResult(w, true)
	case "setWebhook":
		if p.Get("url") == "" {
			writeError(w, http.StatusBadRequest, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook", 0)
			return http.StatusBadRequest
		}
		s.mu.Lock()
		s.webhook = p
		s.mu.Unlock()
		return writeResult(w, true)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook = nil
		if p.Get("drop_pending_updates") == "true" {
			s.updates = nil
		}
		s.mu.Unlock()
		return writeResult(w, true)
	case "getWebhookInfo":
		s.mu.Lock()
		u := ""
		if s.webhook != nil {
			u = s.webhook.Get("url")
		}
		n := len(s.updates)
		s.mu.Unlock()
		return writeResult(w, map[string]any{"url": u, "has_custom_certificate": false, "pending_update_count": n})
	}
	writeError(w, http.StatusNotFound, "Not Found: method not found", 0)
	return http.StatusNotFound
}

func (s *Server) failure(method string, p url.Values) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.failures[method] {
		if !f.Until.IsZero() {
			if time.Now().Before(f.Until) && (f.ChatID == 0 || strconv.FormatInt(f.ChatID, 10) == p.Get("chat_id")) {
				return f
			}
			continue
		}
		if f.Times <= 0 {
			continue
		}
		if f.ChatID != 0 && strconv.FormatInt(f.ChatID, 10) != p.Get("chat_id") {
			continue
		}
		f.Times--
		return f
	}
	return nil
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p url.Values) int {
	offset, _ := strconv.ParseInt(p.Get("offset"), 10, 64)
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		if s.webhook != nil {
			s.mu.Unlock()
			writeError(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return http.StatusConflict
		}
		if offset != 0 {
			// Confirm: every update below offset is forgotten.
			keep := s.updates[:0]
			for _, u := range s.updates {
				if u.id >= offset {
					keep = append(keep, u)
				}
			}
			s.updates = keep
		}
		var out []json.RawMessage
		for _, u := range s.updates {
			if len(out) == limit {
				break
			}
			out = append(out, u.raw)
		}
		wake, closed := s.wake, s.closed
		s.mu.Unlock()
		if len(out) > 0 || closed || !time.Now().Before(deadline) {
			if out == nil {
				out = []json.RawMessage{}
			}
			return writeResult(w, out)
		}
		t := time.NewTimer(time.Until(deadline))
		select {
		case <-wake:
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return 499
		}
		t.Stop()
	}
}

func readParams(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, err
		}
		v := url.Values(r.MultipartForm.Value)
		for name, fhs := range r.MultipartForm.File {
			if len(fhs) > 0 {
				v.Set(name, fmt.Sprintf("file:%s:%d", fhs[0].Filename, fhs[0].Size))
			}
		}
		return v, nil
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, err
		}
		v := url.Values{}
		for k, x := range m {
			if s, ok := x.(string); ok {
				v.Set(k, s)
				continue
			}
			b, _ := json.Marshal(x)
			v.Set(k, string(b))
		}
		return v, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	v := url.Values{}
	for k, x := range r.Form {
		v[k] = x
	}
	return v, nil
}

func writeResult(w http.ResponseWriter, result any) int {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
	return http.StatusOK
}

func writeError(w http.ResponseWriter, code int, desc string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func describe(code, retryAfter int) string {
	switch code {
	case 429:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case 403:
		return "Forbidden: bot was blocked by the user"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 409:
		return "Conflict"
	}
	if code >= 500 {
		return "Internal Server Error"
	}
	return http.StatusText(code)
}

// textError is Telegram's complaint about a message text (empty, too long
// — worded as tooLong —, or broken HTML in HTML parse mode), or "".
func textError(text, parseMode, tooLong string) string {
	switch {
	case text == "":
		return "Bad Request: message text is empty"
	case utf16Len(text) > 4096:
		return "Bad Request: " + tooLong
	case parseMode == "HTML":
		if err := CheckHTML(text); err != nil {
			return "Bad Request: can't parse entities: " + err.Error()
		}
	}
	return ""
}

// CheckHTML accepts what Telegram's HTML parse mode accepts from us: the
// tags b, i, u, s, code, pre, a, balanced, and only the entities &lt; &gt;
// &amp; &quot; and numeric ones.
func CheckHTML(s string) error {
	var stack []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+j]
			i += j
			if strings.HasPrefix(tag, "/") {
				name := tag[1:]
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return fmt.Errorf("unexpected end tag %q", name)
				}
				stack = stack[:len(stack)-1]
				continue
			}
			name := tag
			if k := strings.IndexByte(tag, ' '); k >= 0 {
				name = tag[:k]
			}
			switch name {
			case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "tg-spoiler", "blockquote":
			default:
				return fmt.Errorf("unsupported start tag %q", name)
			}
			stack = append(stack, name)
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 || j > 8 {
				return fmt.Errorf("unclosed entity at byte offset %d", i)
			}
			ent := s[i+1 : i+j]
			switch {
			case ent == "lt", ent == "gt", ent == "amp", ent == "quot":
			case strings.HasPrefix(ent, "#"):
			default:
				return fmt.Errorf("unsupported entity %q", ent)
			}
			i += j
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("can't find end tag corresponding to start tag %q", stack[len(stack)-1])
	}
	return nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// --- update builders ---

// NewMessageID returns a fresh message id.
func NewMessageID() int64 { return msgIDs.Add(1) }

// User is a Telegram user object.
func User(id int64, lang string) map[string]any {
	return map[string]any{"id": id, "is_bot": false, "first_name": fmt.Sprintf("User%d", id), "language_code": lang}
}

// PrivateChat is a private chat object for user id.
func PrivateChat(id int64) map[string]any {
	return map[string]any{"id": id, "type": "private", "first_name": fmt.Sprintf("User%d", id)}
}

// GroupChat is a supergroup chat object (ids of groups are negative).
func GroupChat(id int64) map[string]any {
	return map[string]any{"id": id, "type": "supergroup", "title": "邻里群"}
}

// Message is a message object with text from user in chat.
func Message(chat map[string]any, from int64, text string) map[string]any {
	m := map[string]any{
		"message_id": NewMessageID(),
		"date":       time.Now().Unix(),
		"chat":       chat,
		"from":       User(from, "zh-hans"),
	}
	if text != "" {
		m["text"] = text
		if strings.HasPrefix(text, "/") {
			end := strings.IndexAny(text, " \n")
			if end < 0 {
				end = len(text)
			}
			m["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": utf16Len(text[:end])}}
		}
	}
	return m
}

// Private is an update with a text message from user in their private chat.
func Private(user int64, text string) map[string]any {
	return map[string]any{"message": Message(PrivateChat(user), user, text)}
}

// Group is an update with a text message from user in group chat.
func Group(chat, user int64, text string) map[string]any {
	return map[string]any{"message": Message(GroupChat(chat), user, text)}
}

// Photo is a photo message from user in chat: the file as its only
// size (width × height as the message says), with a caption if not empty.
func Photo(chat map[string]any, from int64, f *File, w, h int, caption string) map[string]any {
	m := Message(chat, from, "")
	size := map[string]any{"file_id": f.ID, "file_unique_id": "u" + f.ID, "width": w, "height": h}
	if !f.HideSize {
		size["file_size"] = len(f.Data)
	}
	thumb := map[string]any{"file_id": f.ID + "-thumb", "file_unique_id": "t" + f.ID, "width": 90, "height": 90, "file_size": 1000}
	m["photo"] = []any{thumb, size}
	if caption != "" {
		m["caption"] = caption
	}
	return m
}

// Document is a document message from user in chat: the file under name
// with mime type mt.
func Document(chat map[string]any, from int64, f *File, name, mt string) map[string]any {
	m := Message(chat, from, "")
	d := map[string]any{"file_id": f.ID, "file_unique_id": "u" + f.ID, "file_name": name, "mime_type": mt}
	if !f.HideSize {
		d["file_size"] = len(f.Data)
	}
	m["document"] = d
	return m
}

// Wrap puts a message object into an update.
func Wrap(message map[string]any) map[string]any { return map[string]any{"message": message} }

// Callback is an update with a button press by user on message (a message
// object the bot sent) with data.
func Callback(user int64, message map[string]any, data string) map[string]any {
	return map[string]any{"callback_query": map[string]any{
		"id":            fmt.Sprintf("cb%d", NewMessageID()),
		"from":          User(user, "zh-hans"),
		"message":       message,
		"chat_instance": "42",
		"data":          data,
	}}
}

// SentMessage turns a recorded sendMessage into the message object
// Telegram would attach to a callback query.
func SentMessage(c Call, chat map[string]any, id int64) map[string]any {
	m := map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": chat, "text": c.Text(), "from": map[string]any{"id": BotID, "is_bot": true, "first_name": "Fanzha", "username": Username}}
	if rm := c.Params.Get("reply_markup"); rm != "" {
		var v any
		if json.Unmarshal([]byte(rm), &v) == nil {
			m["reply_markup"] = v
		}
	}
	return m
}

// Buttons returns the callback data of the inline buttons of a recorded
// sendMessage, by button text.
func Buttons(c Call) map[string]string {
	out := map[string]string{}
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(c.Params.Get("reply_markup")), &kb) != nil {
		return out
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			out[b.Text] = b.CallbackData
		}
	}
	return out
}
