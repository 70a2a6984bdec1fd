// Command gp reproduces the benchmark table of GP-HM (Fang et al., ICLR
// 2024; ../shared/reference/gp_hm.md) with package gp: high-frequency and
// multi-scale Poisson, Allen–Cahn and advection problems solved by kernel
// collocation with spectral-mixture kernels (GP-HM with Gaussian or
// Matérn envelopes), the single-component GP-SE and GP-Matérn baselines,
// and a second-order finite-difference solve on the same grid.
//
//	go run ./experiments/gp                  # quick subset, about a minute
//	go run ./experiments/gp -full            # every row and method of the table
//	go run ./experiments/gp -problem poisson2d-sin100xsin100y -method gp-hm-gm
//	go run ./experiments/gp -scaling         # Kronecker vs dense timing over grid sizes
//
// Every GP method fits its kernel hyperparameters per problem (package
// gp's Fit: a scan of the envelope scale, the same on every axis, by the
// PDE residual between the grid points; -fit-evals N adds an L-BFGS
// refinement per axis, and -fit-weights fits the weights too, which
// lowers that residual but, measured, not always the error; frequencies
// come from the periodogram of the problem's data, InitKernels). The
// error is the relative L2 error of the final solution on a uniform
// 300 (1D) or 300² (2D) test grid, and seconds include the fit.
//
// Figures (under -out): per 1D problem the pointwise error of GP-HM (GM)
// and finite differences and the exact and predicted solutions on the
// first tenth of the domain; per 2D problem the GP-HM solution and error
// fields; per problem the fitted spectra (component frequency against
// weight, per axis).
package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/gp"
	"github.com/pdekit/pdekit/internal/figures"
)

var methodNames = []string{"gp-hm-gm", "gp-hm-stm", "gp-se", "gp-matern", "fd", "spectral"}

type config struct {
	out        string
	full       bool
	problems   []string
	methods    []string
	evals      int
	fitWeights bool
	scaling    bool
	noFigures  bool
	testPoints int
	gainCap    float64
}

func main() { report.Main("gp", parseFlags, run) }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("gp", stderr, "every row of the table and every method")
	prob := fs.Problem("", "comma-separated problems (default: the quick subset, or all with -full)", nil)
	meth := fs.Method("", "comma-separated methods", methodNames)
	evals := fs.Int("fit-evals", 0, "solves in the L-BFGS refinement of each fit after the scale scan (0: scan only)")
	fw := fs.Bool("fit-weights", false, "also fit every component's weight")
	scaling := fs.Bool("scaling", false, "print the Kronecker-vs-dense timing table over grid sizes instead")
	tp := fs.Int("test-points", 300, "test points per axis for the relative L2 error")
	gc := fs.Float64("gain-cap", 0, "gp.Settings.GainCap of every solve (0: the default)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{out: fs.Out, full: fs.Full, evals: *evals, fitWeights: *fw, scaling: *scaling, noFigures: fs.NoFigures, testPoints: *tp, gainCap: *gc}
	var names []string
	for _, p := range problems() {
		names = append(names, p.name)
	}
	var err error
	if cfg.problems, err = report.Names("problem", *prob, names); err != nil {
		return cfg, err
	}
	if cfg.methods, err = report.Names("method", *meth, methodNames); err != nil {
		return cfg, err
	}
	if cfg.evals < 0 {
		return cfg, fmt.Errorf("-fit-evals must not be negative")
	}
	if cfg.testPoints < 2 {
		return cfg, fmt.Errorf("-test-points must be at least 2")
	}
	return cfg, nil
}

// Row is one row of results.json.
type Row struct {
	Problem    string  `json:"problem"`
	Method     string  `json:"method"`
	Grid       []int   `json:"grid"`
	RelativeL2 float64 `json:"relative_l2"`
	Seconds    float64 `json:"seconds"`
	// Paper is the authors' logged best error for the method (0: none).
	Paper float64 `json:"paper_relative_l2,omitempty"`
	// Validation is the PDE residual between grid points the fit
	// minimised (GP methods).
	Validation  float64   `json:"validation_residual,omitempty"`
	Evaluations int       `json:"fit_solves,omitempty"`
	Rank        []int     `json:"rank,omitempty"`
	Newton      int       `json:"newton_steps,omitempty"`
	Kernels     []Kernel  `json:"kernels,omitempty"`
	Warnings    []string  `json:"warnings,omitempty"`
	Error       string    `json:"error,omitempty"`
	Spectrum    [][]Point `json:"-"`
	// Spectral rows: the solves of the adaptive degree search, the time
	// of the last (at the reported grid), and the error against the
	// degree of a fixed-degree sweep (for the convergence figure).
	Solves       int      `json:"solves,omitempty"`
	FinalSeconds float64  `json:"final_solve_seconds,omitempty"`
	Sweep        []Point2 `json:"-"`
	Unknowns     int      `json:"unknowns"`
}

// Point2 is one point of a convergence curve.
type Point2 struct{ N, Err float64 }

// Kernel is a fitted kernel of one axis.
type Kernel struct {
	Family    string    `json:"family"`
	Frequency []float64 `json:"frequency"`
	Weight    []float64 `json:"weight"`
	Scale     []float64 `json:"scale"`
}

// Point is a (frequency, weight) pair of a fitted spectrum.
type Point struct{ Freq, Weight float64 }

// Results is the content of results.json.
type Results struct {
	Quick bool  `json:"quick"`
	Rows  []Row `json:"rows"`
}

func run(cfg config, stdout, stderr io.Writer) error {
	if cfg.scaling {
		return runScaling(cfg, stdout)
	}
	all := problems()
	var sel []problem
	for _, p := range all {
		if len(cfg.problems) > 0 {
			if slices.Contains(cfg.problems, p.name) {
				sel = append(sel, p)
			}
		} else if cfg.full || p.quick {
			sel = append(sel, p)
		}
	}
	methods := cfg.methods
	if len(methods) == 0 {
		methods = []string{"gp-hm-gm", "gp-se", "fd", "spectral"}
		if cfg.full {
			methods = methodNames
		}
	}
	res := Results{Quick: !cfg.full}
	tab := report.Table{Header: []string{"problem", "grid", "method", "rel. L2", "paper", "seconds", "fit solves", "rank", "note"}}
	for _, p := range sel {
		for _, m := range methods {
			fmt.Fprintf(stderr, "gp: %s / %s …\n", p.name, m)
			r := solveRow(p, m, cfg)
			fmt.Fprintf(stderr, "gp:   relative L2 %.3g in %.2f s\n", r.RelativeL2, r.Seconds)
			res.Rows = append(res.Rows, r)
			paperCell := "—"
			if r.Paper > 0 {
				paperCell = fmt.Sprintf("%.2g", r.Paper)
			}
			note := r.Error
			if note == "" && r.Solves > 0 {
				plural := "s"
				if r.Solves == 1 {
					plural = ""
				}
				note = fmt.Sprintf("adaptive: %d solve%s; at this grid %.3f s", r.Solves, plural, r.FinalSeconds)
			}
			if note == "" && len(r.Warnings) > 0 {
				note = r.Warnings[0]
				if len(note) > 60 {
					note = note[:60] + "…"
				}
			}
			tab.Add(p.name, gridString(r.Grid), m, fmt.Sprintf("%.3g", r.RelativeL2), paperCell,
				fmt.Sprintf("%.2f", r.Seconds), r.Evaluations, fmt.Sprint(r.Rank), note)
		}
	}
	if err := tab.Write(stdout); err != nil {
		return err
	}
	if err := report.WriteResults(cfg.out, "", res); err != nil {
		return err
	}
	if !cfg.noFigures {
		if err := drawFigures(cfg, sel, res.Rows); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", filepath.Join(cfg.out, "results.json"))
	return nil
}

func gridString(g []int) string {
	s := make([]string, len(g))
	for i, v := range g {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "×")
}

// initialKernels returns the starting kernels of a GP method, and the
// scale multipliers its fit scans.
func initialKernels(p gp.Problem, method string) ([]*gp.Mixture, []float64) {
	switch method {
	case "gp-hm-gm":
		return gp.InitKernels(p, gp.Gaussian, nil), []float64{0.5, 1, 2}
	case "gp-hm-stm":
		// Matérn envelopes have heavy spectral tails (∝ ν⁻⁶): the same
		// width rule gives a kernel too rough for the grid, so the scan
		// reaches down to 1/16 of it.
		return gp.InitKernels(p, gp.Matern52, nil), []float64{1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1}
	}
	// GP-SE and GP-Matérn: one zero-frequency component per axis, whose
	// scale must reach the highest frequency: a wide scan.
	fam := gp.Gaussian
	if method == "gp-matern" {
		fam = gp.Matern52
	}
	ks := make([]*gp.Mixture, len(p.Axes))
	for i, a := range p.Axes {
		base := 2 * math.Pi / (a.Hi - a.Lo)
		ks[i] = &gp.Mixture{Family: fam, LogW: []float64{0}, LogScale: []float64{math.Log(base)}, Mu: []float64{0}}
	}
	return ks, []float64{1, 4, 16, 64, 256}
}

func solveRow(p problem, method string, cfg config) (r Row) {
	r = Row{Problem: p.name, Method: method, Paper: p.paper[method]}
	for _, a := range p.p.Axes {
		r.Grid = append(r.Grid, a.N)
	}
	defer func() {
		r.Unknowns = 1
		for _, g := range r.Grid {
			r.Unknowns *= g
		}
	}()
	start := time.Now()
	if method == "spectral" {
		return solveSpectral(p, r, cfg)
	}
	if method == "fd" {
		s, err := solveFD(p.p)
		r.Seconds = time.Since(start).Seconds()
		if err != nil {
			r.Error = err.Error()
			r.RelativeL2 = math.NaN()
			return r
		}
		r.RelativeL2 = s.relativeL2(p.u, cfg.testPoints)
		return r
	}
	init, scan := initialKernels(p.p, method)
	set := &gp.FitSettings{Scan: scan, Weights: cfg.fitWeights, MaxEvaluations: cfg.evals, Solve: &gp.Settings{GainCap: cfg.gainCap}}
	if cfg.evals == 0 {
		set.MaxIter = -1
	}
	fr, err := gp.Fit(p.p, init, set)
	r.Seconds = time.Since(start).Seconds()
	if err != nil {
		r.Error = err.Error()
		r.RelativeL2 = math.NaN()
		return r
	}
	sol := fr.Solution
	r.RelativeL2 = sol.RelativeL2(p.u, cfg.testPoints)
	r.Validation = fr.Criterion
	r.Evaluations = fr.Evaluations
	r.Rank = sol.Rank
	r.Newton = sol.Newton
	r.Warnings = sol.Warnings
	for _, k := range fr.Kernels {
		kk := Kernel{Family: k.Family.String()}
		var spec []Point
		for q := range k.LogW {
			w := math.Exp(k.LogW[q])
			kk.Frequency = append(kk.Frequency, k.Mu[q])
			kk.Weight = append(kk.Weight, w)
			kk.Scale = append(kk.Scale, math.Exp(k.LogScale[q]))
			spec = append(spec, Point{k.Mu[q], w})
		}
		r.Kernels = append(r.Kernels, kk)
		r.Spectrum = append(r.Spectrum, spec)
	}
	return r
}

func drawFigures(cfg config, sel []problem, rows []Row) error {
	for _, p := range sel {
		// Fitted spectra of the GP-HM rows.
		var spec []figures.Series
		for _, r := range rows {
			if r.Problem != p.name || !strings.HasPrefix(r.Method, "gp-hm") {
				continue
			}
			for a, pts := range r.Spectrum {
				s := figures.Series{Label: fmt.Sprintf("%s axis %d", r.Method, a)}
				for _, pt := range pts {
					s.X = append(s.X, pt.Freq)
					s.Y = append(s.Y, pt.Weight)
				}
				spec = append(spec, s)
			}
		}
		if len(spec) > 0 {
			if err := figures.Points(filepath.Join(cfg.out, p.name+"-spectrum.png"), p.name+": fitted kernel components",
				"frequency μ (cycles per unit)", "weight", spec, true); err != nil {
				return err
			}
		}
	}
	if err := drawConvergence(cfg, sel, rows); err != nil {
		return err
	}
	return drawErrors(cfg, sel, rows)
}

// drawConvergence draws, per problem, the spectral error against the
// number of unknowns (a fixed-degree sweep) with every other method's
// row as one marker at its grid.
func drawConvergence(cfg config, sel []problem, rows []Row) error {
	for _, p := range sel {
		var series []figures.Series
		for _, r := range rows {
			if r.Problem != p.name || math.IsNaN(r.RelativeL2) || r.RelativeL2 <= 0 {
				continue
			}
			if r.Method == "spectral" {
				if len(r.Sweep) == 0 {
					continue
				}
				s := figures.Series{Label: "spectral (Chebyshev), fixed degrees"}
				for _, pt := range r.Sweep {
					s.X = append(s.X, pt.N)
					s.Y = append(s.Y, pt.Err)
				}
				series = append([]figures.Series{s}, series...)
				series = append(series, figures.Series{Label: "spectral, adaptive", X: []float64{float64(r.Unknowns)}, Y: []float64{r.RelativeL2}})
				continue
			}
			series = append(series, figures.Series{Label: r.Method, X: []float64{float64(r.Unknowns)}, Y: []float64{r.RelativeL2}})
		}
		if len(series) == 0 || len(series[0].X) < 2 {
			continue
		}
		if err := figures.LogLog(filepath.Join(cfg.out, p.name+"-convergence.png"), p.name+": error against unknowns",
			"unknowns", "relative L2 error", series); err != nil {
			return err
		}
	}
	return nil
}

// drawErrors draws the solution and error figures of the GP-HM (GM) rows:
// one more solve per problem with the fitted kernels (the rows keep only
// their numbers).
func drawErrors(cfg config, sel []problem, rows []Row) error {
	for _, p := range sel {
		var ks []*gp.Mixture
		for _, r := range rows {
			if r.Problem == p.name && r.Method == "gp-hm-gm" && r.Error == "" {
				for _, k := range r.Kernels {
					m := &gp.Mixture{Family: gp.Gaussian}
					for q := range k.Weight {
						m.LogW = append(m.LogW, math.Log(k.Weight[q]))
						m.LogScale = append(m.LogScale, math.Log(k.Scale[q]))
						m.Mu = append(m.Mu, k.Frequency[q])
					}
					ks = append(ks, m)
				}
			}
		}
		if ks == nil {
			continue
		}
		sol, err := gp.Solve(p.p, ks, nil)
		if err != nil {
			return fmt.Errorf("%s: redrawing: %w", p.name, err)
		}
		m := 300
		t := make([][]float64, len(p.p.Axes))
		for i, a := range p.p.Axes {
			t[i] = gp.Axis{Lo: a.Lo, Hi: a.Hi, N: m}.Points()
		}
		u := sol.Predict(t...)
		pt := make([]float64, len(t))
		errs := make([]float64, len(u))
		if len(t) == 1 {
			for j, x := range t[0] {
				pt[0] = x
				errs[j] = math.Abs(u[j] - p.u(pt))
			}
			var series []figures.Series
			series = append(series, figures.Series{Label: "gp-hm-gm", X: t[0], Y: errs})
			if fd, err := solveFD(p.p); err == nil {
				fe := make([]float64, m)
				for j, x := range t[0] {
					pt[0] = x
					fe[j] = math.Abs(fd.interp1(x) - p.u(pt))
				}
				series = append(series, figures.Series{Label: "fd (2nd order)", X: t[0], Y: fe})
			}
			if err := figures.Lines(filepath.Join(cfg.out, p.name+"-error.png"), p.name+": pointwise error on the test grid",
				"x", "|u − u_exact|", series, true); err != nil {
				return err
			}
			// Exact and predicted on the first tenth of the interval,
			// finely sampled so that the oscillations are visible.
			a := p.p.Axes[0]
			zx := make([]float64, 400)
			for j := range zx {
				zx[j] = a.Lo + (a.Hi-a.Lo)/10*float64(j)/float64(len(zx)-1)
			}
			zu := sol.Predict(zx)
			ze := make([]float64, len(zx))
			for j, x := range zx {
				pt[0] = x
				ze[j] = p.u(pt)
			}
			if err := figures.Lines(filepath.Join(cfg.out, p.name+"-solution.png"), p.name+": exact and GP-HM (GM), first tenth of the domain",
				"x", "u", []figures.Series{{Label: "exact", X: zx, Y: ze}, {Label: "gp-hm-gm", X: zx, Y: zu}}, false); err != nil {
				return err
			}
			continue
		}
		for i, x := range t[0] {
			for j, y := range t[1] {
				pt[0], pt[1] = x, y
				errs[i*m+j] = u[i*m+j] - p.u(pt)
			}
		}
		a0, a1 := p.p.Axes[0], p.p.Axes[1]
		ylab := "y"
		if p.name == "advection" {
			ylab = "t"
		}
		box := figures.Box{X0: a0.Lo, X1: a0.Hi, Y0: a1.Lo, Y1: a1.Hi, XLabel: "x", YLabel: ylab}
		if err := figures.HeatmapBox(filepath.Join(cfg.out, p.name+"-error.png"), p.name+": GP-HM (GM) error u − u_exact", errs, m, m, box); err != nil {
			return err
		}
		if err := figures.HeatmapBox(filepath.Join(cfg.out, p.name+"-solution.png"), p.name+": GP-HM (GM) solution", u, m, m, box); err != nil {
			return err
		}
	}
	return nil
}
