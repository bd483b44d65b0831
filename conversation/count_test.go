package conversation_test

import (
	"context"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/conversation"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/stats"
)

func countsOf(t testing.TB, st stats.Store) map[stats.Kind][]stats.Count {
	t.Helper()
	now := time.Now()
	cs, err := st.Counts(context.Background(), now.AddDate(0, 0, -2), now.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	out := map[stats.Kind][]stats.Count{}
	for _, c := range cs {
		out[c.Event.Kind] = append(out[c.Event.Kind], c)
	}
	return out
}

func TestCounting(t *testing.T) {
	ctx := context.Background()
	ds := stats.Districts{"海曙区", "江北区"}
	st := stats.NewMemory(stats.Options{Districts: ds})
	s := service(t, func(o *conversation.Options) { o.Stats, o.Districts = st, ds })

	t.Run("district asked once, at /start", func(t *testing.T) {
		sess, out := s.Command(ctx, fanzha.Session{}, own(""), conversation.CmdStart, "")
		if !out.AskDistrict || !sess.DistrictAsked {
			t.Fatalf("/start does not ask the district: %+v", out)
		}
		_, out = s.Command(ctx, sess, own(""), conversation.CmdStart, "")
		if out.AskDistrict {
			t.Error("asked twice")
		}
		sess, _ = s.SetDistrict(sess, own(""), "江北区")
		if sess.District != "江北区" {
			t.Errorf("district: %q", sess.District)
		}
		if sess, _ = s.SetDistrict(sess, own(""), "火星区"); sess.District != "" {
			t.Errorf("a district not on the list was kept: %q", sess.District)
		}
		if r := conversation.Reset(fanzha.Session{District: "江北区", DistrictAsked: true}); r.District != "江北区" || !r.DistrictAsked {
			t.Errorf("/new forgot the district: %+v", r)
		}
	})
	t.Run("a conversation is counted once, with its channel and district", func(t *testing.T) {
		sess := fanzha.Session{District: "海曙区", DistrictAsked: true}
		sess, out := s.Message(ctx, sess, conversation.Input{Kind: fanzha.MsgForwarded, Text: scam, Place: conversation.Private})
		if out.AskDistrict {
			t.Error("asked again after /start")
		}
		sess, _ = s.Message(ctx, sess, own("他还让我下载一个软件共享屏幕"))
		sess, _ = s.Paid(ctx, sess, own(""))
		sess, _ = s.Paid(ctx, sess, own(""))
		s.Handed(ctx, sess)
		c := countsOf(t, st)
		if len(c[stats.KindAssessed]) != 1 || c[stats.KindAssessed][0].N != 1 {
			t.Fatalf("assessed: %+v", c[stats.KindAssessed])
		}
		e := c[stats.KindAssessed][0].Event
		if e.Type != fanzha.Police || e.Channel != stats.ChannelForward || e.District != "海曙区" || e.Risk < fanzha.RiskMedium {
			t.Errorf("event: %+v", e)
		}
		if n := len(c[stats.KindStopPayment]); n != 1 || c[stats.KindStopPayment][0].N != 1 {
			t.Errorf("stop-payment: %+v", c[stats.KindStopPayment])
		}
		if n := len(c[stats.KindCase]); n != 1 || c[stats.KindCase][0].Event.District != "海曙区" {
			t.Errorf("case: %+v", c[stats.KindCase])
		}
	})
	t.Run("a risky verdict asks the district when it was not asked", func(t *testing.T) {
		_, out := s.Message(ctx, fanzha.Session{}, own(scam))
		if !out.AskDistrict {
			t.Error("not asked")
		}
		_, out = s.Message(ctx, fanzha.Session{}, own("今天天气不错"))
		if out.AskDistrict {
			t.Error("asked under a harmless verdict")
		}
	})
	t.Run("not counted without a store, nor by check", func(t *testing.T) {
		before := countsOf(t, st)
		s.Message(ctx, fanzha.Session{}, conversation.Input{Text: scam, Place: conversation.OneShot})
		plain := service(t, nil)
		if _, out := plain.Command(ctx, fanzha.Session{}, own(""), conversation.CmdStart, ""); out.AskDistrict {
			t.Error("asked without a list")
		}
		plain.Message(ctx, fanzha.Session{}, own(scam))
		after := countsOf(t, st)
		if len(after[stats.KindAssessed]) != len(before[stats.KindAssessed]) || after[stats.KindAssessed][0].N != before[stats.KindAssessed][0].N {
			t.Errorf("counted: %+v → %+v", before, after)
		}
	})
}

// BenchmarkCounting is what counting adds to a reply (issue 10: < 1 ms):
// the first risky message of a conversation, with and without a store.
func BenchmarkCounting(b *testing.B) {
	ctx := context.Background()
	for _, withStats := range []bool{false, true} {
		name := "without"
		if withStats {
			name = "with_memory_store"
		}
		b.Run(name, func(b *testing.B) {
			st := stats.NewMemory(stats.Options{})
			s := service(b, func(o *conversation.Options) {
				if withStats {
					o.Stats = st
				}
			})
			b.ResetTimer()
			for b.Loop() {
				s.Message(ctx, fanzha.Session{}, own(scam))
			}
		})
	}
}

// BenchmarkCountEvent is the count itself, in memory and in Redis (a real
// redis-server on loopback): what a reply waits for beyond its verdict.
func BenchmarkCountEvent(b *testing.B) {
	ctx := context.Background()
	a := fanzha.Assessment{Label: fanzha.Police, Risk: fanzha.RiskHigh, Indicators: []fanzha.Indicator{{Kind: fanzha.IndAmount, Value: "3万"}}}
	srv := redistest.Start(b, redistest.Options{})
	rs, err := stats.OpenRedis(srv.URL, stats.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	for name, st := range map[string]stats.Store{"memory": stats.NewMemory(stats.Options{}), "redis": rs} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := st.Count(ctx, stats.FromAssessment(stats.KindAssessed, a, stats.ChannelPrivate, "", time.Now())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
