package fanzha

import "errors"

// The sentinel errors callers branch on (errors.Is), in one place.
var (
	// ErrNotFound is returned by stores when what was asked for does not
	// exist (or has expired).
	ErrNotFound = errors.New("not found")

	// ErrUnavailable is returned (wrapped) by shared stores when their
	// backend cannot be reached or is refusing work. Callers carry on
	// without the store — the bot answers statelessly — and the store
	// recovers by itself.
	ErrUnavailable = errors.New("store unavailable")

	// ErrForbidden is returned when someone who is not an officer tries to
	// act on a case. The refusal is in the audit log.
	ErrForbidden = errors.New("not allowed")
)
