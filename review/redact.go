package review

import (
	"regexp"
	"strings"
)

// Redact is the stricter masking for what leaves the case card: the weekly
// report's new-script examples and the console's excerpts. On top of Mask
// (ID numbers, bank cards, the citizen's own phones) it masks every phone
// number, whoever's, every other run of six or more digits, and personal
// names introduced as such ("我叫王小明", "姓名：李四", "my name is Ann
// Lee"): the surname or first letter is kept, the rest becomes '*'.
func Redact(text string) string {
	text = Mask(text, MaskOptions{})
	runes := []rune(text)
	for _, n := range findNumbers(runes) {
		if n.kind != numPhone {
			continue
		}
		first, last := 3, 2
		for i, pos := range n.pos {
			if i >= first && i < len(n.pos)-last {
				runes[pos] = '*'
			}
		}
	}
	// Any other long run of digits (a QQ number, an account, an order
	// number): keep the first two.
	run := 0
	for i := 0; i <= len(runes); i++ {
		if i < len(runes) && digitVal(runes[i]) >= 0 {
			run++
			continue
		}
		if run >= 6 {
			for k := i - run + 2; k < i; k++ {
				runes[k] = '*'
			}
		}
		run = 0
	}
	return MaskNames(string(runes))
}

// nameRE finds a name introduced as one: the cue, then the name (group 1).
var nameRE = regexp.MustCompile(`(?:我叫|我的名字是|我的名字叫|名字叫|名字是|本人叫|本人是|姓名[:：是为]?\s*|联系人[:：是为]?\s*|收款人[:：是为]?\s*|户名[:：是为]?\s*|开户名[:：是为]?\s*|他叫|她叫|对方叫|自称叫?|我是|本人)([\p{Han}·]{2,4})|(?i:my name is|i am|i'm|this is|name:)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)`)

// notNames are words that follow "我是", "自称" or "本人" without being
// names.
var notNames = []string{"学生", "老师", "客服", "警察", "民警", "公安", "银行", "工作", "一名", "一个", "不是", "在", "想", "要", "被", "说", "问", "本人", "刚", "从", "家长", "妈妈", "爸爸", "老人", "退休", "京东", "淘宝", "平台", "网上", "今天", "昨天",
	"身份", "已经", "已", "手机", "电话", "名下", "账户", "同意", "确认", "没有", "的", "也", "还", "就", "和", "现在", "目前", "一直", "真的"}

// MaskNames masks personal names introduced as such, keeping the first
// character.
func MaskNames(text string) string {
	return nameRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := nameRE.FindStringSubmatchIndex(m)
		start, end := sub[2], sub[3]
		if start < 0 {
			start, end = sub[4], sub[5]
		}
		name := m[start:end]
		if strings.HasPrefix(m, "我是") || strings.HasPrefix(m, "自称") || strings.HasPrefix(m, "本人") {
			for _, w := range notNames {
				if strings.HasPrefix(name, w) {
					return m
				}
			}
		}
		r := []rune(name)
		for i := 1; i < len(r); i++ {
			if r[i] != ' ' {
				r[i] = '*'
			}
		}
		return m[:start] + string(r) + m[end:]
	})
}
