package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanzha/fanzha/config"
)

// cliRun runs the real Main with default configuration.
func cliRun(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	c := config.Default()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Config: &c}
	err := m.Run(context.Background(), args)
	m.Close()
	return out.String(), err
}

// The seed report's own case: 30,000 yuan returning 3,000 a month.
func TestCheckSeedCase(t *testing.T) {
	out, err := cliRun(t, "", "check", "对方说投入3万元，每个月能拿到3000元，月利率10%")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"虚假投资理财", "高风险", "10%", "96110"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	out, err = cliRun(t, "", "check", "--json", "投3万每月返3000")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Label string
		Risk  string
		Rate  struct{ Monthly float64 }
		Flags []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	if a.Label != "investment" || a.Risk != "high" || a.Rate.Monthly < 0.099 || a.Rate.Monthly > 0.101 {
		t.Errorf("check --json: %+v", a)
	}
}

func TestCheckNeedsText(t *testing.T) {
	if _, err := cliRun(t, "", "check"); err == nil {
		t.Fatal("check without text must fail")
	}
	if _, err := cliRun(t, "", "frobnicate"); err == nil {
		t.Fatal("unknown command must fail")
	}
}

func TestClassifyContract(t *testing.T) {
	in := strings.Join([]string{
		`{"text":"有个自称公安的人说我涉嫌洗钱，让我把钱转到安全账户"}`,
		`not json`,
		``,
		`{"id":7}`,
		`{"id":"b","text":"【中通快递】您的包裹已到驿站，取件码 3-2-1024"}`,
		`{"text":123}`,
		`{"text":"I already sent $5,000 to the 'safe account' the police officer gave me"}`,
	}, "\n") + "\n"
	out, err := cliRun(t, in, "classify")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d output lines for 7 input lines:\n%s", len(lines), out)
	}
	type row struct {
		ID      any
		Label   string
		Risk    string
		Score   *float64
		Paid    bool
		Flags   []string
		Matches []string
		Error   string
	}
	var rows []row
	for _, l := range lines {
		var r row
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		rows = append(rows, r)
	}
	if r := rows[0]; r.Label != "police" || r.Risk != "high" || r.Score == nil || r.Flags == nil || len(r.Matches) == 0 {
		t.Errorf("line 1: %+v", r)
	}
	for _, i := range []int{1, 2, 3, 5} {
		if rows[i].Error == "" || rows[i].Label != "" {
			t.Errorf("line %d should carry an error: %+v", i+1, rows[i])
		}
	}
	if rows[3].ID != float64(7) {
		t.Errorf("line 4 lost its id: %+v", rows[3])
	}
	if r := rows[4]; r.ID != "b" || r.Label != "none" || r.Error != "" {
		t.Errorf("line 5: %+v", r)
	}
	if r := rows[6]; !r.Paid || r.Risk != "high" {
		t.Errorf("line 7: %+v", r)
	}
}

// Order is kept even when many lines are classified in parallel.
func TestClassifyKeepsOrder(t *testing.T) {
	var in strings.Builder
	for i := range 300 {
		if i%3 == 0 {
			fmt.Fprintf(&in, "{\"id\":%d,\"text\":\"把钱转到安全账户\"}\n", i)
		} else {
			fmt.Fprintf(&in, "{\"id\":%d,\"text\":\"明天见\"}\n", i)
		}
	}
	out, err := cliRun(t, in.String(), "classify")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			ID    int
			Label string
		}
		json.Unmarshal([]byte(l), &r)
		want := "none"
		if i%3 == 0 {
			want = "police"
		}
		if r.ID != i || r.Label != want {
			t.Fatalf("line %d: %s", i, l)
		}
	}
}

func TestEvalReportsAndEnforcesFloors(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "set.jsonl")
	os.WriteFile(data, []byte(strings.Join([]string{
		`{"text":"有个自称公安的人说我涉嫌洗钱，让我把钱转到安全账户","label":"police","paid":false}`,
		`{"text":"群里老师带单，投3万每月返3000","label":"investment","paid":false}`,
		`{"text":"【中通快递】您的包裹已到驿站，取件码 3-2-1024","label":"none","paid":false}`,
		`{"text":"明天一起吃饭吧","label":"police","paid":false}`,
	}, "\n")), 0o600)
	out, err := cliRun(t, "", "eval", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"examples: 4", "macro-F1", "fraud recall: 0.667", "false-positive rate on none: 0.000", "confusion", "police"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	if _, err := cliRun(t, "", "eval", "--data", data, "--min-recall", "0.9"); err == nil || !strings.Contains(err.Error(), "recall") {
		t.Errorf("a recall floor of 0.9 must fail at 0.667: %v", err)
	}
	if _, err := cliRun(t, "", "eval"); err == nil {
		t.Error("eval without data must fail")
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"text":"x","label":"ufo"}`), 0o600)
	if _, err := cliRun(t, "", "eval", "--data", bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl:1") {
		t.Errorf("unknown label must name the file and line: %v", err)
	}
}

// Within a conversation risk never drops until the user starts over.
func TestChatConversation(t *testing.T) {
	in := "有个自称公安局的人打电话\n他说我涉嫌洗钱，让我把钱转到安全账户\n好的谢谢\n/new\n好的谢谢\n/quit\n"
	out, err := cliRun(t, in, "chat")
	if err != nil {
		t.Fatal(err)
	}
	replies := strings.Split(out, "> ")
	if len(replies) < 6 {
		t.Fatalf("chat output:\n%s", out)
	}
	if !strings.Contains(replies[3], "高风险") {
		t.Errorf("after the scam ends with thanks, risk must stay high:\n%s", replies[3])
	}
	if strings.Contains(replies[5], "高风险") || !strings.Contains(replies[5], "暂未发现") {
		t.Errorf("after /new the conversation starts over:\n%s", replies[5])
	}
}

func TestChatEvidenceAddsUp(t *testing.T) {
	out, err := cliRun(t, "有个自称警察的人打电话给我\n他让我把钱转到一个账户\n/quit\n", "chat")
	if err != nil {
		t.Fatal(err)
	}
	replies := strings.Split(out, "> ")
	if len(replies) < 3 || !strings.Contains(replies[2], "高风险") || !strings.Contains(replies[2], "冒充公检法") {
		t.Errorf("two messages of one police script should add up to high risk:\n%s", out)
	}
}

// TestChatCommands: the terminal chat routes the bot's commands through the
// same table; none of them is judged as message text, and /paid sticks.
func TestChatCommands(t *testing.T) {
	in := strings.Join([]string{
		"/hotline", "/help", "/lang fr", "/frobnicate",
		"有人说我涉嫌洗钱，让我把钱转到安全账户", "/paid", "好的谢谢",
		"/forget", "好的谢谢", "/lang en", "hello there", "/quit", "never read",
	}, "\n") + "\n"
	out, err := cliRun(t, in, "chat")
	if err != nil {
		t.Fatal(err)
	}
	r := strings.Split(out, "> ")
	if len(r) != 13 {
		t.Fatalf("%d prompts, want 13:\n%s", len(r), out)
	}
	checks := []struct {
		i       int
		want    []string
		notWant []string
	}{
		{1, []string{"96110", "110"}, []string{"暂未发现", "可疑"}},
		{2, []string{"/paid", "/forget", "/lang", "/hotline", "/new", "/quit"}, []string{"暂未发现"}},
		{3, []string{"/lang zh"}, nil},
		{4, []string{"不认识这个命令"}, []string{"暂未发现"}},
		{6, []string{"止付"}, nil},
		{7, []string{"现在立刻做", "110"}, nil}, // paid sticks: stop-payment first
		{8, []string{"已删除"}, nil},
		{9, []string{"暂未发现"}, []string{"现在立刻做"}},
		{10, []string{"Language set to English"}, nil},
		{11, []string{"No sign of fraud"}, nil},
	}
	for _, c := range checks {
		mustHave(t, r[c.i], c.want, c.notWant)
	}
}

// TestChatLineEditing: what a terminal leaves in a line (backspaces, arrow
// keys' escape sequences, other control characters) is applied or dropped,
// never judged.
func TestChatLineEditing(t *testing.T) {
	tests := map[string]string{
		"安全账x\b户":               "安全账户",
		"abc\x7f\x7fd":          "ad",
		"he\x1b[Dllo\x1b[C":     "hello",
		"\x1bOAup":              "up",
		"a\tb\x00c\x07":         "a bc",
		"/paid\x1b[A":           "/paid",
		"\b\b开头":                "开头",
		"plain 普通":              "plain 普通",
		"half escape \x1b[12;5": "half escape ",
	}
	for in, want := range tests {
		if got := cleanLine(in); got != want {
			t.Errorf("cleanLine(%q) = %q, want %q", in, got, want)
		}
	}
	out, err := cliRun(t, "/paix\bd\x1b[D\n/quit\n", "chat")
	if err != nil {
		t.Fatal(err)
	}
	mustHave(t, out, []string{"止付"}, []string{"不认识这个命令"})
}

func mustHave(t *testing.T, s string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("want %q in:\n%s", w, s)
		}
	}
	for _, w := range notWant {
		if strings.Contains(s, w) {
			t.Errorf("do not want %q in:\n%s", w, s)
		}
	}
}
