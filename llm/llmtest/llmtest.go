// Package llmtest is a fake OpenAI-compatible server for tests: it serves
// POST /v1/chat/completions on loopback with the real wire format, records
// every request, and answers from a queue of scripted replies — a good
// answer, a malformed one, a 429 with Retry-After, an HTML 502, a hang.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Reply is one scripted response.
type Reply struct {
	// Status is the HTTP status (default 200).
	Status int
	// Header is added to the response.
	Header map[string]string
	// ContentType of Body (default application/json).
	ContentType string
	// Body, when set, is sent as it is. Otherwise Content is wrapped in a
	// chat completion object.
	Body string
	// Content is the assistant message content of a chat completion.
	Content string
	// Delay holds the answer back (the request's cancellation ends it).
	Delay time.Duration
}

// Request is one recorded request.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
	Chat         openai.ChatCompletionRequest
}

// Server is the fake provider.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	queue    []Reply
	fallback Reply
	requests []Request
}

// NewServer starts a fake provider on loopback. Without queued replies it
// answers Default. Close it when done.
func NewServer() *Server {
	s := &Server{fallback: Answer("none", "none", []string{"no sign of fraud"}, "")}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// BaseURL is the base URL to configure: the server URL plus /v1.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Enqueue adds replies, used in order, one per request.
func (s *Server) Enqueue(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, r...)
}

// Default sets the reply used when the queue is empty.
func (s *Server) Default(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = r
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns the number of requests received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	_ = json.Unmarshal(body, &req.Chat)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	rep := s.fallback
	if len(s.queue) > 0 {
		rep, s.queue = s.queue[0], s.queue[1:]
	}
	s.mu.Unlock()

	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r) // like a real server: a plain-text 404
		return
	}
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	ct := rep.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	body = []byte(rep.Body)
	if rep.Body == "" {
		body = Completion(req.Chat.Model, rep.Content)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Completion is a chat completion response body carrying content.
func Completion(model, content string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content},
			"finish_reason": "stop",
		}},
		"usage": map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
	})
	return b
}

// Answer is a 200 reply whose content is the opinion JSON the client asks for.
func Answer(label, risk string, reasons []string, question string) Reply {
	b, _ := json.Marshal(map[string]any{"label": label, "risk": risk, "reasons": reasons, "next_question": question})
	return Reply{Content: string(b)}
}

// Content is a 200 reply with this exact message content.
func Content(s string) Reply { return Reply{Content: s} }

// APIError is an error reply in the OpenAI format.
func APIError(status int, typ, message string) Reply {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": message, "type": typ, "code": nil}})
	return Reply{Status: status, Body: string(b)}
}

// RateLimited is a 429 in the OpenAI format with Retry-After in seconds.
func RateLimited(seconds int) Reply {
	r := APIError(http.StatusTooManyRequests, "rate_limit_exceeded", "Rate limit reached")
	r.Header = map[string]string{"Retry-After": fmt.Sprint(seconds)}
	return r
}

// HTML is an HTML error page, as a proxy in front of the model serves.
func HTML(status int) Reply {
	return Reply{Status: status, ContentType: "text/html", Body: fmt.Sprintf("<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>", status, http.StatusText(status), status, http.StatusText(status))}
}

// Hang answers after d (or never, for a client that gives up sooner).
func Hang(d time.Duration) Reply {
	r := Answer("investment", "high", []string{"late"}, "")
	r.Delay = d
	return r
}
