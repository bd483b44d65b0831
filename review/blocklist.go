package review

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/fanzha/fanzha"
)

// DefaultBlockTTL is how long a blocklist entry lasts when Options.BlockTTL
// is zero (config sets it: review.block_ttl, 180 days).
const DefaultBlockTTL = 180 * 24 * time.Hour

// Reasons an indicator is not blocklisted, shown to officers.
var (
	reasonApp = fanzha.Text{
		ZH: "应用名称不拉黑：同名的正规软件和普通用语会被误判；请拉黑对方的电话、账户、QQ/微信号或网址",
		EN: "app names are not blocklisted: genuine apps and ordinary words share them; block the scammer's phone, account, QQ/WeChat id or site instead"}
	reasonNotScammer = fanzha.Text{
		ZH: "不是诈骗分子控制的线索（身份证号、金额）",
		EN: "not something a scammer controls (ID number, amount)"}
	reasonOrdinary = fanzha.Text{
		ZH: "不是可以确认的号码、账户或网址（太短、服务号码或普通词语）",
		EN: "not a number, account or site that can be pinned down (too short, a service number or an ordinary word)"}
	reasonLegit = fanzha.Text{
		ZH: "知名正规网站（%s），不能拉黑",
		EN: "a well-known legitimate site (%s); it cannot be blocklisted"}
)

// wechatID is what WeChat accepts as an id: 6–20 letters, digits, _ or -,
// starting with a letter. Anything else is a word, not an account.
var wechatID = regexp.MustCompile(`^[a-z][a-z0-9_-]{5,19}$`)

// Blockable returns the canonical form of an indicator that may be
// blocklisted — a phone, bank account, QQ/WeChat id or URL domain a
// scammer controls — or the reason it may not: app and brand names,
// ordinary words, ID numbers and amounts, service numbers, and well-known
// legitimate domains (Legit). The citizen's own details never reach here:
// ScammerIndicators leaves them out of a case.
func Blockable(in fanzha.Indicator) (fanzha.Indicator, fanzha.Text, bool) {
	switch in.Kind {
	case fanzha.IndApp:
		return in, reasonApp, false
	case fanzha.IndIDNumber, fanzha.IndAmount:
		return in, reasonNotScammer, false
	case fanzha.IndURL:
		if h := Domain(in.Value); h != "" {
			if name, ok := Legit.Legit(h); ok {
				return in, fanzha.Text{ZH: fmt.Sprintf(reasonLegit.ZH, name), EN: fmt.Sprintf(reasonLegit.EN, name)}, false
			}
		}
	case fanzha.IndPhone, fanzha.IndBankCard, fanzha.IndQQ, fanzha.IndWeChat:
	default:
		return in, reasonOrdinary, false
	}
	n, ok := Normalize(in)
	if !ok || n.Kind == fanzha.IndWeChat && !wechatID.MatchString(n.Value) {
		return in, reasonOrdinary, false
	}
	return n, fanzha.Text{}, true
}

// blockable splits indicators into the canonical ones that may be
// blocklisted (de-duplicated) and the refused ones.
func blockable(inds []fanzha.Indicator) ([]fanzha.Indicator, []fanzha.BlockRefusal) {
	var ok []fanzha.Indicator
	var refused []fanzha.BlockRefusal
	seen := map[fanzha.Indicator]bool{}
	for _, in := range inds {
		n, why, yes := Blockable(in)
		switch {
		case !yes:
			refused = append(refused, fanzha.BlockRefusal{Indicator: in, Reason: why})
		case !seen[n]:
			seen[n] = true
			ok = append(ok, n)
		}
	}
	return ok, refused
}

// blockVal is one entry as stored: the case's label, the officer, and when
// it was added and expires (Unix seconds). A bare label is an entry
// stored before entries recorded these.
type blockVal struct {
	Label   fanzha.ScamType `json:"l"`
	Officer int64           `json:"o,omitempty"`
	Added   int64           `json:"a,omitempty"`
	Expires int64           `json:"e,omitempty"`
}

func (v blockVal) encode() string {
	b, _ := json.Marshal(v)
	return string(b)
}

func decodeBlockVal(s string) blockVal {
	var v blockVal
	if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &v) == nil {
		return v
	}
	return blockVal{Label: fanzha.ScamType(s)}
}

// live reports whether the entry has not expired (entries from before
// expiry was recorded live until their key's TTL or an /unblock).
func (v blockVal) live(now time.Time) bool { return v.Expires == 0 || now.Unix() < v.Expires }

func (v blockVal) entry(in fanzha.Indicator, caseID string) fanzha.BlockEntry {
	e := fanzha.BlockEntry{Indicator: in, Case: caseID, Label: v.Label, Officer: v.Officer}
	if v.Added > 0 {
		e.Added = time.Unix(v.Added, 0)
	}
	if v.Expires > 0 {
		e.Expires = time.Unix(v.Expires, 0)
	}
	return e
}

// parseBlockKey is blockKey backwards.
func parseBlockKey(k string) (fanzha.Indicator, bool) {
	kind, v, ok := strings.Cut(k, ":")
	return fanzha.Indicator{Kind: fanzha.IndicatorKind(kind), Value: v}, ok
}

// matches reports whether an entry's value contains query (ignoring case;
// digits alone for a query of digits with separators).
func matches(in fanzha.Indicator, query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" || strings.Contains(in.Value, q) {
		return true
	}
	d := digitsOf(q)
	return len(d) >= 5 && len(d)*2 > len(q) && strings.Contains(in.Value, d)
}

// sortEntries orders entries newest first, then by indicator.
func sortEntries(es []fanzha.BlockEntry) {
	slices.SortFunc(es, func(a, b fanzha.BlockEntry) int {
		if c := b.Added.Compare(a.Added); c != 0 {
			return c
		}
		return strings.Compare(blockKey(a.Indicator)+a.Case, blockKey(b.Indicator)+b.Case)
	})
}

// blockAudit is the audit entries of a blocklist change.
func blockAudit(now time.Time, officer int64, caseID, what string, added []fanzha.Indicator, refused []fanzha.BlockRefusal) []fanzha.AuditEntry {
	var out []fanzha.AuditEntry
	for _, in := range added {
		out = append(out, fanzha.AuditEntry{At: now, Who: officer, What: what, CaseID: caseID, Allowed: true, Detail: string(in.Kind) + " " + in.Value})
	}
	for _, r := range refused {
		out = append(out, fanzha.AuditEntry{At: now, Who: officer, What: "block_refused", CaseID: caseID, Allowed: false,
			Detail: string(r.Indicator.Kind) + " " + r.Indicator.Value + ": " + r.Reason.EN})
	}
	return out
}
