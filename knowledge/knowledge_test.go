package knowledge_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/knowledge"
)

func TestEmbeddedCorpusCoversTaxonomy(t *testing.T) {
	c, err := knowledge.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	count := map[fanzha.ScamType]map[fanzha.Lang]int{}
	for _, s := range c.Scripts() {
		if count[s.Type] == nil {
			count[s.Type] = map[fanzha.Lang]int{}
		}
		count[s.Type][s.Lang]++
	}
	for _, typ := range fanzha.ScamTypes {
		info := c.Info(typ)
		if info == nil {
			t.Fatalf("no info for %s", typ)
		}
		if info.Name.ZH == "" || info.Name.EN == "" || info.Summary.ZH == "" || info.Advice == nil {
			t.Errorf("%s: incomplete description", typ)
		}
		if typ == fanzha.None {
			if n := count[typ][fanzha.ZH] + count[typ][fanzha.EN]; n < 80 {
				t.Errorf("none: %d look-alikes, want at least 80", n)
			}
			continue
		}
		if count[typ][fanzha.ZH] < 20 || count[typ][fanzha.EN] < 5 {
			t.Errorf("%s: %d zh and %d en scripts, want at least 20 and 5", typ, count[typ][fanzha.ZH], count[typ][fanzha.EN])
		}
		if len(info.Stages) == 0 || len(info.RedFlags) == 0 || len(info.NextSteps) == 0 || info.Question.ZH == "" {
			t.Errorf("%s: stages, red flags, next steps and question are required", typ)
		}
	}
}

const header = "name: {zh: 名, en: name}\nsummary: {zh: 概, en: sum}\n"

func TestLoadRejectsBadEntries(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"unknown type", map[string]string{"ufo.yaml": "type: ufo\n" + header + "scripts: [{id: a, lang: zh, channel: sms, text: x}]\n"}, []string{"ufo.yaml", "unknown type"}},
		{"type mismatch", map[string]string{"police.yaml": "type: romance\n" + header + "scripts: [{id: a, lang: zh, channel: sms, text: x}]\n"}, []string{"police.yaml", "file name"}},
		{"empty text", map[string]string{"police.yaml": "type: police\n" + header + "scripts: [{id: p-1, lang: zh, channel: sms, text: \"  \"}]\n"}, []string{"police.yaml", "p-1", "empty text"}},
		{"bad lang", map[string]string{"police.yaml": "type: police\n" + header + "scripts: [{id: p-1, lang: fr, channel: sms, text: x}]\n"}, []string{"p-1", "lang"}},
		{"bad channel", map[string]string{"police.yaml": "type: police\n" + header + "scripts: [{id: p-1, lang: zh, channel: fax, text: x}]\n"}, []string{"p-1", "channel"}},
		{"duplicate id", map[string]string{
			"police.yaml":  "type: police\n" + header + "scripts: [{id: dup, lang: zh, channel: sms, text: x}]\n",
			"romance.yaml": "type: romance\n" + header + "scripts: [{id: dup, lang: zh, channel: sms, text: y}]\n",
		}, []string{"romance.yaml", "dup", "duplicate", "police.yaml"}},
		{"no id", map[string]string{"police.yaml": "type: police\n" + header + "scripts: [{lang: zh, channel: sms, text: x}]\n"}, []string{"police.yaml", "empty id"}},
		{"bad yaml", map[string]string{"police.yaml": "type: [police\n"}, []string{"police.yaml"}},
		{"no files", map[string]string{"readme.md": "x"}, []string{"no .yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, b := range tt.files {
				fsys[n] = &fstest.MapFile{Data: []byte(b)}
			}
			_, err := knowledge.Load(fsys)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestSearchFindsTheScript(t *testing.T) {
	c, err := knowledge.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	x, err := knowledge.NewIndex(c)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	// Every script finds itself first: the index and the re-ranker agree.
	for i, s := range c.Scripts() {
		if i%7 != 0 {
			continue
		}
		ms, err := x.Search(ctx, s.Text, s.Lang, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].ID != s.ID {
			t.Errorf("%s: top match %v", s.ID, ms)
			continue
		}
		if ms[0].Score < 0.99 || ms[0].Type != s.Type || ms[0].Snippet == "" {
			t.Errorf("%s: self match %+v", s.ID, ms[0])
		}
	}
	for text, want := range map[string]fanzha.ScamType{
		"自称公安说我涉嫌洗钱要把钱转到安全账户":                                         fanzha.Police,
		"刷单点赞做任务返佣金，要先垫付":                                             fanzha.TaskRebate,
		"my boss messaged me from a new number asking for gift cards": fanzha.Acquaintance,
	} {
		sims := x.TypeSimilarity(text)
		best, bestV := fanzha.ScamType(""), -1.0
		for t, v := range sims {
			if v > bestV {
				best, bestV = t, v
			}
		}
		if best != want {
			t.Errorf("%q: closest type %s, want %s", text, best, want)
		}
	}
	if ms, err := x.Search(ctx, "", fanzha.ZH, 5); err != nil || len(ms) != 0 {
		t.Errorf("empty query: %v %v", ms, err)
	}
	if ms, err := x.Search(ctx, strings.Repeat("安全账户", 5000), fanzha.ZH, 5); err != nil || len(ms) == 0 {
		t.Errorf("huge query: %d matches, %v", len(ms), err)
	}
}

func BenchmarkLoadCorpus(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := knowledge.Embedded()
		if err != nil {
			b.Fatal(err)
		}
		x, err := knowledge.NewIndex(c)
		if err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}

// A corpus with only English scripts still answers Chinese texts (with no
// vocabulary evidence), never panics.
func TestIndexOfOneLanguage(t *testing.T) {
	fsys := fstest.MapFS{"police.yaml": &fstest.MapFile{Data: []byte("type: police\n" + header +
		"scripts: [{id: p-1, lang: en, channel: sms, text: \"move your savings to a safe account\"}]\n")}}
	c, err := knowledge.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	x, err := knowledge.NewIndex(c)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sims := x.TypeSimilarity("把钱转到安全账户"); len(sims) != 0 {
		t.Errorf("Chinese text against an English-only corpus: %v", sims)
	}
	if sims := x.TypeSimilarity("move the savings to a safe account"); sims[fanzha.Police] <= 0 {
		t.Errorf("English text: %v", sims)
	}
}
