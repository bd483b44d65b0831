package imageset

import "unicode"

// punct maps Chinese punctuation to the ASCII a reader takes as the same.
var punct = map[rune]rune{
	'，': ',', '。': '.', '：': ':', '；': ';', '！': '!', '？': '?', '（': '(', '）': ')',
	'“': '"', '”': '"', '‘': '\'', '’': '\'', '、': ',', '【': '[', '】': ']', '《': '<', '》': '>',
	'—': '-', '～': '~', '·': '.',
}

// normalise is what character accuracy compares: no white space (Tesseract's
// spacing between Chinese characters is not a reading error), full-width
// forms and Chinese punctuation folded to ASCII. Case is kept.
func normalise(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if p, ok := punct[r]; ok {
			r = p
		}
		out = append(out, r)
	}
	return out
}

// CharAccuracy is 1 − edit distance / reference length over the normalised
// texts, floored at 0. An empty reference scores 1 only against an empty text.
func CharAccuracy(ref, got string) float64 {
	a, b := normalise(ref), normalise(got)
	if len(a) == 0 {
		if len(b) == 0 {
			return 1
		}
		return 0
	}
	d := editDistance(a, b)
	return max(0, 1-float64(d)/float64(len(a)))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b []rune) int {
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
