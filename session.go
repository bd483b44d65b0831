package fanzha

import (
	"context"
	"time"
)

// Session is what Fanzha remembers about one conversation: the assessment
// accumulated over its messages (risk never drops until the user starts
// over), the language the user chose or writes in, and when it last
// changed. It holds flags that quote the user's words and the user's latest
// messages, so it lives only as long as the session TTL and is deleted on
// request (/forget).
type Session struct {
	Assessment Assessment `json:"assessment"`
	// Lang is the language the user chose with /lang; empty means follow
	// the language they write in.
	Lang Lang `json:"lang,omitempty"`
	// Wrote is the language of the user's own last message (not of what
	// they forwarded).
	Wrote Lang `json:"wrote,omitempty"`
	// Recent holds the citizen's latest messages (at most MaxRecent, each
	// clipped to MaxRecentRunes), typed by kind: their own words are judged
	// together; a case handed to officers has an excerpt of them all. They
	// are shown to officers only masked and only after the citizen agreed
	// on a screen showing exactly what is shared. Sessions stored when
	// these were plain strings decode too (see Message.UnmarshalJSON).
	Recent []Message `json:"recent,omitempty"`
	// Answered lists the scam types whose deciding question the user has
	// answered in this conversation; it is not asked again.
	Answered []ScamType `json:"answered,omitempty"`
	// Case is the id of the case submitted from this conversation, and
	// CaseOf the fingerprint of what it shared (a second tap on the same
	// consent screen does not submit twice).
	Case    string    `json:"case,omitempty"`
	CaseOf  string    `json:"case_of,omitempty"`
	Updated time.Time `json:"updated"`
	// District is the district the citizen chose from the deployment's
	// list for the weekly report (asked once, optional; never inferred),
	// and DistrictAsked whether the question was put.
	District      string `json:"district,omitempty"`
	DistrictAsked bool   `json:"district_asked,omitempty"`
	// Counted: this conversation was counted for the weekly report (once,
	// when it first reached medium or high risk), from Channel ("private",
	// "forward", "picture"); StopCounted: its stop-payment hand-off was.
	Counted     bool   `json:"counted,omitempty"`
	Channel     string `json:"channel,omitempty"`
	StopCounted bool   `json:"stop_counted,omitempty"`
}

// Bounds of Session.Recent.
const (
	MaxRecent      = 10
	MaxRecentRunes = 300
)

// SessionStore keeps conversations by key (a transport-chosen id such as
// "tg:<chat id>"). Implementations: session.Memory (one process) and
// session.Redis (shared by replicas).
type SessionStore interface {
	// Get returns the session at key, or ErrNotFound.
	Get(ctx context.Context, key string) (Session, error)
	// Put stores s at key; it expires after ttl without a new Put.
	Put(ctx context.Context, key string, s Session, ttl time.Duration) error
	// Delete removes the session at key; deleting nothing is not an error.
	Delete(ctx context.Context, key string) error
}

// UpdateLog remembers where a transport is in its stream of updates, so a
// restart neither answers an update twice nor skips one. scope names the
// stream (for Telegram, the bot's user id), so one store can serve several.
type UpdateLog interface {
	// Offset returns the next update id to ask for; 0 when none is stored.
	Offset(ctx context.Context, scope string) (int64, error)
	// SetOffset stores the next update id to ask for. It never moves the
	// stored offset backwards.
	SetOffset(ctx context.Context, scope string, offset int64) error
	// MarkSeen records an update id for ttl and reports whether this was the
	// first time it was seen (false: a redelivery, to be dropped). It is
	// atomic: of two concurrent calls with the same id, exactly one is first.
	MarkSeen(ctx context.Context, scope string, id int64, ttl time.Duration) (first bool, err error)
	// Unmark forgets a seen mark, so a redelivery of an update that could
	// not be taken in hand (shutdown) is handled, not dropped.
	Unmark(ctx context.Context, scope string, id int64) error
}

// InboxItem is one update taken from an Inbox: Ref identifies it for Done
// and Hold; Notice marks an update over the sender's rate limit that gets
// the one "slow down" notice instead of an answer.
type InboxItem struct {
	Ref      string
	UpdateID int64
	Raw      []byte
	Notice   bool
	// Reclaimed: taken over from a replica that stopped answering.
	Reclaimed bool
	// Queued is when the update was put in the inbox (a reply later than
	// a while after it says sorry for the delay).
	Queued time.Time
}

// Inbox holds the updates a transport has acknowledged (polling offset
// raised, webhook 200) and not yet answered, so that acknowledging is safe:
// an update is acknowledged only once Put returned, and it stays in the
// inbox until Done, through crashes and restarts; another replica takes over
// an item whose taker stopped holding it. scope names the update stream.
// Implementation: session.RedisInbox (Redis Streams, a consumer group).
type Inbox interface {
	// Put queues an update unless this update id was queued before
	// (queued false: a redelivery, to be acknowledged and dropped).
	Put(ctx context.Context, scope string, updateID int64, raw []byte, notice bool) (queued bool, err error)
	// Take returns up to max items for this replica: new ones, and ones
	// another replica took and stopped holding. It waits briefly when there
	// are none.
	Take(ctx context.Context, scope string, max int) ([]InboxItem, error)
	// Hold tells the inbox these items are still being worked on, so
	// nobody takes them over.
	Hold(ctx context.Context, scope string, refs []string) error
	// Done removes an answered item.
	Done(ctx context.Context, scope string, ref string) error
}
