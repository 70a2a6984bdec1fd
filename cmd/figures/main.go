// Command figures reruns every pdekit experiment and rewrites its figures
// and results under one directory, reproducibly:
//
//	go run ./cmd/figures                 # every experiment as documented, into figures/ (about 15 minutes)
//	go run ./cmd/figures -quick          # the smallest run of each, into figures-quick/ (about 10 seconds)
//	go run ./cmd/figures -only dcdm,ot   # some experiments
//
// For each experiment it empties <dir>/<name>, runs `go run
// ./experiments/<name> <args> -out <dir>/<name>` from the module root and
// saves the printed table as table.md. Every experiment keeps what depends
// on the clock apart from what does not: the timing fields of its results
// ("seconds", "*_seconds", "time") go, with their JSON paths, to
// timings.json beside results.json (internal/timings). Everything
// else — every figure except the few that plot wall-clock (listed in
// TimingFigures) and the stripped results.json — is byte-identical when
// the command is rerun with the same flags on the same machine; a test
// checks that by hash.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Step is one experiment run.
type Step struct {
	// Name is the experiment, ./experiments/<Name>.
	Name string
	// Dir is the output directory under the figures root and the name
	// -only selects; empty means Name.
	Dir string
	// Args is the documented run whose figures are committed under
	// figures/: each experiment's default, except dcdm, which retrains its
	// network (reproducing the committed model) and tests up to 256², and
	// skr-pub, which names its family. The paper-size runs (-full) take
	// hours and are listed with their results in BENCHMARKS.md.
	Args []string
	// Quick is the smallest run, used by the tests.
	Quick []string
}

// Steps lists the experiments in the order they run.
var Steps = []Step{
	{"poisson", "", nil, []string{"-grid", "32", "-method", "cg,gmres", "-pc", "none,ic0,mg"}},
	{"relax", "", nil, []string{"-problem", "sor-low-variance", "-instances", "40", "-seeds", "1"}},
	{"ot", "", nil, []string{"-problem", "1d", "-n", "60"}},
	{"skr", "", nil, []string{"-problem", "poisson", "-grid", "20", "-systems", "8", "-rtol", "1e-8", "-pc", "none"}},
	// The matrices the SKR code actually assembles: GMRES(40) at its cap
	// against GCRO-DR (BENCHMARKS.md has the 80² and 100² runs).
	{"skr", "skr-pub", []string{"-problem", "darcy-skr-pub", "-grid", "50", "-systems", "50", "-pc", "none", "-method", "gmres,gcrodr"},
		[]string{"-problem", "darcy-skr-pub", "-grid", "12", "-systems", "4", "-m", "10", "-k", "4", "-method", "gmres,gcrodr", "-maxiter", "300"}},
	{"gp", "", nil, []string{"-problem", "poisson1d-sin100x", "-method", "gp-hm-gm,fd"}},
	{"neural", "", nil, []string{"-problem", "poisson2d", "-method", "fd,gp-hm"}},
	{"dcdm", "", []string{"-train", "-full"}, []string{"-grid", "64", "-rhs", "1"}},
	{"amg", "", nil, []string{"-grid", "16", "-method", "amg,mg,ic0"}},
}

// TimingFigures are figures whose content is wall-clock time, by output
// directory; they are regenerated but not expected to be identical
// between runs.
var TimingFigures = map[string][]string{
	"ot":      {"*_seconds.png"},
	"skr":     {"time-ratios.png"},
	"skr-pub": {"time-ratios.png"},
	"amg":     {"*-seconds.png"},
}

// dir returns the step's output directory name.
func (s Step) dir() string {
	if s.Dir != "" {
		return s.Dir
	}
	return s.Name
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "figures:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("figures", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "the smallest run of every experiment (default out: figures-quick)")
	out := fs.String("out", "", "output directory (default figures, or figures-quick with -quick)")
	only := fs.String("only", "", "comma-separated experiments: "+strings.Join(names(), ","))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var pick []string
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			if !slices.Contains(names(), n) {
				return fmt.Errorf("-only: unknown experiment %q (want one of %s)", n, strings.Join(names(), ", "))
			}
			pick = append(pick, n)
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join(root, "figures")
		if *quick {
			dir = filepath.Join(root, "figures-quick")
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	for _, st := range Steps {
		if pick != nil && !slices.Contains(pick, st.dir()) {
			continue
		}
		a := st.Args
		if *quick {
			a = st.Quick
		}
		target := filepath.Join(dir, st.dir())
		// Start from an empty directory, so that nothing stale survives.
		if err := os.RemoveAll(target); err != nil {
			return err
		}
		cmdArgs := append(append([]string{"run", "./experiments/" + st.Name}, a...), "-out", target)
		fmt.Fprintf(stderr, "figures: go %s\n", strings.Join(cmdArgs, " "))
		t0 := time.Now()
		cmd := exec.Command("go", cmdArgs...)
		cmd.Dir = root
		var table bytes.Buffer
		cmd.Stdout, cmd.Stderr = &table, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", st.dir(), err)
		}
		if err := os.WriteFile(filepath.Join(target, "table.md"), table.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-8s %6.1f s  %s\n", st.dir(), time.Since(t0).Seconds(), target)
	}
	return nil
}

func names() []string {
	var n []string
	for _, s := range Steps {
		n = append(n, s.dir())
	}
	return n
}

// moduleRoot returns the directory of the pdekit go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run this inside the pdekit module (go env GOMOD is empty)")
	}
	return filepath.Dir(mod), nil
}
