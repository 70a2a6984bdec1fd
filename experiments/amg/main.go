// Command amg measures algebraic multigrid on matrices built to stress it,
// the default (amg: smoothed aggregation, classical coarsening where
// positive off-diagonal entries carry more than 8% of the off-diagonal
// mass), smoothed aggregation (amg-sa, with the default strength measure;
// amg-sym with the symmetric measure and amg-evo with the evolution
// measure on every level)
// and classical Ruge–Stüben (amg-rs; amg-rs1 and amg-rs2 with one or two
// aggressively coarsened levels), against
// geometric multigrid (where the unknowns sit on a grid in grid
// order), IC(0), plain CG and the sparse direct solver: iterations to a
// true relative residual of 1e-8, setup and solve seconds, against n.
//
// Families (-problem, all by default):
//
//	darcy-perm  −∇·(a∇u) = 1 on N², a = exp(3·g), g a unit-variance GRF,
//	            unknowns randomly renumbered (contrast up to ~10⁷)
//	aniso3d     −u_xx − u_yy − 100·u_zz on N³ (7 points)
//	rotated     −∇·(K∇u), K = R(π/6)·diag(1, 10⁻³)·R(π/6)ᵀ, bilinear
//	            finite elements on an N² mesh (9 points, no M-matrix)
//	checker     −∇·(a∇u), a ∈ {1, 10⁴} on an 8×8 checkerboard, N²
//	graph       the Laplacian of a random geometric graph (singular, a
//	            consistent right-hand side), N² vertices
//
//	go run ./experiments/amg                     # quick: n up to ~65k, < 1 min
//	go run ./experiments/amg -full               # n up to ~10⁶
//	go run ./experiments/amg -problem aniso3d -grid 16,32,64 -export mtx/
//
// -export DIR writes every system as Matrix Market (A_<family>_<N>.mtx,
// b_<family>_<N>.mtx) for side-by-side runs with PETSc
// (../shared/bench/petsc_mtx.py). It prints a markdown table and writes
// results.json (timings in timings.json) and, per family, iterations.png
// and seconds.png against n under -out.
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// families lists the family names; methods the solver rows.
var (
	families = []string{"darcy-perm", "aniso3d", "rotated", "checker", "graph"}
	methods  = []string{"amg", "amg-sa", "amg-sym", "amg-evo", "amg-rs", "amg-rs1", "amg-rs2", "mg", "ic0", "cg", "direct"}
)

// Grids (N per dimension) by family: quick and -full.
var (
	quickGrids = map[string][]int{"darcy-perm": {32, 64, 128, 256}, "aniso3d": {8, 16, 32}, "rotated": {32, 64, 128, 256}, "checker": {32, 64, 128, 256}, "graph": {32, 64, 128, 256}}
	fullGrids  = map[string][]int{"darcy-perm": {64, 128, 256, 512, 1024}, "aniso3d": {16, 32, 64, 100}, "rotated": {64, 128, 256, 512, 1024}, "checker": {64, 128, 256, 512, 1024}, "graph": {64, 128, 256, 512, 1024}}
)

type config struct {
	out, export string
	families    []string
	methods     []string
	grids       []int // nil: the family's defaults
	full        bool
	seed        uint64
	cgCap       int
	directMax   int
	noFigures   bool
}

// Run is one solve.
type Run struct {
	Family           string  `json:"family"`
	N                int     `json:"n"`
	Grid             int     `json:"grid"`
	Method           string  `json:"method"`
	Iterations       int     `json:"iterations"`
	RelativeResidual float64 `json:"relative_residual"`
	Converged        bool    `json:"converged"`
	Reason           string  `json:"reason"`
	Levels           int     `json:"amg_levels,omitempty"`
	Complexity       float64 `json:"amg_operator_complexity,omitempty"`
	SetupSeconds     float64 `json:"setup_seconds"`
	SolveSeconds     float64 `json:"solve_seconds"`
}

// Results is results.json.
type Results struct {
	Seed uint64 `json:"seed"`
	Runs []Run  `json:"runs"`
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("amg", stderr, "the large sizes (n up to ~10⁶; minutes)")
	fam := fs.Problem("", "matrix families, comma separated (empty: all)", families, "family")
	meth := fs.Method("", "methods, comma separated (empty: all)", methods)
	grid := fs.String("grid", "", "grid sizes N (per dimension), comma separated (empty: the family's defaults)")
	seed := fs.Seed(1, "seed of the random fields, graphs and renumberings")
	cgCap := fs.MaxIter(3000, "iteration cap of plain CG and IC(0)-PCG", "cg-maxiter")
	directMax := fs.Int("direct-max", 300000, "largest n for the direct solver")
	export := fs.String("export", "", "write each system as Matrix Market into this directory")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{out: fs.Out, export: *export, full: fs.Full, seed: *seed, cgCap: *cgCap, directMax: *directMax, noFigures: fs.NoFigures}
	var err error
	if cfg.families, err = report.Names("problem", *fam, families); err != nil {
		return cfg, err
	}
	if cfg.methods, err = report.Names("method", *meth, methods); err != nil {
		return cfg, err
	}
	if *grid != "" {
		if cfg.grids, err = report.Ints("grid", *grid); err != nil {
			return cfg, err
		}
	}
	if cfg.cgCap < 1 || cfg.directMax < 0 {
		return cfg, fmt.Errorf("-maxiter must be positive and -direct-max non-negative")
	}
	return cfg, nil
}

func main() { report.Main("amg", parseFlags, run) }

// system is one generated matrix with its right-hand side and, when its
// unknowns are in grid order, the grid dimensions for geometric multigrid.
type system struct {
	a    *sparse.CSR
	b    []float64
	dims []int
}

func run(cfg config, stdout, stderr io.Writer) error {
	res := Results{Seed: cfg.seed}
	tab := report.Table{Header: []string{"family", "N", "n", "method", "iterations", "setup s", "solve s", "relres", "reason"}}
	for _, fam := range families {
		if !report.Keep(cfg.families, fam) {
			continue
		}
		grids := cfg.grids
		if grids == nil {
			grids = quickGrids[fam]
			if cfg.full {
				grids = fullGrids[fam]
			}
		}
		for _, N := range grids {
			sys, err := build(fam, N, cfg.seed)
			if err != nil {
				return fmt.Errorf("%s %d: %w", fam, N, err)
			}
			if cfg.export != "" {
				if err := export(cfg.export, fam, N, sys); err != nil {
					return err
				}
			}
			for _, m := range methods {
				if !report.Keep(cfg.methods, m) || (m == "mg" && sys.dims == nil) || (m == "direct" && sys.a.Dim() > cfg.directMax) {
					continue
				}
				if m == "direct" && fam == "graph" {
					continue // singular (A·1 = 0): no factorization to take
				}
				r, err := solve(m, sys, cfg.cgCap)
				if err != nil {
					return fmt.Errorf("%s %d %s: %w", fam, N, m, err)
				}
				r.Family, r.Grid = fam, N
				res.Runs = append(res.Runs, r)
				tab.Add(fam, N, r.N, m, r.Iterations, fmt.Sprintf("%.3f", r.SetupSeconds), fmt.Sprintf("%.3f", r.SolveSeconds), fmt.Sprintf("%.2e", r.RelativeResidual), r.Reason)
				fmt.Fprintf(stderr, "%-10s N=%-4d %-6s %5d it  setup %.3fs solve %.3fs relres %.2e %s\n", fam, N, m, r.Iterations, r.SetupSeconds, r.SolveSeconds, r.RelativeResidual, r.Reason)
			}
		}
	}
	if err := tab.Write(stdout); err != nil {
		return err
	}
	if err := report.WriteResults(cfg.out, "", res); err != nil {
		return err
	}
	if cfg.noFigures {
		return nil
	}
	return plots(cfg.out, res.Runs)
}

// solve runs method m on sys: CG preconditioned by AMG (the default,
// smoothed aggregation for amg-sa, with the symmetric or the evolution
// measure on every level for amg-sym and amg-evo, or classical for
// amg-rs, aggressively on one or two levels for amg-rs1, amg-rs2),
// geometric MG or
// IC(0), plain CG, or the direct solver.
func solve(m string, sys system, cgCap int) (Run, error) {
	n := sys.a.Dim()
	r := Run{N: n, Method: m}
	t0 := time.Now()
	var pc linsolve.Preconditioner
	var err error
	switch m {
	case "amg", "amg-sa", "amg-sym", "amg-evo", "amg-rs", "amg-rs1", "amg-rs2":
		var set *linsolve.AMGSettings
		switch m {
		case "amg-sa":
			set = &linsolve.AMGSettings{Coarsening: linsolve.AMGAggregation}
		case "amg-sym":
			set = &linsolve.AMGSettings{Strength: linsolve.AMGSymmetricStrength}
		case "amg-evo":
			set = &linsolve.AMGSettings{Strength: linsolve.AMGEvolutionStrength}
		case "amg-rs", "amg-rs1", "amg-rs2":
			levels := map[string]int{"amg-rs": 0, "amg-rs1": 1, "amg-rs2": 2}[m]
			set = &linsolve.AMGSettings{Coarsening: linsolve.AMGClassical, Aggressive: levels}
		}
		var amg *linsolve.AMG
		if amg, err = linsolve.NewAMG(sys.a, set); err == nil {
			pc = amg
			r.Levels, r.Complexity = amg.Levels(), amg.OperatorComplexity()
		}
	case "mg":
		pc, err = linsolve.NewPreconditioner("mg", sys.a, &linsolve.PreconditionerOptions{Grid: sys.dims})
	case "ic0":
		pc, err = linsolve.NewPreconditioner("ic0", sys.a, nil)
	}
	if err != nil {
		return r, err
	}
	r.SetupSeconds = time.Since(t0).Seconds()
	var meth linsolve.Method = &linsolve.CG{}
	s := &linsolve.Settings{RelTol: 1e-8, Preconditioner: pc}
	if m == "cg" || m == "ic0" {
		s.MaxIter = cgCap
	}
	if m == "direct" {
		meth = &linsolve.Direct{}
	}
	x := make([]float64, n)
	t1 := time.Now()
	res, serr := meth.Solve(x, sys.a, sys.b, s)
	r.SolveSeconds = time.Since(t1).Seconds()
	r.Iterations, r.RelativeResidual, r.Reason, r.Converged = res.Iterations, res.RelativeResidual, res.Reason.String(), serr == nil
	if serr != nil && res.Reason == linsolve.Iterating {
		return r, serr // refused before iterating
	}
	return r, nil
}

// build generates family fam on an N-per-dimension grid.
func build(fam string, N int, seed uint64) (system, error) {
	rng := rand.New(rand.NewPCG(seed, uint64(N)))
	switch fam {
	case "darcy-perm":
		g := pde.MustGrid(N, N)
		f := pde.GRF{Alpha: 2.5, Tau: 7}
		u, err := f.Sample(rng, N, N)
		if err != nil {
			return system{}, err
		}
		sd := math.Sqrt(f.Variance(N, N))
		for i := range u {
			u[i] = math.Exp(3 * u[i] / sd)
		}
		a, _, err := pde.Diffusion(g, u, nil)
		if err != nil {
			return system{}, err
		}
		a, _ = permute(a, rng)
		return system{a: a, b: ones(a.Dim())}, nil
	case "aniso3d":
		a := aniso3D(N, 100)
		return system{a: a, b: ones(a.Dim()), dims: []int{N, N, N}}, nil
	case "rotated":
		a := pde.RotatedQ1(N, math.Pi/6, 1e-3)
		return system{a: a, b: ones(a.Dim()), dims: []int{N, N}}, nil
	case "checker":
		a, _, err := pde.Diffusion(pde.MustGrid(N, N), pde.Checkerboard(N, 8, 1e4), nil)
		if err != nil {
			return system{}, err
		}
		return system{a: a, b: ones(a.Dim()), dims: []int{N, N}}, nil
	case "graph":
		a := pde.GraphLaplacian(N*N, math.Sqrt(8/(math.Pi*float64(N*N))), rng)
		// A consistent right-hand side: random with zero mean (A·1 = 0).
		b := make([]float64, a.Dim())
		var mean float64
		for i := range b {
			b[i] = rng.NormFloat64()
			mean += b[i]
		}
		for i := range b {
			b[i] -= mean / float64(len(b))
		}
		return system{a: a, b: b}, nil
	}
	return system{}, fmt.Errorf("unknown family %q", fam)
}

func ones(n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	return b
}

// permute returns Q·A·Qᵀ for a random permutation Q and the permutation.
func permute(a *sparse.CSR, rng *rand.Rand) (*sparse.CSR, []int) {
	perm := rng.Perm(a.Dim())
	return sparse.SymPermute(a, perm), perm
}

// export writes A and b of one system as Matrix Market files.
func export(dir, fam string, N int, sys system) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(io.Writer) error) error {
		w, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := f(w); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	}
	if err := write(fmt.Sprintf("A_%s_%d.mtx", fam, N), func(w io.Writer) error { return sparse.WriteMatrixMarket(w, sys.a, false) }); err != nil {
		return err
	}
	return write(fmt.Sprintf("b_%s_%d.mtx", fam, N), func(w io.Writer) error { return sparse.WriteVector(w, sys.b) })
}

// plots draws, per family run at two sizes or more, iterations and
// setup + solve seconds against n.
func plots(dir string, runs []Run) error {
	for _, fam := range families {
		var its, secs []figures.Series
		for _, m := range methods {
			var x, yi, ys []float64
			for _, r := range runs {
				if r.Family == fam && r.Method == m {
					x = append(x, float64(r.N))
					yi = append(yi, float64(r.Iterations))
					ys = append(ys, r.SetupSeconds+r.SolveSeconds)
				}
			}
			if len(x) > 0 {
				its = append(its, figures.Series{Label: m, X: x, Y: yi})
				secs = append(secs, figures.Series{Label: m, X: x, Y: ys})
			}
		}
		if !slices.ContainsFunc(its, func(s figures.Series) bool { return len(s.X) > 1 }) {
			continue // one size: no curve to draw
		}
		if err := figures.Lines(filepath.Join(dir, fam+"-iterations.png"), fam+": CG iterations to 1e-8", "n", "iterations", its, true); err != nil {
			return err
		}
		if err := figures.Lines(filepath.Join(dir, fam+"-seconds.png"), fam+": setup + solve", "n", "seconds", secs, true); err != nil {
			return err
		}
	}
	return nil
}

// aniso3D returns −u_xx − u_yy − k·u_zz on an N³ grid of the unit cube
// (7 points, zero Dirichlet data, z the fastest index).
func aniso3D(N int, k float64) *sparse.CSR {
	h2 := float64((N + 1) * (N + 1))
	n := N * N * N
	t := sparse.NewTriplet(n, n, 7*n)
	c := [3]float64{h2, h2, k * h2}
	stride := [3]int{N * N, N, 1}
	for i := range n {
		idx := [3]int{i / (N * N), (i / N) % N, i % N}
		for d := range 3 {
			for _, s := range []int{-1, 1} {
				if j := idx[d] + s; j >= 0 && j < N {
					t.Append(i, i+s*stride[d], -c[d])
				}
			}
		}
		t.Append(i, i, 2*(c[0]+c[1]+c[2]))
	}
	return t.ToCSR()
}
