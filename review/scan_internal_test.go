package review

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fanzha/fanzha"
)

func TestScanMeta(t *testing.T) {
	c := fanzha.Case{ID: "7", Created: time.Date(2026, 12, 1, 9, 30, 15, 123, time.FixedZone("CST", 8*3600)), Label: fanzha.Police,
		Risk: fanzha.RiskMedium, Status: fanzha.CaseCallback, District: "江北区", Excerpt: `他说 "status":"confirmed", {"label":"none"} \ 结束`,
		Flags:   []fanzha.CaseFlag{{ID: "x", Text: fanzha.Text{ZH: `"risk":"none"`}}},
		History: []fanzha.CaseEvent{{Status: fanzha.CaseConfirmed}}}
	b, _ := json.Marshal(c)
	for name, in := range map[string][]byte{"encoded": b, "indented": mustIndent(b)} {
		got, err := scanMeta(in)
		if err != nil || got.Label != c.Label || got.Risk != c.Risk || got.Status != c.Status || !got.Created.Equal(c.Created) || got.District != c.District {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
	if _, err := scanMeta([]byte(`{"label":`)); err == nil {
		t.Error("truncated JSON must fail")
	}
}

func mustIndent(b []byte) []byte {
	var v any
	_ = json.Unmarshal(b, &v)
	out, _ := json.MarshalIndent(v, "", "  ")
	return out
}
