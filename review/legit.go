package review

import "github.com/fanzha/fanzha/linkcheck"

// LegitDomains says whether a host belongs to a well-known legitimate
// organisation (a bank, a payment app, an e-commerce site, a government
// body…), which must never be blocklisted, and names it for the officer.
type LegitDomains interface {
	Legit(host string) (name string, ok bool)
}

// Legit is the list the blocklist refuses: the one list of official brands
// and domains, linkcheck/legit.txt, which also judges look-alike links.
var Legit LegitDomains = linkcheckLegit{}

type linkcheckLegit struct{}

func (linkcheckLegit) Legit(host string) (string, bool) {
	b, ok := linkcheck.LegitDomain(host)
	if !ok {
		return "", false
	}
	return b.ZH, true
}
