//go:build soak

package bot_test

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
	"github.com/fanzha/fanzha/internal/redistest"
)

// TestSoak runs mixed traffic (20 updates a second, every one from a new
// chat, scams and ordinary messages) through the bot on Redis for
// FANZHA_SOAK (30m when unset), injecting a fault every few seconds in a
// one-minute cycle: an HTML 502 outage of sendMessage (8 s), a 429 storm,
// the replica stopped (SIGTERM) and another started, Redis killed and
// restarted (AOF). At the end every update must have been answered once.
//
//	FANZHA_SOAK=30m go test -tags soak -run TestSoak -timeout 40m -v ./bot/
func TestSoak(t *testing.T) {
	d := 30 * time.Minute
	if v := os.Getenv("FANZHA_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	api := bottest.NewServer(t)
	rs := redistest.Start(t, redistest.Options{Own: true, AppendOnly: true})
	mod := func(o *bot.Options) { o.DrainTimeout = 2 * time.Second }
	replica := 0
	h := redisBot(t, api, rs, fmt.Sprintf("r%d", replica), mod)

	var mu sync.Mutex
	var chats, ids []int64
	stop := make(chan struct{})
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			c := int64(10_000_000 + i)
			text := benignZH
			if i%3 == 0 {
				text = scamZH
			}
			id := api.Push(bottest.Private(c, text))
			mu.Lock()
			chats, ids = append(chats, c), append(ids, id)
			mu.Unlock()
		}
	}()

	faults := map[string]int{}
	end := time.Now().Add(d)
	for cycle := 0; time.Now().Before(end); cycle++ {
		step := func(at time.Duration, name string, f func()) {
			wait := time.Until(end.Add(-d).Add(time.Duration(cycle)*time.Minute + at))
			if wait > 0 {
				time.Sleep(wait)
			}
			if time.Now().Before(end) {
				f()
				faults[name]++
			}
		}
		step(5*time.Second, "502 outage 8s", func() { api.FailFor("sendMessage", 8*time.Second, bottest.Failure{}) })
		step(20*time.Second, "429 storm", func() { api.Fail("sendMessage", bottest.Failure{Code: 429, RetryAfter: 1, Times: 30}) })
		step(30*time.Second, "replica SIGTERM + new replica", func() {
			if err := h.stop(); err != nil {
				t.Errorf("stop: %v", err)
			}
			replica++
			h = redisBot(t, api, rs, fmt.Sprintf("r%d", replica), mod)
		})
		step(45*time.Second, "Redis killed, restarted 2s later", func() {
			rs.Kill(t)
			time.Sleep(2 * time.Second)
			rs.Start(t)
		})
	}
	close(stop)
	<-pushed
	mu.Lock()
	all, allIDs := slices.Clone(chats), slices.Clone(ids)
	mu.Unlock()
	waitAnswered(t, api, all, 2*time.Minute)
	time.Sleep(claimIdle + time.Second)

	var lat []time.Duration
	first := map[int64]time.Time{}
	for _, c := range api.Sent(0) {
		if _, ok := first[c.ChatID()]; !ok {
			first[c.ChatID()] = c.At
		}
	}
	for i, c := range all {
		if at, ok := first[c]; ok {
			lat = append(lat, at.Sub(api.PushedAt(allIDs[i])))
		}
	}
	slices.Sort(lat)
	lost, twice := answered(api, all)
	t.Logf("soak %v: %d updates, faults %v; lost %d, answered twice %d; update → reply p50 %v, p99 %v (faults included)",
		d, len(all), faults, len(lost), len(twice), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond))
	if len(lost) > 0 {
		t.Errorf("%d lost", len(lost))
	}
	if len(twice) > 0 {
		t.Errorf("%d answered twice", len(twice))
	}
}
