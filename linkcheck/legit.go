// Package linkcheck judges the links and phone numbers in a text: look-alike
// domains of banks, payment apps, shops and government sites (edit distance,
// homoglyphs, punycode, a brand's name inside somebody else's domain), URL
// shorteners, raw IP hosts, app downloads outside the stores, and phone
// numbers from abroad, from virtual operators, or presented as a brand's
// service line when they are not.
//
// The well-known legitimate brands, domains and numbers live in one file,
// legit.txt (embedded), which the blocklist also consults.
package linkcheck

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

//go:embed legit.txt
var legitTxt string

// Kind is what a brand is.
type Kind string

const (
	Bank       Kind = "bank"
	Payment    Kind = "payment"
	Ecommerce  Kind = "ecommerce"
	Courier    Kind = "courier"
	Telecom    Kind = "telecom"
	Government Kind = "government"
	Platform   Kind = "platform"
	Game       Kind = "game"
	Shortener  Kind = "shortener"
)

// Brand is one line of legit.txt.
type Brand struct {
	ID      string
	Kind    Kind
	ZH, EN  string
	Domains []string // official registrable domains; sub-domains are covered
	Names   []string // as people write them: Chinese names, Latin words
	Numbers []string // official service numbers
}

// sensitive: imitating these brands is how money is taken.
func (b *Brand) sensitive() bool {
	return b.Kind == Bank || b.Kind == Payment || b.Kind == Government
}

var (
	loadOnce sync.Once
	brands   []*Brand
	byDomain map[string]*Brand
	byNumber map[string]*Brand
	claimRes map[string]*regexp.Regexp // by lower-case name, for ClaimedBrands
	loadErr  error
)

func load() {
	loadOnce.Do(func() {
		brands, loadErr = parseLegit(legitTxt)
		byDomain, byNumber, claimRes = map[string]*Brand{}, map[string]*Brand{}, map[string]*regexp.Regexp{}
		for _, b := range brands {
			for _, n := range b.Names {
				claimRes[strings.ToLower(n)] = claimRe(strings.ToLower(n))
			}
			for _, d := range b.Domains {
				byDomain[d] = b
			}
			for _, n := range b.Numbers {
				if _, dup := byNumber[n]; !dup {
					byNumber[n] = b
				}
			}
		}
	})
	if loadErr != nil {
		panic(loadErr) // the embedded file is ours; TestLegitFile keeps it valid
	}
}

func parseLegit(s string) ([]*Brand, error) {
	var out []*Brand
	seen := map[string]bool{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 7 {
			return nil, fmt.Errorf("legit.txt:%d: %d fields, want 7", i+1, len(f))
		}
		for k := range f {
			f[k] = strings.TrimSpace(f[k])
		}
		b := &Brand{ID: f[0], Kind: Kind(f[1]), ZH: f[2], EN: f[3],
			Domains: strings.Fields(strings.ToLower(f[4])), Names: strings.Fields(f[5]), Numbers: strings.Fields(f[6])}
		if b.ID == "" || len(b.Domains) == 0 {
			return nil, fmt.Errorf("legit.txt:%d: id and domains are required", i+1)
		}
		switch b.Kind {
		case Bank, Payment, Ecommerce, Courier, Telecom, Government, Platform, Game, Shortener:
		default:
			return nil, fmt.Errorf("legit.txt:%d: unknown kind %q", i+1, b.Kind)
		}
		for _, d := range b.Domains {
			if seen[d] {
				return nil, fmt.Errorf("legit.txt:%d: domain %s listed twice", i+1, d)
			}
			seen[d] = true
		}
		out = append(out, b)
	}
	return out, nil
}

// Brands returns every brand in legit.txt, in file order. Do not modify.
func Brands() []*Brand {
	load()
	return brands
}

// LegitDomain reports whether host is, or is under, a listed official
// domain (any *.gov.cn counts as government), and whose.
func LegitDomain(host string) (*Brand, bool) {
	load()
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for h := host; h != ""; {
		if b, ok := byDomain[h]; ok {
			return b, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return nil, false
}

// LegitNumber reports whether n (digits only) is a listed official number.
func LegitNumber(n string) (*Brand, bool) {
	load()
	b, ok := byNumber[n]
	return b, ok
}
