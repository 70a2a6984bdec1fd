// Command pdekit solves a user's own sparse linear system from Matrix
// Market files, and writes pdekit's generated problems as Matrix Market
// files.
//
//	pdekit solve -A A.mtx [-b b.mtx] [-method cg] [-pc ic0] [-rtol 1e-8] [-x x.mtx] [-json]
//	pdekit solve -A A.mtx -pc mg -grid 1024x1024
//	pdekit solve -A A.mtx -pc amg [-amg-theta 0.08] [-amg-print]
//	pdekit solve -A A.mtx -method direct [-ordering nd|md|rcm|natural]
//	pdekit solve -A A.mtx -method gmres -pc ilut [-drop 1e-4] [-fill 20]
//	pdekit solve -A A.mtx -pc ic0 -monitor
//	pdekit compare -A A.mtx [-b b.mtx] [-grid NxN] [-figure convergence.png] [-json]
//	pdekit gen -problem poisson -grid 64 -A A.mtx -b b.mtx
//	pdekit datagen -family darcy -grid 64 -n 10000 -seed 1 -out data/ [-shard 3/8]   # also darcy-skr, poisson-rhs, darcy-fno, helmholtz-skr, heat
//
// datagen writes a family of systems and their solutions as NumPy .npy
// chunks with a JSON manifest, solving each chunk in SKR order (two runs
// of it at once), warm-started, with -solver (default auto: multigrid-PCG for the
// symmetric families, GCROT for darcy-skr, which was faster than GCRO-DR
// in experiments/skr; also amg, rcg, cg, gmres, direct). It resumes an
// interrupted run (complete chunks are kept and skipped) and generates
// shard i of k deterministically, so that a cluster's job array can split
// the work: see deploy/.
//
// solve reports iterations, the true relative residual, seconds and the
// stopping reason (as JSON with -json: keys iterations,
// relative_residual, seconds, reason, converged, residual_history);
// -monitor prints the residual at every iteration. compare runs every
// method × preconditioner that fits the matrix (CG with each
// preconditioner for a symmetric one, GMRES and BiCGStab otherwise, and
// the direct solve) and prints them ranked by total time, the
// unconverged last, with each one's true residual and reason; -figure
// draws their residual histories. Without -b it solves
// A·x = A·1. Any failure, including a solve that does not converge, exits
// with status 1 and a one-line message on stderr; bad usage exits with 2.
// -x writes the solution only when the solve converged (-x-partial writes
// the last iterate of a failed solve too), through a temporary file and a
// rename, and never replaces a symbolic link, FIFO or other non-regular
// file.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pdekit/pdekit/internal/memcheck"
	"github.com/pdekit/pdekit/krylov"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
	"gonum.org/v1/gonum/floats"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  pdekit solve -A A.mtx [-b b.mtx] [-method cg] [-pc none] [-rtol 1e-8] [-x x.mtx] [-json] [-grid NxN] [-amg-theta 0.08] [-amg-coarsening classical]
  pdekit solve -A A.mtx -method direct [-ordering nd|md|rcm|natural]
  pdekit compare -A A.mtx [-b b.mtx] [-grid NxN] [-figure convergence.png] [-json]
  pdekit gen -problem poisson|darcy|darcy-skr|convdiff -grid N -A A.mtx [-b b.mtx] [-seed 1]
  pdekit datagen -family darcy|darcy-skr|poisson-rhs|darcy-fno|helmholtz-skr|heat -grid 64 -n 10000 -seed 1 -out data/ [-shard i/k] [-dry-run]
run "pdekit solve -h", "pdekit compare -h", "pdekit gen -h" or "pdekit datagen -h" for the flags`

// errUsage marks errors that exit with status 2.
type errUsage struct{ error }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "solve":
		err = solveCmd(args[1:], stdout, stderr)
	case "compare":
		err = compareCmd(args[1:], stdout, stderr)
	case "gen":
		err = genCmd(args[1:], stderr)
	case "datagen":
		err = datagenCmd(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		err = errUsage{fmt.Errorf("unknown command %q", args[0])}
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(errUsage)):
		fmt.Fprintln(stderr, "pdekit:", oneLine(err))
		return 2
	default:
		fmt.Fprintln(stderr, "pdekit:", oneLine(err))
		return 1
	}
}

// factorLimit is the largest factor the direct solver may build on this
// machine: the available memory at 32 bytes per nonzero (values, indices
// and the LU's second triangle), so that a matrix whose fill would not fit
// is refused with direct.ErrFillLimit before the allocation, not killed
// by the kernel. Zero (no limit) where the memory cannot be read.
func factorLimit() int {
	avail, ok := memcheck.Available()
	if !ok {
		return 0
	}
	return int(min(avail/32, math.MaxInt32))
}

// parseArgs parses a command's flags: -h passes through as flag.ErrHelp,
// a bad flag or a stray argument is a usage error.
func parseArgs(fs *flag.FlagSet, cmd string, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage{err}
	}
	if fs.NArg() > 0 {
		return errUsage{fmt.Errorf("%s: unexpected argument %q", cmd, fs.Arg(0))}
	}
	return nil
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// solveResult is the -json output.
type solveResult struct {
	Method           string  `json:"method"`
	Preconditioner   string  `json:"preconditioner"`
	N                int     `json:"n"`
	NNZ              int     `json:"nnz"`
	Iterations       int     `json:"iterations"`
	RelativeResidual float64 `json:"relative_residual"`
	Seconds          float64 `json:"seconds"`
	SetupSeconds     float64 `json:"setup_seconds"`
	Reason           string  `json:"reason"`
	Converged        bool    `json:"converged"`
	FactorNNZ        int     `json:"factor_nnz,omitempty"` // -method direct: nonzeros of the factors
	// History is the residual norm the method tracks, per iteration from
	// 0 (linsolve.Monitor).
	History []float64 `json:"residual_history"`
}

// readSystem reads a square A and b (b = A·1 when bPath is empty).
func readSystem(aPath, bPath string) (*sparse.CSR, []float64, error) {
	a, err := readMatrix(aPath)
	if err != nil {
		return nil, nil, err
	}
	r, c := a.Dims()
	if r != c {
		return nil, nil, fmt.Errorf("%s: matrix is %d×%d, not square", aPath, r, c)
	}
	var b []float64
	if bPath != "" {
		if b, err = readVector(bPath); err != nil {
			return nil, nil, err
		}
		if len(b) != r {
			return nil, nil, fmt.Errorf("%s has %d entries but A is %d×%d", bPath, len(b), r, r)
		}
	} else {
		b = make([]float64, r)
		ones := make([]float64, r)
		for i := range ones {
			ones[i] = 1
		}
		a.MulVecTo(b, ones)
	}
	return a, b, nil
}

func readMatrix(path string) (*sparse.CSR, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := sparse.ReadMatrixMarket(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func readVector(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := sparse.ReadVector(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

func solveCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("solve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	aPath := fs.String("A", "", "matrix A (Matrix Market, required)")
	bPath := fs.String("b", "", "right-hand side b (Matrix Market n×1); omitted means b = A·1")
	xPath := fs.String("x", "", "write the solution here (Matrix Market array), only if the solve converges")
	xPartial := fs.Bool("x-partial", false, "with -x, also write the last iterate of a solve that did not converge")
	method := fs.String("method", "cg", "method: "+strings.Join(krylov.MethodNames, ", "))
	pcName := fs.String("pc", "none", "preconditioner: "+strings.Join(linsolve.PreconditionerNames, ", "))
	rtol := fs.Float64("rtol", 1e-8, "relative tolerance on the true residual")
	atol := fs.Float64("atol", 0, "absolute tolerance")
	maxit := fs.Int("maxiter", 0, "iteration limit (0: 10·n, at least 1000)")
	fs.IntVar(maxit, "maxit", 0, "same as -maxiter")
	omega := fs.Float64("omega", 0, "ω for sor, ssor and the ssor preconditioner (0 means 1)")
	restart := fs.Int("restart", linsolve.DefaultRestart, "GMRES restart length")
	asJSON := fs.Bool("json", false, "print the result as JSON (with the residual history)")
	monitor := fs.Bool("monitor", false, "print the residual norm the method tracks at every iteration, with its ratio to ‖b‖ (PETSc's -ksp_monitor)")
	amgTheta := fs.Float64("amg-theta", linsolve.DefaultAMGTheta, "-pc amg: strength threshold θ in [0, 1) (0: every entry strong; unset: 0.08 with aggregation, 0.25 with classical coarsening, 0.3 when auto chooses classical)")
	amgSmoother := fs.String("amg-smoother", "auto", "-pc amg: smoother auto, chebyshev, gs or jacobi")
	amgSweeps := fs.Int("amg-sweeps", 0, "-pc amg: smoothing steps before and after the coarse correction (0: 2 for chebyshev/jacobi, 1 for gs)")
	amgCoarsening := fs.String("amg-coarsening", "auto", "-pc amg: coarsening auto (smoothed aggregation; classical where positive off-diagonal entries carry more than 8% of the mass), aggregation or classical (Ruge–Stüben; θ defaults to 0.25)")
	amgStrength := fs.String("amg-strength", "auto", "-pc amg, aggregation: strength measure auto (symmetric; evolution below the finest level where neighbouring diagonal entries differ by more than 20×), symmetric (θ-scaled entries) or evolution (Olson–Schroder–Tuminaro) on every level")
	amgAggressive := fs.Int("amg-aggressive", 0, "-pc amg -amg-coarsening classical: finest levels coarsened aggressively, for a lower operator complexity (default 0: none; 2 suits rotated anisotropy)")
	amgFilter := fs.Bool("amg-filter", false, "-pc amg: smooth the prolongator with the strong entries only (sparser hierarchies on strong anisotropy)")
	amgPrint := fs.Bool("amg-print", false, "-pc amg: print the hierarchy (levels, rows, nonzeros, complexities) on stderr")
	drop := fs.Float64("drop", linsolve.DefaultILUTDropTol, "-pc ilut: drop tolerance τ (multipliers below τ, U entries below τ·mean|a_i| are dropped; 0 keeps all)")
	fill := fs.Int("fill", 0, "-pc ilut: entries kept per row of L and of U (0: 5 × the mean row count of A)")
	pcReorder := fs.String("pc-reorder", "natural", "-pc ic0, ilu0, ilut: factor the matrix renumbered by reverse Cuthill–McKee (rcm) or as given (natural)")
	ordering := fs.String("ordering", "nd", "-method direct: fill-reducing ordering nd (nested dissection), md (minimum degree; also amd), rcm or natural")
	gridFlag := fs.String("grid", "", "grid of the matrix, N, NxN or NxNxN interior nodes (first dimension slowest); needed by -pc mg")
	if err := parseArgs(fs, "solve", args); err != nil {
		return err
	}
	switch {
	case *aPath == "":
		return errUsage{errors.New("solve: -A is required")}
	case !(*rtol > 0 && *rtol < 1):
		return errUsage{fmt.Errorf("solve: -rtol %v must be in (0, 1)", *rtol)}
	case !(*atol >= 0) || math.IsInf(*atol, 0):
		return errUsage{fmt.Errorf("solve: -atol %v must be finite and non-negative", *atol)}
	case *maxit < 0 || *restart < 1:
		return errUsage{errors.New("solve: -maxiter must be non-negative, -restart positive")}
	case !(*drop >= 0) || math.IsInf(*drop, 0) || *fill < 0:
		return errUsage{fmt.Errorf("solve: -drop %v must be finite and non-negative, -fill %d non-negative", *drop, *fill)}
	case *omega != 0 && !(*omega > 0 && *omega < 2):
		return errUsage{fmt.Errorf("solve: -omega %v must be in (0, 2)", *omega)}
	case !linsolve.TakesPreconditioner(*method) && *pcName != "none":
		return errUsage{fmt.Errorf("solve: %s takes no preconditioner (got -pc %s)", *method, *pcName)}
	}
	m, err := krylov.NewMethod(*method, &krylov.MethodOptions{Omega: *omega, Restart: *restart})
	if err != nil {
		return errUsage{err}
	}
	ord, err := direct.ParseOrdering(*ordering)
	if err != nil {
		return errUsage{err}
	}
	if d, ok := m.(*linsolve.Direct); ok {
		d.Settings = &direct.Settings{Ordering: ord, MaxNNZ: factorLimit()}
	}
	amgSm, err := linsolve.ParseAMGSmoother(*amgSmoother)
	if err != nil {
		return errUsage{err}
	}
	amgCo, err := linsolve.ParseAMGCoarsening(*amgCoarsening)
	if err != nil {
		return errUsage{err}
	}
	if !(*amgTheta >= 0 && *amgTheta < 1) || *amgSweeps < 0 {
		return errUsage{fmt.Errorf("solve: -amg-theta %v must be in [0, 1) and -amg-sweeps non-negative", *amgTheta)}
	}
	if *amgAggressive < 0 || (*amgAggressive != 0 && amgCo != linsolve.AMGClassical) {
		return errUsage{errors.New("solve: -amg-aggressive must be ≥ 0 and applies to -amg-coarsening classical")}
	}
	amgSt, err := linsolve.ParseAMGStrength(*amgStrength)
	if err != nil {
		return errUsage{err}
	}
	if amgSt != linsolve.AMGAutoStrength && amgCo == linsolve.AMGClassical {
		return errUsage{errors.New("solve: -amg-strength applies to -amg-coarsening aggregation")}
	}
	dims, err := parseGrid(*gridFlag)
	if err != nil {
		return errUsage{err}
	}
	if *pcName == "mg" && dims == nil {
		return errUsage{errors.New("solve: -pc mg needs -grid NxN (or NxNxN) for the grid the matrix comes from")}
	}
	a, b, err := readSystem(*aPath, *bPath)
	if err != nil {
		return err
	}
	r := len(b)
	t0 := time.Now()
	theta := *amgTheta
	dropTol := *drop
	if dropTol == 0 {
		dropTol = -1 // ILUTSettings' spelling of τ = 0
	}
	if theta == 0 {
		theta = -1 // AMGSettings' spelling of θ = 0
	}
	if !flagSet(fs, "amg-theta") {
		theta = 0 // the default of the coarsening used
	}
	pc, err := linsolve.NewPreconditioner(*pcName, a, &linsolve.PreconditionerOptions{Omega: *omega, Grid: dims,
		AMG:  &linsolve.AMGSettings{Theta: theta, Coarsening: amgCo, Smoother: amgSm, Sweeps: *amgSweeps, Filter: *amgFilter, Aggressive: *amgAggressive, Strength: amgSt},
		ILUT: &linsolve.ILUTSettings{DropTol: dropTol, Fill: *fill}, Reorder: *pcReorder})
	if err != nil {
		if strings.Contains(err.Error(), "unknown preconditioner") || strings.Contains(err.Error(), "unknown reordering") {
			return errUsage{err}
		}
		return err
	}
	if amg, ok := pc.(*linsolve.AMG); ok {
		if *amgPrint {
			fmt.Fprint(stderr, amg) // warnings included
		} else {
			for _, w := range amg.Warnings() {
				fmt.Fprintf(stderr, "pdekit: amg: warning: %s\n", w)
			}
		}
	}
	setup := time.Since(t0).Seconds()
	x := make([]float64, r)
	var hist linsolve.History
	bnorm := floats.Norm(b, 2)
	mon := func(it int, res float64) {
		hist.Record(it, res)
		if *monitor && !*asJSON {
			fmt.Fprintf(stdout, "%5d residual norm %.6e  ‖r‖/‖b‖ %.6e\n", it, res, res/bnorm)
		}
	}
	res, solveErr := m.Solve(x, a, b, &linsolve.Settings{RelTol: *rtol, AbsTol: *atol, MaxIter: *maxit, Preconditioner: pc, Monitor: mon,
		SkipSymmetryCheck: symmetryTested(pc)})
	out := solveResult{Method: *method, Preconditioner: *pcName, N: r, NNZ: a.NNZ(),
		Iterations: res.Iterations, RelativeResidual: res.RelativeResidual,
		Seconds: setup + res.Stats.Runtime.Seconds(), SetupSeconds: setup,
		Reason: res.Reason.String(), Converged: solveErr == nil, History: append([]float64{}, hist.Residuals...)}
	if d, ok := m.(*linsolve.Direct); ok {
		out.FactorNNZ = d.FactorNNZ()
	}
	if solveErr != nil && res.Reason == linsolve.Iterating {
		return solveErr // rejected before iterating (NaN in b, sizes)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "%s/%s n=%d nnz=%d: %s after %d iterations, relative residual %.3e, %.3f s (setup %.3f s)\n",
			out.Method, out.Preconditioner, out.N, out.NNZ, out.Reason, out.Iterations, out.RelativeResidual, out.Seconds, out.SetupSeconds)
	}
	if *xPath != "" && (solveErr == nil || *xPartial) {
		if err := writeFile(*xPath, func(w io.Writer) error { return sparse.WriteVector(w, x) }); err != nil {
			return err
		}
	}
	return solveErr
}

// parseGrid parses "N", "NxN" or "NxNxN" ("" gives nil).
func parseGrid(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(strings.ToLower(s), "x")
	if len(parts) > 3 {
		return nil, fmt.Errorf("solve: -grid %q: at most three dimensions", s)
	}
	dims := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("solve: -grid %q: %q is not a positive integer", s, p)
		}
		dims[i] = n
	}
	return dims, nil
}

// writeFile writes path through a temporary file in the same directory
// and a rename, so that a failed or interrupted write never leaves a
// truncated file under the final name and no temporary file is left on
// any failure path. The temporary name is unique, so that processes
// writing the same file at once (datagen shards writing one manifest) do
// not collide. An existing path must be a regular file (a symbolic link, a
// FIFO or a device is refused, not replaced); its permission bits are kept.
// A new file gets 0644.
func writeFile(path string, write func(io.Writer) error) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Lstat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: refusing to replace a %s with a regular file", path, fileKind(fi.Mode()))
		}
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(mode)
	if err == nil {
		err = write(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// fileKind names a non-regular file's type for an error message.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m.IsDir():
		return "directory"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	}
	return "non-regular file"
}

func genCmd(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	problem := fs.String("problem", "poisson", "poisson (manufactured, 2D), darcy (−∇·(a∇u), a = exp(GRF)), darcy-skr (L·diag(a)), convdiff (upwind, ε = 0.01, β = (1, 0.5)), darcy-fno (the FNO data set's Darcy problem; -grid counts nodes per side, boundary included)")
	n := fs.Int("grid", 64, "interior nodes per dimension (N×N)")
	seed := fs.Uint64("seed", 1, "seed of the coefficient field (darcy, darcy-skr, darcy-fno)")
	aPath := fs.String("A", "", "write A here (required)")
	bPath := fs.String("b", "", "write b here")
	if err := parseArgs(fs, "gen", args); err != nil {
		return err
	}
	if *aPath == "" {
		return errUsage{errors.New("gen: -A is required")}
	}
	g, err := pde.NewGrid(*n, *n)
	if err != nil {
		return errUsage{err}
	}
	// About 100 bytes per unknown measured (/usr/bin/time, 1024², every
	// problem); 150 leaves room for the writer.
	if err := memcheck.Check(fmt.Sprintf("gen: a %d×%d grid", *n, *n), 150*uint64(*n)*uint64(*n)+64<<20); err != nil {
		return err
	}
	var p pde.Problem
	switch *problem {
	case "poisson":
		p, err = pde.PoissonProblem(g, pde.PolyExpSine(2))
	case "darcy", "darcy-skr":
		form := pde.DarcySymmetric
		if *problem == "darcy-skr" {
			form = pde.DarcyNonsymmetric
		}
		var fam *pde.Family
		if fam, err = pde.DarcyFamily(*n, 1, *seed, pde.DarcyOptions{Form: form}); err == nil {
			p, err = fam.Problem(0)
		}
	case "convdiff":
		p, err = pde.ConvectionDiffusionProblem(g, pde.PolyExpSine(2), 0.01, []float64{1, 0.5}, pde.Upwind)
	case "darcy-fno": // -grid counts the nodes per side, boundary included
		var fam *pde.Family
		if fam, err = pde.FNODarcyFamily(*n, 1, *seed); err == nil {
			p, err = fam.Problem(0)
		}
	default:
		return errUsage{fmt.Errorf("gen: unknown problem %q", *problem)}
	}
	if err != nil {
		return err
	}
	sym := p.A.IsSymmetric(0)
	if err := writeFile(*aPath, func(w io.Writer) error { return sparse.WriteMatrixMarket(w, p.A, sym) }); err != nil {
		return err
	}
	if *bPath != "" {
		return writeFile(*bPath, func(w io.Writer) error { return sparse.WriteVector(w, p.B) })
	}
	return nil
}

// symmetryTested reports whether building pc tested A's symmetry to CG's
// tolerance (1e-10) and found it symmetric — AMG (which records the
// result) and IC(0) (which refuses a nonsymmetric matrix) — so that CG
// need not test it again (an O(nnz log) pass, 4% of an AMG-PCG solve at
// 1M unknowns).
func symmetryTested(pc linsolve.Preconditioner) bool {
	switch p := pc.(type) {
	case *linsolve.AMG:
		return p.Symmetric()
	case *linsolve.IC0:
		return true
	}
	return false
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
