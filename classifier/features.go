package classifier

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/learn"
	"github.com/fanzha/fanzha/textnorm"
)

// The model sees a text as hashed n-grams of its folded words plus the
// signals the rules find (red flags, promised return, already-paid wording,
// the closest corpus scripts, the vocabulary's nearest type). Hashing keeps
// the vocabulary open: a word never seen in training still lands somewhere.
const (
	hashBits = 18
	dims     = 1 << hashBits
	// maxGram is the longest run of tokens (Han characters or Latin words)
	// hashed as one feature.
	maxGram = 3
)

// token kinds that shape the n-grams.
const (
	tokHan = iota
	tokWord
	tokNum
	tokPunct
)

type token struct {
	h    uint64
	kind int
	text string
}

// fnv64 is FNV-1a: stable across platforms and Go versions.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func mix(h, t uint64) uint64 {
	h ^= t + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	h *= 0xff51afd7ed558ccd
	return h ^ (h >> 33)
}

func bucket(h uint64) uint32 { return uint32(h >> (64 - hashBits)) }

// tokens splits folded text into Han characters, Latin words, digit runs
// (kept only as their length class: "11 digits" says phone, the digits say
// nothing) and the punctuation that carries style (【】 brand tags, ！, ？).
// A nil token marks a boundary n-grams do not cross.
func tokens(s string) []token {
	var out []token
	boundary := func() {
		if len(out) > 0 && out[len(out)-1].kind != -1 {
			out = append(out, token{kind: -1})
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case textnorm.IsCJK(r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			out = append(out, token{h: fnv64(s[i : i+size]), kind: tokHan, text: s[i : i+size]})
			i += size
		case r < utf8.RuneSelf && (isLetter(byte(r)) || isDigit(byte(r))):
			j := i
			letters := false
			for j < len(s) && s[j] < utf8.RuneSelf && (isLetter(s[j]) || isDigit(s[j]) || s[j] == '\'') {
				letters = letters || isLetter(s[j])
				j++
			}
			w := s[i:j]
			if !letters {
				out = append(out, token{h: fnv64("#" + numClass(len(w))), kind: tokNum, text: "#"})
			} else {
				out = append(out, token{h: fnv64(zeroDigits(w)), kind: tokWord, text: zeroDigits(w)})
			}
			i = j
		case r == '【' || r == '】' || r == '[' || r == ']' || r == '!' || r == '！' || r == '?' || r == '？' || r == '￥' || r == '$' || r == '£' || r == '€' || r == '%' || r == '@' || r == '/':
			out = append(out, token{h: fnv64(string(r)), kind: tokPunct, text: string(r)})
			i += size
		default:
			boundary()
			i += size
		}
	}
	return out
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func numClass(n int) string {
	switch {
	case n <= 2:
		return "s"
	case n <= 4:
		return "m"
	case n <= 8:
		return "l"
	case n == 11:
		return "phone"
	}
	return "x"
}

func zeroDigits(w string) string {
	b := []byte(w)
	for i, c := range b {
		if isDigit(c) {
			b[i] = '0'
		}
	}
	return string(b)
}

// ngrams appends the hashed n-gram buckets of the folded text to dst, in
// the namespace seed (the same words in another block hash elsewhere).
func ngrams(s string, seed uint64, dst []uint32) []uint32 {
	toks := tokens(s)
	for i, t := range toks {
		if t.kind == -1 {
			continue
		}
		h := seed
		for n := 0; n < maxGram && i+n < len(toks); n++ {
			u := toks[i+n]
			if u.kind == -1 {
				break
			}
			h = mix(h, u.h)
			dst = append(dst, bucket(h))
		}
		// Inside a Latin word: character 3- to 5-grams catch spellings and
		// inflections ("verify", "verification", "verifed").
		if t.kind == tokWord && len(t.text) >= 4 {
			w := "<" + t.text + ">"
			for n := 3; n <= 5; n++ {
				for j := 0; j+n <= len(w); j++ {
					dst = append(dst, bucket(mix(seed^0x63686172, fnv64(w[j:j+n]))))
				}
			}
		}
	}
	return dst
}

// dense is the part of the features that comes from the rules.
type dense struct {
	names []string
	vals  []float32
}

func (d *dense) add(name string, v float64) {
	d.names = append(d.names, name)
	d.vals = append(d.vals, float32(v))
}

// Namespaces of the n-gram blocks.
const (
	seedText    = 0x6e6772616d
	seedPayment = 0x7061796d656e74
)

// vectorise builds the model's input: the n-grams of the whole text, the
// n-grams of the clauses that move money (where "转出去了" and "还没转" differ:
// what the paid head reads), each block with sub-linear counts normalised to
// unit length so a long transcript and a short SMS weigh alike, then the
// rules' signals at fixed scale.
func vectorise(folded string, pay []uint32, d dense) learn.Vec {
	var v learn.Vec
	addBlock(&v, ngrams(folded, seedText, make([]uint32, 0, 4*len(folded)/3+8)))
	addBlock(&v, pay)
	addDense(&v, d)
	return v
}

// paymentGrams are the hashed n-grams of the clauses that move money, or
// nil: computed once, read by both vectors.
func paymentGrams(folded string) []uint32 {
	if pc := paymentClauses(folded); pc != "" {
		return ngrams(pc, seedPayment, nil)
	}
	return nil
}

// paidVector is the paid head's input: only the clauses that move money
// and the rule's reading of them. Whether money left is said in those
// clauses ("转了三万", "还没转", "he paid me back"); the rest of the text
// says which scam it is, and would teach the head the topics of the texts
// that happened to be paid.
func paidVector(s *signals, pay []uint32) learn.Vec {
	var v learn.Vec
	addBlock(&v, pay)
	var d dense
	if s.paid {
		d.add("paid:rule", 1)
	}
	if s.lang == fanzha.EN {
		d.add("lang:en", 1)
	}
	addDense(&v, d)
	return v
}

// addDense appends named signals at their values.
func addDense(v *learn.Vec, d dense) {
	for i, name := range d.names {
		v.Idx = append(v.Idx, bucket(mix(0x7369676e616c, fnv64(name))))
		v.Val = append(v.Val, d.vals[i])
	}
}

// addBlock appends hashed n-grams as one unit-length block. It sorts hs in
// place; the same slice may be added to two vectors.
func addBlock(v *learn.Vec, hs []uint32) {
	slices.Sort(hs)
	first := len(v.Idx)
	var norm float64
	for i := 0; i < len(hs); {
		j := i
		for j < len(hs) && hs[j] == hs[i] {
			j++
		}
		w := 1 + math.Log(float64(j-i))
		v.Idx = append(v.Idx, hs[i])
		v.Val = append(v.Val, float32(w))
		norm += w * w
		i = j
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := first; i < len(v.Val); i++ {
			v.Val[i] *= inv
		}
	}
}

// paymentWords mark a clause that talks about money moving.
var paymentWords = []string{"转", "汇", "打款", "打了", "打过去", "打给", "付", "交了", "交的", "缴", "充", "垫", "投了", "投进", "给了", "扣", "骗", "提现", "到账", "定金", "押金",
	"钱", "元", "块", "万", "没了", "拉黑", "提不", "血本",
	"sent", "send", "paid", "pay", "transfer", "wire", "deposit", "took", "charged", "lost", "gave", "bought", "scammed", "refund", "gift card", "bitcoin", "crypto",
	"money", "$", "£", "€", "¥", "gone"}

// paymentClauses joins the clauses of s that mention moving money.
func paymentClauses(s string) string {
	var b strings.Builder
	start := 0
	flush := func(end int) {
		c := s[start:end]
		for _, w := range paymentWords {
			if strings.Contains(c, w) {
				b.WriteString(c)
				b.WriteString("\n")
				break
			}
		}
	}
	for i, r := range s {
		switch r {
		case '。', '！', '？', '；', '，', ',', '.', '!', '?', ';', '\n', '…':
			flush(i)
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(s) {
		flush(len(s))
	}
	return b.String()
}

// signalFeatures turns what the rules found into named features.
func signalFeatures(s *signals) dense {
	var d dense
	for _, h := range s.hits {
		d.add("det:"+h.det.id, 1)
	}
	for _, id := range s.linkIDs {
		d.add("link:"+id, 1)
	}
	for _, f := range s.hardIDs {
		d.add("hard:"+f, 1)
	}
	if s.hard {
		d.add("hard", 1)
	}
	if s.rate != nil {
		d.add("rate", 1)
		d.add("rate:log", math.Min(2, math.Log10(1+s.rate.Monthly*100)))
		if s.rate.Monthly >= abnormalMonthly {
			d.add("rate:abnormal", 1)
		}
	}
	if s.paid {
		d.add("paid:rule", 1)
	}
	if s.lang == fanzha.EN {
		d.add("lang:en", 1)
	}
	// Length as a one-hot bucket: how much a short text's few words can be
	// trusted is learned per length, not assumed.
	n := utf8.RuneCountInString(s.f.Text)
	d.add("len", math.Min(1, math.Log2(1+float64(n))/12))
	d.add(fmt.Sprintf("len:%d", min(8, bits.Len(uint(n)/8))), 1)
	for _, t := range fanzha.ScamTypes {
		if v := s.retrieval[t]; v > 0 {
			d.add("ret:"+string(t), v/voteScale)
		}
		if v := s.sims[t]; v > 0 {
			d.add("sim:"+string(t), 4*v)
		}
	}
	d.add("ret:top", s.topMatch)
	d.add("margin", clamp(20*s.margin, -1.5, 1.5))
	if len(s.indicators) > 0 {
		for _, i := range s.indicators {
			d.add("ind:"+string(i.Kind), 1)
		}
	}
	return d
}
