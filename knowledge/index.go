package knowledge

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/textnorm"
)

// Field names in the bleve documents. Chinese scripts are analysed with the
// cjk analyzer (bigrams), English ones with the English analyzer (stemming).
const (
	fieldZH = "zh"
	fieldEN = "en"
)

// maxQueryRunes bounds the text sent to bleve: a 4096-character message
// would OR thousands of bigrams together for no gain in ranking.
const maxQueryRunes = 600

// candidates is how many bleve hits are re-ranked by set similarity.
const candidates = 24

// Index finds the corpus scripts closest to a text. bleve gives recall
// (bigram OR-match); the candidates are then re-scored by the cosine of
// their character-bigram and word sets, which is comparable across queries
// (0 = nothing shared, 1 = the same text), unlike raw bleve scores.
type Index struct {
	corpus *Corpus
	idx    bleve.Index
	feats  [][]uint32 // per script, sorted feature hashes
	snips  []string   // per script, the opening words shown with a match
	// models holds one centroid model per script language: English scripts
	// summed into the same centroids would dilute the Chinese bigrams (and
	// the other way round), since each centroid is normalised as a whole.
	models map[fanzha.Lang]*centroids
	// Query terms are chosen here rather than by bleve's MatchQuery: terms
	// absent from the corpus are dropped (they cannot match, but each would
	// cost a term searcher) and the rarest maxTerms are kept.
	analyzers map[string]analysis.Analyzer // field → analyzer used at index time
	df        map[string]int               // field+"\x00"+term → documents holding it
}

var _ fanzha.Searcher = (*Index)(nil)

// NewIndex builds an in-memory scorch index of every script in c.
func NewIndex(c *Corpus) (*Index, error) {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentMapping()
	zh := bleve.NewTextFieldMapping()
	zh.Analyzer = cjk.AnalyzerName
	zh.Store, zh.IncludeInAll, zh.IncludeTermVectors, zh.DocValues = false, false, false, false
	enf := bleve.NewTextFieldMapping()
	enf.Analyzer = en.AnalyzerName
	enf.Store, enf.IncludeInAll, enf.IncludeTermVectors, enf.DocValues = false, false, false, false
	doc.AddFieldMappingsAt(fieldZH, zh)
	doc.AddFieldMappingsAt(fieldEN, enf)
	m.DefaultMapping = doc
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	m.ScoringModel = "bm25"

	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	x := &Index{corpus: c, idx: idx, feats: make([][]uint32, len(c.scripts)), snips: make([]string, len(c.scripts)),
		analyzers: map[string]analysis.Analyzer{fieldZH: m.AnalyzerNamed(cjk.AnalyzerName), fieldEN: m.AnalyzerNamed(en.AnalyzerName)},
		df:        map[string]int{}}
	batch := idx.NewBatch()
	for i, s := range c.scripts {
		norm := textnorm.String(s.Text)
		field := fieldZH
		if s.Lang == fanzha.EN {
			field = fieldEN
		}
		if err := batch.Index(s.ID, map[string]any{field: norm}); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index %s: %w", s.ID, err)
		}
		x.feats[i] = features(norm)
		x.snips[i] = snippet(s.Text, 60)
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("index corpus: %w", err)
	}
	// Document frequencies of every indexed term, read from bleve's own
	// dictionaries (no second analysis of the corpus).
	for _, field := range []string{fieldZH, fieldEN} {
		d, err := idx.FieldDict(field)
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("read %s dictionary: %w", field, err)
		}
		for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
			x.df[field+"\x00"+e.Term] = int(e.Count)
		}
		d.Close()
	}
	x.models = map[fanzha.Lang]*centroids{}
	for _, lang := range []fanzha.Lang{fanzha.ZH, fanzha.EN} {
		if m := buildCentroids(c, x.feats, lang); len(m.types) > 0 {
			x.models[lang] = m
		}
	}
	return x, nil
}

// Close releases the index.
func (x *Index) Close() error { return x.idx.Close() }

// Corpus returns the corpus behind the index.
func (x *Index) Corpus() *Corpus { return x.corpus }

// Search returns up to n scripts closest to text, best first. Scores are set
// cosines in [0,1]. lang only breaks ties: both fields are queried when the
// text mixes languages.
func (x *Index) Search(ctx context.Context, text string, lang fanzha.Lang, n int) ([]fanzha.Match, error) {
	norm := textnorm.String(text)
	if r := []rune(norm); len(r) > maxQueryRunes {
		norm = string(r[:maxQueryRunes])
	}
	if norm == "" || n <= 0 {
		return nil, nil
	}
	var qs []query.Query
	if textnorm.HasCJK(norm) {
		qs = append(qs, x.termQueries(fieldZH, norm)...)
	}
	if hasLatinWord(norm) {
		qs = append(qs, x.termQueries(fieldEN, norm)...)
	}
	if len(qs) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), candidates, 0, false)
	// Equal scores are ordered by id, so the candidates cut at the last
	// place (and the votes they make) are the same on every run.
	req.SortBy([]string{"-_score", "_id"})
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search corpus: %w", err)
	}
	qf := features(norm)
	out := make([]fanzha.Match, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, ok := x.corpus.byID[h.ID]
		if !ok {
			continue
		}
		s := x.corpus.scripts[i]
		out = append(out, fanzha.Match{ID: s.ID, Type: s.Type, Score: cosine(qf, x.feats[i]), Snippet: x.snips[i]})
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		return out[a].ID < out[b].ID
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// maxTerms bounds the terms of one query.
const maxTerms = 24

// terms returns the distinct terms the field's analyzer makes of text.
func (x *Index) terms(field, text string) map[string]bool {
	out := map[string]bool{}
	for _, tok := range x.analyzers[field].Analyze([]byte(text)) {
		out[string(tok.Term)] = true
	}
	return out
}

// termQueries returns one term query per distinct corpus term of text, the
// rarest first, at most maxTerms.
func (x *Index) termQueries(field, text string) []query.Query {
	type tdf struct {
		term string
		df   int
	}
	var ts []tdf
	for t := range x.terms(field, text) {
		if n := x.df[field+"\x00"+t]; n > 0 {
			ts = append(ts, tdf{t, n})
		}
	}
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].df != ts[j].df {
			return ts[i].df < ts[j].df
		}
		return ts[i].term < ts[j].term
	})
	if len(ts) > maxTerms {
		ts = ts[:maxTerms]
	}
	qs := make([]query.Query, 0, len(ts))
	for _, t := range ts {
		q := bleve.NewTermQuery(t.term)
		q.SetField(field)
		qs = append(qs, q)
	}
	return qs
}

// features returns the sorted, de-duplicated hashes of a folded text's Han
// bigrams (and lone Han characters between non-Han ones) and Latin words.
func features(s string) []uint32 {
	var out []uint32
	h := fnv.New32a()
	add := func(b []byte) {
		h.Reset()
		h.Write(b)
		out = append(out, h.Sum32())
	}
	var prev rune
	var word []byte
	var buf [8]byte
	flush := func() {
		if len(word) >= 3 && !stopWords[string(word)] {
			add(word)
		}
		word = word[:0]
	}
	for _, r := range s {
		switch {
		case textnorm.IsCJK(r):
			flush()
			if textnorm.IsCJK(prev) {
				n := utf8.EncodeRune(buf[:], prev)
				n += utf8.EncodeRune(buf[n:], r)
				add(buf[:n])
			}
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word = append(word, byte(r))
		default:
			flush()
		}
		prev = r
	}
	flush()
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	// de-duplicate in place
	k := 0
	for i, v := range out {
		if i == 0 || v != out[k-1] {
			out[k] = v
			k++
		}
	}
	return out[:k]
}

var stopWords = map[string]bool{
	"the": true, "and": true, "you": true, "your": true, "for": true, "are": true,
	"with": true, "this": true, "that": true, "have": true, "was": true, "from": true,
	"will": true, "not": true, "but": true, "they": true, "can": true, "has": true,
}

// cosine is |a∩b| / sqrt(|a|·|b|) over sorted sets.
func cosine(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	var n, i, j int
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(n) / math.Sqrt(float64(len(a))*float64(len(b)))
}

func hasLatinWord(s string) bool {
	run := 0
	for _, r := range s {
		if r < 0x80 && unicode.IsLetter(r) {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// snippet returns the first n runes of s, with an ellipsis when cut.
func snippet(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// centroids is a Rocchio model: per type, the normalised sum of its
// scripts' TF-IDF vectors over the same features the re-ranker uses. It
// answers "which type's vocabulary is this text closest to" even when no
// single script is close.
type centroids struct {
	idf   map[uint32]float64
	types []fanzha.ScamType
	// weights[h][k] is feature h's weight in type k's unit centroid: one map
	// lookup per query feature serves every type.
	weights map[uint32][]float64
}

func buildCentroids(c *Corpus, feats [][]uint32, lang fanzha.Lang) *centroids {
	df := map[uint32]int{}
	var n float64
	for i, f := range feats {
		if c.scripts[i].Lang != lang {
			continue
		}
		n++
		for _, h := range f {
			df[h]++
		}
	}
	m := &centroids{idf: make(map[uint32]float64, len(df))}
	for h, k := range df {
		m.idf[h] = math.Log(1 + n/float64(k))
	}
	byType := map[fanzha.ScamType]int{}
	var vecs []map[uint32]float64
	for i, s := range c.scripts {
		if s.Lang != lang {
			continue
		}
		k, ok := byType[s.Type]
		if !ok {
			k = len(m.types)
			byType[s.Type] = k
			m.types = append(m.types, s.Type)
			vecs = append(vecs, map[uint32]float64{})
		}
		for j, w := range m.vector(feats[i]) {
			if w != 0 {
				vecs[k][feats[i][j]] += w
			}
		}
	}
	m.weights = make(map[uint32][]float64, len(df))
	for k, v := range vecs {
		normalise(v)
		for h, w := range v {
			ws := m.weights[h]
			if ws == nil {
				ws = make([]float64, len(m.types))
				m.weights[h] = ws
			}
			ws[k] = w
		}
	}
	return m
}

// vector is the unit TF-IDF vector of a sorted feature set, as weights
// aligned with f (features outside the corpus vocabulary weigh 0: they
// carry no information). Sums run in f's order, so a text gets the same
// bits on every run.
func (m *centroids) vector(f []uint32) []float64 {
	v := make([]float64, len(f))
	var ss float64
	for j, h := range f {
		v[j] = m.idf[h]
		ss += v[j] * v[j]
	}
	if ss > 0 {
		inv := 1 / math.Sqrt(ss)
		for j := range v {
			v[j] *= inv
		}
	}
	return v
}

// normalise scales v to unit length, summing in key order (map order
// would change the last bits of the centroids from run to run).
func normalise(v map[uint32]float64) {
	keys := make([]uint32, 0, len(v))
	for h := range v {
		keys = append(keys, h)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var ss float64
	for _, h := range keys {
		ss += v[h] * v[h]
	}
	if ss == 0 {
		return
	}
	inv := 1 / math.Sqrt(ss)
	for h := range v {
		v[h] *= inv
	}
}

// TypeSimilarity returns, for every type in the corpus, the cosine between
// text and the type's centroid.
func (x *Index) TypeSimilarity(text string) map[fanzha.ScamType]float64 {
	norm := textnorm.String(text)
	// The model of the text's language: a Chinese text is compared with the
	// Chinese scripts, an English one with the English scripts.
	m := x.models[fanzha.Lang(textnorm.Lang(norm))]
	if m == nil {
		m = x.models[fanzha.ZH]
	}
	if m == nil {
		return map[fanzha.ScamType]float64{}
	}
	dots := make([]float64, len(m.types))
	f := features(norm)
	for j, w := range m.vector(f) {
		for k, cw := range m.weights[f[j]] {
			dots[k] += w * cw
		}
	}
	out := make(map[fanzha.ScamType]float64, len(m.types))
	for k, t := range m.types {
		out[t] = dots[k]
	}
	return out
}
