package bot_test

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fanzha/fanzha/bot"
	"github.com/fanzha/fanzha/bot/bottest"
)

func TestSplit(t *testing.T) {
	lines := func(n int, format string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, format, i)
			b.WriteString("\n")
		}
		return b.String()
	}
	tests := []struct {
		name      string
		in        string
		max       int
		wantParts int // 0: any number above 1
	}{
		{name: "short text is one part", in: "<b>高风险</b>\n• 不要转账\n", max: 4096, wantParts: 1},
		{name: "exactly the limit", in: strings.Repeat("a", 4096), max: 4096, wantParts: 1},
		{name: "one over the limit", in: strings.Repeat("a", 4097), max: 4096, wantParts: 2},
		{name: "many lines", in: lines(400, "• 第%d条：不要向陌生账户转账"), max: 4096},
		{name: "lines inside a bold block", in: "<b>" + lines(300, "第%d行 &amp; 更多") + "</b>", max: 1000},
		{name: "one long Chinese line", in: strings.Repeat("骗子会让你转到安全账户。", 900), max: 4096},
		{name: "one long English line", in: strings.Repeat("never move money to a safe account ", 300), max: 4096},
		{name: "entities are not cut", in: strings.Repeat("&amp;&lt;&gt;", 1000), max: 100},
		{name: "emoji count twice", in: strings.Repeat("🚨", 3000), max: 4096, wantParts: 2},
		{name: "nested tags across cuts", in: "<b>标题</b>\n<i>" + strings.Repeat("斜体文字", 500) + "</i>\n<a href=\"https://example.org/x\">" + strings.Repeat("链接", 300) + "</a>", max: 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts := bot.Split(tc.in, tc.max)
			if tc.wantParts > 0 && len(parts) != tc.wantParts {
				t.Errorf("%d parts, want %d", len(parts), tc.wantParts)
			}
			if tc.wantParts == 0 && len(parts) < 2 {
				t.Errorf("%d parts, want several", len(parts))
			}
			var text strings.Builder
			for i, p := range parts {
				if n := len(utf16.Encode([]rune(p))); n > tc.max {
					t.Errorf("part %d has %d UTF-16 units, max %d", i, n, tc.max)
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d is not valid UTF-8", i)
				}
				if err := bottest.CheckHTML(p); err != nil {
					t.Errorf("part %d: %v\n%s", i, err, p)
				}
				text.WriteString(plain(p))
			}
			// Nothing is lost but the whitespace at the cuts.
			if got, want := squash(text.String()), squash(plain(tc.in)); got != want {
				t.Errorf("text changed by splitting:\n got %.200q\nwant %.200q", got, want)
			}
		})
	}
}

// TestSplitAtLines: a text of lines is cut between lines, never inside one.
func TestSplitAtLines(t *testing.T) {
	var in strings.Builder
	for i := range 500 {
		fmt.Fprintf(&in, "• 第%03d条：保持警惕\n", i)
	}
	for i, p := range bot.Split(in.String(), 4096) {
		for _, l := range strings.Split(p, "\n") {
			if !strings.HasPrefix(l, "• 第") || !strings.HasSuffix(l, "保持警惕") {
				t.Fatalf("part %d has a cut line %q", i, l)
			}
		}
	}
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func plain(s string) string {
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
	return html.UnescapeString(b.String())
}
