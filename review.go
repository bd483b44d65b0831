package fanzha

import (
	"context"
	"time"
)

// CaseStatus is where a case stands.
type CaseStatus string

const (
	CaseOpen      CaseStatus = "open"      // waiting for an officer
	CaseConfirmed CaseStatus = "confirmed" // an officer confirmed a scam; its indicators are blocklisted
	CaseDismissed CaseStatus = "dismissed" // an officer found no scam
	CaseCallback  CaseStatus = "callback"  // an officer will call the citizen back
)

// Pending reports whether the case still needs an officer (open or
// callback).
func (s CaseStatus) Pending() bool { return s == CaseOpen || s == CaseCallback }

// OfficerAction is what an officer does with a case.
type OfficerAction string

const (
	ActionConfirm  OfficerAction = "confirm"
	ActionDismiss  OfficerAction = "dismiss"
	ActionCallback OfficerAction = "callback_needed"
)

// Status returns the status the action leads to, and whether the action is
// known.
func (a OfficerAction) Status() (CaseStatus, bool) {
	switch a {
	case ActionConfirm:
		return CaseConfirmed, true
	case ActionDismiss:
		return CaseDismissed, true
	case ActionCallback:
		return CaseCallback, true
	}
	return "", false
}

// CaseFlag is a red flag as officers see it: its id and explanation, never
// the citizen's words.
type CaseFlag struct {
	ID   string   `json:"id"`
	Type ScamType `json:"type,omitempty"`
	Hard bool     `json:"hard,omitempty"`
	Text Text     `json:"explain"`
}

// CaseEvent is one step in a case's history.
type CaseEvent struct {
	At      time.Time     `json:"at"`
	Officer int64         `json:"officer"`
	Action  OfficerAction `json:"action"`
	Status  CaseStatus    `json:"status"`
}

// Case is a conversation flagged for anti-fraud officers. Everything in it
// may be shown to officers: the excerpt is masked (ID numbers, bank cards,
// the citizen's own phone) and the indicators are the scammer's.
type Case struct {
	ID      string    `json:"id"` // assigned by Submit
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Source is the transport's chat key ("tg:<chat id>"), to tell the
	// citizen the outcome.
	Source string `json:"source"`
	UserID int64  `json:"user_id,omitempty"`
	// Lang is the citizen's language, for the outcome message.
	Lang       Lang        `json:"lang,omitempty"`
	Label      ScamType    `json:"label"`
	Risk       Risk        `json:"risk"`
	Score      float64     `json:"score,omitempty"`
	Paid       bool        `json:"paid"`
	Forwarded  bool        `json:"forwarded,omitempty"`
	Flags      []CaseFlag  `json:"flags"`
	Excerpt    string      `json:"excerpt"`    // masked
	Indicators []Indicator `json:"indicators"` // the scammer's
	// District is the one the citizen chose from the deployment's list
	// (never inferred); empty when none was.
	District string `json:"district,omitempty"`
	// Consent: the citizen agreed to be contacted (told the outcome,
	// called back).
	Consent bool       `json:"consent"`
	Status  CaseStatus `json:"status"`
	// Officer is the officer who acted last.
	Officer int64       `json:"officer,omitempty"`
	History []CaseEvent `json:"history,omitempty"`
}

// AuditEntry records who did what to which case, and when. Refused attempts
// are recorded too (Allowed false).
type AuditEntry struct {
	At      time.Time `json:"at"`
	Who     int64     `json:"who"`  // user id of the officer (or would-be officer)
	What    string    `json:"what"` // an OfficerAction, "submit", …
	CaseID  string    `json:"case_id"`
	Allowed bool      `json:"allowed"`
	Detail  string    `json:"detail,omitempty"`
}

// TypeCount is one row of the weekly statistics.
type TypeCount struct {
	Type      ScamType `json:"type"`
	This      int64    `json:"this"`       // cases submitted this week
	Last      int64    `json:"last"`       // … and the week before
	Share     float64  `json:"share"`      // of this week's cases, 0..1
	LastShare float64  `json:"last_share"` // of last week's cases, 0..1
	// Change is the week-over-week change (0.25 is +25 %); nil when last
	// week had none.
	Change    *float64 `json:"change,omitempty"`
	Confirmed int64    `json:"confirmed"` // of this week's cases, confirmed by officers
}

// WeekStats compares the cases of one ISO week with the week before.
type WeekStats struct {
	Week      string      `json:"week"` // "2025-W09"
	LastWeek  string      `json:"last_week"`
	Start     time.Time   `json:"start"` // Monday 00:00 of Week
	Total     int64       `json:"total"`
	LastTotal int64       `json:"last_total"`
	Change    *float64    `json:"change,omitempty"`
	Types     []TypeCount `json:"types"` // by This, descending; types with no case in either week omitted
}

// ReviewQueue is the officers' queue of flagged cases. Each case is
// delivered once to one consumer (a bot replica) to be posted to the review
// chat; a case a consumer took and never acknowledged is delivered again
// after a while, possibly to another consumer.
type ReviewQueue interface {
	// Submit stores a new case (status open) and queues it for delivery. It
	// returns the case id.
	Submit(ctx context.Context, c Case) (string, error)
	// Next waits for the next case to post to the review chat, until ctx is
	// done.
	Next(ctx context.Context) (Case, error)
	// Ack records that the case delivered by Next was posted.
	Ack(ctx context.Context, id string) error
	// Get returns the case, or ErrNotFound.
	Get(ctx context.Context, id string) (Case, error)
	// Act applies an officer's action and returns the updated case. Someone
	// who is not an officer gets ErrForbidden; both outcomes are audited.
	// Confirming blocklists the case's indicators.
	Act(ctx context.Context, id string, officer int64, action OfficerAction) (Case, error)
	// Pending lists up to limit cases still needing an officer (open or
	// callback), oldest first.
	Pending(ctx context.Context, limit int) ([]Case, error)
	// Stats compares the ISO week containing at with the week before.
	Stats(ctx context.Context, at time.Time) (WeekStats, error)
}

// BlockHit is an indicator found on the blocklist.
type BlockHit struct {
	Indicator Indicator `json:"indicator"` // normalised
	Cases     []string  `json:"cases"`     // confirmed cases it came from
	Label     ScamType  `json:"label"`     // scam type of the latest of them
}

// BlockEntry is one blocklisted indicator from one confirmed case: who
// confirmed it, when, and when it expires.
type BlockEntry struct {
	Indicator Indicator `json:"indicator"` // normalised
	Case      string    `json:"case"`
	Label     ScamType  `json:"label"`
	Officer   int64     `json:"officer"`
	Added     time.Time `json:"added"`
	Expires   time.Time `json:"expires"`
}

// BlockRefusal is an indicator that may not be blocklisted, and why (an
// app name, a well-known legitimate site, an ordinary word…).
type BlockRefusal struct {
	Indicator Indicator `json:"indicator"`
	Reason    Text      `json:"reason"`
}

// Blocklist holds the scammer-controlled indicators of confirmed cases —
// phones, bank accounts, QQ/WeChat ids, URL domains; never app names,
// brand names or ordinary words — each entry with the officer and case it
// came from, expiring after a while. Every change is audited.
type Blocklist interface {
	// Add blocklists what may be of a confirmed case's indicators, for
	// officer, and returns what was refused and why.
	Add(ctx context.Context, officer int64, caseID string, label ScamType, inds []Indicator) ([]BlockRefusal, error)
	// Remove takes a case's indicators off (its confirmation was undone).
	Remove(ctx context.Context, caseID string, inds []Indicator) error
	// Lookup returns the indicators found on the blocklist (live entries).
	Lookup(ctx context.Context, inds []Indicator) ([]BlockHit, error)
	// List returns up to limit live entries whose value contains query
	// ("" for all), newest first.
	List(ctx context.Context, query string, limit int) ([]BlockEntry, error)
	// Unblock removes every entry of an indicator, for officer; it returns
	// how many there were.
	Unblock(ctx context.Context, officer int64, in Indicator) (int, error)
}

// AuditLog is the append-only record of officers' actions.
type AuditLog interface {
	Append(ctx context.Context, e AuditEntry) error
	// ByCase returns a case's entries, oldest first.
	ByCase(ctx context.Context, caseID string) ([]AuditEntry, error)
	// Recent returns up to n latest entries, newest first.
	Recent(ctx context.Context, n int) ([]AuditEntry, error)
}
