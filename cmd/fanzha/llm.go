package main

import (
	"context"
	"log/slog"

	"github.com/fanzha/fanzha"
	"github.com/fanzha/fanzha/assist"
	"github.com/fanzha/fanzha/config"
	"github.com/fanzha/fanzha/llm"
)

// newAssist builds the assistant policy from the configuration. It always
// returns an engine: with llm.mode off (the default without a base URL)
// its Assess is classify alone, so callers need no nil checks; Mode()
// tells which is in force. mods adjust the options before the engine is
// built (eval lifts the call limits with noLimits). Without mods the limits
// and the in-memory cache take assist's defaults: 6 calls a minute per
// user, 120 in all, 4096 cached opinions for 24h.
func newAssist(c *config.Config, classify func(context.Context, string) fanzha.Assessment, logger *slog.Logger, mods ...func(*assist.Options)) (*assist.Engine, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// A Config built in code (tests) may skip Load: EffectiveMode gives an
	// empty mode the meaning Load would.
	mode, err := assist.ParseMode(c.LLM.EffectiveMode())
	if err != nil {
		return nil, err
	}
	if mode == assist.Off || c.LLM.BaseURL == "" {
		return assist.New(classify, nil, assist.Options{Mode: assist.Off}), nil
	}
	client, err := llm.New(llm.Options{
		BaseURL: c.LLM.BaseURL,
		APIKey:  c.LLM.APIKey,
		Model:   c.LLM.Model,
		Timeout: c.LLM.Timeout,
		Hotline: c.Hotline,
		Police:  c.Police,
		Logger:  logger,
	})
	if err != nil {
		return nil, err
	}
	o := assist.Options{
		Mode:            mode,
		Timeout:         c.LLM.Timeout,
		CacheNamespace:  c.LLM.BaseURL + " " + c.LLM.Model,
		UserPerMinute:   c.LLM.UserPerMinute,
		GlobalPerMinute: c.LLM.GlobalPerMinute,
		Allowed:         []string{c.Hotline, c.Police},
		Logger:          logger,
	}
	for _, m := range mods {
		m(&o)
	}
	return assist.New(classify, client, o), nil
}

// noLimits lifts the per-user and global call limits (eval: one caller
// running a labelled set on purpose).
func noLimits(o *assist.Options) { o.UserPerMinute, o.GlobalPerMinute = -1, -1 }
