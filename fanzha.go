// Package fanzha holds Fanzha's domain: the scam taxonomy, risk levels, the
// Assessment a classifier produces, and the interfaces the core needs from the
// outside world. Adapters (knowledge, session, review, llm, bot) implement them.
package fanzha

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// ScamType is a taxonomy id from the official Chinese fraud categories.
type ScamType string

// The taxonomy. Ids are stable: they appear in the corpus, the JSON output of
// `fanzha classify` and the statistics officers read.
const (
	Investment      ScamType = "investment"
	TaskRebate      ScamType = "task_rebate"
	FakeLoan        ScamType = "fake_loan"
	CustomerService ScamType = "customer_service"
	Police          ScamType = "police"
	CreditRepair    ScamType = "credit_repair"
	Acquaintance    ScamType = "acquaintance"
	Romance         ScamType = "romance"
	GameTrade       ScamType = "game_trade"
	Shopping        ScamType = "shopping"
	OtherFraud      ScamType = "other_fraud"
	None            ScamType = "none"
)

// ScamTypes lists every type in a fixed order (fraud types first, none last).
var ScamTypes = []ScamType{
	Investment, TaskRebate, FakeLoan, CustomerService, Police, CreditRepair,
	Acquaintance, Romance, GameTrade, Shopping, OtherFraud, None,
}

// Valid reports whether t is a known taxonomy id.
func (t ScamType) Valid() bool {
	for _, s := range ScamTypes {
		if s == t {
			return true
		}
	}
	return false
}

// IsFraud reports whether t is a fraud type (not none, not empty).
func (t ScamType) IsFraud() bool { return t != None && t != "" && t.Valid() }

// Risk is an ordered risk level: None < Low < Medium < High.
type Risk int

const (
	RiskNone Risk = iota
	RiskLow
	RiskMedium
	RiskHigh
)

var riskNames = [...]string{"none", "low", "medium", "high"}

func (r Risk) String() string {
	if r < RiskNone || r > RiskHigh {
		return fmt.Sprintf("Risk(%d)", int(r))
	}
	return riskNames[r]
}

// ParseRisk parses "none", "low", "medium" or "high".
func ParseRisk(s string) (Risk, error) {
	for i, n := range riskNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Risk(i), nil
		}
	}
	return RiskNone, fmt.Errorf("unknown risk %q", s)
}

// MarshalText encodes the risk by name, so JSON carries "high", not 3.
func (r Risk) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a risk name.
func (r *Risk) UnmarshalText(b []byte) error {
	v, err := ParseRisk(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Lang is the language of a user-facing text.
type Lang string

const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Text is a user-facing string in Chinese and English.
type Text struct {
	ZH string `json:"zh" yaml:"zh"`
	EN string `json:"en" yaml:"en"`
}

// In returns the text in lang, falling back to Chinese.
func (t Text) In(lang Lang) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Flag is one red flag found in the user's words.
type Flag struct {
	ID   string   `json:"id"`
	Type ScamType `json:"type,omitempty"` // the scam type it points to; empty for general signs
	Hard bool     `json:"hard,omitempty"` // a hard flag makes the risk high on its own
	Span string   `json:"span"`           // the matched words, as the user wrote them
	Text Text     `json:"explain"`        // short explanation
}

// Match is a corpus script close to the user's text.
type Match struct {
	ID      string   `json:"id"`
	Type    ScamType `json:"type"`
	Score   float64  `json:"score"`
	Snippet string   `json:"snippet,omitempty"`
}

// IndicatorKind names what an extracted indicator is.
type IndicatorKind string

const (
	IndPhone    IndicatorKind = "phone"
	IndURL      IndicatorKind = "url"
	IndBankCard IndicatorKind = "bank_card"
	IndIDNumber IndicatorKind = "id_number"
	IndQQ       IndicatorKind = "qq"
	IndWeChat   IndicatorKind = "wechat"
	IndApp      IndicatorKind = "app"
	IndAmount   IndicatorKind = "amount"
)

// Indicator is a concrete identifier found in a text: a phone, a URL, an
// account, an app name or an amount.
type Indicator struct {
	Kind  IndicatorKind `json:"kind"`
	Value string        `json:"value"`
}

// Rate is a promised return converted to monthly and compounded annual rates.
type Rate struct {
	Span    string  `json:"span"`
	Monthly float64 `json:"monthly"` // fraction: 0.10 is 10 % a month
	Annual  float64 `json:"annual"`  // compounded over 12 months
}

// Assessment is the verdict on one text or on a whole conversation.
type Assessment struct {
	Label ScamType `json:"label"`
	Risk  Risk     `json:"risk"`
	Score float64  `json:"score"` // 0..1, how likely this is fraud
	// PFraud is the trained model's calibrated probability that the text is
	// fraud (before hard-flag floors); Score is the same number after them.
	PFraud float64 `json:"p_fraud"`
	// Unsure: the evidence says "possibly fraud" but does not settle the
	// type; a reply asks the deciding question instead of naming a type.
	Unsure bool `json:"unsure,omitempty"`
	// Truncated: the text was longer than what is judged; only part of it
	// was read.
	Truncated bool `json:"truncated,omitempty"`
	Paid      bool `json:"paid"`
	// SaysPaid: the text says money already left, whatever the label. Paid
	// needs a fraud label too; in a conversation, "我已经转了" after a scam
	// was recognised makes the whole conversation paid.
	SaysPaid   bool        `json:"says_paid,omitempty"`
	Lang       Lang        `json:"lang"`
	Flags      []Flag      `json:"flags"`
	Matches    []Match     `json:"matches"`
	Indicators []Indicator `json:"indicators"`
	Rate       *Rate       `json:"rate,omitempty"`
	// Forwarded is set by transports when the text was forwarded by a volunteer.
	Forwarded bool `json:"forwarded,omitempty"`
	// Assistant is the optional LLM's reading, after the safety floor: it
	// may have raised the risk or added reasons, never lowered anything.
	Assistant *Opinion `json:"assistant,omitempty"`
}

// HasHardFlag reports whether any flag is hard.
func (a *Assessment) HasHardFlag() bool {
	for _, f := range a.Flags {
		if f.Hard {
			return true
		}
	}
	return false
}

// FlagIDs returns the ids of the flags, in order.
func (a *Assessment) FlagIDs() []string {
	ids := make([]string, 0, len(a.Flags))
	for _, f := range a.Flags {
		ids = append(ids, f.ID)
	}
	return ids
}

// String is a compact form for logs: no user text.
func (a Assessment) String() string {
	b, _ := json.Marshal(struct {
		Label ScamType `json:"label"`
		Risk  Risk     `json:"risk"`
		Paid  bool     `json:"paid"`
		Flags []string `json:"flags"`
	}{a.Label, a.Risk, a.Paid, a.FlagIDs()})
	return string(b)
}

// Searcher finds the corpus scripts closest to a text.
type Searcher interface {
	Search(ctx context.Context, text string, lang Lang, n int) ([]Match, error)
}

// TypeModel scores how close a text's vocabulary is to each type's scripts
// (a cosine in [0,1] per type, none included). A Searcher may also be one.
type TypeModel interface {
	TypeSimilarity(text string) map[ScamType]float64
}

// Opinion is what the optional LLM assistant read in a text. Its reasons and
// question are shown to the user marked as the assistant's reading.
type Opinion struct {
	Label    ScamType `json:"label"`
	Risk     Risk     `json:"risk"`
	Reasons  []string `json:"reasons"`
	Question string   `json:"next_question,omitempty"`
}

// Assistant gives a second reading of a text, given the deterministic
// assessment. Implementations must treat the text as data, never as
// instructions, and answer within the context's deadline.
type Assistant interface {
	Review(ctx context.Context, text string, a Assessment) (Opinion, error)
}
