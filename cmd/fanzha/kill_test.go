package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/internal/redistest"
)

// TestServeKill9 (issue 12 fault suite): the real binary on Redis, a slow
// Bot API (every call 150 ms), 1,000 updates from 1,000 chats arriving at
// 100 a second; the replica is killed with SIGKILL when 30 % are answered,
// and a second one started on the same address. Every
// acknowledged update is answered (its inbox entry is taken over after
// FANZHA_INBOX_CLAIM_IDLE); at most 0.5 % are answered twice (a reply sent
// just before the kill, its entry not yet removed). Polling and webhook.
func TestServeKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "fanzha")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) { kill9(t, bin, mode) })
	}
}

func kill9(t *testing.T, bin, mode string) {
	const n = 1000
	api := bottest.NewServer(t)
	api.Delay(150 * time.Millisecond)
	rs := redistest.Start(t, redistest.Options{Own: true})
	const secret = "kill9-Secret"
	run := func(listen string) (*exec.Cmd, *syncBuffer) {
		var logs syncBuffer
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(),
			"FANZHA_TELEGRAM_TOKEN="+api.Token,
			"FANZHA_TELEGRAM_API="+api.URL(),
			"FANZHA_LISTEN="+listen,
			"FANZHA_REDIS_URL="+rs.URL,
			"FANZHA_INBOX_CLAIM_IDLE=2s",
			"FANZHA_RATE_PER_MINUTE=0",
			"FANZHA_LOG_LEVEL=info",
			"FANZHA_LLM_BASE_URL=", "FANZHA_CONFIG=", "FANZHA_WEBHOOK_URL=", "FANZHA_WEBHOOK_SECRET=",
		)
		if mode == "webhook" {
			cmd.Env = append(cmd.Env, "FANZHA_WEBHOOK_URL=https://fanzha.example.org/hook", "FANZHA_WEBHOOK_SECRET="+secret)
		}
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
		return cmd, &logs
	}
	chats := make([]int64, n)
	for i := range n {
		chats[i] = int64(7_000_000 + i)
	}
	// Updates arrive at 100 a second, all through the kill and the
	// restart (Telegram retries a webhook delivery until it gets a 200).
	addr := freeAddr(t)
	cmd, _ := run(addr)
	if mode == "webhook" {
		waitUntil(t, "the webhook", func() bool { return api.Webhook() != nil })
	}
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		for i, c := range chats {
			time.Sleep(10 * time.Millisecond)
			if mode == "polling" {
				api.Push(bottest.Private(c, e2eScamZH))
				continue
			}
			body := fmt.Sprintf(`{"update_id": %d, "message": {"message_id": %d, "date": 1700000000, "chat": {"id": %d, "type": "private"}, "from": {"id": %d, "is_bot": false, "first_name": "A"}, "text": %q}}`, 90_000+i, i+1, c, c, e2eScamZH)
			for {
				req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hook", strings.NewReader(body))
				req.Header.Set(bot.SecretHeader, secret)
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						break
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}()
	waitUntil(t, "some replies", func() bool { return len(api.Sent(0)) >= n*3/10 })
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	_, _ = cmd.Process.Wait()
	killedAt := time.Now()
	before := len(api.Sent(0))
	run(addr)
	<-pushed
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && len(answeredOnce(api, chats)) > 0 {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // a late duplicate would show by now
	per := map[int64]int{}
	for _, c := range api.Sent(0) {
		per[c.ChatID()]++
	}
	lost, twice := 0, 0
	for _, c := range chats {
		switch {
		case per[c] == 0:
			lost++
		case per[c] > 1:
			twice++
			if os.Getenv("FANZHA_DEBUG_DUPES") != "" {
				for _, s := range api.Sent(c) {
					t.Logf("chat %d sent at kill%+v: %.40s", c, s.At.Sub(killedAt), s.Text())
				}
			}
		}
	}
	t.Logf("kill -9, %s: %d updates, %d answered before the kill, %d lost, %d answered twice (%.2f %%)", mode, n, before, lost, twice, 100*float64(twice)/n)
	if lost > 0 {
		t.Errorf("%d of %d acknowledged updates never answered", lost, n)
	}
	if float64(twice) > 0.005*n {
		t.Errorf("%d of %d answered twice, want ≤ 0.5 %%", twice, n)
	}
}

// answeredOnce returns the chats without a reply yet.
func answeredOnce(api *bottest.Server, chats []int64) []int64 {
	got := map[int64]bool{}
	for _, c := range api.Sent(0) {
		got[c.ChatID()] = true
	}
	var out []int64
	for _, c := range chats {
		if !got[c] {
			out = append(out, c)
		}
	}
	return out
}

// freeAddr is a loopback address nobody listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
