// Command ot compares the entropic optimal-transport solvers of package ot
// — log-domain Sinkhorn, stabilised Sinkhorn and Sinkhorn–Newton–Sparse —
// at equal accuracy (marginal error ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ ≤ -tol), against
// the exact optimum of every case (Hungarian assignment for the uniform
// square cases, the quantile closed form in 1D, the network simplex
// ot.EMD otherwise, the user's problem included).
//
//	go run ./experiments/ot                    # quick: n = 100, 14×14 images, η = 300, no L1 case
//	go run ./experiments/ot -full              # n up to 1000, η up to 3000 (long: Sinkhorn is slow there)
//	go run ./experiments/ot -problem random-assignment -n 500 -eta 1200
//	go run ./experiments/ot -problem random-assignment,image-l2 -seeds 5   # medians over 5 instances
//	go run ./experiments/ot -cost C.csv -a a.csv -b b.csv -eta 300
//
// Figures (under -out, for the first seed): marginal error against
// iterations and against seconds for every solver, and for SNS the
// pattern of plan entries its last sparsified Hessian kept.
//
// Cases: random-assignment (C ~ U[0, 1], uniform histograms, seeded),
// image-l2 and image-l1 (synthetic 28×28 digit-like blob histograms,
// squared Euclidean or L1 ground cost on [0, 1]², seeded), 1d (two smooth
// densities discretised on 200 points of [0, 1], cost |x − y|²).
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/ot"
)

var (
	caseNames   = []string{"random-assignment", "image-l2", "image-l1", "1d", "barycenter"}
	solverNames = []string{"sinkhorn-log", "sinkhorn-stabilized", "sns"}
)

type config struct {
	out       string
	cases     []string
	ns        []int
	etas      []float64
	solvers   []string
	seed      uint64
	seeds     int // random instances per case and size, seeds seed … seed+seeds−1
	tol       float64
	maxIter   int
	imageSide int
	costPath  string
	aPath     string
	bPath     string
	noFigures bool
}

func main() { report.Main("ot", parseFlags, run) }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("ot", stderr, "n ∈ {100, 250, 500, 1000}, η ∈ {100, 300, 1200, 3000}, 28×28 images")
	cs := fs.Problem("", "comma-separated problems", caseNames, "case")
	n := fs.String("n", "", "comma-separated sizes of random-assignment")
	eta := fs.String("eta", "", "comma-separated η values")
	solver := fs.Method("", "comma-separated methods", solverNames, "solver")
	seed := fs.Seed(0, "seed of the random cases")
	seeds := fs.Int("seeds", 1, "random instances per case (seeds seed, seed+1, …); with more than one, a table of medians follows")
	tol := fs.Float64("tol", 1e-9, "marginal-error target")
	maxIter := fs.MaxIter(0, "iteration cap of every solver (default 20000, -full 100000)")
	cost := fs.String("cost", "", "your own problem: cost matrix CSV (n rows of m values); needs -a and -b")
	aPath := fs.String("a", "", "histogram a, CSV (one row or one column)")
	bPath := fs.String("b", "", "histogram b, CSV")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{out: fs.Out, seed: *seed, seeds: *seeds, tol: *tol, maxIter: 20000, imageSide: 14, ns: []int{100},
		etas: []float64{300}, costPath: *cost, aPath: *aPath, bPath: *bPath, noFigures: fs.NoFigures}
	if fs.Full {
		cfg.maxIter, cfg.imageSide = 100000, 28
		cfg.ns = []int{100, 250, 500, 1000}
		cfg.etas = []float64{100, 300, 1200, 3000}
	}
	if *maxIter < 0 || !(cfg.tol > 0) || *seeds < 1 {
		return cfg, errors.New("-maxiter must be non-negative, -tol positive and -seeds at least 1")
	}
	if *maxIter > 0 {
		cfg.maxIter = *maxIter
	}
	var err error
	if cfg.cases, err = report.Names("problem", *cs, caseNames); err != nil {
		return cfg, err
	}
	if cfg.cases == nil {
		cfg.cases = caseNames
		if !fs.Full {
			// The L1 image case is the hard one of the paper (777 SNS
			// iterations there); it runs with -full or when named.
			cfg.cases = []string{"random-assignment", "image-l2", "1d", "barycenter"}
		}
	}
	if cfg.solvers, err = report.Names("method", *solver, solverNames); err != nil {
		return cfg, err
	}
	if cfg.solvers == nil {
		cfg.solvers = solverNames
	}
	if v, err := report.Ints("n", *n); err != nil {
		return cfg, err
	} else if v != nil {
		cfg.ns = v
	}
	if *eta != "" {
		cfg.etas = nil
		for _, f := range strings.Split(*eta, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(v > 0) || math.IsInf(v, 0) {
				return cfg, fmt.Errorf("-eta: %q is not a positive number", f)
			}
			cfg.etas = append(cfg.etas, v)
		}
	}
	if (cfg.costPath != "") != (cfg.aPath != "" && cfg.bPath != "") || (cfg.costPath == "" && (cfg.aPath != "" || cfg.bPath != "")) {
		return cfg, errors.New("-cost, -a and -b go together")
	}
	return cfg, nil
}

// Run is one row of results.json.
type Run struct {
	Case               string  `json:"case"`
	Seed               uint64  `json:"seed"`
	N                  int     `json:"n"`
	Eta                float64 `json:"eta"`
	Solver             string  `json:"solver"`
	Iterations         int     `json:"iterations"`
	SinkhornIterations int     `json:"sinkhorn_iterations"`
	NewtonIterations   int     `json:"newton_iterations"`
	Seconds            float64 `json:"seconds"`
	MarginalErrorL1    float64 `json:"marginal_error_l1"`
	TransportCost      float64 `json:"transport_cost"`
	EntropicCost       float64 `json:"entropic_cost"`
	ExactCost          float64 `json:"exact_cost,omitempty"`
	HessianNNZ         int     `json:"hessian_nnz,omitempty"`
	CGIterations       int     `json:"cg_iterations,omitempty"`
	Converged          bool    `json:"converged"`
	Error              string  `json:"error,omitempty"`

	history []ot.Point
	// pattern marks (1) the plan entries the last sparsified Hessian kept
	// (SNS), on the rows×cols of the full problem.
	pattern    []float64
	rows, cols int
}

// Results is the content of results.json.
type Results struct {
	Tol        float64     `json:"tol"`
	Runs       []Run       `json:"runs"`
	Medians    []Median    `json:"medians,omitempty"`
	Barycenter *Barycenter `json:"barycenter,omitempty"`
}

// Barycenter is the barycenter case: four digit-like images (seeds seed…
// seed+3) and their entropic Wasserstein barycenter, equal weights.
type Barycenter struct {
	Side       int       `json:"side"`
	Eta        float64   `json:"eta"`
	Iterations int       `json:"iterations"`
	Seconds    float64   `json:"seconds"`
	Mass       float64   `json:"mass"`
	P          []float64 `json:"-"`
	inputs     [][]float64
}

// Median summarises one solver on one case over the seeds (-seeds > 1).
type Median struct {
	Case       string  `json:"case"`
	N          int     `json:"n"`
	Eta        float64 `json:"eta"`
	Solver     string  `json:"solver"`
	Seeds      int     `json:"seeds"`
	Converged  int     `json:"converged"`
	Iterations float64 `json:"median_iterations"`
	Seconds    float64 `json:"median_seconds"`
}

// medians groups the runs by case, size, η and solver, in first-seen
// order, and takes the medians over the seeds.
func medians(runs []Run) []Median {
	type key struct {
		c, s string
		n    int
		eta  float64
	}
	var order []key
	groups := map[key][]Run{}
	for _, r := range runs {
		k := key{r.Case, r.Solver, r.N, r.Eta}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []Median
	for _, k := range order {
		g := groups[k]
		m := Median{Case: k.c, N: k.n, Eta: k.eta, Solver: k.s, Seeds: len(g)}
		var its, secs []float64
		for _, r := range g {
			if r.Converged {
				m.Converged++
			}
			its = append(its, float64(r.Iterations))
			secs = append(secs, r.Seconds)
		}
		m.Iterations, m.Seconds = report.Median(its), report.Median(secs)
		out = append(out, m)
	}
	return out
}

type instance struct {
	name  string
	seed  uint64
	n     int
	p     *ot.Problem
	exact float64 // 0 when unknown
}

func run(cfg config, stdout, stderr io.Writer) error {
	insts, err := instances(cfg)
	if err != nil {
		return err
	}
	res := Results{Tol: cfg.tol}
	if slices.Contains(cfg.cases, "barycenter") && cfg.costPath == "" {
		b, err := barycenterCase(cfg)
		if err != nil {
			return err
		}
		res.Barycenter = b
		fmt.Fprintf(stdout, "## Entropic barycenter of four %d×%d images, η = %g (convolutional)\n\n%d Bregman sweeps, %.3f s, mass %.12f\n\n",
			b.Side, b.Side, b.Eta, b.Iterations, b.Seconds, b.Mass)
	}
	for _, in := range insts {
		for _, eta := range cfg.etas {
			for _, name := range cfg.solvers {
				r := solve(cfg, in, eta, name)
				fmt.Fprintf(stderr, "%s n=%d η=%g %s: %d it, %.3fs, marginal %.2e\n", r.Case, r.N, r.Eta, r.Solver, r.Iterations, r.Seconds, r.MarginalErrorL1)
				res.Runs = append(res.Runs, r)
			}
		}
	}
	if len(res.Runs) > 0 {
		if err := writeTable(stdout, res); err != nil {
			return err
		}
	}
	if cfg.seeds > 1 {
		res.Medians = medians(res.Runs)
		var t report.Table
		t.Header = []string{"case", "n", "η", "solver", "seeds", "converged", "median iterations", "median seconds"}
		for _, m := range res.Medians {
			t.Add(m.Case, m.N, m.Eta, m.Solver, m.Seeds, m.Converged, m.Iterations, fmt.Sprintf("%.3f", m.Seconds))
		}
		fmt.Fprintf(stdout, "\n## Medians over seeds %d…%d\n\n", cfg.seed, cfg.seed+uint64(cfg.seeds)-1)
		if err := t.Write(stdout); err != nil {
			return err
		}
	}
	if err := report.WriteResults(cfg.out, "", res); err != nil {
		return err
	}
	if cfg.noFigures {
		return nil
	}
	return writeFigures(cfg, res)
}

// barycenterCase computes the barycenter of four seeded digit-like
// images at the largest η of the run.
func barycenterCase(cfg config) (*Barycenter, error) {
	side := cfg.imageSide
	eta := slices.Max(cfg.etas)
	b := &Barycenter{Side: side, Eta: eta}
	for k := range 4 {
		b.inputs = append(b.inputs, digit(rand.New(rand.NewPCG(cfg.seed+uint64(k), 99)), side))
	}
	start := time.Now()
	r, err := ot.ConvolutionalBarycenter(b.inputs, side, side, &ot.BarycenterSettings{Eta: eta, Tol: cfg.tol})
	if err != nil {
		return nil, fmt.Errorf("barycenter: %w", err)
	}
	b.Seconds = time.Since(start).Seconds()
	b.Iterations, b.P = r.Iterations, r.P
	for _, v := range r.P {
		b.Mass += v
	}
	return b, nil
}

func solve(cfg config, in instance, eta float64, name string) Run {
	s := &ot.Settings{Eta: eta, Tol: cfg.tol, MaxIter: cfg.maxIter}
	f := map[string]func(*ot.Problem, *ot.Settings) (*ot.Result, error){
		"sinkhorn-log": ot.LogSinkhorn, "sinkhorn-stabilized": ot.StabilizedSinkhorn, "sns": ot.SinkhornNewtonSparse,
	}[name]
	r := Run{Case: in.name, Seed: in.seed, N: in.n, Eta: eta, Solver: name, ExactCost: in.exact}
	res, err := f(in.p, s)
	if res == nil {
		r.Error = err.Error()
		return r
	}
	plan := in.p.Plan(res)
	r.Iterations, r.SinkhornIterations, r.NewtonIterations = res.Iterations, res.SinkhornIterations, res.NewtonIterations
	r.Seconds, r.MarginalErrorL1 = res.Runtime.Seconds(), res.MarginalError
	r.TransportCost, r.EntropicCost = in.p.TransportCost(plan), in.p.EntropicCost(plan, eta)
	r.HessianNNZ, r.CGIterations = res.HessianNNZ, res.CGIterations
	r.Converged = err == nil
	if err != nil {
		r.Error = err.Error()
	}
	r.history = res.History
	if name == "sns" && res.NewtonIterations > 0 {
		n, m := in.p.Dims()
		r.rows, r.cols = in.p.FullDims()
		r.pattern = keptPattern(plan, (res.HessianNNZ-n-m)/2)
	}
	return r
}

// keptPattern returns 1 at the keep largest entries of plan (ties at the
// threshold included, as ot's sparsification does) and 0 elsewhere: the
// off-diagonal pattern of SNS's sparsified Hessian, recomputed from the
// final plan.
func keptPattern(plan []float64, keep int) []float64 {
	out := make([]float64, len(plan))
	if keep <= 0 {
		return out
	}
	sorted := slices.Clone(plan)
	slices.Sort(sorted)
	thr := sorted[max(len(sorted)-keep, 0)]
	for i, v := range plan {
		if v >= thr && v > 0 {
			out[i] = 1
		}
	}
	return out
}

// emdCost returns the exact optimal transport cost of p by the network
// simplex.
func emdCost(p *ot.Problem) (float64, error) {
	r, err := ot.EMD(p.A, p.B, p.C, nil)
	if err != nil {
		return 0, fmt.Errorf("exact cost: %w", err)
	}
	return r.Cost, nil
}

func instances(cfg config) ([]instance, error) {
	if cfg.costPath != "" {
		p, err := userProblem(cfg)
		if err != nil {
			return nil, err
		}
		n, _ := p.FullDims()
		exact, err := emdCost(p)
		if err != nil {
			return nil, err
		}
		return []instance{{name: "user", n: n, p: p, exact: exact}}, nil
	}
	var out []instance
	for _, c := range cfg.cases {
		for k := range cfg.seeds {
			seed := cfg.seed + uint64(k)
			if c == "1d" && k > 0 {
				break // deterministic: one instance
			}
			switch c {
			case "random-assignment":
				for _, n := range cfg.ns {
					rng := rand.New(rand.NewPCG(seed, uint64(n)))
					a := make([]float64, n)
					for i := range a {
						a[i] = 1 / float64(n)
					}
					cost := make([]float64, n*n)
					for k := range cost {
						cost[k] = rng.Float64()
					}
					p, err := ot.NewProblem(a, a, cost, false)
					if err != nil {
						return nil, err
					}
					_, total, err := ot.Assignment(cost, n)
					if err != nil {
						return nil, err
					}
					out = append(out, instance{name: c, seed: seed, n: n, p: p, exact: total / float64(n)})
				}
			case "image-l2", "image-l1":
				p, err := imageProblem(cfg.imageSide, seed, c == "image-l1")
				if err != nil {
					return nil, err
				}
				exact, err := emdCost(p)
				if err != nil {
					return nil, err
				}
				out = append(out, instance{name: c, seed: seed, n: cfg.imageSide * cfg.imageSide, p: p, exact: exact})
			case "1d":
				p, exact, err := lineProblem(200)
				if err != nil {
					return nil, err
				}
				out = append(out, instance{name: c, n: 200, p: p, exact: exact})
			}
		}
	}
	return out, nil
}

// digit draws a seeded digit-like histogram on a side×side grid: a few
// Gaussian strokes along a random smooth curve, plus a small floor so that
// every pixel has mass (as MNIST pairs are usually regularised).
func digit(rng *rand.Rand, side int) []float64 {
	h := make([]float64, side*side)
	cx, cy := 0.5+0.1*rng.NormFloat64(), 0.5+0.1*rng.NormFloat64()
	r0 := 0.2 + 0.1*rng.Float64()
	for s := range 12 {
		t := 2 * math.Pi * float64(s) / 12 * (0.6 + 0.4*rng.Float64())
		px, py := cx+r0*math.Cos(t), cy+0.8*r0*math.Sin(2*t)
		for i := range side {
			for j := range side {
				x, y := (float64(i)+0.5)/float64(side), (float64(j)+0.5)/float64(side)
				h[i*side+j] += math.Exp(-((x-px)*(x-px) + (y-py)*(y-py)) / (2 * 0.004))
			}
		}
	}
	var s float64
	for _, v := range h {
		s += v
	}
	for k := range h {
		h[k] = h[k]/s + 1e-6
	}
	return h
}

func imageProblem(side int, seed uint64, l1 bool) (*ot.Problem, error) {
	rng := rand.New(rand.NewPCG(seed, 28))
	a, b := digit(rng, side), digit(rng, side)
	n := side * side
	cost := make([]float64, n*n)
	for p := range n {
		for q := range n {
			dx := float64(p/side-q/side) / float64(side-1)
			dy := float64(p%side-q%side) / float64(side-1)
			if l1 {
				cost[p*n+q] = math.Abs(dx) + math.Abs(dy)
			} else {
				cost[p*n+q] = dx*dx + dy*dy
			}
		}
	}
	return ot.NewProblem(a, b, cost, true)
}

// lineProblem discretises two smooth densities on n points of [0, 1] with
// cost |x − y|², and returns W₂² by the closed form.
func lineProblem(n int) (*ot.Problem, float64, error) {
	x := make([]float64, n)
	a, b := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = (float64(i) + 0.5) / float64(n)
		a[i] = math.Exp(-(x[i]-0.3)*(x[i]-0.3)/0.01) + 0.5*math.Exp(-(x[i]-0.7)*(x[i]-0.7)/0.005)
		b[i] = math.Exp(-(x[i]-0.6)*(x[i]-0.6)/0.02) + 1e-3
	}
	cost := make([]float64, n*n)
	for i := range n {
		for j := range n {
			cost[i*n+j] = (x[i] - x[j]) * (x[i] - x[j])
		}
	}
	p, err := ot.NewProblem(a, b, cost, true)
	if err != nil {
		return nil, 0, err
	}
	w2, err := ot.Wasserstein1D(x, a, x, b, 2)
	return p, w2 * w2, err
}

func userProblem(cfg config) (*ot.Problem, error) {
	n, m, c, err := ot.ReadCSVFile(cfg.costPath, &ot.CSVOptions{AllowInf: true})
	if err != nil {
		return nil, err
	}
	_, _, a, err := ot.ReadCSVFile(cfg.aPath, nil)
	if err != nil {
		return nil, err
	}
	_, _, b, err := ot.ReadCSVFile(cfg.bPath, nil)
	if err != nil {
		return nil, err
	}
	if n != len(a) || m != len(b) {
		return nil, fmt.Errorf("%s is %d×%d but a has %d entries and b %d", cfg.costPath, n, m, len(a), len(b))
	}
	// Balanced transport: the masses must agree (both are then scaled to
	// 1); unequal masses are an error, not a silent renormalisation.
	var sa, sb float64
	for _, v := range a {
		sa += v
	}
	for _, v := range b {
		sb += v
	}
	if math.Abs(sa-sb) > 1e-9*math.Max(math.Abs(sa), math.Abs(sb)) {
		return nil, fmt.Errorf("%w: %s sums to %.17g and %s to %.17g; balanced transport needs equal masses (rescale one of them)",
			ot.ErrHistogram, cfg.aPath, sa, cfg.bPath, sb)
	}
	return ot.NewProblem(a, b, c, true)
}

func writeTable(w io.Writer, res Results) error {
	t := report.Table{Header: []string{"case", "n", "η", "solver", "iterations (sinkhorn+newton)", "seconds", "marginal error", "transport cost", "exact cost", "gap to exact", "entropic cost", "converged"}}
	for _, r := range res.Runs {
		exact, gap := "—", "—"
		if r.ExactCost != 0 {
			exact = fmt.Sprintf("%.6g", r.ExactCost)
			gap = fmt.Sprintf("%.2e", (r.TransportCost-r.ExactCost)/math.Abs(r.ExactCost))
		}
		its := strconv.Itoa(r.Iterations)
		if r.Solver == "sns" {
			its = fmt.Sprintf("%d (%d+%d)", r.Iterations, r.SinkhornIterations, r.NewtonIterations)
		}
		t.Add(r.Case, r.N, r.Eta, r.Solver, its, fmt.Sprintf("%.3f", r.Seconds), fmt.Sprintf("%.2e", r.MarginalErrorL1),
			fmt.Sprintf("%.6g", r.TransportCost), exact, gap, fmt.Sprintf("%.10g", r.EntropicCost), r.Converged)
	}
	fmt.Fprintf(w, "## Entropic OT to marginal error %g\n\n", res.Tol)
	return t.Write(w)
}

func writeFigures(cfg config, res Results) error {
	type key struct {
		c   string
		n   int
		eta float64
	}
	groups := map[key][]Run{}
	var order []key
	for _, r := range res.Runs {
		if r.Seed != cfg.seed {
			continue // figures show the first seed
		}
		k := key{r.Case, r.N, r.Eta}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	for _, k := range order {
		var byIt, bySec []figures.Series
		for _, r := range groups[k] {
			var x, s, y []float64
			for _, p := range r.history {
				x = append(x, float64(p.Iteration))
				s = append(s, p.Seconds)
				y = append(y, p.MarginalError)
			}
			if len(y) == 0 {
				continue
			}
			byIt = append(byIt, figures.Series{Label: r.Solver, X: x, Y: y})
			bySec = append(bySec, figures.Series{Label: r.Solver, X: s, Y: y})
		}
		if len(byIt) == 0 {
			continue
		}
		base := fmt.Sprintf("%s_n%d_eta%g", k.c, k.n, k.eta)
		title := fmt.Sprintf("%s, n = %d, η = %g", k.c, k.n, k.eta)
		if err := figures.Lines(filepath.Join(cfg.out, base+"_iterations.png"), title, "iteration", "marginal error (L1)", byIt, true); err != nil {
			return err
		}
		if err := figures.Lines(filepath.Join(cfg.out, base+"_seconds.png"), title, "seconds", "marginal error (L1)", bySec, true); err != nil {
			return err
		}
		for _, r := range groups[k] {
			if r.pattern == nil {
				continue
			}
			kept := 0
			for _, v := range r.pattern {
				kept += int(v)
			}
			t := fmt.Sprintf("SNS Hessian pattern: %d of %d entries (%.2g%%)", kept, len(r.pattern), 100*float64(kept)/float64(len(r.pattern)))
			if err := figures.Heatmap(filepath.Join(cfg.out, base+"_hessian.png"), t, r.pattern, r.rows, r.cols); err != nil {
				return err
			}
		}
	}
	if b := res.Barycenter; b != nil {
		for k, h := range b.inputs {
			if err := figures.Heatmap(filepath.Join(cfg.out, fmt.Sprintf("barycenter_input%d.png", k)), fmt.Sprintf("input %d", k), h, b.Side, b.Side); err != nil {
				return err
			}
		}
		if err := figures.Heatmap(filepath.Join(cfg.out, "barycenter.png"), fmt.Sprintf("entropic barycenter of the four inputs, η = %g", b.Eta), b.P, b.Side, b.Side); err != nil {
			return err
		}
	}
	return gapFigure(cfg, res)
}

// gapFigure draws, per case with several η, the relative gap of each
// solver's transport cost to the exact optimum against η (it falls as
// O(log(n)/η)-ish, the entropic bias).
func gapFigure(cfg config, res Results) error {
	type key struct {
		c      string
		n      int
		solver string
	}
	series := map[key]*figures.Series{}
	cases := map[string][]key{}
	var names []string
	for _, r := range res.Runs {
		if r.Seed != cfg.seed || r.ExactCost == 0 || !r.Converged {
			continue
		}
		k := key{r.Case, r.N, r.Solver}
		if series[k] == nil {
			series[k] = &figures.Series{Label: r.Solver}
			name := fmt.Sprintf("%s_n%d", r.Case, r.N)
			if cases[name] == nil {
				names = append(names, name)
			}
			cases[name] = append(cases[name], k)
		}
		series[k].X = append(series[k].X, r.Eta)
		series[k].Y = append(series[k].Y, math.Abs(r.TransportCost-r.ExactCost)/math.Abs(r.ExactCost))
	}
	for _, name := range names {
		var ss []figures.Series
		for _, k := range cases[name] {
			if len(series[k].X) > 1 {
				ss = append(ss, *series[k])
			}
		}
		if len(ss) == 0 {
			continue
		}
		if err := figures.LogLog(filepath.Join(cfg.out, name+"_gap.png"), name+": transport cost against the exact optimum",
			"η", "|cost − exact| / exact", ss); err != nil {
			return err
		}
	}
	return nil
}
