package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/internal/redistest"
	"github.com/fanzha/fanzha/review"
)

type queryStore interface {
	store
	Query(ctx context.Context, q review.Query) (review.Page, error)
}

func TestQuery(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	for name, mk := range map[string]func(o review.Options) queryStore{
		"memory": func(o review.Options) queryStore { return review.NewMemory(o) },
		"redis":  func(o review.Options) queryStore { return openQueue(t, srv, "q1", o) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clk := &clock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, review.CST)}
			s := mk(review.Options{Officers: []int64{officer}, Now: clk.Now})
			labels := []fanzha.ScamType{fanzha.Police, fanzha.Investment, fanzha.Investment, fanzha.TaskRebate, fanzha.Investment}
			var ids []string
			for i, l := range labels {
				c := sampleCase(l)
				if i == 3 {
					c.Risk = fanzha.RiskMedium
				}
				if i%2 == 0 {
					c.District = "江北区"
				}
				clk.Set(clk.Now().Add(time.Hour))
				id, err := s.Submit(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if _, err := s.Act(ctx, ids[1], officer, fanzha.ActionConfirm); err != nil {
				t.Fatal(err)
			}
			check := func(name string, q review.Query, total int, want ...string) {
				t.Helper()
				p, err := s.Query(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, c := range p.Cases {
					got = append(got, c.ID)
				}
				if p.Total != total || len(got) != len(want) {
					t.Fatalf("%s: total %d, ids %v; want %d, %v", name, p.Total, got, total, want)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s: ids %v, want %v", name, got, want)
					}
				}
			}
			check("all, newest first", review.Query{}, 5, ids[4], ids[3], ids[2], ids[1], ids[0])
			check("type", review.Query{Type: fanzha.Investment}, 3, ids[4], ids[2], ids[1])
			check("status", review.Query{Status: fanzha.CaseConfirmed}, 1, ids[1])
			check("pending", review.Query{Pending: true, Type: fanzha.Investment}, 2, ids[4], ids[2])
			check("min risk", review.Query{MinRisk: fanzha.RiskHigh}, 4, ids[4], ids[2], ids[1], ids[0])
			check("page", review.Query{Offset: 1, Limit: 2}, 5, ids[3], ids[2])
			start := time.Date(2026, 12, 1, 12, 0, 0, 0, review.CST)
			check("dates", review.Query{From: start, To: start.Add(2 * time.Hour)}, 2, ids[2], ids[1])
			check("past the end", review.Query{Offset: 10}, 5)
			check("district", review.Query{District: "江北区"}, 3, ids[4], ids[2], ids[0])
			check("district and type", review.Query{District: "江北区", Type: fanzha.Investment}, 2, ids[4], ids[2])
		})
	}
}
