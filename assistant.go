package fanzha

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// FailureKind names why an Assistant gave no opinion. Metrics count each
// kind; the reply falls back to the deterministic assessment whatever it is.
type FailureKind string

const (
	// FailTimeout: the model did not answer before the deadline.
	FailTimeout FailureKind = "timeout"
	// FailRateLimited: the provider answered 429 Too Many Requests.
	FailRateLimited FailureKind = "rate_limited"
	// FailBackoff: no call was made because an earlier 429 (or 503) asked
	// to wait (Retry-After) and that time has not passed yet.
	FailBackoff FailureKind = "backoff"
	// FailServerError: the provider answered 5xx.
	FailServerError FailureKind = "server_error"
	// FailBadResponse: the answer could not be used — malformed JSON, a
	// body that is not the OpenAI format (an HTML error page), or an opinion
	// that fails validation (unknown label or risk).
	FailBadResponse FailureKind = "bad_response"
	// FailOther: anything else (connection refused, 401, a cancelled call).
	FailOther FailureKind = "other"
)

// FailureKinds lists every kind in a fixed order, for metrics.
var FailureKinds = []FailureKind{FailTimeout, FailRateLimited, FailBackoff, FailServerError, FailBadResponse, FailOther}

// AssistantError is an Assistant failure with its kind. Its message never
// contains the user's text, the provider's response body or a secret, so it
// may be logged.
type AssistantError struct {
	Kind FailureKind
	// Status is the HTTP status, when there was one.
	Status int
	// RetryAfter is how long the provider asked to wait (429, 503), or, for
	// FailBackoff, how much of that wait is left.
	RetryAfter time.Duration
	Err        error
}

func (e *AssistantError) Error() string {
	msg := "assistant " + string(e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" retry after %s", e.RetryAfter.Round(time.Millisecond))
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *AssistantError) Unwrap() error { return e.Err }

// FailureKindOf classifies an error returned by an Assistant: the kind of an
// AssistantError, FailTimeout for a deadline or a network timeout,
// FailOther otherwise. It returns "" for a nil error.
func FailureKindOf(err error) FailureKind {
	if err == nil {
		return ""
	}
	var ae *AssistantError
	if errors.As(err, &ae) && ae.Kind != "" {
		return ae.Kind
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return FailTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return FailTimeout
	}
	return FailOther
}
