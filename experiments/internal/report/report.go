// Package report holds what every pdekit experiment shares: parsing of
// comma-separated filter flags, markdown tables on stdout, medians of
// repeated timings, and the JSON results file.
package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pdekit/pdekit/internal/timings"
)

// Ints parses a comma-separated list of positive integers ("" gives nil).
func Ints(flag, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("-%s: %q is not a positive integer", flag, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// Names parses a comma-separated list and checks every entry against the
// allowed names ("" gives nil).
func Names(flag, s string, allowed []string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(allowed, f) {
			return nil, fmt.Errorf("-%s: unknown value %q (want one of %s)", flag, f, strings.Join(allowed, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// Keep reports whether v passes a filter (an empty filter keeps all).
func Keep[T comparable](filter []T, v T) bool {
	return len(filter) == 0 || slices.Contains(filter, v)
}

// Median returns the median of xs (the mean of the middle two for an even
// count); it panics on an empty slice.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		panic("report: median of nothing")
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Table is a markdown table.
type Table struct {
	Header []string
	Rows   [][]string
}

// Add appends a row; each value is formatted with %v unless it is a
// string already.
func (t *Table) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		if s, ok := c.(string); ok {
			row[i] = s
		} else {
			row[i] = fmt.Sprint(c)
		}
	}
	t.Rows = append(t.Rows, row)
}

// Write prints the table in GitHub markdown with aligned columns.
func (t *Table) Write(w io.Writer) error {
	width := make([]int, len(t.Header))
	for i, h := range t.Header {
		width[i] = len([]rune(h))
	}
	for _, r := range t.Rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			fmt.Fprintf(&b, " %-*s |", width[i], c)
		}
		return b.String() + "\n"
	}
	var b strings.Builder
	b.WriteString(line(t.Header))
	sep := make([]string, len(width))
	for i, w := range width {
		sep[i] = strings.Repeat("-", w)
	}
	b.WriteString(line(sep))
	for _, r := range t.Rows {
		b.WriteString(line(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes v, indented, to dir/name, creating dir.
func WriteJSON(dir, name string, v any) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644)
}

// WriteResults writes v as dir/<prefix>results.json without its timing
// fields, and those fields, by JSON path, as dir/<prefix>timings.json
// (internal/timings), so that a rerun with the same flags leaves
// results.json byte-identical. Object keys are sorted in both files.
func WriteResults(dir, prefix string, v any) error {
	rest, found, err := timings.Separate(v)
	if err != nil {
		return err
	}
	if err := WriteJSON(dir, prefix+"results.json", rest); err != nil {
		return err
	}
	return WriteJSON(dir, prefix+"timings.json", found)
}

// ReadResults reads dir/<prefix>results.json into v with the timing
// fields of dir/<prefix>timings.json put back in their places: the
// inverse of WriteResults.
func ReadResults(dir, prefix string, v any) error {
	var rest any
	var found map[string]any
	for name, dst := range map[string]any{"results.json": &rest, "timings.json": &found} {
		raw, err := os.ReadFile(filepath.Join(dir, prefix+name))
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("%s: %w", prefix+name, err)
		}
	}
	if err := timings.Merge(rest, found); err != nil {
		return err
	}
	raw, err := json.Marshal(rest)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// Flags is an experiment's flag set. NewFlags defines the flags every
// experiment has — -out (default figures/<name>), -full and -no-figures —
// and the methods below the ones most have, so that the same thing has the
// same name in every experiment: -seed, -problem (what is solved), -method
// (what solves it) and -maxiter.
type Flags struct {
	*flag.FlagSet
	Out       string // -out: directory of results.json and the figures
	Full      bool   // -full: the large, measured configuration
	NoFigures bool   // -no-figures: skip drawing
}

// NewFlags returns the flag set of experiment name, writing to stderr,
// with a usage line; full says what -full runs.
func NewFlags(name string, stderr io.Writer, full string) *Flags {
	f := &Flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	f.SetOutput(stderr)
	f.StringVar(&f.Out, "out", filepath.Join("figures", name), "directory for results.json and figures")
	f.BoolVar(&f.Full, "full", false, full)
	f.BoolVar(&f.NoFigures, "no-figures", false, "skip writing figures")
	f.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./experiments/%s [flags]\n", name)
		f.PrintDefaults()
	}
	return f
}

// Seed defines -seed, the seed of every random draw of the experiment.
func (f *Flags) Seed(def uint64, usage string) *uint64 {
	return f.Uint64("seed", def, usage)
}

// MaxIter defines -maxiter, an iteration cap; aliases are older names
// of the same flag.
func (f *Flags) MaxIter(def int, usage string, aliases ...string) *int {
	p := f.Int("maxiter", def, usage)
	for _, a := range aliases {
		f.IntVar(p, a, def, "same as -maxiter")
	}
	return p
}

// Problem defines -problem, a comma-separated choice among allowed (parse
// it with Names); aliases are older names of the same flag.
func (f *Flags) Problem(def, usage string, allowed []string, aliases ...string) *string {
	return f.list("problem", def, usage, allowed, aliases)
}

// Method defines -method, a comma-separated choice among allowed (parse it
// with Names); aliases are older names of the same flag.
func (f *Flags) Method(def, usage string, allowed []string, aliases ...string) *string {
	return f.list("method", def, usage, allowed, aliases)
}

func (f *Flags) list(name, def, usage string, allowed, aliases []string) *string {
	if len(allowed) > 0 {
		usage += ": " + strings.Join(allowed, ",")
	}
	p := f.String(name, def, usage)
	for _, a := range aliases {
		f.StringVar(p, a, def, "same as -"+name)
	}
	return p
}

// Parse parses args and rejects positional arguments.
func (f *Flags) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", f.Arg(0))
	}
	return nil
}

// Main is the body of every experiment's main: parse the flags (exit 2 on
// bad usage, 0 after -h), run, and exit 1 with a one-line message on
// failure.
func Main[C any](name string, parse func(args []string, stderr io.Writer) (C, error), run func(C, io.Writer, io.Writer) error) {
	cfg, err := parse(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	if err := run(cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
