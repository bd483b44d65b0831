package review_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/internal/testkit"
	"github.com/fanzha/fanzha/review"
	"github.com/fanzha/fanzha/session"
)

// openQueue opens a replica on srv with its own connection.
func openQueue(t *testing.T, srv *redistest.Server, consumer string, o review.Options) *review.Redis {
	t.Helper()
	conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix, Logger: o.Logger, RetryEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return review.NewRedis(conn, review.RedisOptions{Options: o, Consumer: consumer, Block: 200 * time.Millisecond})
}

func TestRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	n := 0
	runSuite(t, func(t *testing.T, o review.Options) store {
		// A fresh key space per subtest on the same server.
		n++
		conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: fmt.Sprintf("%st%d:", srv.Prefix, n)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return review.NewRedis(conn, review.RedisOptions{Options: o, Consumer: "c1", Block: 200 * time.Millisecond})
	})
}

func TestDeliverRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	testDeliver(t, openQueue(t, srv, "c1", review.Options{MinIdle: 200 * time.Millisecond}))
}

// TestRedisReplicasShareQueue: two replicas consume one group; every case
// is delivered exactly once, and both do some of the work.
func TestRedisReplicasShareQueue(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	a := openQueue(t, srv, "replica-a", review.Options{MinIdle: time.Minute})
	b := openQueue(t, srv, "replica-b", review.Options{MinIdle: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	const cases = 40
	var mu sync.Mutex
	got := map[string][]string{} // case → replicas that got it
	per := map[string]int{}
	var wg sync.WaitGroup
	for _, q := range []*review.Redis{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := q.Next(ctx)
				if err != nil {
					if ctx.Err() == nil {
						t.Error(err)
					}
					return
				}
				mu.Lock()
				got[c.ID] = append(got[c.ID], q.Consumer())
				per[q.Consumer()]++
				mu.Unlock()
				if err := q.Ack(ctx, c.ID); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	var ids []string
	for i := 0; i < cases; i++ {
		q := a
		if i%2 == 1 {
			q = b
		}
		id, err := q.Submit(ctx, sampleCase(fanzha.ScamTypes[i%len(fanzha.ScamTypes)]))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if i%5 == 0 {
			time.Sleep(5 * time.Millisecond) // let both replicas block again
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == cases || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // room for a wrong second delivery
	cancel()
	wg.Wait()
	for _, id := range ids {
		if len(got[id]) != 1 {
			t.Errorf("case %s delivered %d times: %v", id, len(got[id]), got[id])
		}
	}
	if per["replica-a"] == 0 || per["replica-b"] == 0 {
		t.Errorf("one replica did all the work: %v", per)
	}
	t.Logf("deliveries per replica: %v", per)
}

// TestRedisCrashReclaim: a replica takes a case and dies before posting it;
// another replica takes it over (XAUTOCLAIM) once it has been idle for
// MinIdle, and nobody gets it after that.
func TestRedisCrashReclaim(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	logs := &redistest.Logs{}
	a := openQueue(t, srv, "replica-a", review.Options{MinIdle: time.Second})
	b := openQueue(t, srv, "replica-b", review.Options{MinIdle: time.Second, Logger: logs.Logger()})
	id, err := a.Submit(ctx, sampleCase(fanzha.Police))
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Next(ctx)
	if err != nil || c.ID != id {
		t.Fatalf("a.Next = %s, %v", c.ID, err)
	}
	a.Close() // no-op for a shared conn; replica a simply never acks
	// Not yet idle long enough: b sees nothing.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if c, err := b.Next(short); err == nil {
		t.Fatalf("b took case %s while a held it", c.ID)
	}
	took := time.Now()
	c, err = b.Next(ctx)
	if err != nil || c.ID != id {
		t.Fatalf("b.Next = %s, %v; want the reclaimed case %s", c.ID, err, id)
	}
	if time.Since(took) > 5*time.Second {
		t.Fatalf("reclaim took %v", time.Since(took))
	}
	if err := b.Ack(ctx, id); err != nil {
		t.Fatal(err)
	}
	if logs.Count(slog.LevelInfo, "case taken over from an idle consumer") != 1 {
		t.Errorf("reclaim not logged: %q", logs.Messages())
	}
	// Acknowledged by b: neither replica gets it again.
	for _, q := range []*review.Redis{b, openQueue(t, srv, "replica-c", review.Options{MinIdle: 100 * time.Millisecond})} {
		short, cancel := context.WithTimeout(ctx, 600*time.Millisecond)
		if c, err := q.Next(short); err == nil {
			t.Fatalf("%s got case %s again", q.Consumer(), c.ID)
		}
		cancel()
	}
}

// TestRedisRestartedReplica: a replica restarted under the same consumer
// name gets back the case it held at once, without waiting for MinIdle.
func TestRedisRestartedReplica(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	a := openQueue(t, srv, "pod-1", review.Options{MinIdle: time.Hour})
	id, _ := a.Submit(ctx, sampleCase(fanzha.Police))
	if c, err := a.Next(ctx); err != nil || c.ID != id {
		t.Fatalf("Next = %s, %v", c.ID, err)
	}
	a2 := openQueue(t, srv, "pod-1", review.Options{MinIdle: time.Hour})
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := a2.Next(short)
	if err != nil || c.ID != id {
		t.Fatalf("restarted replica: %s, %v; want %s", c.ID, err, id)
	}
}

// TestRedisPersistence: everything survives a Redis restart (AOF): cases,
// the undelivered queue, pending list, blocklist, statistics, audit log.
func TestRedisPersistence(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{AppendOnly: true})
	o := review.Options{Officers: []int64{officer}}
	a := openQueue(t, srv, "c1", o)
	confirmed, _ := a.Submit(ctx, sampleCase(fanzha.Police))
	open, _ := a.Submit(ctx, sampleCase(fanzha.Investment))
	if _, err := a.Act(ctx, confirmed, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	if c, err := a.Next(ctx); err != nil || c.ID != confirmed {
		t.Fatalf("Next = %s, %v", c.ID, err)
	}
	a.Ack(ctx, confirmed)

	srv.Restart(t)
	b := openQueue(t, srv, "c2", o)
	c, err := b.Get(ctx, confirmed)
	if err != nil || c.Status != fanzha.CaseConfirmed || len(c.History) != 1 {
		t.Fatalf("confirmed case after restart: %+v, %v", c, err)
	}
	if c, err := b.Next(ctx); err != nil || c.ID != open {
		t.Fatalf("undelivered case after restart: %s, %v; want %s", c.ID, err, open)
	}
	if p, _ := b.Pending(ctx, 0); len(p) != 1 || p[0].ID != open {
		t.Fatalf("pending after restart: %+v", p)
	}
	if hits, _ := b.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17012345678"}}); len(hits) != 1 {
		t.Fatalf("blocklist after restart: %+v", hits)
	}
	if st, _ := b.Stats(ctx, time.Now()); st.Total != 2 {
		t.Fatalf("stats after restart: %+v", st)
	}
	if es, _ := b.ByCase(ctx, confirmed); len(es) < 2 || es[0].What != "submit" || es[1].What != "confirm" {
		t.Fatalf("audit after restart: %+v", es)
	}
	// New ids continue after the old ones.
	id3, _ := b.Submit(ctx, sampleCase(fanzha.Romance))
	if id3 == confirmed || id3 == open {
		t.Fatalf("id %s reused after restart", id3)
	}
}

// TestRedisOutage kills Redis under a running replica: calls fail fast
// with ErrUnavailable, the delivery loop waits, and everything resumes by
// itself when Redis is back.
func TestRedisOutage(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{Own: true, AppendOnly: true})
	logs := &redistest.Logs{}
	o := review.Options{Officers: []int64{officer}, Logger: logs.Logger(), MinIdle: time.Minute}
	q := openQueue(t, srv, "c1", o)
	id, err := q.Submit(ctx, sampleCase(fanzha.Police))
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var posted []string
	dctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		review.Deliver(dctx, q, func(ctx context.Context, c fanzha.Case) error {
			mu.Lock()
			posted = append(posted, c.ID)
			mu.Unlock()
			return nil
		}, logs.Logger())
	}()
	waitPosted := func(want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			n := len(posted)
			mu.Unlock()
			if n >= want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("posted %v, want %d cases", posted, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitPosted(1)

	srv.Kill(t)
	calls := map[string]func() error{
		"submit":  func() error { _, err := q.Submit(ctx, sampleCase(fanzha.Police)); return err },
		"get":     func() error { _, err := q.Get(ctx, id); return err },
		"act":     func() error { _, err := q.Act(ctx, id, officer, fanzha.ActionConfirm); return err },
		"pending": func() error { _, err := q.Pending(ctx, 10); return err },
		"stats":   func() error { _, err := q.Stats(ctx, time.Now()); return err },
		"lookup": func() error {
			_, err := q.Lookup(ctx, []fanzha.Indicator{{Kind: fanzha.IndPhone, Value: "17012345678"}})
			return err
		},
		"ack":    func() error { return q.Ack(ctx, id) },
		"audit":  func() error { _, err := q.Recent(ctx, 5); return err },
		"append": func() error { return q.Append(ctx, fanzha.AuditEntry{Who: 1, What: "x"}) },
		"next": func() error {
			c, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			_, err := q.Next(c)
			return err
		},
	}
	for round := 0; round < 2; round++ {
		for name, call := range calls {
			if err := call(); !errors.Is(err, fanzha.ErrUnavailable) {
				t.Fatalf("round %d, %s with Redis down: %v, want ErrUnavailable", round, name, err)
			}
		}
	}
	// A non-officer is still refused while Redis is down.
	if _, err := q.Act(ctx, id, notOfficer, fanzha.ActionConfirm); !errors.Is(err, fanzha.ErrForbidden) {
		t.Fatalf("non-officer with Redis down: %v", err)
	}

	srv.Start(t)
	testkit.Eventually(t, 10*time.Second, func() bool { _, err := q.Get(ctx, id); return err == nil }, "no recovery")
	id2, err := q.Submit(ctx, sampleCase(fanzha.Romance))
	if err != nil {
		t.Fatal(err)
	}
	waitPosted(2)
	mu.Lock()
	if posted[1] != id2 {
		t.Errorf("posted after the outage: %v, want %s", posted, id2)
	}
	mu.Unlock()
	stop()
	<-done
	if n := logs.Count(slog.LevelWarn, redisconn.MsgDown); n != 1 {
		t.Errorf("outage logged %d times, want once: %q", n, logs.Messages())
	}
	if n := logs.Count(slog.LevelInfo, redisconn.MsgUp); n != 1 {
		t.Errorf("recovery logged %d times, want once: %q", n, logs.Messages())
	}
}

// TestRedisStreamLost: the stream (and its group) vanish — a Redis without
// persistence restarted — and the replica recreates the group and carries on.
func TestRedisStreamLost(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{Own: true})
	q := openQueue(t, srv, "c1", review.Options{})
	id, _ := q.Submit(ctx, sampleCase(fanzha.Police))
	if c, err := q.Next(ctx); err != nil || c.ID != id {
		t.Fatalf("Next = %s, %v", c.ID, err)
	}
	srv.Kill(t) // no AOF: everything is gone
	srv.Start(t)
	testkit.Eventually(t, 10*time.Second, func() bool {
		_, err := q.Submit(ctx, sampleCase(fanzha.Romance))
		return err == nil
	}, "no recovery")
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := q.Next(short)
	if err != nil {
		t.Fatalf("Next after the stream was lost: %v", err)
	}
	if c.Label != fanzha.Romance {
		t.Fatalf("got %+v", c)
	}
}

// TestRedisSharedConn: the session store and the review queue share one
// connection and one outage state.
func TestRedisSharedConn(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	sess, err := session.OpenRedis(srv.URL, session.RedisOptions{Prefix: srv.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	q := review.NewRedis(sess.Conn(), review.RedisOptions{Options: review.Options{Officers: []int64{officer}}})
	id, err := q.Submit(ctx, sampleCase(fanzha.Police))
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Put(ctx, "tg:42", fanzha.Session{}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains([]string{"1"}, id) {
		t.Fatalf("first id = %s", id)
	}
}

// Cases hold masked personal data: they and their audit lists expire after
// the retention period, and an officer's action does not lift the expiry.
func TestRedisRetention(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.Options{})
	conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	q := review.NewRedis(conn, review.RedisOptions{Options: review.Options{Officers: []int64{officer}}, Consumer: "r", Retention: 30 * 24 * time.Hour})
	id, err := q.Submit(ctx, sampleCase(fanzha.Police))
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		for _, k := range []string{conn.Key("case", id), conn.Key("audit", "case", id)} {
			ttl, err := conn.Client.TTL(ctx, k).Result()
			if err != nil || ttl <= 0 || ttl > 30*24*time.Hour {
				t.Errorf("%s: TTL of %s = %v, %v; want up to 30 days", when, k, ttl, err)
			}
		}
	}
	check("after submit")
	if _, err := q.Act(ctx, id, officer, fanzha.ActionConfirm); err != nil {
		t.Fatal(err)
	}
	check("after an officer's action")
}
