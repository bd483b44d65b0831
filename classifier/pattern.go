package classifier

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode/utf8"
)

// pattern is a regexp that only runs where a match can start. Go's regexp
// engine walks a pattern like `(贷款|借款).{0,16}(保证金|…)` state by state
// over the whole text; but every match of our patterns begins with one of a
// few words (its triggers, read from the parsed pattern), so we find those
// words with strings.Index and run the pattern, anchored, on a short window
// at each. Most texts contain no trigger of most patterns, and the results
// are the same as scanning the whole text.
type pattern struct {
	re *regexp.Regexp
	// triggers: a match must start with one of these; nil means unknown,
	// always run the whole regexp.
	triggers []string
	// anchored is re anchored at the start, run on a window at each trigger.
	anchored *regexp.Regexp
	// withContext, for patterns that look behind (^, \b), is anchored one
	// character earlier and consumes it, so the assertion sees what
	// precedes the trigger ("unpaid" is not "paid").
	withContext *regexp.Regexp
}

// window bounds how far one match can reach from its start: the longest
// pattern spans a few dozen characters.
const window = 480

func compile(expr string) *pattern {
	p := &pattern{re: regexp.MustCompile(expr)}
	t, err := syntax.Parse(expr, syntax.Perl)
	if err == nil {
		p.triggers = minimalTriggers(firstLiterals([]*syntax.Regexp{t.Simplify()}))
	}
	if p.triggers != nil {
		p.anchored = regexp.MustCompile(`^(?:` + expr + `)`)
		if hasAssertion(t) {
			p.withContext = regexp.MustCompile(`^(?s:.)(?:` + expr + `)`)
		}
	}
	return p
}

// hasAssertion reports whether re contains a start-of-text, start-of-line
// or word-boundary assertion, whose meaning depends on the text before a
// match.
func hasAssertion(re *syntax.Regexp) bool {
	if re == nil {
		return false
	}
	switch re.Op {
	case syntax.OpBeginText, syntax.OpBeginLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, sub := range re.Sub {
		if hasAssertion(sub) {
			return true
		}
	}
	return false
}

// minimalTriggers drops duplicates and every trigger that starts with
// another one: each of its occurrences is already an occurrence of the
// shorter trigger at the same place.
func minimalTriggers(ts []string) []string {
	if ts == nil {
		return nil
	}
	sort.Slice(ts, func(i, j int) bool { return len(ts[i]) < len(ts[j]) || len(ts[i]) == len(ts[j]) && ts[i] < ts[j] })
	out := ts[:0:0]
	for _, t := range ts {
		covered := false
		for _, o := range out {
			if strings.HasPrefix(t, o) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, t)
		}
	}
	return out
}

// scan is a text prepared for many patterns: where each character occurs,
// so finding a pattern's triggers costs a lookup, not a pass over the text.
type scan struct {
	s      string
	byRune map[rune][]int
}

func newScan(s string) *scan {
	t := &scan{s: s, byRune: map[rune][]int{}}
	for i, r := range s {
		t.byRune[r] = append(t.byRune[r], i)
	}
	return t
}

// starts returns the sorted positions in the text where a trigger occurs:
// the only places a match can begin.
func (p *pattern) starts(t *scan) []int {
	var pos []int
	for _, trig := range p.triggers {
		first, size := utf8.DecodeRuneInString(trig)
		for _, i := range t.byRune[first] {
			if len(trig) == size || strings.HasPrefix(t.s[i:], trig) {
				pos = append(pos, i)
			}
		}
	}
	if len(pos) > 1 {
		sort.Ints(pos)
	}
	return pos
}

// findAllSubmatchIndex returns up to n matches (all when n < 0) as
// FindAllStringSubmatchIndex would, trying the anchored pattern only at
// trigger positions. Matches do not overlap.
func (p *pattern) findAllSubmatchIndex(t *scan, n int) [][]int {
	s := t.s
	if p.anchored == nil {
		return p.re.FindAllStringSubmatchIndex(s, n)
	}
	var out [][]int
	next := 0 // first byte a new match may start at
	last := -1
	for _, at := range p.starts(t) {
		if at < next || at == last {
			continue
		}
		last = at
		end := at + window
		if end > len(s) {
			end = len(s)
		}
		from, re := at, p.anchored
		if p.withContext != nil && at > 0 {
			_, size := utf8.DecodeLastRuneInString(s[:at])
			from, re = at-size, p.withContext
		}
		m := re.FindStringSubmatchIndex(s[from:end])
		if m == nil {
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += from
			}
		}
		m[0] = at // the context character is not part of the match
		out = append(out, m)
		if n >= 0 && len(out) == n {
			break
		}
		next = m[1]
	}
	return out
}

func (p *pattern) findAllIndex(t *scan, n int) [][]int {
	ms := p.findAllSubmatchIndex(t, n)
	for i, m := range ms {
		ms[i] = m[:2]
	}
	return ms
}

func (p *pattern) matchString(s string) bool { return len(p.findAllSubmatchIndex(newScan(s), 1)) > 0 }

// maxClass is the largest character class expanded into triggers.
const maxClass = 12

// firstLiterals returns strings one of which every match of the
// concatenation seq must start with, or nil when that cannot be told.
func firstLiterals(seq []*syntax.Regexp) []string {
	if len(seq) == 0 {
		return nil // an empty match: no literal is required
	}
	re, rest := seq[0], seq[1:]
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxClass {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpConcat:
		return firstLiterals(append(append([]*syntax.Regexp{}, re.Sub...), rest...))
	case syntax.OpCapture:
		return firstLiterals(append([]*syntax.Regexp{re.Sub[0]}, rest...))
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := firstLiterals(append([]*syntax.Regexp{sub}, rest...))
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpPlus:
		return firstLiterals(append([]*syntax.Regexp{re.Sub[0]}, rest...))
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return firstLiterals(append([]*syntax.Regexp{re.Sub[0]}, rest...))
		}
		fallthrough
	case syntax.OpQuest, syntax.OpStar:
		// Optional: the match starts with it or with what follows.
		a := firstLiterals(append([]*syntax.Regexp{re.Sub[0]}, rest...))
		b := firstLiterals(rest)
		if a == nil || b == nil {
			return nil
		}
		return append(a, b...)
	case syntax.OpBeginText, syntax.OpBeginLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return firstLiterals(rest)
	}
	return nil
}
