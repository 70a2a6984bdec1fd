package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pdekit/pdekit/internal/memcheck"
	"github.com/pdekit/pdekit/krylov"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// datagen writes a family of PDE systems and their solutions as NumPy
// arrays for neural-operator training, solving each chunk of the family
// in SKR order, warm-started, cut into two runs solved at once, with the
// method of -method: multigrid-PCG
// by default on the symmetric families (geometric MG on the grid, or AMG
// updated for each matrix of one pattern), recycled CG, GCROT (the
// default for darcy-skr), CG, GMRES(40) or the direct solver (one
// factorization for poisson-rhs's fixed matrix). The layout of -out:
//
//	manifest.json                 settings (must match on every run into the directory)
//	inputs-00000.npy              float64 [c, s, s]: a (darcy, darcy-skr) or f (poisson-rhs)
//	solutions-00000.npy           float64 [c, s, s]: u on the interior nodes
//	chunk-00000.json              indices, iterations, residuals, seconds, SHA-256 of the arrays: written last
//
// Sample i lies in chunk i / chunk at row i % chunk and depends only on
// (seed, i), and each chunk is solved on its own (its own SKR order and
// recycle space), so shards (chunks j with j mod k = i) and resumed runs
// produce the same files as one uninterrupted run.

// manifestFormat names the layout and the solve schedule (two streams
// per chunk since /2): a directory written under another format is not
// resumed, so that its chunks are never mixed with differently computed
// ones.
const manifestFormat = "pdekit-datagen/2"

var datagenFamilies = []string{"darcy", "darcy-skr", "poisson-rhs", "darcy-fno", "helmholtz-skr", "heat"}

// nonsymmetric reports the families whose matrices are not symmetric.
func nonsymmetric(family string) bool { return family == "darcy-skr" || family == "helmholtz-skr" }

// Manifest is manifest.json: everything that determines the data.
type Manifest struct {
	Format  string  `json:"format"`
	Family  string  `json:"family"`
	Grid    int     `json:"grid"`
	N       int     `json:"n"`
	Seed    uint64  `json:"seed"`
	Chunk   int     `json:"chunk"`
	RTol    float64 `json:"rtol"`
	Solver  string  `json:"solver"`
	Recycle bool    `json:"recycle"`
	PC      string  `json:"preconditioner"`
	Chunks  int     `json:"chunks"`
	Input   string  `json:"input"` // what inputs-*.npy hold
	Layout  string  `json:"layout"`
	// Heat trajectories: Crank–Nicolson steps and their size.
	Steps int     `json:"steps,omitempty"`
	Dt    float64 `json:"dt,omitempty"`
}

// shape returns the array shape of kind ("inputs", "solutions") for a
// chunk of count samples: [count, s, s], and for heat solutions
// [count, steps+1, s, s] (the trajectory from u₀).
func (m Manifest) shape(kind string, count int) []int {
	if kind == "solutions" && m.Family == "heat" {
		return []int{count, m.Steps + 1, m.Grid, m.Grid}
	}
	return []int{count, m.Grid, m.Grid}
}

// ChunkStats is chunk-NNNNN.json.
type ChunkStats struct {
	Chunk                 int     `json:"chunk"`
	First                 int     `json:"first"` // sample index of row 0
	Count                 int     `json:"count"`
	Solver                string  `json:"solver"`
	Order                 []int   `json:"solve_order"` // rows in SKR order
	TotalIterations       int     `json:"total_iterations"`
	WorstRelativeResidual float64 `json:"worst_relative_residual"`
	Seconds               float64 `json:"seconds"`
	// SHA256 holds the hex SHA-256 of each array file ("inputs",
	// "solutions"), checked before a resumed run keeps the chunk.
	SHA256 map[string]string `json:"sha256"`
	// K holds helmholtz-skr's wavenumber k of each row.
	K []float64 `json:"k,omitempty"`
}

type datagenConfig struct {
	m       Manifest
	out     string
	shard   int
	of      int
	quiet   bool
	maxIter int // 0: the method's default; not in the manifest (it does not change the bytes)
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	k, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || k < 1 || i < 0 || i >= k {
		return 0, 0, fmt.Errorf("datagen: -shard %q: want i/k with 0 ≤ i < k (e.g. 0/4)", s)
	}
	return i, k, nil
}

func datagenCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("datagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	family := fs.String("family", "darcy", "family: darcy (−∇·(a∇u) = 1, a = exp(GRF)), darcy-skr (L·diag(a)·u = 1), poisson-rhs (−Δu = f, f a random Chebyshev expansion), darcy-fno (the FNO paper's data: a ∈ {3, 12} thresholded from N(0, (−Δ+9I)⁻²), f = 1; -grid 421), helmholtz-skr (L·diag(a)·u − k²u = 1, k uniform in [0, 1)), heat (u_t = Δu from a GRF u₀, -steps Crank–Nicolson steps of -dt)")
	steps := fs.Int("steps", 10, "heat: Crank–Nicolson steps per trajectory (solutions are [sample, steps+1, i, j])")
	dt := fs.Float64("dt", 1e-3, "heat: time step")
	grid := fs.Int("grid", 64, "interior nodes per dimension (s×s); darcy-fno: nodes per side, boundary included (421 for the FNO data set)")
	n := fs.Int("n", 1000, "number of samples")
	seed := fs.Uint64("seed", 1, "seed: sample i depends only on (seed, i)")
	out := fs.String("out", "data", "output directory")
	chunk := fs.Int("chunk", 0, "samples per file (and per SKR sequence); 0: 256, or fewer so that a chunk's systems fit in about 256 MB (15 at 421²)")
	rtol := fs.Float64("rtol", 1e-8, "relative residual of every solve")
	maxIter := fs.Int("maxiter", 0, "iteration cap of every solve; a solve that reaches it stops the run with an error (0: the method's default, max(10n, 1000))")
	recycle := fs.Bool("recycle", true, "solve with Krylov recycling in SKR order, warm-started: recycled CG, or GCROT(40, 20) for darcy-skr (false: CG or GMRES(40), cold, in index order)")
	pc := fs.String("pc", "none", "preconditioner of cg, rcg, gmres, gcrot: "+strings.Join(linsolve.PreconditionerNames[:5], ", "))
	solverFlag := fs.String("method", "auto", "method: "+strings.Join(datagenSolvers, ", ")+" (auto: mg for the symmetric families, gcrot for darcy-skr, or gmres with -recycle=false)")
	fs.StringVar(solverFlag, "solver", "auto", "same as -method")
	shard := fs.String("shard", "0/1", "generate shard i of k (chunks j with j mod k = i)")
	quiet := fs.Bool("quiet", false, "no progress bar (there is none when stderr is not a terminal)")
	dryRun := fs.Bool("dry-run", false, "check the flags and the memory a chunk needs, print the plan, and write nothing")
	if err := parseArgs(fs, "datagen", args); err != nil {
		return err
	}
	// The progress bar redraws one line: only for a terminal.
	cfg := datagenConfig{out: *out, quiet: *quiet || !isTerminal(stderr), maxIter: *maxIter}
	var err error
	if cfg.shard, cfg.of, err = parseShard(*shard); err != nil {
		return errUsage{err}
	}
	switch {
	case !slices.Contains(datagenFamilies, *family):
		return errUsage{fmt.Errorf("datagen: unknown family %q (want one of %s)", *family, strings.Join(datagenFamilies, ", "))}
	case *grid < 2 || *n < 1 || *chunk < 0 || (*family == "darcy-fno" && *grid < 4):
		return errUsage{fmt.Errorf("datagen: -grid must be at least 2 (4 for darcy-fno), -n positive and -chunk non-negative")}
	case !(*rtol > 0 && *rtol < 1):
		return errUsage{fmt.Errorf("datagen: -rtol must be in (0, 1)")}
	case *maxIter < 0:
		return errUsage{fmt.Errorf("datagen: -maxiter must not be negative")}
	case *family == "heat" && (*steps < 1 || *steps > 100000 || !(*dt > 0) || math.IsInf(*dt, 0)):
		return errUsage{fmt.Errorf("datagen: heat needs 1 ≤ -steps ≤ 100000 and a positive finite -dt")}
	case !slices.Contains(linsolve.PreconditionerNames[:5], *pc):
		return errUsage{fmt.Errorf("datagen: unknown preconditioner %q", *pc)}
	}
	if *chunk == 0 {
		*chunk = defaultChunk(*grid)
	}
	solver := *solverFlag
	switch {
	case !slices.Contains(datagenSolvers, solver):
		return errUsage{fmt.Errorf("datagen: unknown method %q (want one of %s)", solver, strings.Join(datagenSolvers, ", "))}
	case solver == "auto" && nonsymmetric(*family):
		solver = map[bool]string{true: "gcrot", false: "gmres"}[*recycle]
	case solver == "auto":
		solver = "mg"
	case nonsymmetric(*family) && slices.Contains([]string{"cg", "rcg", "mg", "amg"}, solver):
		return errUsage{fmt.Errorf("datagen: -solver %s needs a symmetric positive definite family; %s is not symmetric (use gcrot, gmres or direct)", solver, *family)}
	case *family == "heat" && (solver == "rcg" || solver == "gcrot" || solver == "gmres"):
		return errUsage{fmt.Errorf("datagen: heat steps one matrix, warm-started from the previous step; use -method mg, amg, cg or direct")}
	}
	if *pc != "none" && slices.Contains([]string{"mg", "amg", "direct"}, solver) {
		return errUsage{fmt.Errorf("datagen: -solver %s takes no -pc (got %s)", solver, *pc)}
	}
	input := "a"
	if *family == "poisson-rhs" {
		input = "f"
	}
	cfg.m = Manifest{Format: manifestFormat, Family: *family, Grid: *grid, N: *n, Seed: *seed, Chunk: *chunk,
		RTol: *rtol, Solver: solver, Recycle: *recycle, PC: *pc, Chunks: (*n-1) / *chunk + 1, Input: input,
		Layout: "row-major [sample, i, j], node (i, j) at (x, y) = ((i+1)h, (j+1)h), h = 1/(grid+1)"}
	switch *family {
	case "darcy-fno":
		cfg.m.Layout = "row-major [sample, i, j] on all grid×grid nodes, boundary included: node (i, j) at (x, y) = (ih, jh), h = 1/(grid−1); solutions are 0 on the boundary"
	case "helmholtz-skr":
		cfg.m.Layout += "; each chunk record lists the wavenumber k of every row"
	case "heat":
		cfg.m.Steps, cfg.m.Dt, cfg.m.Recycle = *steps, *dt, false
		cfg.m.Input = "u0"
		cfg.m.Layout = "row-major inputs [sample, i, j] (u₀) and solutions [sample, step, i, j], step 0 = u₀, step k at t = k·dt; node (i, j) at (x, y) = ((i+1)h, (j+1)h), h = 1/(grid+1)"
	}
	if cfg.m.Chunks > maxChunks {
		return errUsage{fmt.Errorf("datagen: -n %d in chunks of %d makes %d chunk files, more than %d; use a larger -chunk", *n, *chunk, cfg.m.Chunks, maxChunks)}
	}
	need := datagenMemory(cfg.m)
	what := fmt.Sprintf("datagen: a chunk of %d %s systems on a %d×%d grid (-method %s)", cfg.m.count(0), *family, *grid, *grid, solver)
	if err := memcheck.Check(what, need); err != nil {
		return fmt.Errorf("%w; use a smaller -chunk or -grid", err)
	}
	if *dryRun {
		own := 0
		if cfg.shard < cfg.m.Chunks {
			own = (cfg.m.Chunks-cfg.shard-1)/cfg.of + 1
		}
		fmt.Fprintf(stdout, "datagen: would write %d samples (%s, %d², solver %s, seed %d) in %d chunk(s) of %d, %d of them in shard %d/%d, to %s; about %s of memory per chunk\n",
			cfg.m.N, cfg.m.Family, cfg.m.Grid, cfg.m.Solver, cfg.m.Seed, cfg.m.Chunks, cfg.m.Chunk, own, cfg.shard, cfg.of, cfg.out, memcheck.Bytes(need))
		return nil
	}
	return datagen(cfg, stdout, stderr)
}

// datagenMemory estimates the peak memory of one chunk: about 260 bytes
// per unknown of every system in the chunk (matrices, fields, right-hand
// sides, solutions and the solver's vectors; 205–255 measured with
// /usr/bin/time at 256² and 421²), the factors of the direct solver (one
// per solve stream; nested-dissection fill ≈ 4·n·log₂n entries in 2D at
// 12 bytes each), and 64 MiB for the rest.
func datagenMemory(m Manifest) uint64 {
	n := float64(m.Grid) * float64(m.Grid)
	need := 260*float64(m.count(0))*n + 64<<20
	if m.Family == "heat" { // the trajectories: steps+1 fields per sample
		need += 16 * float64(m.count(0)) * float64(m.Steps+1) * n
	}
	if m.Solver == "direct" {
		need += solveStreams * 48 * n * math.Log2(n)
	}
	return saturate(need)
}

// saturate converts a byte count to uint64, the largest one for counts
// beyond it.
func saturate(b float64) uint64 {
	if b >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(b)
}

// maxChunks bounds the number of chunk files of a data set (three files
// each): more means a -chunk far too small for -n.
const maxChunks = 1 << 24

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// prod returns the product of the entries of shape.
func prod(shape []int) int {
	p := 1
	for _, v := range shape {
		p *= v
	}
	return p
}

// maxJSONBytes bounds the manifest and chunk records datagen reads back
// (a few hundred bytes each when it wrote them).
const maxJSONBytes = 1 << 20

// readSmallFile reads a regular file of at most limit bytes; anything
// else (a FIFO, a device, a directory, a longer file) is an error, read no
// further than needed to tell.
func readSmallFile(path string, limit int64) ([]byte, error) {
	// Stat before opening: opening a FIFO would wait for a writer.
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is a %s, not a regular file", path, fileKind(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is a %s, not a regular file", path, fileKind(fi.Mode()))
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s has %d bytes, more than the %d a pdekit record can have", path, fi.Size(), limit)
	}
	raw, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(raw)) > limit {
		err = fmt.Errorf("%s grew past %d bytes while read", path, limit)
	}
	return raw, err
}

// defaultChunk returns -chunk 0's chunk size for an s×s grid: 256, or
// fewer so that a chunk's matrices, right-hand sides, fields and
// solutions (about 100 bytes per unknown) stay near 256 MB; at least 1.
func defaultChunk(s int) int {
	return max(1, min(256, (256<<20)/(100*s*s)))
}

// datagenSolvers are the names -solver accepts.
var datagenSolvers = []string{"auto", "mg", "amg", "rcg", "cg", "gcrot", "gmres", "direct"}

// count returns the number of samples in chunk j (the last may be short).
func (m Manifest) count(j int) int { return min(m.Chunk, m.N-j*m.Chunk) }

func (m Manifest) family() (*pde.Family, *pde.HeatStep, error) {
	switch m.Family {
	case "heat":
		return pde.HeatFamily(m.Grid, m.N, m.Seed, m.Dt, pde.GRF{})
	}
	f, err := m.linearFamily()
	return f, nil, err
}

func (m Manifest) linearFamily() (*pde.Family, error) {
	switch m.Family {
	case "helmholtz-skr":
		return pde.HelmholtzFamily(m.Grid, m.N, m.Seed, 1, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	case "darcy":
		return pde.DarcyFamily(m.Grid, m.N, m.Seed, pde.DarcyOptions{})
	case "darcy-skr":
		return pde.DarcyFamily(m.Grid, m.N, m.Seed, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	case "poisson-rhs":
		return pde.PoissonRHSFamily(m.Grid, m.N, m.Seed, 8)
	case "darcy-fno":
		return pde.FNODarcyFamily(m.Grid, m.N, m.Seed)
	}
	return nil, fmt.Errorf("datagen: unknown family %q", m.Family)
}

// checkManifest writes manifest.json, or checks that the one already in
// dir has the same settings; it never overwrites a different manifest.
func checkManifest(dir string, m Manifest) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "manifest.json")
	raw, err := readSmallFile(path, maxJSONBytes)
	if err == nil {
		var old Manifest
		if err := json.Unmarshal(raw, &old); err != nil {
			return fmt.Errorf("datagen: %s is not a pdekit manifest (%v); use another -out", path, err)
		}
		if !reflect.DeepEqual(old, m) {
			return fmt.Errorf("datagen: %s was written with different settings (%s, grid %d, n %d, seed %d, chunk %d, solver %s); use another -out or the same flags",
				path, old.Family, old.Grid, old.N, old.Seed, old.Chunk, old.Solver)
		}
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// Created exclusively: written to a temporary file and hard-linked
	// into place, which fails if another run created the manifest in
	// between; that one is then checked like any existing manifest.
	f, err := os.CreateTemp(dir, "manifest.json.*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return checkManifest(dir, m)
		}
		return err
	}
	return nil
}

// errLocked reports a lock held by another process.
var errLocked = errors.New("locked by another process")

// removeStaleTemps deletes the temporary files a killed run of this shard
// left beside its chunk files (the lock guarantees that no live run of
// the shard is writing them).
func removeStaleTemps(dir string, m Manifest, shard, of int) {
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	for _, t := range tmps {
		// inputs-00003.npy.123.tmp, solutions-…, chunk-00003.json.123.tmp
		kind, rest, ok := strings.Cut(filepath.Base(t), "-")
		num, _, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || (kind != "inputs" && kind != "solutions" && kind != "chunk") {
			continue
		}
		j, err := strconv.Atoi(num)
		if err == nil && j%of == shard && j < m.Chunks {
			os.Remove(t)
		}
	}
}

func chunkName(kind string, j int, ext string) string { return fmt.Sprintf("%s-%05d.%s", kind, j, ext) }

// chunkDone reports whether chunk j is complete: its stats file exists
// (it is written after both arrays) and names the chunk, and both arrays
// have the right size and the SHA-256 it records.
func chunkDone(dir string, m Manifest, j int) bool {
	count := m.count(j)
	raw, err := readSmallFile(filepath.Join(dir, chunkName("chunk", j, "json")), maxJSONBytes)
	if err != nil {
		return false // missing, not a regular file or too long: regenerate
	}
	var st ChunkStats
	if json.Unmarshal(raw, &st) != nil || st.Chunk != j || st.Count != count {
		return false
	}
	for _, kind := range []string{"inputs", "solutions"} {
		shape := m.shape(kind, count)
		want := int64(len(npyHeader(shape))) + 8*int64(prod(shape))
		path := filepath.Join(dir, chunkName(kind, j, "npy"))
		fi, err := os.Stat(path)
		if err != nil || fi.Size() != want || st.SHA256[kind] == "" {
			return false
		}
		f, err := os.Open(path)
		if err != nil {
			return false
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil || hex.EncodeToString(h.Sum(nil)) != st.SHA256[kind] {
			return false // a flipped bit, a truncated copy: regenerate
		}
	}
	return true
}

func datagen(cfg datagenConfig, stdout, stderr io.Writer) error {
	m := cfg.m
	fam, heat, err := m.family()
	if err != nil {
		return err
	}
	if err := checkManifest(cfg.out, m); err != nil {
		return err
	}
	// One run per shard at a time: a second run of the same shard on the
	// same directory is refused at once (it would redo the same chunks);
	// other shards run alongside.
	lock := filepath.Join(cfg.out, fmt.Sprintf(".lock-shard-%d-of-%d", cfg.shard, cfg.of))
	release, err := lockFile(lock)
	if err != nil {
		if errors.Is(err, errLocked) {
			return fmt.Errorf("datagen: shard %d/%d of %s is being written by another run (%s is locked); wait for it to finish or use another -out", cfg.shard, cfg.of, cfg.out, lock)
		}
		return err
	}
	defer release()
	removeStaleTemps(cfg.out, m, cfg.shard, cfg.of)
	var todo, skipped []int
	for j := cfg.shard; j < m.Chunks; j += cfg.of {
		if chunkDone(cfg.out, m, j) {
			skipped = append(skipped, j)
		} else {
			todo = append(todo, j)
		}
	}
	total := 0
	for _, j := range todo {
		total += m.count(j)
	}
	// Two arrays per sample: inputs (s² float64) and solutions (s², or
	// (steps+1)·s² for heat).
	perSample := float64(prod(m.shape("inputs", 1)) + prod(m.shape("solutions", 1)))
	if err := memcheck.CheckDisk(fmt.Sprintf("datagen: %d samples on a %d×%d grid", total, m.Grid, m.Grid), cfg.out,
		saturate(float64(total)*8*perSample)); err != nil {
		return err
	}
	start := time.Now()
	bar := progress{w: stderr, total: total, quiet: cfg.quiet, start: start}
	if len(skipped) > 0 && !cfg.quiet {
		fmt.Fprintf(stderr, "datagen: %d chunk(s) of shard %d/%d already complete, resuming with %d\n", len(skipped), cfg.shard, cfg.of, len(todo))
	}
	var its int
	var solveSec float64
	for _, j := range todo {
		st, err := generateChunk(cfg, fam, heat, j, &bar)
		if err != nil {
			return err
		}
		its += st.TotalIterations
		solveSec += st.Seconds
	}
	bar.finish()
	elapsed := time.Since(start).Seconds()
	if total > 0 {
		fmt.Fprintf(stdout, "datagen: %d systems (%s, %d², %s) in %.2f s: %.1f systems/s, %.1f iterations per system; %s\n",
			total, m.Family, m.Grid, m.Solver, elapsed, float64(total)/elapsed, float64(its)/float64(total), cfg.out)
	} else {
		fmt.Fprintf(stdout, "datagen: nothing to do, shard %d/%d of %s is complete\n", cfg.shard, cfg.of, cfg.out)
	}
	return nil
}

func generateChunk(cfg datagenConfig, fam *pde.Family, heat *pde.HeatStep, j int, bar *progress) (ChunkStats, error) {
	m := cfg.m
	first := j * m.Chunk
	count := m.count(j)
	nn := m.Grid * m.Grid   // the arrays' samples: s×s
	nSol := fam.Grid.Size() // the unknowns: s×s, or (s−2)² for darcy-fno's full node grid
	mats := make([]*sparse.CSR, count)
	rhs := make([][]float64, count)
	params := make([][]float64, count)
	inputs := make([]float64, count*nn)
	// Generate the chunk's problems on every core (each depends only on
	// (seed, index), so the result does not depend on the scheduling).
	errs := make([]error, count)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), count)
	for w := range workers {
		wg.Go(func() {
			for r := w; r < count; r += workers {
				p, err := fam.Problem(first + r)
				if err != nil {
					errs[r] = err
					continue
				}
				mats[r], rhs[r], params[r] = p.A, p.B, p.Params
				in := p.Params
				if m.Input == "f" {
					in = p.B
				}
				copy(inputs[r*nn:(r+1)*nn], in)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return ChunkStats{}, err
	}
	order := make([]int, count)
	for r := range order {
		order[r] = r
	}
	if m.Recycle {
		var err error
		if order, err = krylov.Sort(params, krylov.Frobenius); err != nil {
			return ChunkStats{}, err
		}
	}
	steps := 1 // systems per sample
	if heat != nil {
		steps = m.Steps
	}
	sols := make([]float64, count*nSol*steps)
	st := ChunkStats{Chunk: j, First: first, Count: count, Solver: m.Solver, Order: order}
	t0 := time.Now()
	// The SKR order is cut into solveStreams contiguous runs, solved at
	// once, each with its own method, preconditioner and warm start: the
	// multigrid solves at these sizes leave a second core nearly idle
	// (GOMAXPROCS=1 ran within 5% of 2). The cut does not depend on the
	// machine, so neither do the bytes written.
	streams := min(solveStreams, count)
	stats := make([]streamStats, streams)
	var barMu sync.Mutex
	for w := range streams {
		wg.Go(func() {
			part := order[w*count/streams : (w+1)*count/streams]
			stats[w] = solveStream(m, cfg.maxIter, fam, heat, part, first, mats, rhs, params, sols, nSol, steps, func() {
				barMu.Lock()
				bar.add(1)
				barMu.Unlock()
			})
		})
	}
	wg.Wait()
	for _, ss := range stats {
		if ss.err != nil {
			return st, ss.err
		}
		st.TotalIterations += ss.iterations
		st.WorstRelativeResidual = math.Max(st.WorstRelativeResidual, ss.worst)
	}
	st.Seconds = time.Since(t0).Seconds()
	if nSol != nn { // darcy-fno: the interior solution inside a zero boundary
		full := make([]float64, count*nn)
		in := m.Grid - 2
		for r := range count {
			for i := range in {
				copy(full[r*nn+(i+1)*m.Grid+1:], sols[r*nSol+i*in:r*nSol+(i+1)*in])
			}
		}
		sols = full
	}
	if heat != nil { // [sample, step, i, j] with step 0 = u₀
		traj := make([]float64, 0, count*(steps+1)*nn)
		for r := range count {
			traj = append(traj, params[r]...)
			traj = append(traj, sols[r*steps*nSol:(r+1)*steps*nSol]...)
		}
		sols = traj
	}
	if m.Family == "helmholtz-skr" {
		for r := range count {
			st.K = append(st.K, params[r][len(params[r])-1])
		}
	}
	for _, f := range []struct {
		kind string
		data []float64
	}{{"inputs", inputs}, {"solutions", sols}} {
		h := sha256.New()
		shape := m.shape(f.kind, count)
		if err := writeFile(filepath.Join(cfg.out, chunkName(f.kind, j, "npy")), func(w io.Writer) error {
			return writeNPY(io.MultiWriter(w, h), shape, f.data)
		}); err != nil {
			return st, err
		}
		if st.SHA256 == nil {
			st.SHA256 = map[string]string{}
		}
		st.SHA256[f.kind] = hex.EncodeToString(h.Sum(nil))
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return st, err
	}
	return st, writeFile(filepath.Join(cfg.out, chunkName("chunk", j, "json")), func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err })
}

// solveStreams is the number of runs of the SKR order a chunk is solved
// in at once (see generateChunk).
const solveStreams = 2

// streamStats sums one stream's solves.
type streamStats struct {
	iterations int
	worst      float64
	err        error
}

// solveStream solves the samples of part in order, each warm-started from
// the previous one's solution when m.Recycle, into sols, with its own
// method and preconditioner (the multigrid ones set up once and updated
// for each new matrix of the same pattern: Multigrid.Update, AMG.Update).
func solveStream(m Manifest, maxIter int, fam *pde.Family, heat *pde.HeatStep, part []int, first int, mats []*sparse.CSR, rhs, params [][]float64, sols []float64, nSol, steps int, done func()) streamStats {
	name := m.Solver // datagen's solver names: the methods', and mg/amg for CG with them
	if name == "mg" || name == "amg" {
		name = "cg"
	}
	method, err := krylov.NewMethod(name, &krylov.MethodOptions{Restart: 40})
	if err != nil {
		return streamStats{err: fmt.Errorf("datagen: %w", err)}
	}
	var amg *linsolve.AMG
	var mg *linsolve.Multigrid
	newPC := func(a *sparse.CSR) (linsolve.Preconditioner, error) {
		switch m.Solver {
		case "mg":
			if mg == nil {
				var err error
				mg, err = linsolve.NewMultigrid(a, fam.Grid.N, nil)
				return mg, err
			}
			return mg, mg.Update(a)
		case "amg":
			if amg == nil {
				var err error
				amg, err = linsolve.NewAMG(a, nil)
				return amg, err
			}
			return amg, amg.Update(a)
		}
		return linsolve.NewPreconditioner(m.PC, a, nil)
	}
	var st streamStats
	q := krylov.Sequence{
		Method: method,
		// The symmetric families are symmetric by construction (pde's
		// tests); checking every matrix again costs a pass over it.
		Settings:  linsolve.Settings{RelTol: m.RTol, MaxIter: maxIter, SkipSymmetryCheck: !nonsymmetric(m.Family)},
		WarmStart: m.Recycle, // from the previous system in SKR order
		Each: func(k int, x []float64, ss krylov.SystemStats) error {
			r := part[k/steps]
			if !ss.Reason.Converged() {
				st.err = fmt.Errorf("datagen: sample %d (%s): %w after %d iterations (relative residual %.3g, %s)",
					first+r, m.Solver, ss.Reason.Err(), ss.Iterations, ss.RelativeResidual, ss.Reason)
				return st.err
			}
			st.iterations += ss.Iterations
			st.worst = math.Max(st.worst, ss.RelativeResidual)
			if k%steps == steps-1 {
				done()
			}
			return nil
		},
	}
	if m.PC != "none" || m.Solver == "mg" || m.Solver == "amg" {
		q.NewPreconditioner = newPC // called again only when the matrix changes
	}
	// The stream's systems in solve order, each solution written in place
	// into sols; a heat trajectory's step t+1 takes its right-hand side
	// from step t and starts there, step 0 from the initial condition.
	systems := make([]krylov.System, 0, len(part)*steps)
	dst := make([][]float64, 0, len(part)*steps)
	for _, r := range part {
		for t := range steps {
			sys := krylov.System{A: mats[r], B: rhs[r]}
			if heat != nil && t == 0 {
				sys.X0 = params[r]
			} else if heat != nil {
				sys.B, sys.RHS = nil, func(dst, prev []float64) { heat.RHSTo(dst, prev, nil, nil) }
			}
			systems = append(systems, sys)
			dst = append(dst, sols[(r*steps+t)*nSol:(r*steps+t+1)*nSol])
		}
	}
	if _, err := q.Run(systems, nil, dst); err != nil && st.err == nil {
		st.err = fmt.Errorf("datagen: %s: %w", m.Solver, err)
	}
	return st
}

// npyHeader returns the .npy (version 1.0) header of a little-endian
// float64 C-order array of the given shape.
func npyHeader(shape []int) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", tuple)
	// magic (6) + version (2) + header length (2) + dict + padding + '\n',
	// a multiple of 64 bytes.
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	h := make([]byte, 0, total+pad)
	h = append(h, "\x93NUMPY\x01\x00"...)
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)+pad+1))
	h = append(h, dict...)
	h = append(h, strings.Repeat(" ", pad)...)
	return append(h, '\n')
}

// writeNPY writes data as a NumPy .npy file of the given shape.
func writeNPY(w io.Writer, shape []int, data []float64) error {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("pdekit: npy shape %v for %d values", shape, len(data)))
	}
	if _, err := w.Write(npyHeader(shape)); err != nil {
		return err
	}
	// Little-endian bytes through one 64 KiB buffer: no copy of the
	// array's size to allocate and fault in.
	buf := make([]byte, 0, 1<<16)
	for len(data) > 0 {
		k := min(len(data), cap(buf)/8)
		buf = buf[:0]
		for _, v := range data[:k] {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		data = data[k:]
	}
	return nil
}

// progress is a one-line progress bar on stderr.
type progress struct {
	w           io.Writer
	total, done int
	quiet       bool
	start       time.Time
	last        time.Time
}

func (p *progress) add(k int) {
	p.done += k
	if p.quiet || (time.Since(p.last) < 200*time.Millisecond && p.done < p.total) {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width * p.done / max(p.total, 1)
	rate := float64(p.done) / time.Since(p.start).Seconds()
	eta := float64(p.total-p.done) / rate
	fmt.Fprintf(p.w, "\rdatagen [%s%s] %d/%d systems, %.1f/s, ETA %.0f s ", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.done, p.total, rate, eta)
}

func (p *progress) finish() {
	if !p.quiet && p.total > 0 {
		fmt.Fprintln(p.w)
	}
}
