package report

import (
	"cmp"
	"slices"
	"unicode"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/stats"
)

// group puts similar new-script samples together (leader clustering on
// character-bigram Jaccard similarity: a sample joins the first group whose
// leader it resembles enough), and picks each group's most typical sample
// (highest mean similarity to the rest) as its example.
func (b *Builder) group(samples []stats.Sample) []ScriptGroup {
	type member struct {
		s     stats.Sample
		grams map[string]struct{}
	}
	var groups [][]member
	for _, s := range samples {
		m := member{s, bigrams(s.Excerpt)}
		if len(m.grams) == 0 {
			continue
		}
		placed := false
		for i, g := range groups {
			if jaccard(g[0].grams, m.grams) >= b.opts.Similarity {
				groups[i] = append(g, m)
				placed = true
				break
			}
		}
		if !placed {
			groups = append(groups, []member{m})
		}
	}
	out := make([]ScriptGroup, 0, len(groups))
	for _, g := range groups {
		best, bestSim := 0, -1.0
		types := map[fanzha.ScamType]int{}
		for i, m := range g {
			types[m.s.Type]++
			var sum float64
			for j, o := range g {
				if i != j {
					sum += jaccard(m.grams, o.grams)
				}
			}
			if sum > bestSim {
				best, bestSim = i, sum
			}
		}
		// The group's type is its most frequent (taxonomy order on ties).
		var typ fanzha.ScamType
		for _, t := range fanzha.ScamTypes {
			if types[t] > types[typ] {
				typ = t
			}
		}
		out = append(out, ScriptGroup{Type: typ, Name: b.opts.TypeName(typ), Count: len(g), Example: g[best].s.Excerpt})
	}
	slices.SortStableFunc(out, func(a, b ScriptGroup) int { return cmp.Compare(b.Count, a.Count) })
	if len(out) > b.opts.MaxGroups {
		out = out[:b.opts.MaxGroups]
	}
	return out
}

// bigrams returns the character bigrams of the letters and digits of s
// (masks and punctuation dropped), lower-cased.
func bigrams(s string) map[string]struct{} {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	out := make(map[string]struct{}, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])] = struct{}{}
	}
	return out
}

func jaccard(a, b map[string]struct{}) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for k := range a {
		if _, ok := b[k]; ok {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
