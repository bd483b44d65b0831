package bot

// The officers' review, as the bot sees it.
//
// Citizen: "Ask an officer" shows a consent screen with exactly what will be
// shared — the case officers will see, built from the conversation with
// review.NewCase (masked excerpt, red flags, the other side's indicators) —
// and three buttons: agree and submit (and be told the outcome), submit
// without being contacted, cancel. The buttons carry a fingerprint of what
// the screen shows: if the conversation changed before the tap (a new
// message, "I already paid", /new, /forget…), a new screen is shown instead
// of submitting something the citizen has not seen.
//
// Officers: each case is posted to the review chat as a card (PostCase,
// driven by review.Deliver) with Confirm scam / Not a scam / Call back
// needed. Only officers may act; anyone else's tap is refused with a
// pop-up, logged and audited (by the queue). After an action the card shows
// who did what, and a citizen who agreed is told the outcome. /queue,
// /case ID and /stats work in the review chat, for officers only.

// reviewOn reports whether citizens can hand cases to officers.
func (b *Bot) reviewOn() bool { return b.opts.Review != nil && b.opts.ReviewChat != 0 }

func (b *Bot) isReviewChat(chatID int64) bool { return b.reviewOn() && chatID == b.opts.ReviewChat }
