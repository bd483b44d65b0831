package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheckTimeout bounds one probe: Docker's HEALTHCHECK gives it 5s.
const healthcheckTimeout = 3 * time.Second

// runHealthcheck asks the bot at addr (HOST:PORT, default the configured
// listen address) whether it is ready: exit 0 only when /readyz answers
// 200. It is what the Docker image's HEALTHCHECK runs (the image has no
// shell and no curl).
func runHealthcheck(ctx context.Context, listen string, args []string, out io.Writer) error {
	addr := listen
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--addr" && i+1 < len(args):
			addr = args[i+1]
			i++
		case strings.HasPrefix(a, "--addr="):
			addr = strings.TrimPrefix(a, "--addr=")
		default:
			return usageError{fmt.Sprintf("healthcheck: unknown argument %s (want --addr HOST:PORT)", a)}
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError{fmt.Sprintf("healthcheck: address %q is not HOST:PORT", addr)}
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1" // listening on every interface: ask loopback
	}
	url := "http://" + net.JoinHostPort(host, port) + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d: %s", url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	_, err = out.Write(body)
	return err
}
