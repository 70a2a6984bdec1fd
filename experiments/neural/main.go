// Command neural compares, on the same problems, a second-order finite-
// difference solve with pdekit's multigrid-preconditioned CG, GP-HM
// (package gp), physics-informed neural networks (plain and with Fourier
// features) and Physics-Informed Gaussians (package neural): relative L2
// error on a 300 (1D) or 300² (2D) test grid, seconds, and parameters.
//
//	go run ./experiments/neural                 # quick: fewer steps, smaller models (about 3 minutes)
//	go run ./experiments/neural -full           # the measured settings (several minutes per neural row)
//	go run ./experiments/neural -problem helmholtz2d-a1-a4 -method pig -full
//
// Problems (../shared/reference/neural.md, gp_hm.md):
//
//   - poisson2d: Δu = f on [0, 1]², u = sin πx·sin πy.
//   - multiscale1d: u″ = f on [0, 1], u = sin 2πx + 0.1·sin 50πx (DeepXDE's
//     Poisson_multiscale_1d; plain MLPs miss the high frequency).
//   - helmholtz2d-a1-a4: Δu + u = q on [−1, 1]², u = sin πx·sin 4πy (PIG's
//     Helmholtz case, k = 1, (a1, a2) = (1, 4)).
//   - allencahn1d-sin100x: u″ + u(u² − 1) = f on [0, 2π], u = sin 100x, and
//   - advection: u_t + 200·u_x = 0 on (x, t) ∈ [0, 1]², u = sin(x − 200t):
//     two of GP-HM's benchmark rows (experiments/gp), where published PINNs
//     fail; the finite-difference row is experiments/gp's (package pde
//     has neither operator).
//
// PINN and PIG train with Adam, then L-BFGS (gonum, More–Thuente) on
// fixed collocation points — except the -full 2D PIG, which follows a
// short Adam warm-up with Levenberg–Marquardt (-lm) and has the zero
// boundary data built into the network, u = B(x)·N(x) (-boundary exact;
// with -boundary loss it weighs the boundary term 1e-3, -bweight, against
// the RMS-scaled residual) — and the final parameters are evaluated
// (the best loss seen, not a test-error checkpoint). -grid-loss
// collocates 2D rows on an even grid and multiplies the residual by the
// inverse discrete operator (in 2D it gave larger errors than random
// points: Helmholtz PINN 5.0e-3 against 2.0e-3 after Adam 1000 + LM 600). -save
// writes each neural row's parameters. Figures: loss curves per problem,
// the error field of every GP and neural method in 2D, and the pointwise
// errors in 1D.
package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/gp"
	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/neural"
	"github.com/pdekit/pdekit/spectral"
)

var (
	problemNames = []string{"poisson2d", "multiscale1d", "helmholtz2d-a1-a4", "allencahn1d-sin100x", "advection"}
	methodNames  = []string{"fd", "spectral", "gp-hm", "pinn", "pinn-fourier", "pig"}
)

type config struct {
	out       string
	full      bool
	problems  []string
	methods   []string
	seed      uint64
	seeds     int // neural rows run at seeds seed … seed+seeds−1 and report the median
	noFigures bool
	scale     float64   // multiplies the optimiser steps
	plainLoss bool      // 1D: no inverse-Laplacian preconditioning of the residual
	gridLoss  bool      // 2D: even grid, inverse-discrete-operator-preconditioned residual
	bweight   float64   // boundary weight (0: neural.Train default)
	lm        int       // Levenberg–Marquardt steps (-1: the method's default)
	adam      int       // Adam steps (-1: the method's default)
	lbfgs     int       // L-BFGS steps (-1: the method's default)
	gaussians int       // PIG Gaussians (0: the default)
	channels  int       // PIG feature channels (0: the default)
	points    int       // interior collocation points (0: the default)
	save      bool      // write the trained parameters under out
	boundary  string    // "loss", "exact" or "" (the method's default)
	log       io.Writer // progress of long stages (run sets it to stderr)
}

func main() { report.Main("neural", parseFlags, run) }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("neural", stderr, "the measured settings: larger models, more points and steps")
	prob := fs.Problem("", "comma-separated problems", problemNames)
	meth := fs.Method("", "comma-separated methods", methodNames)
	seed := fs.Seed(1, "seed of initialisations and collocation points")
	seeds := fs.Int("seeds", 1, "run each neural row (pinn, pinn-fourier, pig) at seeds seed, seed+1, … and report the median error and time (the other methods draw nothing at random)")
	scale := fs.Float64("steps", 1, "multiply the Adam and L-BFGS step counts")
	plain := fs.Bool("plain-loss", false, "1D problems: train on the plain residual instead of the inverse-Laplacian-preconditioned one")
	grid := fs.Bool("grid-loss", false, "2D problems: collocation on an even m×m grid (m² ≈ -points) and the residual multiplied by the inverse of the discrete operator")
	bweight := fs.Float64("bweight", 0, "weight of the boundary term of the loss (0: the method's default — 100, 1e-3 for the -full 2D PIG)")
	lm := fs.Int("lm", -1, "Levenberg–Marquardt steps after Adam and L-BFGS (-1: the method's default)")
	adam := fs.Int("adam", -1, "Adam steps (-1: the method's default)")
	lbfgs := fs.Int("lbfgs", -1, "L-BFGS steps (-1: the method's default)")
	gauss := fs.Int("gaussians", 0, "PIG Gaussians (0: the default)")
	chans := fs.Int("channels", 0, "PIG feature channels (0: the default)")
	points := fs.Int("points", 0, "interior collocation points (0: the default)")
	boundary := fs.String("boundary", "", "how the (zero) Dirichlet data are imposed: loss (a weighted boundary term) or exact (built into the network, u = B(x)·N(x) with a bubble B, neural.HardBoundary); empty: the method's default — exact for the -full 2D PIG, loss otherwise")
	save := fs.Bool("save", false, "write each neural row's trained parameters to <problem>-<method>.ckpt under -out (neural.LoadFile reads them)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{out: fs.Out, full: fs.Full, seed: *seed, seeds: *seeds, noFigures: fs.NoFigures, scale: *scale, plainLoss: *plain, gridLoss: *grid, bweight: *bweight, lm: *lm, adam: *adam, lbfgs: *lbfgs, gaussians: *gauss, channels: *chans, points: *points, save: *save, boundary: *boundary}
	var err error
	if cfg.problems, err = report.Names("problem", *prob, problemNames); err != nil {
		return cfg, err
	}
	if cfg.methods, err = report.Names("method", *meth, methodNames); err != nil {
		return cfg, err
	}
	if cfg.boundary != "" && cfg.boundary != "loss" && cfg.boundary != "exact" {
		return cfg, fmt.Errorf("-boundary %q: want loss or exact", cfg.boundary)
	}
	if !(cfg.scale > 0) {
		return cfg, fmt.Errorf("-steps must be positive")
	}
	if cfg.seeds < 1 || cfg.seeds > 100 {
		return cfg, fmt.Errorf("-seeds %d: want 1 to 100", cfg.seeds)
	}
	if cfg.gaussians < 0 || cfg.channels < 0 || cfg.points < 0 || !(cfg.bweight >= 0) || math.IsInf(cfg.bweight, 0) {
		return cfg, fmt.Errorf("-gaussians, -channels, -points and -bweight must not be negative (-bweight finite)")
	}
	return cfg, nil
}

// Row is one row of results.json.
type Row struct {
	Problem    string  `json:"problem"`
	Method     string  `json:"method"`
	RelativeL2 float64 `json:"relative_l2"`
	Seconds    float64 `json:"seconds"`
	Parameters int     `json:"parameters"`
	Target     float64 `json:"target,omitempty"`
	Settings   string  `json:"settings"`
	Error      string  `json:"error,omitempty"`
	// Seeds holds every seed's run when the row is a median over seeds
	// (-seeds); RelativeL2 and Seconds are then the medians.
	Seeds []SeedRun `json:"seeds,omitempty"`
	Loss  []float64 `json:"-"`
	// field is u − u_exact on the figure grid (fieldPoints per axis).
	field []float64
}

// MarshalJSON writes a row whose error is not a number (a failed solve)
// with "relative_l2": null, which JSON can hold.
func (r Row) MarshalJSON() ([]byte, error) {
	var e *float64
	if !math.IsNaN(r.RelativeL2) {
		e = &r.RelativeL2
	}
	return json.Marshal(struct {
		Problem    string    `json:"problem"`
		Method     string    `json:"method"`
		RelativeL2 *float64  `json:"relative_l2"`
		Seconds    float64   `json:"seconds"`
		Parameters int       `json:"parameters"`
		Target     float64   `json:"target,omitempty"`
		Settings   string    `json:"settings"`
		Error      string    `json:"error,omitempty"`
		Seeds      []SeedRun `json:"seeds,omitempty"`
	}{r.Problem, r.Method, e, r.Seconds, r.Parameters, r.Target, r.Settings, r.Error, r.Seeds})
}

// SeedRun is one seed's result in a median row.
type SeedRun struct {
	Seed       uint64  `json:"seed"`
	RelativeL2 float64 `json:"relative_l2"`
	Seconds    float64 `json:"seconds"`
	Error      string  `json:"error,omitempty"`
}

// fieldPoints is the resolution of the error-field figures per axis.
const fieldPoints = 120

// figureGrid returns the points of the error-field figure (first axis
// slowest) as a matrix, and the per-axis coordinates.
func figureGrid(p problem) (*mat.Dense, [][]float64) {
	d := len(p.lo)
	m := fieldPoints
	if d == 1 {
		m = 600
	}
	axes := make([][]float64, d)
	for k := range d {
		axes[k] = gp.Axis{Lo: p.lo[k], Hi: p.hi[k], N: m}.Points()
	}
	total := 1
	for range d {
		total *= m
	}
	x := mat.NewDense(total, d, nil)
	for i := range total {
		idx := i
		for k := d - 1; k >= 0; k-- {
			x.Set(i, k, axes[k][idx%m])
			idx /= m
		}
	}
	return x, axes
}

// errorField returns u − u_exact at the points x.
func errorField(p problem, x *mat.Dense, u []float64) []float64 {
	out := make([]float64, len(u))
	for i := range u {
		out[i] = u[i] - p.u(x.RawRowView(i))
	}
	return out
}

// Results is the content of results.json.
type Results struct {
	Quick bool  `json:"quick"`
	Rows  []Row `json:"rows"`
}

// problem is one test problem: Δu + k2·u (+ u³ − u for Allen–Cahn) = f,
// or, with advect, the first-order Σ_k advect[k]·∂_k u = f; Dirichlet
// data u on the whole boundary.
type problem struct {
	name      string
	lo, hi    []float64
	u         func(x []float64) float64
	lap       func(x []float64) float64   // Δu (second-order problems)
	k2        float64                     // Helmholtz: Δu + k2·u = q
	allenCahn bool                        // adds the Allen–Cahn term u³ − u
	advect    []float64                   // first-order problems: the coefficients of ∂_k u
	du        func(x []float64) []float64 // ∇u (first-order problems)
	gridGP    int                         // GP-HM points per axis (0: 100 in 2D, 400 in 1D)
	zeroBC    bool                        // u = 0 on the boundary (HardBoundary applies)
	targets   map[string]float64          // the targets
}

func problems() []problem {
	pi := math.Pi
	return []problem{
		{name: "poisson2d", lo: []float64{0, 0}, hi: []float64{1, 1}, zeroBC: true,
			u:       func(x []float64) float64 { return math.Sin(pi*x[0]) * math.Sin(pi*x[1]) },
			lap:     func(x []float64) float64 { return -2 * pi * pi * math.Sin(pi*x[0]) * math.Sin(pi*x[1]) },
			targets: map[string]float64{"pinn": 1e-3}},
		{name: "multiscale1d", lo: []float64{0}, hi: []float64{1}, zeroBC: true,
			u: func(x []float64) float64 { return math.Sin(2*pi*x[0]) + 0.1*math.Sin(50*pi*x[0]) },
			lap: func(x []float64) float64 {
				return -4*pi*pi*math.Sin(2*pi*x[0]) - 0.1*2500*pi*pi*math.Sin(50*pi*x[0])
			},
			targets: map[string]float64{"pinn-fourier": 1e-3, "pig": 1e-3}},
		{name: "helmholtz2d-a1-a4", lo: []float64{-1, -1}, hi: []float64{1, 1}, k2: 1, zeroBC: true,
			u:       func(x []float64) float64 { return math.Sin(pi*x[0]) * math.Sin(4*pi*x[1]) },
			lap:     func(x []float64) float64 { return -17 * pi * pi * math.Sin(pi*x[0]) * math.Sin(4*pi*x[1]) },
			targets: map[string]float64{"pig": 1e-4}},
		// GP-HM's benchmark rows (experiments/gp; Fang et al. 2024): PINNs
		// are run on them, not drawn as a bar — published PINNs fail.
		{name: "allencahn1d-sin100x", lo: []float64{0}, hi: []float64{2 * pi}, allenCahn: true, gridGP: 400, zeroBC: true,
			u:   func(x []float64) float64 { return math.Sin(100 * x[0]) },
			lap: func(x []float64) float64 { return -1e4 * math.Sin(100*x[0]) }},
		{name: "advection", lo: []float64{0, 0}, hi: []float64{1, 1}, advect: []float64{200, 1}, gridGP: 200,
			// Axes (x, t): u_t + 200·u_x = 0, u = sin(x − 200t).
			u:  func(x []float64) float64 { return math.Sin(x[0] - 200*x[1]) },
			du: func(x []float64) []float64 { c := math.Cos(x[0] - 200*x[1]); return []float64{c, -200 * c} }},
	}
}

// f is the right-hand side at x.
func (p problem) f(x []float64) float64 {
	if p.advect != nil {
		var s float64
		for k, g := range p.du(x) {
			s += p.advect[k] * g
		}
		return s
	}
	v := p.lap(x) + p.k2*p.u(x)
	if p.allenCahn {
		u := p.u(x)
		v += u*u*u - u
	}
	return v
}

// scale is the size the residual is divided by: the RMS of f over the
// figure grid, or for an advection problem (f = 0) that of its first
// term, advect[0]·∂_0 u.
func (p problem) scale() float64 {
	x, _ := figureGrid(p)
	var s float64
	for i := range x.RawMatrix().Rows {
		v := p.f(x.RawRowView(i))
		if p.advect != nil {
			v = p.advect[0] * p.du(x.RawRowView(i))[0]
		}
		s += v * v
	}
	return math.Sqrt(s / float64(x.RawMatrix().Rows))
}

// residual records the PDE's left-hand side minus f on the tape.
func (p problem) residual(t *neural.Tape, u neural.Jet, f *mat.Dense) *neural.Node {
	var lhs *neural.Node
	if p.advect != nil {
		for k, a := range p.advect {
			term := t.Scale(u.D[k], a)
			if lhs == nil {
				lhs = term
			} else {
				lhs = t.Add(lhs, term)
			}
		}
		return t.Sub(lhs, t.Const(f))
	}
	lhs = u.Lap
	if p.k2 != 0 {
		lhs = t.Add(lhs, t.Scale(u.V, p.k2))
	}
	if p.allenCahn {
		lhs = t.Add(lhs, t.Sub(t.Cube(u.V), u.V))
	}
	return t.Sub(lhs, t.Const(f))
}

func run(cfg config, stdout, stderr io.Writer) error {
	res := Results{Quick: !cfg.full}
	cfg.log = stderr
	tab := report.Table{Header: []string{"problem", "method", "rel. L2", "target", "seconds", "parameters", "settings", "note"}}
	var rows []Row
	for _, p := range problems() {
		if len(cfg.problems) > 0 && !slices.Contains(cfg.problems, p.name) {
			continue
		}
		for _, m := range methodNames {
			if len(cfg.methods) > 0 && !slices.Contains(cfg.methods, m) {
				continue
			}
			if m == "pinn-fourier" && len(p.lo) != 1 && len(cfg.methods) == 0 {
				continue // Fourier features are for the multiscale row unless asked for
			}
			if m == "fd" && (p.advect != nil || p.allenCahn) && len(cfg.methods) == 0 {
				continue // package pde has no such operator (asked for, the row says so)
			}
			fmt.Fprintf(stderr, "neural: %s / %s …\n", p.name, m)
			r := solveSeeds(p, m, cfg, stderr)
			rows = append(rows, r)
			target := "—"
			if r.Target > 0 {
				target = fmt.Sprintf("≤ %.0e", r.Target)
			}
			tab.Add(p.name, m, fmt.Sprintf("%.3g", r.RelativeL2), target, fmt.Sprintf("%.3g", r.Seconds), r.Parameters, r.Settings, r.Error)
		}
	}
	res.Rows = rows
	if err := tab.Write(stdout); err != nil {
		return err
	}
	if err := report.WriteResults(cfg.out, "", res); err != nil {
		return err
	}
	if !cfg.noFigures {
		if err := drawLosses(cfg, rows); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", filepath.Join(cfg.out, "results.json"))
	return nil
}

func drawLosses(cfg config, rows []Row) error {
	for _, p := range problems() {
		var series, errs []figures.Series
		for _, r := range rows {
			if r.Problem != p.name {
				continue
			}
			if len(r.Loss) > 0 {
				series = append(series, figures.Series{Label: r.Method, Y: r.Loss})
			}
			if r.field == nil {
				continue
			}
			_, axes := figureGrid(p)
			if len(p.lo) == 1 {
				abs := make([]float64, len(r.field))
				for i, v := range r.field {
					abs[i] = math.Abs(v)
				}
				errs = append(errs, figures.Series{Label: r.Method, X: axes[0], Y: abs})
				continue
			}
			box := figures.Box{X0: p.lo[0], X1: p.hi[0], Y0: p.lo[1], Y1: p.hi[1], XLabel: "x", YLabel: "y"}
			if p.advect != nil {
				box.YLabel = "t"
			}
			if err := figures.HeatmapBox(filepath.Join(cfg.out, p.name+"-"+r.Method+"-error.png"),
				fmt.Sprintf("%s, %s: u − u_exact", p.name, r.Method), r.field, fieldPoints, fieldPoints, box); err != nil {
				return err
			}
		}
		if len(series) > 0 {
			if err := figures.Lines(filepath.Join(cfg.out, p.name+"-loss.png"), p.name+": training loss (Adam, then L-BFGS)",
				"step", "loss", series, true); err != nil {
				return err
			}
		}
		if len(errs) > 0 {
			if err := figures.Lines(filepath.Join(cfg.out, p.name+"-error.png"), p.name+": pointwise error",
				"x", "|u − u_exact|", errs, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// neuralSettings returns the model and training settings of a neural
// method: quick runs use fewer points and steps.
type neuralSettings struct {
	width, depth     int
	interior         int
	adam, lbfgs, lm  int
	lr               float64
	features         int
	sigmas           []float64
	gaussians, chans int
	sigma0           float64
	bweight          float64 // boundary weight (0: neural.Train's default)
	exact            bool    // zero Dirichlet data built into the model
}

func settingsFor(p problem, method string, cfg config) neuralSettings {
	s := neuralSettings{width: 20, depth: 2, interior: 1000, adam: 2000, lbfgs: 2000, lr: 1e-3}
	switch method {
	case "pinn-fourier":
		s.features, s.sigmas = 16, []float64{1, 25}
		s.width, s.adam, s.lbfgs = 32, 500, 6000
	case "pig":
		// PIG: a 4 → 16 → 1 network behind the Gaussians; in 2D more
		// collocation points than parameters of the embedding.
		// In 1D σ₀ is 0.008 of the interval.
		s.gaussians, s.chans, s.sigma0, s.width, s.depth = 300, 4, 0.008*(p.hi[0]-p.lo[0]), 16, 1
		s.adam = 500
		if len(p.lo) == 2 {
			s.gaussians, s.sigma0, s.interior = 400, 0.1, 2000
		}
	}
	if len(p.lo) == 1 {
		s.interior = 1000
	}
	if !cfg.full {
		s.adam, s.lbfgs = s.adam/4, min(s.lbfgs/4, 500)
		s.interior /= 2
		if len(p.lo) == 2 {
			s.interior = min(s.interior, 500)
			s.gaussians = min(s.gaussians, 100)
		}
	}
	if method == "pig" && len(p.lo) == 2 {
		// The measured recipe: 150 Gaussians × 2 channels,
		// a short Adam warm-up, then Levenberg–Marquardt, with the
		// boundary weighed 1e-3 against the RMS-scaled residual.
		s.gaussians, s.chans, s.interior = 150, 2, 3000
		s.adam, s.lbfgs, s.lm, s.bweight = 250, 0, 450, 1e-3
		if !cfg.full {
			// The quick run: the same recipe, smaller (about 10 s a row).
			s.gaussians, s.interior, s.adam, s.lm = 60, 1000, 100, 40
		}
		// With the boundary built in, seeds 1–3 reach 5.7e-6 to 6.8e-5
		// (BENCHMARKS.md); with the boundary in the loss, two of three
		// seeds stalled near 2e-2 on a wrong boundary trace.
		s.exact = p.zeroBC
	}
	switch cfg.boundary {
	case "loss":
		s.exact = false
	case "exact":
		s.exact = true
	}
	s.adam = int(float64(s.adam) * cfg.scale)
	s.lbfgs = int(float64(s.lbfgs) * cfg.scale)
	if cfg.adam >= 0 {
		s.adam = cfg.adam
	}
	if cfg.lbfgs >= 0 {
		s.lbfgs = cfg.lbfgs
	}
	// Train reads 0 as "the default"; a stage asked to be empty is skipped.
	if s.adam == 0 {
		s.adam = -1
	}
	if s.lbfgs == 0 {
		s.lbfgs = -1
	}
	if cfg.lm >= 0 {
		s.lm = cfg.lm
	}
	if cfg.gaussians > 0 && s.gaussians > 0 {
		s.gaussians = cfg.gaussians
	}
	if cfg.channels > 0 && s.chans > 0 {
		s.chans = cfg.channels
	}
	if cfg.points > 0 {
		s.interior = cfg.points
	}
	if cfg.bweight > 0 {
		s.bweight = cfg.bweight
	}
	return s
}

func (s neuralSettings) String() string {
	out := fmt.Sprintf("%d pts", s.interior)
	if s.adam > 0 {
		out += fmt.Sprintf(", Adam %d (lr %g)", s.adam, s.lr)
	}
	if s.lbfgs > 0 {
		out += fmt.Sprintf(", L-BFGS %d", s.lbfgs)
	}
	if s.lm > 0 {
		out += fmt.Sprintf(", Levenberg–Marquardt %d", s.lm)
	}
	switch {
	case s.exact:
		out += ", boundary built in (u = B·N)"
	case s.bweight > 0:
		out += fmt.Sprintf(", boundary weight %g", s.bweight)
	}
	if s.features > 0 {
		out += fmt.Sprintf(", %d Fourier features per σ in %v", s.features, s.sigmas)
	}
	if s.gaussians > 0 {
		out += fmt.Sprintf(", %d Gaussians×%d ch σ₀=%.3g", s.gaussians, s.chans, s.sigma0)
	}
	return out
}

// solveSeeds solves one row: once, or for a neural method with -seeds
// n > 1 at n seeds, keeping the run of median error (its losses and
// error field for the figures) with the median error and the median
// time.
func solveSeeds(p problem, method string, cfg config, stderr io.Writer) Row {
	n := cfg.seeds
	switch method {
	case "pinn", "pinn-fourier", "pig":
	default:
		n = 1
	}
	runs := make([]Row, n)
	for k := range n {
		c := cfg
		c.seed = cfg.seed + uint64(k)
		runs[k] = solveRow(p, method, c)
		of := ""
		if n > 1 {
			of = fmt.Sprintf(" (seed %d)", c.seed)
		}
		fmt.Fprintf(stderr, "neural:   relative L2 %.3g in %.1f s%s\n", runs[k].RelativeL2, runs[k].Seconds, of)
	}
	if n == 1 {
		return runs[0]
	}
	// A failed run (NaN error) sorts last: it counts as the worst.
	byErr := slices.Clone(runs)
	slices.SortStableFunc(byErr, func(a, b Row) int {
		return cmpNaNLast(a.RelativeL2, b.RelativeL2)
	})
	secs := make([]float64, n)
	for k, r := range runs {
		secs[k] = r.Seconds
	}
	slices.Sort(secs)
	med := byErr[(n-1)/2]
	med.Seconds = secs[(n-1)/2]
	for k, r := range runs {
		med.Seeds = append(med.Seeds, SeedRun{Seed: cfg.seed + uint64(k), RelativeL2: r.RelativeL2, Seconds: r.Seconds, Error: r.Error})
	}
	lo, hi := byErr[0].RelativeL2, byErr[n-1].RelativeL2
	med.Settings += fmt.Sprintf("; median of %d seeds (%d–%d), errors %.2g–%.2g", n, cfg.seed, cfg.seed+uint64(n-1), lo, hi)
	return med
}

// cmpNaNLast orders numbers ascending with NaN after every number.
func cmpNaNLast(a, b float64) int {
	switch an, bn := math.IsNaN(a), math.IsNaN(b); {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

func solveRow(p problem, method string, cfg config) Row {
	r := Row{Problem: p.name, Method: method, Target: p.targets[method]}
	start := time.Now()
	var err error
	switch method {
	case "fd":
		r.RelativeL2, r.Settings, err = solveFD(p)
	case "gp-hm":
		r.RelativeL2, r.Parameters, r.Settings, r.field, err = solveGP(p)
	case "spectral":
		r.RelativeL2, r.Parameters, r.Settings, r.field, err = solveSpectral(p)
	default:
		err = solveNeural(p, method, cfg, &r)
	}
	if r.Seconds == 0 {
		r.Seconds = time.Since(start).Seconds()
	}
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

func solveNeural(p problem, method string, cfg config, r *Row) error {
	s := settingsFor(p, method, cfg)
	d := len(p.lo)
	side := int(math.Round(math.Sqrt(float64(s.interior))))
	if d == 2 && cfg.gridLoss {
		s.interior = side * side // the m×m collocation grid
	}
	r.Settings = s.String()
	seed := cfg.seed
	var m neural.Model
	hidden := func(in int) []int {
		sizes := []int{in}
		for range s.depth {
			sizes = append(sizes, s.width)
		}
		return append(sizes, 1)
	}
	switch method {
	case "pinn":
		mlp, err := neural.NewMLP(hidden(d), seed)
		if err != nil {
			return err
		}
		m = mlp
	case "pinn-fourier":
		mlp, err := neural.NewMLP(hidden(2*s.features*len(s.sigmas)), seed)
		if err != nil {
			return err
		}
		f, err := neural.NewFourier(d, s.features, s.sigmas, mlp, seed)
		if err != nil {
			return err
		}
		m = f
	case "pig":
		mlp, err := neural.NewMLP(hidden(s.chans), seed)
		if err != nil {
			return err
		}
		pig, err := neural.NewPIG(p.lo, p.hi, s.gaussians, s.chans, s.sigma0, mlp, seed)
		if err != nil {
			return err
		}
		m = pig
	}
	boundaryPoints := 0 // neural.Train's default
	if s.exact && !p.zeroBC {
		return fmt.Errorf("-boundary exact builds zero Dirichlet data into the network; %s has nonzero data", p.name)
	}
	if cfg.gridLoss && p.advect != nil {
		return fmt.Errorf("-grid-loss preconditions second-order problems; %s is first order", p.name)
	}
	if s.exact {
		hb, err := neural.NewHardBoundary(p.lo, p.hi, m)
		if err != nil {
			return err
		}
		m = hb
		boundaryPoints = 8 // the boundary term is zero: a few points check it
	}
	// In 1D (an even grid of collocation points) the residual R is
	// multiplied by the inverse of the discrete Laplacian, so that the loss
	// measures ≈ ‖u − u*‖² and the smooth part of a multiscale solution
	// is not hidden by the k²-weighted high frequencies; -plain-loss turns
	// this off (-grid-loss does the same in 2D on an even grid). Otherwise
	// the residual is divided by the root mean square of f over the
	// figure grid, so that the interior and boundary
	// terms are both of order one whatever the frequencies.
	precond := (d == 1 && !cfg.plainLoss) || (d == 2 && cfg.gridLoss)
	// The residual is divided by a fixed scale (p.scale: the RMS of f over
	// the figure grid), so that the residual of a point depends on that
	// point only; f is computed
	// afresh at every call (Levenberg–Marquardt's Jacobian workers call
	// the Residual concurrently on their own blocks of points).
	rms := p.scale()
	prob := neural.Problem{Lo: p.lo, Hi: p.hi, Boundary: p.u,
		Residual: func(t *neural.Tape, u neural.Jet, x *mat.Dense) *neural.Node {
			n, _ := x.Dims()
			f := mat.NewDense(n, 1, nil)
			for i := range n {
				f.Set(i, 0, p.f(x.RawRowView(i)))
			}
			r := p.residual(t, u, f)
			if precond {
				return r
			}
			return t.Scale(r, 1/rms)
		}}
	switch {
	case precond && d == 1:
		prob.Precondition = neural.Matrix{Dense: neural.InverseSecondDifference(s.interior, p.lo[0], p.hi[0])}
		r.Settings += ", inverse-Laplacian-preconditioned residual"
	case precond:
		pc, err := neural.InverseGridHelmholtz(side, p.lo, p.hi, p.k2)
		if err != nil {
			return err
		}
		prob.Precondition = pc
		r.Settings += fmt.Sprintf(", %d×%d grid, inverse-discrete-operator-preconditioned residual", side, side)
	}
	start := time.Now()
	res, err := neural.Train(m, prob, &neural.TrainSettings{Interior: s.interior, BoundaryPoints: boundaryPoints, AdamSteps: s.adam, LR: s.lr,
		LBFGSIters: s.lbfgs, LMIters: s.lm, Seed: seed, BoundaryWeight: s.bweight, Workers: runtime.GOMAXPROCS(0), LMMonitor: func(iter int, loss, lambda float64) {
			if iter%25 == 0 && cfg.log != nil {
				fmt.Fprintf(cfg.log, "neural:   LM step %d: loss %.3g, λ %.2g, %.0f s\n", iter, loss, lambda, time.Since(start).Seconds())
			}
		}})
	if res != nil {
		r.Seconds = res.Runtime.Seconds()
		r.Parameters = res.Params
		r.Loss = slices.Concat(res.Adam.Loss, res.LBFGS.Loss, res.LM.Loss)
	}
	r.RelativeL2 = neural.RelativeL2(m, p.u, p.lo, p.hi, 300)
	if cfg.save {
		serr := os.MkdirAll(cfg.out, 0o755)
		if serr == nil {
			serr = neural.SaveFile(filepath.Join(cfg.out, p.name+"-"+method+".ckpt"), m)
		}
		if serr != nil && err == nil {
			err = serr
		}
	}
	x, _ := figureGrid(p)
	r.field = errorField(p, x, neural.Predict(m, x))
	return err
}

// solveGP runs GP-HM (Gaussian-mixture kernel, periodogram frequencies,
// scanned scale) on a grid of 100 points per axis (400 in 1D).
func solveGP(p problem) (float64, int, string, []float64, error) {
	n := 100
	if len(p.lo) == 1 {
		n = 400
	}
	if p.gridGP > 0 {
		n = p.gridGP
	}
	gpp := gp.Problem{F: p.f, G: p.u, Nonlinear: p.nonlinear()}
	for k := range p.lo {
		gpp.Axes = append(gpp.Axes, gp.Axis{Lo: p.lo[k], Hi: p.hi[k], N: n})
		a2, a1, a0 := p.op(k)
		gpp.Ops = append(gpp.Ops, gp.Op1D{A2: a2, A1: a1, A0: a0})
	}
	fr, err := gp.Fit(gpp, gp.InitKernels(gpp, gp.Gaussian, nil), &gp.FitSettings{MaxIter: -1})
	if err != nil {
		return math.NaN(), 0, "", nil, err
	}
	// Parameters: the solved basis coefficients (Π rank) — the GP's
	// unknowns; the kernel has 3 hyperparameters per component besides.
	params, hyper := 1, 0
	for i, k := range fr.Kernels {
		params *= fr.Solution.Rank[i]
		hyper += 3 * k.Components()
	}
	x, axes := figureGrid(p)
	field := errorField(p, x, fr.Solution.Predict(axes...))
	return fr.Solution.RelativeL2(p.u, 300), params, fmt.Sprintf("%d points per axis, %d kernel hyperparameters, %d fit solves", n, hyper, fr.Evaluations), field, nil
}

// op returns the coefficients A2, A1, A0 of the operator along axis k.
func (p problem) op(k int) (a2, a1, a0 float64) {
	if p.advect != nil {
		a1 = p.advect[k]
	} else {
		a2 = 1
	}
	if k == 0 {
		a0 = p.k2
	}
	return a2, a1, a0
}

// nonlinear returns the Allen–Cahn term of the problem, or nil.
func (p problem) nonlinear() func(u float64) (float64, float64) {
	if !p.allenCahn {
		return nil
	}
	return func(u float64) (float64, float64) { return u*u*u - u, 3*u*u - 1 }
}

// solveSpectral runs Chebyshev collocation (package spectral) with the
// degree found from the solution's coefficients; the parameters are the
// collocation unknowns.
func solveSpectral(p problem) (float64, int, string, []float64, error) {
	sp := spectral.Problem{F: p.f, G: p.u, Nonlinear: p.nonlinear()}
	for k := range p.lo {
		a2, a1, a0 := p.op(k)
		sp.Box = append(sp.Box, spectral.Interval{Lo: p.lo[k], Hi: p.hi[k]})
		sp.Ops = append(sp.Ops, spectral.Op{A2: a2, A1: a1, A0: a0})
	}
	sol, err := spectral.SolveAdaptive(sp, nil)
	if sol == nil {
		return math.NaN(), 0, "", nil, err
	}
	unknowns := 1
	var pts []string
	for _, x := range sol.Nodes {
		unknowns *= len(x)
		pts = append(pts, fmt.Sprint(len(x)))
	}
	x, axes := figureGrid(p)
	field := errorField(p, x, sol.Grid(axes...))
	return sol.RelativeL2(p.u, 300), unknowns, fmt.Sprintf("Chebyshev, %s points (adaptive degree, %d %s)", strings.Join(pts, "×"), sol.Solves, map[bool]string{true: "solve", false: "solves"}[sol.Solves == 1]), field, err
}
