// Package textnorm folds the ways scam texts dodge keyword filters —
// full-width characters, traditional characters, inserted spaces and symbols,
// common typos like 转帐 — into one canonical form, while remembering where
// each canonical character came from so red flags can quote the user's own
// words.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Folded is a normalised text with a map back to the original.
type Folded struct {
	Orig string
	// Text is the canonical form: lower case, half-width, simplified, with
	// spaces and filler symbols between CJK characters removed.
	Text string
	// pos[i] is the byte offset in Orig of the rune that produced byte i of
	// Text; pos[len(Text)] is len(Orig).
	pos []int
}

// Fold normalises s for matching. It never fails: invalid UTF-8 is replaced.
func Fold(s string) Folded {
	var b strings.Builder
	b.Grow(len(s))
	pos := make([]int, 0, len(s)+1)
	var prev rune // last rune written, for deciding whether a separator is filler
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		start := i
		i += size
		r = foldRune(r)
		if r == 0 {
			continue
		}
		if isFiller(r) {
			// A separator between two CJK characters (安 全 账 户, 安*全) is a
			// filter dodge; elsewhere a space separates words and stays.
			next, _ := peekRune(s[i:])
			if isCJK(prev) && (isCJK(foldRune(next)) || isFiller(foldRune(next))) {
				continue
			}
			if r == ' ' && (prev == ' ' || prev == 0) {
				continue // collapse runs of spaces, drop leading ones
			}
		}
		n := b.Len()
		b.WriteRune(r)
		for k := n; k < b.Len(); k++ {
			pos = append(pos, start)
		}
		prev = r
	}
	pos = append(pos, len(s))
	return Folded{Orig: s, Text: b.String(), pos: pos}
}

// peekRune returns the next non-filler rune of s (skipping runs of fillers),
// so "安 * 全" still joins.
func peekRune(s string) (rune, int) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		fr := foldRune(r)
		if fr != 0 && !isFiller(fr) {
			return r, i + size
		}
		i += size
	}
	return 0, 0
}

// Span returns the original words behind Text[start:end].
func (f Folded) Span(start, end int) string {
	if start < 0 || end > len(f.Text) || start >= end {
		return ""
	}
	return strings.TrimSpace(f.Orig[f.pos[start]:f.pos[end]])
}

// String is a shorthand for Fold(s).Text.
func String(s string) string { return Fold(s).Text }

// foldRune maps one rune to its canonical form; 0 drops it.
func foldRune(r rune) rune {
	switch {
	case r == utf8.RuneError:
		return 0
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		return ' '
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF || r == 0x00AD: // zero-width
		return 0
	}
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return 0
		}
		return r
	}
	if s, ok := simplified[r]; ok {
		return s
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	if unicode.IsControl(r) {
		return 0
	}
	if unicode.IsUpper(r) {
		return unicode.ToLower(r)
	}
	return r
}

// isFiller reports separators scammers insert between characters.
func isFiller(r rune) bool {
	switch r {
	case ' ', '*', '#', '_', '|', '~', '^', '`', '-', '.', '·', '、', '/', '\\', '+', '=':
		return true
	}
	return false
}

// IsCJK reports whether r is a Han character.
func IsCJK(r rune) bool { return isCJK(r) }

func isCJK(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0xF900 && r <= 0xFAFF
}

// HasCJK reports whether s contains a Han character.
func HasCJK(s string) bool {
	for _, r := range s {
		if isCJK(r) {
			return true
		}
	}
	return false
}

// Lang guesses the language of s: English when it has more Latin letters
// than Han characters, Chinese otherwise (Chinese is the default).
func Lang(s string) string {
	var han, latin int
	for _, r := range s {
		switch {
		case isCJK(r):
			han++
		case r < 0x80 && (r|0x20) >= 'a' && (r|0x20) <= 'z':
			latin++
		}
	}
	// A Han character carries about as much as a short English word.
	if latin > 3*han && latin >= 4 {
		return "en"
	}
	return "zh"
}

// OneLine collapses runs of white space to one space and cuts s to n
// runes, with an ellipsis when cut: a quote that fits on one line.
func OneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// EditDistance is the Levenshtein distance between a and b, in runes: how
// far a look-alike domain is from a brand's, or OCR output from the text
// it read.
func EditDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
