// Command skr reproduces Table 1 of "Accelerating Data Generation for
// Neural Operators via Krylov Subspace Recycling" (Wang et al., ICLR 2024)
// on pdekit's own families, with the fair baselines the paper left out.
//
//	go run ./experiments/skr                  # quick: 50×50 grids, 20 systems, rtol 1e-8, no PC (~20 s)
//	go run ./experiments/skr -full            # paper size: s ∈ {50, 80, 100}, 100 systems, 3 tolerances, 4 PCs (hours)
//	go run ./experiments/skr -problem darcy-skr -grid 80 -systems 100 -rtol 1e-8 -pc none   # the headline cell
//
// On the fixed-operator poisson family, CG and RCG also run wrapped in
// krylov.Projection (Fischer's initial guess from the previous solutions,
// labelled "+proj", "projection" in results.json), which separates what
// the right-hand sides' low dimension gives from what deflation gives.
// RCG keeps 40 vectors there (the operator is fixed, so the space settles
// and is no longer refreshed) and 8 on the other families, where every
// new matrix costs K products for A·U; -rcg-k and -rcg-s override both.
//
// Families (f = 1 and zero Dirichlet data unless said):
//   - darcy-skr: the SKR data generator's nonsymmetric L·diag(a),
//     a = exp(GRF(α = 2.5, τ = 7)), the field drawn as the SKR code draws
//     it (pde.GRF; pointwise standard deviation 0.185); -scale, -alpha and
//     -tau give other fields, a = exp(scale·GRF(α, τ)) (larger scale:
//     higher contrast, harder systems);
//   - helmholtz: the same matrix minus k²I, k ~ U(0, 1);
//   - darcy: the symmetric −∇·(a∇u) with the same fields;
//   - poisson: a fixed 5-point Laplacian with right-hand sides from random
//     Chebyshev expansions (degree 4 in each direction).
//
// Run only when named, darcy-skr-pub and helmholtz-pub are the matrices
// the SKR code actually assembles (pde.DarcySKRAsPublished: an index slip
// weights each coupling to the node below by a two nodes to the left).
// Restarted GMRES(40) stagnates on them and stops at the 10⁴-iteration cap
// on most systems, which is where the paper's GMRES counts and its 19×
// come from; ratios against a baseline that hit the cap are lower bounds,
// printed with "≥". Their eigenvalues reach into the left half-plane, so
// GCRO-DR keeps the harmonic Ritz vectors of smallest real part by
// default (-target sr; krylov.SmallestReal); -target sm is Parks et al.'s
// and PETSc/HPDDM's smallest magnitude, which gives the same iterations on
// the other families, 3–4% more on the published ones, and on
// higher-contrast fields (-scale 1.4 and up) drops the far negative
// eigenvalues and leaves systems at the cap.
//
// Every solver of a cell runs on the same systems, in generation order
// ("unsorted", which is random) or in the greedy nearest-neighbour SKR
// order ("sorted", by Frobenius distance of the parameters); cold starts
// from zero, warm starts from the previous solution. Every family: GMRES(m)
// cold and warm sorted, GCRO-DR(m, k) and GCROT(m, k) cold/warm ×
// unsorted/sorted. Symmetric families add CG cold and warm sorted and
// recycled CG (RCG) cold/warm × unsorted/sorted, because on SPD systems
// recycling has to beat CG, not GMRES. Every solve stops on the true residual
// ‖b − Ax‖ ≤ rtol·‖b‖, at most 10⁴ iterations (hits are reported as
// failures). Times are solve times only: preconditioner setup and sorting
// are reported separately, nothing is read from disk.
//
// It prints the Table-1 ratios (time / iterations) and one row per run,
// and writes results.json and figures under -out.
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/krylov"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

var (
	familyNames = []string{"darcy-skr", "helmholtz", "darcy", "poisson"}
	// publishedFamilies reproduce the matrices the SKR code actually
	// assembles (pde.DarcySKRAsPublished); they run only when named.
	publishedFamilies = []string{"darcy-skr-pub", "helmholtz-pub"}
	pcNames           = []string{"none", "jacobi", "ssor", "ilu"}
	solverNames       = []string{"gmres", "gcrodr", "gcrot", "cg", "rcg"}
	targets           = map[string]krylov.Target{"sm": krylov.SmallestMagnitude, "sr": krylov.SmallestReal}
)

type config struct {
	out       string
	families  []string
	grids     []int
	systems   int
	rtols     []float64
	pcs       []string
	solvers   []string
	m, k      int    // GMRES restart and GCRO-DR / GCROT recycle
	target    string // GCRO-DR's harmonic Ritz selection, a key of targets
	rcgK      int
	rcgS      int
	proj      int // previous solutions kept by the projection variants
	maxIter   int
	repeat    int
	seed      uint64
	field     pde.GRF // the coefficient fields' GRF (zero: α = 2.5, τ = 7)
	scale     float64 // multiplies the GRF before the exponential
	noFigures bool
	export    string // write the systems as Matrix Market here instead of solving
}

func main() { report.Main("skr", parseFlags, run) }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("skr", stderr, "paper size: grids 50,80,100, 100 systems, rtol 1e-2,1e-5,1e-8, every preconditioner")
	family := fs.Problem("", "comma-separated families: "+strings.Join(familyNames, ",")+" (default), or the matrices the SKR code assembles: "+strings.Join(publishedFamilies, ","), nil, "family")
	grid := fs.String("grid", "", "comma-separated grid sizes s (s×s interior points) (default 50)")
	systems := fs.Int("systems", 0, "systems per sequence (default 20, -full 100)")
	rtol := fs.String("rtol", "", "comma-separated relative tolerances (default 1e-8)")
	pc := fs.String("pc", "", "comma-separated preconditioners: "+strings.Join(pcNames, ",")+" (ssor is PETSc's SOR; ilu is ILU(0), IC(0) on SPD families)")
	solver := fs.Method("", "comma-separated methods", solverNames, "solver")
	m := fs.Int("m", krylov.DefaultRestart, "GMRES / GCRO-DR restart length, GCROT inner length")
	k := fs.Int("k", krylov.DefaultRecycle, "GCRO-DR recycled vectors, GCROT outer vectors")
	target := fs.String("target", "sr", "harmonic Ritz vectors GCRO-DR keeps: sr (smallest real part: the same iterations as sm on the positive-real families, fewer on the published indefinite ones: 3–4% on the SKR fields, far fewer at higher -scale) or sm (smallest magnitude, Parks et al. and PETSc/HPDDM's default)")
	rcgK := fs.Int("rcg-k", -1, "RCG recycled vectors; -1: 40 on the fixed-operator poisson family, where the space settles and a large one pays, 8 on the others, where every system rebuilds A·U")
	rcgS := fs.Int("rcg-s", -1, "RCG iterations per solve that feed the Ritz refresh; -1: 100 on poisson, 40 on the others")
	proj := fs.Int("proj", krylov.DefaultProjection, "previous solutions kept by cg-proj and rcg-proj (poisson family)")
	maxIter := fs.MaxIter(10000, "iteration cap per system")
	repeat := fs.Int("repeat", 1, "timing rounds per cell, every variant once per round (each reports its median)")
	seed := fs.Seed(1, "seed of the families")
	scale := fs.Float64("scale", 1, "coefficient contrast: a = exp(scale·GRF(alpha, tau)); larger is harder (1: the SKR generator's fields)")
	alpha := fs.Float64("alpha", 2.5, "GRF smoothness α of the coefficient fields")
	tau := fs.Float64("tau", 7, "GRF inverse length scale τ of the coefficient fields")
	export := fs.String("export", "", "write each sequence (A_NNN.mtx, b_NNN.mtx, order.txt) under this directory and solve nothing, for side-by-side runs with other libraries")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{out: fs.Out, systems: 20, grids: []int{50}, rtols: []float64{1e-8}, pcs: []string{"none"},
		m: *m, k: *k, rcgK: *rcgK, rcgS: *rcgS, proj: *proj, maxIter: *maxIter, repeat: *repeat, seed: *seed, field: pde.GRF{Alpha: *alpha, Tau: *tau}, scale: *scale, noFigures: fs.NoFigures, export: *export}
	if fs.Full {
		cfg.systems, cfg.grids, cfg.rtols, cfg.pcs = 100, []int{50, 80, 100}, []float64{1e-2, 1e-5, 1e-8}, pcNames
	}
	if !(*scale > 0 && *alpha > 0 && *tau > 0) || math.IsInf(*scale+*alpha+*tau, 0) {
		return cfg, errors.New("need finite -scale, -alpha, -tau > 0")
	}
	if *systems < 0 || *repeat < 1 || *maxIter < 1 || *m < 2 || *k < 0 || *k >= *m || *rcgK < -1 || *rcgS < -1 || *rcgS == 0 || *proj < 1 {
		return cfg, errors.New("need -systems ≥ 0, -repeat ≥ 1, -maxiter ≥ 1, 0 ≤ -k < -m, -rcg-k ≥ 0 (or -1), -rcg-s ≥ 1 (or -1), -proj ≥ 1")
	}
	if *systems > 0 {
		cfg.systems = *systems
	}
	if _, ok := targets[*target]; !ok {
		return cfg, fmt.Errorf("-target %q: want sm or sr", *target)
	}
	cfg.target = *target
	var err error
	if cfg.families, err = report.Names("problem", *family, slices.Concat(familyNames, publishedFamilies)); err != nil {
		return cfg, err
	}
	if cfg.families == nil {
		cfg.families = familyNames
	}
	if *grid != "" {
		if cfg.grids, err = report.Ints("grid", *grid); err != nil {
			return cfg, err
		}
		for _, g := range cfg.grids {
			if g < 3 {
				return cfg, fmt.Errorf("-grid %d: need at least 3", g)
			}
		}
	}
	if *rtol != "" {
		cfg.rtols = nil
		for _, f := range strings.Split(*rtol, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(v > 0 && v < 1) {
				return cfg, fmt.Errorf("-rtol %q: want numbers in (0, 1)", f)
			}
			cfg.rtols = append(cfg.rtols, v)
		}
	}
	if p, err := report.Names("pc", *pc, pcNames); err != nil {
		return cfg, err
	} else if p != nil {
		cfg.pcs = p
	}
	if cfg.solvers, err = report.Names("method", *solver, solverNames); err != nil {
		return cfg, err
	}
	if cfg.solvers == nil {
		cfg.solvers = solverNames
	}
	return cfg, nil
}

// Run is one entry of results.json: one solver configuration on one
// sequence.
type Run struct {
	Family         string  `json:"family"`
	Grid           int     `json:"grid"`
	N              int     `json:"n"`
	Systems        int     `json:"systems"`
	RelTol         float64 `json:"rtol"`
	Preconditioner string  `json:"preconditioner"`
	Solver         string  `json:"solver"`
	Restart        int     `json:"restart,omitempty"`
	Recycle        int     `json:"recycle,omitempty"`
	// Target is GCRO-DR's harmonic Ritz selection, "sm" or "sr".
	Target string `json:"target,omitempty"`
	// Field is the coefficient fields' distribution, a = exp(scale·GRF(α,
	// τ)), on the families that have one.
	Field *FieldParams `json:"field,omitempty"`
	// Projection is the number of previous solutions the -proj variants
	// project on (Fischer 1998).
	Projection int  `json:"projection,omitempty"`
	WarmStart  bool `json:"warm_start"`
	Sorted     bool `json:"sorted"`
	// Totals over the sequence; SolveSeconds is the median over -repeat.
	TotalIterations       int     `json:"total_iterations"`
	TotalMatVecs          int     `json:"total_matvecs"`
	SolveSeconds          float64 `json:"solve_seconds"`
	SetupSeconds          float64 `json:"setup_seconds"`
	SortSeconds           float64 `json:"sort_seconds"`
	WorstRelativeResidual float64 `json:"worst_relative_residual"`
	Failed                int     `json:"failed"`
	// Iterations per system, in solve order.
	Iterations []int `json:"iterations"`
}

func (r *Run) label() string {
	s := r.Solver
	if r.Projection > 0 {
		s += "+proj"
	}
	if r.WarmStart {
		s += " warm"
	} else {
		s += " cold"
	}
	if r.Sorted {
		s += " sorted"
	}
	return s
}

// FieldParams records the coefficient fields of a Darcy or Helmholtz
// family.
type FieldParams struct {
	Alpha float64 `json:"alpha"`
	Tau   float64 `json:"tau"`
	Scale float64 `json:"scale"`
}

// Ratio is one Table-1 entry: baseline ÷ recycling solver (sorted, warm).
type Ratio struct {
	Family         string  `json:"family"`
	Grid           int     `json:"grid"`
	RelTol         float64 `json:"rtol"`
	Preconditioner string  `json:"preconditioner"`
	Baseline       string  `json:"baseline"`
	Recycler       string  `json:"recycler"`
	Time           float64 `json:"time"`
	Iterations     float64 `json:"iterations"`
	// BaselineFailed and RecyclerFailed count the systems each left
	// unconverged at the iteration cap; a failed baseline makes both
	// ratios lower bounds.
	BaselineFailed int `json:"baseline_failed"`
	RecyclerFailed int `json:"recycler_failed"`
}

// Results is the content of results.json.
type Results struct {
	Runs   []Run   `json:"runs"`
	Ratios []Ratio `json:"ratios"`
}

func symmetric(family string) bool { return family == "darcy" || family == "poisson" }

func makeFamily(name string, s, count int, seed uint64, field pde.GRF, scale float64) (*pde.Family, error) {
	switch name {
	case "darcy-skr":
		return pde.DarcyFamily(s, count, seed, pde.DarcyOptions{Field: field, Scale: scale, Form: pde.DarcyNonsymmetric})
	case "darcy":
		return pde.DarcyFamily(s, count, seed, pde.DarcyOptions{Field: field, Scale: scale, Form: pde.DarcySymmetric})
	case "helmholtz":
		return pde.HelmholtzFamily(s, count, seed, 1, pde.DarcyOptions{Field: field, Scale: scale, Form: pde.DarcyNonsymmetric})
	case "darcy-skr-pub":
		return pde.DarcyFamily(s, count, seed, pde.DarcyOptions{Field: field, Scale: scale, Form: pde.DarcyAsPublished})
	case "helmholtz-pub":
		return pde.HelmholtzFamily(s, count, seed, 1, pde.DarcyOptions{Field: field, Scale: scale, Form: pde.DarcyAsPublished})
	case "poisson":
		return pde.PoissonRHSFamily(s, count, seed, 4)
	}
	return nil, fmt.Errorf("unknown family %q", name)
}

func pcFactory(name string, spd bool) func(*sparse.CSR) (linsolve.Preconditioner, error) {
	pc := name
	if name == "ilu" {
		pc = "ilu0"
		if spd {
			pc = "ic0"
		}
	}
	if pc == "none" {
		return nil
	}
	return func(a *sparse.CSR) (linsolve.Preconditioner, error) {
		return linsolve.NewPreconditioner(pc, a, nil)
	}
}

// variant is one solver configuration of a cell.
type variant struct {
	solver       string
	warm, sorted bool
	proj         bool // wrapped in krylov.Projection
}

func variants(family string, solvers []string) []variant {
	var vs []variant
	add := func(s string, list ...variant) {
		if slices.Contains(solvers, s) {
			vs = append(vs, list...)
		}
	}
	all := func(s string) []variant {
		return []variant{{s, false, false, false}, {s, true, false, false}, {s, false, true, false}, {s, true, true, false}}
	}
	add("gmres", variant{"gmres", false, false, false}, variant{"gmres", true, true, false})
	add("gcrodr", all("gcrodr")...)
	add("gcrot", all("gcrot")...)
	if symmetric(family) {
		add("cg", variant{"cg", false, false, false}, variant{"cg", true, true, false})
		add("rcg", all("rcg")...)
	}
	if family == "poisson" {
		// One fixed operator: Fischer's projection on previous solutions,
		// around CG and around RCG, to separate its gain from deflation's.
		add("cg", variant{"cg", true, true, true})
		add("rcg", variant{"rcg", true, true, true})
	}
	return vs
}

// rcgDims returns RCG's K and S for a family: the flags, or where they
// are -1 the defaults that suit it (measured at 80², 100 systems: on
// the fixed-A Poisson family with IC(0), K = 40 needs 3.2× fewer
// iterations than CG and 2.1–2.4× less time, K = 8 1.8× fewer iterations; on
// the varying-A Darcy family K = 40 cuts iterations 3.2× but runs at
// 0.85× CG's speed, K = 8 at 1.1–1.5×).
func (cfg *config) rcgDims(family string) (k, s int) {
	k, s = cfg.rcgK, cfg.rcgS
	fixed := family == "poisson"
	if k < 0 {
		k = krylov.DefaultRCGRecycle
		if fixed {
			k = 40
		}
	}
	if s < 0 {
		s = krylov.DefaultRCGStore
		if fixed {
			s = 100
		}
	}
	return k, s
}

func (cfg *config) method(name, family string) linsolve.Method {
	o := &krylov.MethodOptions{Restart: cfg.m, Recycle: max(cfg.k, -1+boolInt(cfg.k > 0)), Target: targets[cfg.target]}
	if name == "rcg" {
		k, s := cfg.rcgDims(family)
		o.Recycle, o.Store = max(k, -1+boolInt(k > 0)), s
	}
	m, err := krylov.NewMethod(name, o)
	if err != nil {
		panic("skr: " + err.Error()) // the names were checked by parseFlags
	}
	return m
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func run(cfg config, stdout, stderr io.Writer) error {
	var res Results
	var iterFig []figures.Series
	var figTitle string
	for _, fam := range cfg.families {
		for _, s := range cfg.grids {
			f, err := makeFamily(fam, s, cfg.systems, cfg.seed, cfg.field, cfg.scale)
			if err != nil {
				return err
			}
			systems := make([]krylov.System, 0, cfg.systems)
			params := make([][]float64, 0, cfg.systems)
			for p, err := range f.All() {
				if err != nil {
					return err
				}
				systems = append(systems, krylov.System{A: p.A, B: p.B, Params: p.Params})
				params = append(params, p.Params)
			}
			t0 := time.Now()
			order, err := krylov.Sort(params, nil)
			if err != nil {
				return err
			}
			sortSecs := time.Since(t0).Seconds()
			if cfg.export != "" {
				if err := exportSequence(filepath.Join(cfg.export, fmt.Sprintf("%s-s%d", fam, s)), systems, order); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(stderr, "%s s=%d: %d systems, sorted path %.4g vs %.4g unsorted (%.3f s)\n", fam, s, len(systems),
				krylov.PathLength(params, order, nil), krylov.PathLength(params, identity(len(params)), nil), sortSecs)
			for _, rtol := range cfg.rtols {
				for _, pc := range cfg.pcs {
					cell, err := cfg.runCell(systems, order, fam, s, rtol, pc, variants(fam, cfg.solvers), stderr)
					if err != nil {
						return err
					}
					for i := range cell {
						if cell[i].Sorted {
							cell[i].SortSeconds = sortSecs
						}
					}
					res.Runs = append(res.Runs, cell...)
					res.Ratios = append(res.Ratios, ratios(cell)...)
					if iterFig == nil && len(cell) > 0 {
						figTitle = fmt.Sprintf("%s, s = %d, rtol %.0e, pc %s", fam, s, rtol, pc)
						for _, r := range cell {
							iterFig = append(iterFig, figures.Series{Label: r.label(), Y: ints(r.Iterations)})
						}
					}
				}
			}
		}
	}
	if cfg.export != "" {
		fmt.Fprintf(stdout, "systems written under %s\n", cfg.export)
		return nil
	}
	if err := writeTables(stdout, res); err != nil {
		return err
	}
	if err := report.WriteResults(cfg.out, "", res); err != nil {
		return err
	}
	if cfg.noFigures || len(res.Runs) == 0 {
		return nil
	}
	if err := figures.Lines(filepath.Join(cfg.out, "iterations.png"), "Iterations per system: "+figTitle,
		"system in solve order", "iterations", iterFig, true); err != nil {
		return err
	}
	// The bars show the paper's comparison only: the cold baseline ÷ the
	// recycler sorted and warm-started; the table has the rest.
	var labels []string
	var tv, iv []float64
	for _, r := range res.Ratios {
		if !strings.HasSuffix(r.Baseline, "cold") || !strings.HasSuffix(r.Recycler, "warm sorted") {
			continue
		}
		rec := strings.Fields(r.Recycler)[0]
		rec = strings.NewReplacer("gcrodr", "gcro-dr", "+proj", "+p").Replace(rec)
		label := shortFam(r.Family) + " " + rec
		if len(cfg.grids) > 1 {
			label += fmt.Sprint(" ", r.Grid)
		}
		if len(cfg.pcs) > 1 {
			label += " " + r.Preconditioner
		}
		labels = append(labels, label)
		tv = append(tv, r.Time)
		iv = append(iv, r.Iterations)
	}
	if len(labels) == 0 {
		return nil
	}
	what := fmt.Sprintf(" ÷ recycler (sorted, warm), s = %v, pc %v", cfg.grids, cfg.pcs)
	if err := figures.Bars(filepath.Join(cfg.out, "time-ratios.png"), "Cold GMRES/CG time"+what, "time ratio", labels, tv, 1); err != nil {
		return err
	}
	return figures.Bars(filepath.Join(cfg.out, "iteration-ratios.png"), "Cold GMRES/CG iterations"+what, "iteration ratio", labels, iv, 1)
}

func shortFam(f string) string {
	switch f {
	case "darcy-skr":
		return "skr"
	case "helmholtz":
		return "helm"
	case "darcy-skr-pub":
		return "skr-pub"
	case "helmholtz-pub":
		return "helm-pub"
	case "poisson":
		return "pois"
	}
	return f
}

func identity(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = i
	}
	return o
}

func ints(v []int) []float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return f
}

// runCell solves the sequence with every variant of a cell. The -repeat
// timings are taken in rounds, each variant once per round, so that a
// change in the machine's speed during the cell (a shared, noisy machine)
// reaches baselines and recyclers alike; each variant reports the median
// of its rounds. Iterations, residuals and failures are those of the
// first round (every round solves the same systems the same way).
func (cfg *config) runCell(systems []krylov.System, order []int, fam string, s int, rtol float64, pc string, vs []variant, stderr io.Writer) ([]Run, error) {
	cell := make([]Run, len(vs))
	secs := make([][]float64, len(vs))
	for rep := range cfg.repeat {
		for i, v := range vs {
			r := &cell[i]
			if rep == 0 {
				*r = cfg.newRun(systems, fam, s, rtol, pc, v)
			}
			rp, err := cfg.solveOnce(systems, order, fam, rtol, pc, v)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", fam, r.label(), err)
			}
			secs[i] = append(secs[i], rp.SolveSeconds)
			if rep == 0 {
				r.TotalIterations, r.TotalMatVecs = rp.TotalIterations, rp.TotalMatVecs
				r.SetupSeconds, r.WorstRelativeResidual, r.Failed = rp.SetupSeconds, rp.WorstRelativeResidual, rp.Failed
				for _, st := range rp.Systems {
					r.Iterations = append(r.Iterations, st.Iterations)
				}
			}
			if rep == cfg.repeat-1 {
				r.SolveSeconds = report.Median(secs[i])
				fmt.Fprintf(stderr, "  rtol %.0e pc %-6s %-20s %8d its %8.3f s worst %.2g failed %d\n", rtol, pc, r.label(), r.TotalIterations, r.SolveSeconds, r.WorstRelativeResidual, r.Failed)
			}
		}
	}
	return cell, nil
}

// newRun describes variant v of a cell, before any solve.
func (cfg *config) newRun(systems []krylov.System, fam string, s int, rtol float64, pc string, v variant) Run {
	r := Run{Family: fam, Grid: s, N: s * s, Systems: len(systems), RelTol: rtol, Preconditioner: pc,
		Solver: v.solver, WarmStart: v.warm, Sorted: v.sorted}
	if fam != "poisson" {
		r.Field = &FieldParams{Alpha: cfg.field.Alpha, Tau: cfg.field.Tau, Scale: cfg.scale}
	}
	switch v.solver {
	case "gmres":
		r.Restart = cfg.m
	case "gcrodr":
		r.Restart, r.Recycle, r.Target = cfg.m, cfg.k, cfg.target
	case "gcrot":
		r.Restart, r.Recycle = cfg.m, cfg.k
	case "rcg":
		r.Recycle, _ = cfg.rcgDims(fam)
	}
	if v.proj {
		r.Projection = cfg.proj
	}
	return r
}

// solveOnce solves the sequence once with a fresh solver (an empty
// recycle space) in the variant's order and start; a ConvergenceError
// (some system missed the tolerance) is not an error here, the report
// counts the failures.
func (cfg *config) solveOnce(systems []krylov.System, order []int, fam string, rtol float64, pc string, v variant) (krylov.Report, error) {
	var ord []int
	if v.sorted {
		ord = order
	}
	meth := cfg.method(v.solver, fam)
	if v.proj {
		meth = &krylov.Projection{Method: meth, L: cfg.proj}
	}
	q := krylov.Sequence{Method: meth, WarmStart: v.warm,
		Settings:          linsolve.Settings{RelTol: rtol, MaxIter: cfg.maxIter},
		NewPreconditioner: pcFactory(pc, symmetric(fam))}
	rp, err := q.Run(systems, ord, nil)
	var ce *linsolve.ConvergenceError
	if err != nil && !errors.As(err, &ce) {
		return rp, err
	}
	return rp, nil
}

// ratios returns the Table-1 ratios of a cell: each baseline (GMRES cold,
// GMRES warm sorted, and on SPD families CG cold and CG warm sorted)
// divided by the recycling solver sorted and warm-started, the paper's
// setting (GCRO-DR for the GMRES baselines, RCG for the CG ones), and by
// the recycling solver sorted and cold.
func ratios(cell []Run) []Ratio {
	find := func(solver string, warm, sorted bool) *Run {
		proj := strings.HasSuffix(solver, "+proj")
		solver = strings.TrimSuffix(solver, "+proj")
		for i := range cell {
			r := &cell[i]
			if r.Solver == solver && r.WarmStart == warm && r.Sorted == sorted && (r.Projection > 0) == proj {
				return r
			}
		}
		return nil
	}
	var out []Ratio
	add := func(base, rec *Run) {
		if base == nil || rec == nil || rec.SolveSeconds == 0 || rec.TotalIterations == 0 {
			return
		}
		out = append(out, Ratio{Family: base.Family, Grid: base.Grid, RelTol: base.RelTol, Preconditioner: base.Preconditioner,
			Baseline: base.label(), Recycler: rec.label(),
			Time:           base.SolveSeconds / rec.SolveSeconds,
			Iterations:     float64(base.TotalIterations) / float64(rec.TotalIterations),
			BaselineFailed: base.Failed, RecyclerFailed: rec.Failed})
	}
	gcro := find("gcrodr", true, true)
	add(find("gmres", false, false), gcro)
	add(find("gmres", true, true), gcro)
	// Warm starts can hurt (on the SKR form the solution scales like 1/a
	// pointwise), so the cold sorted recycler is compared too.
	add(find("gmres", false, false), find("gcrodr", false, true))
	gcrot := find("gcrot", true, true)
	add(find("gmres", false, false), gcrot)
	add(find("gmres", false, false), find("gcrot", false, true))
	rcg := find("rcg", true, true)
	add(find("cg", false, false), rcg)
	add(find("cg", true, true), rcg)
	add(find("cg", false, false), find("rcg", false, true))
	rcgProj := find("rcg+proj", true, true)
	add(find("cg", false, false), rcgProj)
	add(find("cg+proj", true, true), rcgProj)
	return out
}

func writeTables(w io.Writer, res Results) error {
	fmt.Fprintln(w, "Table 1 (baseline ÷ recycling solver, sorted and warm-started): time / iterations")
	var t report.Table
	t.Header = []string{"family", "s", "rtol", "pc", "baseline", "recycler", "time ratio", "iteration ratio", "failed (base/rec)"}
	for _, r := range res.Ratios {
		// A baseline stopped at the cap did less work than it needed:
		// its ratios are lower bounds.
		bound := ""
		if r.BaselineFailed > 0 {
			bound = "≥ "
		}
		t.Add(r.Family, r.Grid, fmt.Sprintf("%.0e", r.RelTol), r.Preconditioner, r.Baseline, r.Recycler,
			fmt.Sprintf("%s%.2f", bound, r.Time), fmt.Sprintf("%s%.2f", bound, r.Iterations),
			fmt.Sprintf("%d/%d", r.BaselineFailed, r.RecyclerFailed))
	}
	if err := t.Write(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	var u report.Table
	u.Header = []string{"family", "s", "rtol", "pc", "solver", "its/system", "matvecs/system", "solve s", "setup s", "sort s", "worst rel. res.", "failed"}
	for _, r := range res.Runs {
		n := float64(max(r.Systems, 1))
		u.Add(r.Family, r.Grid, fmt.Sprintf("%.0e", r.RelTol), r.Preconditioner, r.label(),
			fmt.Sprintf("%.1f", float64(r.TotalIterations)/n), fmt.Sprintf("%.1f", float64(r.TotalMatVecs)/n),
			fmt.Sprintf("%.3f", r.SolveSeconds), fmt.Sprintf("%.3f", r.SetupSeconds), fmt.Sprintf("%.3f", r.SortSeconds),
			fmt.Sprintf("%.2g", r.WorstRelativeResidual), r.Failed)
	}
	return u.Write(w)
}

// exportSequence writes the systems in Matrix Market form with the SKR
// order (one 0-based index per line).
func exportSequence(dir string, systems []krylov.System, order []int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(w io.Writer) error) error {
		fh, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := f(fh); err != nil {
			fh.Close()
			return err
		}
		return fh.Close()
	}
	for i, s := range systems {
		a := s.A.(*sparse.CSR)
		if err := write(fmt.Sprintf("A_%03d.mtx", i), func(w io.Writer) error { return sparse.WriteMatrixMarket(w, a, false) }); err != nil {
			return err
		}
		if err := write(fmt.Sprintf("b_%03d.mtx", i), func(w io.Writer) error { return sparse.WriteVector(w, s.B) }); err != nil {
			return err
		}
	}
	return write("order.txt", func(w io.Writer) error {
		for _, o := range order {
			if _, err := fmt.Fprintln(w, o); err != nil {
				return err
			}
		}
		return nil
	})
}
