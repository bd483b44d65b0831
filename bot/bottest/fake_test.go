package bottest_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/bot/bottest"
)

type apiResp struct {
	Ok          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func call(t *testing.T, s *bottest.Server, token, method, contentType string, body *bytes.Buffer) (int, apiResp) {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+token+"/"+method, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r apiResp
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, r
}

func form(v url.Values) *bytes.Buffer { return bytes.NewBufferString(v.Encode()) }

const formType = "application/x-www-form-urlencoded"

func TestFakeWireFormat(t *testing.T) {
	s := bottest.NewServer(t)
	t.Run("wrong token", func(t *testing.T) {
		code, r := call(t, s, "1:nope", "getMe", formType, form(nil))
		if code != 401 || r.Ok || r.ErrorCode != 401 {
			t.Fatalf("%d %+v", code, r)
		}
	})
	t.Run("multipart sendMessage is recorded", func(t *testing.T) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("chat_id", "5")
		_ = w.WriteField("text", "你好")
		w.Close()
		if code, r := call(t, s, s.Token, "sendMessage", w.FormDataContentType(), &b); code != 200 || !r.Ok {
			t.Fatalf("%d %+v", code, r)
		}
		if got := s.Sent(5); len(got) != 1 || got[0].Text() != "你好" {
			t.Fatalf("recorded %v", got)
		}
	})
	t.Run("broken HTML is refused", func(t *testing.T) {
		code, r := call(t, s, s.Token, "sendMessage", formType, form(url.Values{"chat_id": {"5"}, "text": {"<b>x"}, "parse_mode": {"HTML"}}))
		if code != 400 || !strings.Contains(r.Description, "parse entities") {
			t.Fatalf("%d %+v", code, r)
		}
	})
	t.Run("429 carries retry_after", func(t *testing.T) {
		s.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 7})
		code, r := call(t, s, s.Token, "sendMessage", formType, form(url.Values{"chat_id": {"5"}, "text": {"x"}}))
		if code != 429 || r.ErrorCode != 429 || r.Parameters.RetryAfter != 7 {
			t.Fatalf("%d %+v", code, r)
		}
	})
	t.Run("getUpdates offset confirms", func(t *testing.T) {
		a := s.Push(bottest.Private(1, "a"))
		b := s.Push(bottest.Private(1, "b"))
		ids := func(off string) []int64 {
			_, r := call(t, s, s.Token, "getUpdates", formType, form(url.Values{"offset": {off}, "timeout": {"0"}}))
			var ups []struct {
				UpdateID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(r.Result, &ups)
			var out []int64
			for _, u := range ups {
				out = append(out, u.UpdateID)
			}
			return out
		}
		if got := ids("0"); len(got) != 2 || got[0] != a || got[1] != b {
			t.Fatalf("without offset: %v", got)
		}
		if got := ids(strconv.FormatInt(b, 10)); len(got) != 1 || got[0] != b {
			t.Fatalf("offset %d: %v", b, got)
		}
		if got := ids("0"); len(got) != 1 || got[0] != b {
			t.Fatalf("a was not forgotten after being confirmed: %v", got)
		}
		if s.Pending() != 1 {
			t.Fatalf("pending %d", s.Pending())
		}
	})
	t.Run("getUpdates while a webhook is set", func(t *testing.T) {
		call(t, s, s.Token, "setWebhook", formType, form(url.Values{"url": {"https://x.example.org/h"}}))
		if code, _ := call(t, s, s.Token, "getUpdates", formType, form(nil)); code != 409 {
			t.Fatalf("status %d, want 409", code)
		}
		call(t, s, s.Token, "deleteWebhook", formType, form(nil))
		if code, _ := call(t, s, s.Token, "getUpdates", formType, form(url.Values{"timeout": {"0"}})); code != 200 {
			t.Fatalf("status %d after deleteWebhook", code)
		}
	})
}
