package main

import (
	"context"
	"errors"
)

// serve runs the Telegram bot.
func (m *Main) serve(ctx context.Context) error {
	if m.Config.Telegram.Token == "" {
		return errors.New("serve needs a Telegram bot token: set FANZHA_TELEGRAM_TOKEN (or telegram.token_file); to try Fanzha without one, run `fanzha chat`")
	}
	return errors.New("serve: the Telegram transport is not built yet; use `fanzha chat` or `fanzha check`")
}
