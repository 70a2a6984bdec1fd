// Command poisson solves −Δu = f on the unit square with the manufactured
// solution u = x(1−x)y(1−y)e^{xy}sin(5πx) (not an eigenvector of the
// discrete operator) at several grid sizes, with every method and
// preconditioner of linsolve, and reports iterations, time, the true
// relative residual and the error against the exact u, and the observed
// order of accuracy. -dim 3 solves the 3D analogue on the unit cube;
// -problem darcy solves −∇·(a∇u) = 1 with a = exp(GRF(2.5, 7)) drawn from
// -seed (no exact solution, so no error column).
//
//	go run ./experiments/poisson              # quick: grids 32…256, < 1 min
//	go run ./experiments/poisson -full        # grids up to 1024²
//	go run ./experiments/poisson -grid 1024 -method cg -pc mg
//	go run ./experiments/poisson -problem darcy -dim 3 -pc mg,ic0
//	go run ./experiments/poisson -grid 1024 -method cg -pc mg,amg
//
// It prints a markdown table on stdout, progress on stderr, and writes
// results.json (everything but the timings, which go to timings.json, so
// that a rerun leaves results.json byte-identical) and figures
// (convergence histories, error against h, the solution and error fields)
// under -out.
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
)

type config struct {
	problem    string // poisson or darcy
	dim        int
	seed       uint64
	out        string
	grids      []int
	methods    []string
	pcs        []string
	rtol       float64
	omega      float64
	restart    int
	repeat     int
	slowMax    int // largest grid for the slow pairs (see slow)
	noFigures  bool
	fieldLimit int // largest grid drawn as a heatmap
}

// Default grids (interior nodes per dimension) by dimension.
var (
	quickGrids = map[int][]int{2: {32, 64, 128, 256}, 3: {16, 32, 64}}
	fullGrids  = map[int][]int{2: {32, 64, 128, 256, 512, 1024}, 3: {16, 32, 64, 128}}
)

func main() { report.Main("poisson", parseFlags, run) }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("poisson", stderr, "run grids up to 1024² (minutes) instead of the quick set up to 256²")
	seed := fs.Seed(1, "seed of the Darcy coefficient field (poisson draws no random numbers)")
	problem := fs.Problem("poisson", "poisson (manufactured solution) or darcy (a = exp(GRF), f = 1)", nil)
	dim := fs.Int("dim", 2, "space dimension, 2 or 3")
	grid := fs.String("grid", "", "comma-separated grid sizes N (N^dim interior nodes), e.g. 256,512")
	method := fs.Method("", "comma-separated methods", linsolve.MethodNames)
	pc := fs.String("pc", "", "comma-separated preconditioners: none,jacobi,ssor,ic0,ilu0,mg,amg (algebraic multigrid, built from the matrix alone)")
	rtol := fs.Float64("rtol", 1e-8, "relative tolerance on the true residual")
	omega := fs.Float64("omega", 0, "ω for sor/ssor; 0 = Young's optimal value for the grid")
	restart := fs.Int("restart", 30, "GMRES restart length")
	repeat := fs.Int("repeat", 1, "solve each case this many times and report the median time")
	slowMax := fs.Int("slow-max-grid", 64, "largest grid for jacobi, gs and unpreconditioned gmres, whose iterations grow like N²; an explicit -grid lifts it")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{problem: *problem, dim: *dim, seed: *seed, out: fs.Out, rtol: *rtol, omega: *omega, restart: *restart, repeat: *repeat,
		slowMax: *slowMax, noFigures: fs.NoFigures, fieldLimit: 256}
	if cfg.problem != "poisson" && cfg.problem != "darcy" {
		return cfg, fmt.Errorf("-problem %q: want poisson or darcy", cfg.problem)
	}
	if cfg.dim != 2 && cfg.dim != 3 {
		return cfg, fmt.Errorf("-dim %d: want 2 or 3", cfg.dim)
	}
	var err error
	if cfg.grids, err = report.Ints("grid", *grid); err != nil {
		return cfg, err
	}
	if cfg.grids == nil {
		cfg.grids = quickGrids[cfg.dim]
		if fs.Full {
			cfg.grids = fullGrids[cfg.dim]
		}
	}
	if *grid != "" {
		cfg.slowMax = math.MaxInt // an explicit -grid runs what it names
	}
	if cfg.methods, err = report.Names("method", *method, linsolve.MethodNames); err != nil {
		return cfg, err
	}
	if cfg.pcs, err = report.Names("pc", *pc, linsolve.PreconditionerNames); err != nil {
		return cfg, err
	}
	if !(cfg.rtol > 0 && cfg.rtol < 1) {
		return cfg, fmt.Errorf("-rtol %v must be in (0, 1)", cfg.rtol)
	}
	if cfg.omega != 0 && !(cfg.omega > 0 && cfg.omega < 2) {
		return cfg, fmt.Errorf("-omega %v must be in (0, 2)", cfg.omega)
	}
	if cfg.restart < 1 || cfg.repeat < 1 {
		return cfg, errors.New("-restart and -repeat must be at least 1")
	}
	return cfg, nil
}

// Run is one row of the table and of results.json.
type Run struct {
	Grid             int     `json:"grid"`
	N                int     `json:"n"`
	Method           string  `json:"method"`
	Preconditioner   string  `json:"preconditioner"`
	Omega            float64 `json:"omega,omitempty"`
	Iterations       int     `json:"iterations"`
	Seconds          float64 `json:"seconds"`
	SetupSeconds     float64 `json:"setup_seconds"`
	RelativeResidual float64 `json:"relative_residual"`
	// RelativeError is ‖u_h − u‖₂/‖u‖₂ against the exact solution; absent
	// for Darcy, which has none.
	RelativeError *float64 `json:"relative_error,omitempty"`
	Reason        string   `json:"reason"`
	Converged     bool     `json:"converged"`
	Error         string   `json:"error,omitempty"`

	history []float64
}

// Order is the observed order of accuracy between two grids.
type Order struct {
	Grid          int     `json:"grid"`
	H             float64 `json:"h"`
	RelativeError float64 `json:"relative_error"`
	Order         float64 `json:"order,omitempty"`
}

// Results is the content of results.json.
type Results struct {
	Problem  string  `json:"problem"`
	Dim      int     `json:"dim"`
	Seed     uint64  `json:"seed,omitempty"`
	Solution string  `json:"solution"`
	RelTol   float64 `json:"rtol"`
	Runs     []Run   `json:"runs"`
	Order    []Order `json:"order"`
}

type combo struct{ method, pc string }

// slow reports the pairs whose iteration count grows like N² on this
// problem (h⁻² condition number, no effective preconditioner, and for
// GMRES(m) a restart that stalls): Jacobi, Gauss–Seidel, and GMRES without
// a preconditioner or with Jacobi (a constant scaling here). The
// quick and full runs skip them above -slow-max-grid.
func (c combo) slow() bool {
	return c.method == "jacobi" || c.method == "gs" || c.method == "gmres" && (c.pc == "none" || c.pc == "jacobi")
}

// combos lists the method/preconditioner pairs to run: Krylov methods with
// every preconditioner (CG only with the symmetric ones), relaxation
// methods alone.
func (cfg config) combos() []combo {
	var cs []combo
	for _, m := range linsolve.MethodNames {
		if !report.Keep(cfg.methods, m) {
			continue
		}
		if m == "fcg" && len(cfg.methods) == 0 {
			continue // flexible CG repeats CG with these fixed preconditioners; run it by name
		}
		if !linsolve.TakesPreconditioner(m) {
			if report.Keep(cfg.pcs, "none") {
				cs = append(cs, combo{m, "none"})
			}
			continue
		}
		for _, pc := range linsolve.PreconditionerNames {
			if !report.Keep(cfg.pcs, pc) || (m == "cg" || m == "fcg") && (pc == "ilu0" || pc == "ilut") && len(cfg.pcs) == 0 {
				// ILU(0) of a symmetric M-matrix equals IC(0) up to scaling,
				// and ILUT is not symmetric: run them with CG only when
				// asked for by name.
				continue
			}
			cs = append(cs, combo{m, pc})
		}
	}
	return cs
}

// makeProblem builds the system on an N^dim grid.
func makeProblem(cfg config, N int) (pde.Problem, error) {
	dims := make([]int, cfg.dim)
	for i := range dims {
		dims[i] = N
	}
	g, err := pde.NewGrid(dims...)
	if err != nil {
		return pde.Problem{}, err
	}
	if cfg.problem == "poisson" {
		return pde.PoissonProblem(g, pde.PolyExpSine(cfg.dim))
	}
	field, err := pde.GRF{Alpha: 2.5, Tau: 7}.Sample(rand.New(rand.NewPCG(cfg.seed, uint64(N))), dims...)
	if err != nil {
		return pde.Problem{}, err
	}
	for i, v := range field {
		field[i] = math.Exp(v)
	}
	a, _, err := pde.Diffusion(g, field, nil)
	if err != nil {
		return pde.Problem{}, err
	}
	return pde.Problem{Name: "darcy", A: a, B: g.Constant(1), Grid: g, Params: field}, nil
}

func run(cfg config, stdout, stderr io.Writer) error {
	res := Results{Problem: cfg.problem, Dim: cfg.dim, RelTol: cfg.rtol}
	switch {
	case cfg.problem == "darcy":
		res.Solution = "none known: -∇·(a∇u) = 1, a = exp(GRF(2.5, 7))"
		res.Seed = cfg.seed
	case cfg.dim == 2:
		res.Solution = "x(1-x)y(1-y)exp(xy)sin(5πx)"
	default:
		res.Solution = "x(1-x)y(1-y)z(1-z)exp(xyz)sin(5πx)"
	}
	combos := cfg.combos()
	if len(combos) == 0 {
		return errors.New("the filters select no method/preconditioner pair")
	}
	var largest pde.Problem
	var largestX []float64
	for _, N := range cfg.grids {
		p, err := makeProblem(cfg, N)
		if err != nil {
			return err
		}
		g := p.Grid
		bestErr := math.Inf(1)
		var bestX []float64
		for _, c := range combos {
			if c.slow() && N > cfg.slowMax {
				continue
			}
			r, x := solve(cfg, p, c)
			fmt.Fprintf(stderr, "grid %4d %-8s %-6s %6d it %8.3fs relres %.2e err %s %s\n",
				N, c.method, c.pc, r.Iterations, r.Seconds, r.RelativeResidual, fmtErr(r.RelativeError), r.Reason)
			res.Runs = append(res.Runs, r)
			if r.Converged && r.RelativeError != nil && *r.RelativeError < bestErr {
				bestErr, bestX = *r.RelativeError, x
			}
			if r.Converged && p.Exact == nil && bestX == nil {
				bestX = x // Darcy: draw the first converged solution
			}
		}
		if bestX != nil && p.Exact == nil && cfg.dim == 2 && N <= cfg.fieldLimit {
			largest, largestX = p, bestX
		}
		if bestX != nil && p.Exact != nil {
			o := Order{Grid: N, H: g.H(0), RelativeError: bestErr}
			if k := len(res.Order); k > 0 {
				prev := res.Order[k-1]
				o.Order = math.Log(prev.RelativeError/bestErr) / math.Log(prev.H/o.H)
			}
			res.Order = append(res.Order, o)
			if cfg.dim == 2 && N <= cfg.fieldLimit {
				largest, largestX = p, bestX
			}
		}
	}
	if err := writeTables(stdout, res); err != nil {
		return err
	}
	if err := report.WriteResults(cfg.out, "", res); err != nil {
		return err
	}
	if cfg.noFigures {
		return nil
	}
	return writeFigures(cfg, res, largest, largestX)
}

// omegaFor returns the relaxation parameter for SOR/SSOR on an N×N grid:
// the flag's value, or Young's optimum 2/(1+sin πh) for SOR and the
// model-problem SSOR optimum 2/(1+2 sin(πh/2)) (Young 1971, §15.2; Saad
// 2003, §10.2) for SSOR as a method or preconditioner.
func omegaFor(cfg config, method string, h float64) float64 {
	if cfg.omega != 0 {
		return cfg.omega
	}
	if method == "sor" {
		return linsolve.OptimalSOROmega(math.Cos(math.Pi * h))
	}
	return 2 / (1 + 2*math.Sin(math.Pi*h/2))
}

func solve(cfg config, p pde.Problem, c combo) (Run, []float64) {
	N := p.Grid.N[0]
	r := Run{Grid: N, N: p.A.Dim(), Method: c.method, Preconditioner: c.pc}
	h := p.Grid.H(0)
	if c.method == "sor" || c.method == "ssor" || c.pc == "ssor" {
		r.Omega = omegaFor(cfg, map[bool]string{true: "sor", false: "ssor"}[c.method == "sor"], h)
	}
	x := make([]float64, p.A.Dim())
	var times, setups []float64
	var result linsolve.Result
	var solveErr error
	bnorm := norm(p.B)
	for rep := range cfg.repeat {
		t0 := time.Now()
		pc, err := linsolve.NewPreconditioner(c.pc, p.A, &linsolve.PreconditionerOptions{Omega: r.Omega, Grid: p.Grid.N})
		setup := time.Since(t0).Seconds()
		if err != nil {
			r.Error, r.Reason = err.Error(), "PC_SETUP_FAILED"
			return r, nil
		}
		m, err := linsolve.NewMethod(c.method, r.Omega, cfg.restart)
		if err != nil {
			r.Error = err.Error()
			return r, nil
		}
		s := &linsolve.Settings{RelTol: cfg.rtol, Preconditioner: pc, MaxIter: maxIter(c.method, p.A.Dim())}
		var hist []float64
		if rep == 0 {
			s.Monitor = func(_ int, rn float64) { hist = append(hist, rn/bnorm) }
		}
		t1 := time.Now()
		result, solveErr = m.Solve(x, p.A, p.B, s)
		times = append(times, setup+time.Since(t1).Seconds())
		setups = append(setups, setup)
		if rep == 0 {
			r.history = hist
		}
	}
	r.Iterations = result.Iterations
	r.Seconds = report.Median(times)
	r.SetupSeconds = report.Median(setups)
	r.RelativeResidual = result.RelativeResidual
	r.Reason = result.Reason.String()
	r.Converged = solveErr == nil
	if solveErr != nil {
		r.Error = solveErr.Error()
	}
	if p.Exact != nil {
		e := relErr(x, p.Exact)
		r.RelativeError = &e
	}
	return r, x
}

func fmtErr(e *float64) string {
	if e == nil {
		return "—"
	}
	return fmt.Sprintf("%.3e", *e)
}

// maxIter caps each method generously above what it needs on this
// problem: CG-type methods O(N), relaxation O(N²) sweeps.
func maxIter(method string, n int) int {
	if linsolve.IsStationary(method) {
		return max(100000, 20*n)
	}
	return max(20000, 10*int(math.Sqrt(float64(n)))*20)
}

func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func relErr(x, exact []float64) float64 {
	var d, s float64
	for i := range x {
		d += (x[i] - exact[i]) * (x[i] - exact[i])
		s += exact[i] * exact[i]
	}
	return math.Sqrt(d / s)
}

func writeTables(w io.Writer, res Results) error {
	t := report.Table{Header: []string{"grid", "n", "method", "preconditioner", "iterations", "seconds", "relative residual", "relative error", "reason"}}
	for _, r := range res.Runs {
		t.Add(gridLabel(r.Grid, res.Dim), r.N, r.Method, r.Preconditioner, r.Iterations,
			fmt.Sprintf("%.3f", r.Seconds), fmt.Sprintf("%.2e", r.RelativeResidual),
			fmtErr(r.RelativeError), r.Reason)
	}
	if res.Problem == "darcy" {
		fmt.Fprintf(w, "## %dD Darcy −∇·(a∇u) = 1, a = exp(GRF(2.5, 7)), seed %d, rtol %g\n\n", res.Dim, res.Seed, res.RelTol)
	} else {
		fmt.Fprintf(w, "## %dD −Δu = f, u = %s, rtol %g\n\n", res.Dim, res.Solution, res.RelTol)
	}
	if err := t.Write(w); err != nil {
		return err
	}
	if len(res.Order) == 0 {
		return nil
	}
	o := report.Table{Header: []string{"grid", "h", "relative error", "observed order"}}
	for i, r := range res.Order {
		ord := "—"
		if i > 0 {
			ord = fmt.Sprintf("%.3f", r.Order)
		}
		o.Add(gridLabel(r.Grid, res.Dim), fmt.Sprintf("%.3e", r.H), fmt.Sprintf("%.3e", r.RelativeError), ord)
	}
	fmt.Fprintf(w, "\n## Observed order of accuracy (expected 2)\n\n")
	return o.Write(w)
}

func gridLabel(n, dim int) string {
	return fmt.Sprintf("%d%s", n, map[int]string{2: "²", 3: "³"}[dim])
}

func writeFigures(cfg config, res Results, p pde.Problem, x []float64) error {
	if len(res.Runs) == 0 {
		return nil
	}
	// Convergence histories on the largest grid.
	top := 0
	for _, r := range res.Runs {
		top = max(top, r.Grid)
	}
	var hist []figures.Series
	for _, r := range res.Runs {
		if r.Grid == top && len(r.history) > 0 {
			hist = append(hist, figures.Series{Label: r.Method + "/" + r.Preconditioner, Y: r.history})
		}
	}
	if len(hist) > 0 {
		if err := figures.Convergence(filepath.Join(cfg.out, "convergence.png"),
			fmt.Sprintf("%dD %s %s, true-residual target %g", res.Dim, res.Problem, gridLabel(top, res.Dim), cfg.rtol), hist); err != nil {
			return err
		}
	}
	if len(res.Order) >= 2 {
		var hs, es []float64
		for _, o := range res.Order {
			hs = append(hs, o.H)
			es = append(es, o.RelativeError)
		}
		if err := figures.ErrorVsH(filepath.Join(cfg.out, "error_vs_h.png"),
			"relative L2 error against the exact u", []figures.Series{{Label: "5-point FD", X: hs, Y: es}}, 2); err != nil {
			return err
		}
	}
	if x != nil {
		N := p.Grid.N[0]
		if err := figures.Heatmap(filepath.Join(cfg.out, "solution.png"), fmt.Sprintf("u_h on %d²", N), x, N, N); err != nil {
			return err
		}
		if p.Exact == nil {
			return nil
		}
		e := slices.Clone(x)
		for i := range e {
			e[i] -= p.Exact[i]
		}
		if err := figures.Heatmap(filepath.Join(cfg.out, "error.png"), fmt.Sprintf("u_h − u on %d²", N), e, N, N); err != nil {
			return err
		}
	}
	return nil
}
