// Package redistest runs a real redis-server for tests: on a free loopback
// port and a unix socket in a temporary directory, stopped when the test
// ends. Tests of the Redis adapters use it instead of mocks.
//
// When FANZHA_TEST_REDIS_URL is set, tests that do not need to stop the
// server use that one instead, with a random key prefix (and delete their
// keys afterwards). A test that needs redis-server and cannot find it fails
// with instructions; it never skips.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvURL names the variable that points tests at an existing server.
const EnvURL = "FANZHA_TEST_REDIS_URL"

// Options for Start.
type Options struct {
	// AppendOnly turns on AOF persistence (appendfsync always), so data
	// survives Stop and Start, even Kill.
	AppendOnly bool
	// Own insists on a private server (needed to Stop, Kill or Start it),
	// even when FANZHA_TEST_REDIS_URL is set.
	Own bool
}

// Server is a running Redis for one test.
type Server struct {
	// URL is redis://127.0.0.1:<port>/0 (or FANZHA_TEST_REDIS_URL).
	URL string
	// SocketURL is unix://<dir>/redis.sock; empty for an external server.
	SocketURL string
	// Prefix is the key prefix the test's stores should use: "fanzha:" on
	// a private server, "fanzhatest:<random>:" on an external one.
	Prefix string

	bin, dir string
	port     int
	opts     Options

	mu  sync.Mutex
	cmd *exec.Cmd
	out *bytes.Buffer
}

// Binary returns the path of redis-server, or fails the test with how to
// install it.
func Binary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "redis-server not found on PATH: install redis-server (apt-get install redis-server), or set " + EnvURL + " to a server tests may write to"
	if os.Getenv("CI") != "" {
		msg = "CI: " + msg
	}
	t.Fatal(msg)
	return ""
}

// Start returns a running server, stopped and cleaned up when t ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if url := os.Getenv(EnvURL); url != "" && !o.Own && !o.AppendOnly {
		return external(t, url)
	}
	s := &Server{bin: Binary(t), dir: t.TempDir(), opts: o, Prefix: "fanzha:"}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if s.port, err = freePort(); err != nil {
			continue
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	s.URL = fmt.Sprintf("redis://127.0.0.1:%d/0", s.port)
	s.SocketURL = "unix://" + filepath.Join(s.dir, "redis.sock")
	t.Cleanup(func() {
		s.mu.Lock()
		if s.cmd != nil {
			_ = s.cmd.Process.Signal(syscall.SIGCONT) // in case a test paused it
		}
		s.mu.Unlock()
		s.kill(syscall.SIGKILL)
	})
	return s
}

func external(t testing.TB, url string) *Server {
	var b [6]byte
	_, _ = rand.Read(b[:])
	s := &Server{URL: url, Prefix: "fanzhatest:" + hex.EncodeToString(b[:]) + ":"}
	t.Cleanup(func() {
		opt, err := redis.ParseURL(url)
		if err != nil {
			return
		}
		c := redis.NewClient(opt)
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, s.Prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return s
}

// Addr returns host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Stop shuts the server down gracefully (SIGTERM: an AOF is flushed).
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.mustOwn(t)
	s.kill(syscall.SIGTERM)
}

// Kill kills the server at once (SIGKILL), as a crash would.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.mustOwn(t)
	s.kill(syscall.SIGKILL)
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing
// answers, as with a Redis stuck on a slow disk. Resume undoes it.
func (s *Server) Pause(t testing.TB) { t.Helper(); s.signal(t, syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume(t testing.TB) { t.Helper(); s.signal(t, syscall.SIGCONT) }

func (s *Server) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	s.mustOwn(t)
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		t.Fatal("redistest: server not running")
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// Start starts a stopped server again on the same port and directory.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	s.mustOwn(t)
	var err error
	for attempt := 0; attempt < 20; attempt++ { // the port may linger a moment
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("restart redis-server: %v", err)
}

// Restart stops the server gracefully and starts it again.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop(t)
	s.Start(t)
}

func (s *Server) mustOwn(t testing.TB) {
	t.Helper()
	if s.bin == "" {
		t.Fatal("redistest: this server is external; use Options{Own: true} to control it")
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return fmt.Errorf("already running")
	}
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--unixsocket", filepath.Join(s.dir, "redis.sock"),
		"--unixsocketperm", "700",
		"--dir", s.dir,
		"--save", "",
		"--daemonize", "no",
		"--logfile", "",
		"--loglevel", "warning",
		"--databases", "4",
	}
	if s.opts.AppendOnly {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	cmd := exec.Command(s.bin, args...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if ping(s.Addr()) == nil {
			break
		}
		select {
		case err := <-exited:
			return fmt.Errorf("redis-server exited (%v): %s", err, strings.TrimSpace(out.String()))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server did not answer within 5s: %s", strings.TrimSpace(out.String()))
		}
	}
	s.cmd, s.out = cmd, out
	go func() {
		<-exited
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.cmd == cmd {
			s.cmd = nil
		}
	}()
	return nil
}

func (s *Server) kill(sig syscall.Signal) {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	for i := 0; i < 500; i++ { // up to 5 s
		s.mu.Lock()
		done := s.cmd != cmd
		s.mu.Unlock()
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
}

// ping sends PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
