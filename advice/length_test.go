package advice_test

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
)

var tags = regexp.MustCompile(`<[^>]*>`)

// TestReplyLengths prints the distribution of reply lengths (characters of
// the plain text a phone shows) over the dev set, by language, and holds the
// median warning (any verdict above "none") to one phone screen: 350
// characters in Chinese, 700 in English. A verdict needing no warning is
// listed apart.
func TestReplyLengths(t *testing.T) {
	cl, adv := setup(t, advice.Options{})
	files, _ := filepath.Glob("../testdata/dev_*.jsonl")
	if len(files) == 0 {
		t.Fatal("no dev set")
	}
	lens := map[string][]int{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var in struct{ Text string }
			if json.Unmarshal(sc.Bytes(), &in) != nil || strings.TrimSpace(in.Text) == "" {
				continue
			}
			a := cl.Classify(context.Background(), in.Text)
			// What a phone shows: the Telegram message, tags stripped.
			n := utf8.RuneCountInString(html.UnescapeString(tags.ReplaceAllString(adv.Render(advice.View{Assessment: a, Lang: a.Lang}).HTML(), "")))
			kind := "warning"
			if a.Risk == fanzha.RiskNone && !a.Paid {
				kind = "none"
			}
			lens[string(a.Lang)+" "+kind] = append(lens[string(a.Lang)+" "+kind], n)
		}
		fh.Close()
	}
	limits := map[string]int{"zh warning": 350, "en warning": 700}
	keys := make([]string, 0, len(lens))
	for k := range lens {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		l := lens[k]
		slices.Sort(l)
		q := func(p int) int { return l[min(len(l)-1, len(l)*p/100)] }
		t.Logf("%-11s n=%3d  min %4d  p25 %4d  median %4d  p75 %4d  p90 %4d  max %4d", k, len(l), l[0], q(25), q(50), q(75), q(90), l[len(l)-1])
		if lim, ok := limits[k]; ok && q(50) > lim {
			t.Errorf("median %s reply is %d characters, want at most %d", k, q(50), lim)
		}
	}
	for k := range limits {
		if len(lens[k]) == 0 {
			t.Errorf("no %s reply measured", k)
		}
	}
}
