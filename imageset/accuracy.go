package imageset

import (
	"unicode"

	"github.com/fanzha/fanzha/textnorm"
)

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
	d := textnorm.EditDistance(a, b)
	return max(0, 1-float64(d)/float64(len(a)))
}
