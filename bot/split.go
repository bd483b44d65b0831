package bot

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessageLen is the longest text Telegram accepts in one message.
// Telegram counts UTF-16 code units; Split counts them too, on the HTML
// source, which is never shorter than the text Telegram measures.
const MaxMessageLen = 4096

// Split cuts a Telegram HTML text into parts of at most max UTF-16 code
// units, at line boundaries where it can, else at a space, else anywhere
// but inside a tag or an entity (&amp;). Tags open at a cut are closed at
// the end of the part and opened again at the start of the next, so every
// part is valid HTML on its own. A text that fits is returned as is.
func Split(s string, max int) []string {
	if max <= 0 {
		max = MaxMessageLen
	}
	if u16len(s) <= max {
		return []string{s}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	var open []string // open tags, outermost first, e.g. "b", "a href=…"
	flush := func() {
		if curLen == 0 {
			return
		}
		for i := len(open) - 1; i >= 0; i-- {
			cur.WriteString("</" + tagName(open[i]) + ">")
		}
		parts = append(parts, strings.TrimRight(cur.String(), "\n"))
		cur.Reset()
		curLen = 0
		for _, t := range open {
			cur.WriteString("<" + t + ">")
			curLen += u16len(t) + 2
		}
	}
	add := func(piece string, tags []string) {
		cur.WriteString(piece)
		curLen += u16len(piece)
		open = tags
	}
	for len(s) > 0 {
		// Take the next line, with its newline.
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line = s[:i+1]
		}
		s = s[len(line):]
		after := trackTags(open, line)
		if curLen+u16len(line)+closeCost(after) <= max {
			add(line, after)
			continue
		}
		flush()
		// The line alone may still be too long: cut it into pieces.
		for len(line) > 0 {
			after := trackTags(open, line)
			if curLen+u16len(line)+closeCost(after) <= max {
				add(line, after)
				break
			}
			// Keep a margin for tags the piece itself may open.
			room := max - curLen - closeCost(open) - 32
			if room < 16 {
				room = 16 // tags nested absurdly deep: make progress anyway
			}
			cut := cutPoint(line, room)
			piece := line[:cut]
			add(piece, trackTags(open, piece))
			line = strings.TrimLeft(line[cut:], " ")
			flush()
		}
	}
	if curLen > 0 {
		parts = append(parts, strings.TrimRight(cur.String(), "\n"))
	}
	// A part left with nothing but reopened tags says nothing: drop it.
	out := parts[:0]
	for _, p := range parts {
		if strings.TrimSpace(stripTags(p)) != "" {
			out = append(out, p)
		}
	}
	return out
}

// closeCost is the length of the closing tags for open.
func closeCost(open []string) int {
	n := 0
	for _, t := range open {
		n += len(tagName(t)) + 3
	}
	return n
}

// cutPoint returns the byte index at which to cut line so the first piece
// has at most room UTF-16 units: at the last space if there is one in the
// second half, never inside a tag or an entity, never inside a rune.
func cutPoint(line string, room int) int {
	n := 0
	inTag, inEnt := false, false
	safe, space := 0, 0
	for i, r := range line {
		if !inTag && !inEnt && i > 0 {
			safe = i
			if r == ' ' {
				space = i
			}
		}
		w := utf16.RuneLen(r)
		if w < 1 {
			w = 1
		}
		if n+w > room {
			break
		}
		n += w
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
		case r == '&' && !inTag:
			inEnt = true
		case r == ';' && inEnt:
			inEnt = false
		}
	}
	switch {
	case space > 0 && space >= safe/2:
		return space
	case safe > 0:
		return safe
	}
	// A tag or entity longer than room: cut after it rather than loop.
	if i := strings.IndexAny(line, ">;"); i >= 0 {
		return i + 1
	}
	_, size := utf8.DecodeRuneInString(line)
	return size
}

// trackTags returns the stack of open tags after s, given those open
// before it. open is not modified.
func trackTags(open []string, s string) []string {
	open = append([]string(nil), open...)
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return open
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return open
		}
		tag := s[i+1 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(tag, "/") {
			name := tag[1:]
			for k := len(open) - 1; k >= 0; k-- {
				if tagName(open[k]) == name {
					open = append(open[:k], open[k+1:]...)
					break
				}
			}
			continue
		}
		if strings.HasSuffix(tag, "/") || tag == "" {
			continue
		}
		open = append(open, tag)
	}
}

func tagName(t string) string {
	if i := strings.IndexAny(t, " \t"); i >= 0 {
		return t[:i]
	}
	return t
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// u16len is the length of s in UTF-16 code units.
func u16len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
