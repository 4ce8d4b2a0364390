//go:build unix

package atomicdir

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The helper process: replaces $ATOMICDIR_DST with a new directory and is
// killed by SIGKILL at step $ATOMICDIR_STEP, as a crash or an OOM kill
// would stop pir at that point.
func TestMain(m *testing.M) {
	if dst := os.Getenv("ATOMICDIR_DST"); dst != "" {
		step := os.Getenv("ATOMICDIR_STEP")
		s := Swapper{NoExchange: os.Getenv("ATOMICDIR_NOEXCHANGE") == "1", Hook: func(at string) {
			if at == step {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // never returns
			}
		}}
		tmp, err := TempDir(dst)
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, "new.txt"), []byte("new"), 0o644)
		}
		if err == nil {
			err = s.Replace(tmp, dst)
		}
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// killedAt runs the helper against dst and requires it to die at step.
func killedAt(t *testing.T, dst, step string, noExchange bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATOMICDIR_DST="+dst, "ATOMICDIR_STEP="+step, "ATOMICDIR_NOEXCHANGE="+map[bool]string{true: "1"}[noExchange])
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper: %v %s, want killed at %s", err, out, step)
	}
}

func oldDir(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "export")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "old.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// content names the file in dir: "new", "old" or "missing".
func content(dir string) string {
	for _, f := range []string{"new", "old"} {
		if _, err := os.Stat(filepath.Join(dir, f+".txt")); err == nil {
			return f
		}
	}
	return "missing"
}

// siblings lists the hidden siblings of dst.
func siblings(t *testing.T, dst string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(dst))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != filepath.Base(dst) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// TestKilledMidReplace kills a process at each step of a replacement and
// checks what a reader sees then, and after Recover.
func TestKilledMidReplace(t *testing.T) {
	for _, c := range []struct {
		name       string
		step       string
		noExchange bool
		during     string // dst's content right after the kill
		recovered  string // what Recover reports
	}{
		// One renameat2(RENAME_EXCHANGE): the new directory is in place at
		// once; only the old one is left beside it.
		{"Exchange", StepExchanged, false, "new", "removed"},
		// Two renames, killed between them: dst is missing (the defect),
		// the complete new directory beside it; Recover moves it in.
		{"TwoRenamesAside", StepAside, true, "missing", "finished"},
		{"TwoRenamesReplaced", StepReplaced, true, "new", "removed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.noExchange && runtime.GOOS != "linux" {
				t.Skip("RENAME_EXCHANGE is Linux only")
			}
			dst := oldDir(t)
			killedAt(t, dst, c.step, c.noExchange)
			if got := content(dst); got != c.during {
				t.Fatalf("after the kill: dst is %s, want %s", got, c.during)
			}
			if len(siblings(t, dst)) == 0 {
				t.Fatal("no leftover beside dst: the kill came too late to test anything")
			}
			r, err := Recover(dst)
			if err != nil {
				t.Fatal(err)
			}
			if got := content(dst); got != "new" {
				t.Errorf("after Recover: dst is %s, want new", got)
			}
			if left := siblings(t, dst); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			if (r.Finished != "") != (c.recovered == "finished") || r.Restored != "" || len(r.Removed) == 0 {
				t.Errorf("recovered: %+v", r)
			}
		})
	}
}

func TestReplace(t *testing.T) {
	for _, noExchange := range []bool{false, true} {
		dst := oldDir(t)
		tmp, err := TempDir(dst)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(filepath.Base(tmp), ".export.tmp-"+strconv.Itoa(os.Getpid())+"-") {
			t.Errorf("temp dir %s", tmp)
		}
		os.WriteFile(filepath.Join(tmp, "new.txt"), nil, 0o644)
		var steps []string
		if err := (Swapper{NoExchange: noExchange, Hook: func(s string) { steps = append(steps, s) }}).Replace(tmp, dst); err != nil {
			t.Fatal(err)
		}
		want := StepExchanged
		if noExchange || runtime.GOOS != "linux" {
			want = StepAside + "," + StepReplaced
		}
		if content(dst) != "new" || len(siblings(t, dst)) != 0 || strings.Join(steps, ",") != want {
			t.Errorf("noExchange %v: dst %s, siblings %v, steps %v", noExchange, content(dst), siblings(t, dst), steps)
		}
	}
	// A missing destination is a plain rename.
	dst := filepath.Join(t.TempDir(), "export")
	tmp, _ := TempDir(dst)
	if err := (Swapper{}).Replace(tmp, dst); err != nil || len(siblings(t, dst)) != 0 {
		t.Errorf("new dst: %v %v", err, siblings(t, dst))
	}
}

// TestRecoverLeavesRunning: the siblings of a process still running (an
// export in progress) are never touched; an old directory with no complete
// replacement is put back.
func TestRecoverLeavesRunning(t *testing.T) {
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleep.Process.Kill()
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	dst := oldDir(t)
	parent := filepath.Dir(dst)
	live := filepath.Join(parent, ".export.tmp-"+strconv.Itoa(sleep.Process.Pid)+"-1")
	deadTmp := filepath.Join(parent, ".export.tmp-"+strconv.Itoa(done.Process.Pid)+"-2")
	for _, d := range []string{live, deadTmp} {
		os.Mkdir(d, 0o755)
	}
	r, err := Recover(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live); err != nil || len(r.Removed) != 1 || r.Removed[0] != deadTmp {
		t.Errorf("live sibling: %v; recovered %+v", err, r)
	}

	// dst missing, only the old directory beside it (killed between the
	// renames of a replacement that Recover cannot pair): restored.
	os.RemoveAll(live)
	aside := filepath.Join(parent, ".export.old-"+strconv.Itoa(done.Process.Pid)+"-3")
	if err := os.Rename(dst, aside); err != nil {
		t.Fatal(err)
	}
	r, err = Recover(dst)
	if err != nil || content(dst) != "old" || r.Restored != aside || len(siblings(t, dst)) != 0 {
		t.Errorf("restore: %v, dst %s, %+v, %v", err, content(dst), r, siblings(t, dst))
	}
}
