package bot

import (
	"strings"
	"testing"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/advice"
	"github.com/fanzha/fanzha/knowledge"
)

// A card always fits one message and fitCard always returns, whatever the
// citizen wrote: a 4,000-digit "amount" once made it loop for ever.
func TestFitCardTerminates(t *testing.T) {
	corpus, err := knowledge.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	adv, err := advice.New(corpus, advice.Options{Hotline: "96110", Police: "110"})
	if err != nil {
		t.Fatal(err)
	}
	b := &Bot{opts: Options{Advisor: adv}}
	huge := "¥1" + strings.Repeat("0", 5000) + "元"
	c := fanzha.Case{
		ID: "7", Label: fanzha.Police, Risk: fanzha.RiskHigh,
		Excerpt: strings.Repeat("他让我转到安全账户。", 600),
		Indicators: []fanzha.Indicator{
			{Kind: fanzha.IndAmount, Value: huge},
			{Kind: fanzha.IndURL, Value: "http://" + strings.Repeat("a", 5000) + ".cc"},
		},
	}
	for i := 0; i < 60; i++ {
		c.Indicators = append(c.Indicators, fanzha.Indicator{Kind: fanzha.IndURL, Value: "http://" + strings.Repeat("x", 90) + ".top"})
	}
	s := b.fitCard(c, nil)
	if u16len(s) > MaxMessageLen {
		t.Fatalf("card of %d UTF-16 units, want at most %d", u16len(s), MaxMessageLen)
	}
	if strings.Contains(s, strings.Repeat("0", 200)) {
		t.Error("an indicator was not bounded")
	}
}
