package stats_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redisconn"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/stats"
)

var districts = stats.Districts{"海曙区", "江北区", "北仑区"}

// stores returns a memory store and a Redis store with the same options.
func stores(t *testing.T, o stats.Options) map[string]stats.Store {
	t.Helper()
	srv := redistest.Start(t, redistest.Options{})
	conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return map[string]stats.Store{"memory": stats.NewMemory(o), "redis": stats.NewRedis(conn, o)}
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, stats.Shanghai())
	if err != nil {
		panic(err)
	}
	return t
}

func TestStores(t *testing.T) {
	now := at("2026-12-02 12:00")
	o := stats.Options{Districts: districts, Now: func() time.Time { return now }}
	for name, s := range stores(t, o) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			events := []stats.Event{
				{At: at("2026-12-01 09:00"), Kind: stats.KindAssessed, Type: fanzha.Investment, Risk: fanzha.RiskHigh, Amount: stats.Amount10K, Lang: fanzha.ZH, Channel: stats.ChannelPrivate, District: "海曙区"},
				{At: at("2026-12-01 10:00"), Kind: stats.KindAssessed, Type: fanzha.Investment, Risk: fanzha.RiskHigh, Amount: stats.Amount10K, Lang: fanzha.ZH, Channel: stats.ChannelPrivate, District: "海曙区"},
				// Midnight in Shanghai is still the previous day in UTC: the store's zone decides.
				{At: at("2026-12-02 00:30"), Kind: stats.KindCase, Type: fanzha.Police, Risk: fanzha.RiskHigh, Paid: true, Channel: stats.ChannelForward, District: "月球区"},
				{At: at("2026-12-02 01:00"), Kind: "gossip", Type: fanzha.Police},
				{At: at("2026-12-02 02:00"), Kind: stats.KindStopPayment, Type: "made-up", Risk: fanzha.Risk(9), Amount: "lots", Lang: "fr", Channel: "carrier pigeon"},
			}
			for _, e := range events {
				if err := s.Count(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Counts(ctx, at("2026-11-30 00:00"), at("2026-12-07 00:00"))
			if err != nil {
				t.Fatal(err)
			}
			byDay := map[string]int64{}
			var total int64
			for _, c := range got {
				total += c.N
				byDay[c.Day.Format("01-02")] += c.N
				switch c.Event.Kind {
				case stats.KindAssessed:
					if c.N != 2 || c.Event.District != "海曙区" || c.Event.Amount != stats.Amount10K || c.Event.Type != fanzha.Investment {
						t.Errorf("assessed: %+v", c)
					}
				case stats.KindCase:
					if c.Event.District != "" || !c.Event.Paid {
						t.Errorf("a district off the list must be dropped: %+v", c)
					}
				case stats.KindStopPayment:
					e := c.Event
					if e.Type != fanzha.None || e.Risk != fanzha.RiskNone || e.Amount != "" || e.Lang != "" || e.Channel != "" {
						t.Errorf("unknown values must be reduced to empty: %+v", e)
					}
				default:
					t.Errorf("unknown kind counted: %+v", c)
				}
			}
			if total != 4 || byDay["12-01"] != 2 || byDay["12-02"] != 2 {
				t.Errorf("total %d, by day %v", total, byDay)
			}
			// Samples: redacted and clipped.
			if err := s.AddSample(ctx, stats.Sample{At: at("2026-12-01 08:00"), Type: fanzha.Investment, Risk: fanzha.RiskHigh,
				Excerpt: "我叫王小明，身份证110101199003074578，对方电话13912345678"}); err != nil {
				t.Fatal(err)
			}
			ss, err := s.Samples(ctx, at("2026-11-30 00:00"), at("2026-12-07 00:00"))
			if err != nil || len(ss) != 1 {
				t.Fatalf("samples %v, %v", ss, err)
			}
			for _, secret := range []string{"王小明", "110101199003074578", "13912345678"} {
				if strings.Contains(ss[0].Excerpt, secret) {
					t.Errorf("sample keeps %q: %q", secret, ss[0].Excerpt)
				}
			}
		})
	}
}

func TestRedisRetention(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	now := time.Now()
	s := stats.NewRedis(conn, stats.Options{Retention: 48 * time.Hour, Now: func() time.Time { return now }})
	ctx := context.Background()
	if err := s.Count(ctx, stats.Event{At: now, Kind: stats.KindAssessed, Type: fanzha.Shopping, Risk: fanzha.RiskMedium}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	iter := conn.Client.Scan(ctx, 0, srv.Prefix+"counts:*", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) != 1 {
		t.Fatalf("keys %v", keys)
	}
	ttl, err := conn.Client.TTL(ctx, keys[0]).Result()
	if err != nil || ttl == redis.KeepTTL || ttl < 48*time.Hour || ttl > 72*time.Hour+time.Minute {
		t.Errorf("ttl of %s = %v (%v): want retention after the day's end", keys[0], ttl, err)
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]float64{"3万": 30000, "3000元": 3000, "5万元": 50000, "¥1,200": 1200, "两千": 2000, "五万": 50000,
		"三十万": 300000, "百万": 1000000, "1.5万": 15000, "": 0, "abc": 0} {
		if got := stats.ParseAmount(in); got != want {
			t.Errorf("ParseAmount(%q) = %v, want %v", in, got, want)
		}
	}
	a := fanzha.Assessment{Label: fanzha.Investment, Risk: fanzha.RiskHigh, Lang: fanzha.ZH,
		Indicators: []fanzha.Indicator{{Kind: fanzha.IndAmount, Value: "3万"}, {Kind: fanzha.IndAmount, Value: "3000元"}, {Kind: fanzha.IndPhone, Value: "13912345678"}}}
	e := stats.FromAssessment(stats.KindAssessed, a, stats.ChannelPrivate, "", time.Time{})
	if e.Amount != stats.Amount10K || e.Type != fanzha.Investment || e.Lang != fanzha.ZH {
		t.Errorf("FromAssessment: %+v", e)
	}
}

func TestIsNovel(t *testing.T) {
	known := fanzha.Assessment{Label: fanzha.Investment, Risk: fanzha.RiskHigh, Matches: []fanzha.Match{{Type: fanzha.Investment, Score: 0.4}}}
	unknown := fanzha.Assessment{Label: fanzha.Investment, Risk: fanzha.RiskHigh, Matches: []fanzha.Match{{Type: fanzha.Shopping, Score: 0.4}, {Type: fanzha.Investment, Score: 0.05}}}
	low := fanzha.Assessment{Label: fanzha.Investment, Risk: fanzha.RiskLow}
	if stats.IsNovel(known, 0) || !stats.IsNovel(unknown, 0) || stats.IsNovel(low, 0) {
		t.Error("IsNovel: known, unknown, low risk")
	}
}

func TestParseDistricts(t *testing.T) {
	ds := stats.ParseDistricts(" 海曙区, 江北区，北仑区,,海曙区, a|b ")
	if len(ds) != 3 || ds[2] != "北仑区" || ds.Canonical(" 江北区 ") != "江北区" || ds.Canonical("火星") != "" {
		t.Errorf("%v", ds)
	}
}

// Counting must add well under 1 ms to a reply.
func BenchmarkCountMemory(b *testing.B) {
	s := stats.NewMemory(stats.Options{Districts: districts})
	benchCount(b, s)
}

func BenchmarkCountRedis(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	conn, err := redisconn.Open(srv.URL, redisconn.Options{Prefix: srv.Prefix})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	benchCount(b, stats.NewRedis(conn, stats.Options{Districts: districts}))
}

func benchCount(b *testing.B, s stats.Store) {
	ctx := context.Background()
	e := stats.Event{Kind: stats.KindAssessed, Type: fanzha.TaskRebate, Risk: fanzha.RiskHigh, Amount: stats.AmountLT10K,
		Lang: fanzha.ZH, Channel: stats.ChannelPrivate, District: "北仑区"}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Count(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
