// Command dcdm measures the deep conjugate direction method (Kaneda et
// al., ICML 2023): a small CNN, trained on the 2D Poisson matrix of one
// grid with the scale-invariant DCDM loss on Lanczos Ritz-vector
// right-hand sides, used as the nonlinear preconditioner of flexible CG
// (linsolve.FCG), against CG, IC(0)-PCG and multigrid-PCG on unseen
// right-hand sides of the training grid and of finer grids, to a relative
// residual of 1e-6. Iterations and wall-clock are both reported; training
// time separately.
//
//	go run ./experiments/dcdm                  # quick: the committed 64² model, grids 64 and 128
//	go run ./experiments/dcdm -full            # grids 64, 128, 256
//	go run ./experiments/dcdm -train -full     # retrain (minutes), then measure
//	go run ./experiments/dcdm -grid 256 -method cg,dcdm
//	go run ./experiments/dcdm -problem darcy           # the Poisson network on unseen Darcy fields
//	go run ./experiments/dcdm -problem darcy -train    # trained on one Darcy field, tested on others
//
// -problem darcy uses −∇·(a∇u) with a = exp(GRF(2.5, 7)) (pde.DarcyFamily):
// the network sees only residuals, never a, so it is trained on one field
// (sample 0) and tested on unseen fields (samples 1, 2, …, one per
// right-hand side); its files are prefixed "darcy-".
//
// The committed model (model-poisson64.json, embedded in the binary) was
// trained by `go run ./experiments/dcdm -train -no-solve -out
// experiments/dcdm` with the default settings (8 channels, 4 pooling
// levels, the linear symmetric form Nᵀ(N·x), 400 Adam steps of 8 Ritz
// right-hand sides); -train reproduces it. The paper's own configuration
// (ReLU, one level, not symmetric) is `-train -act relu -levels 1
// -sym=false`: flexible CG stalls with it (BENCHMARKS.md). The test right-hand sides are seeded
// N(0, 1) vectors, independent of the training data.
//
// On a grid larger than the training grid the network runs more pooling
// levels than it was trained with, down to a 4² coarsest grid (-extend,
// the default): the extra levels repeat the blocks of one trained level,
// chosen by neural.ChooseExtendLevel from a short solve on that grid's
// own matrix (no gradient step): each level is scored by the residual
// left after 20 flexible-CG iterations on a validation right-hand side,
// seeded N(0, 1) like the test ones but from another stream. That choice is a one-time cost per grid, reported
// beside the solve times (calibration_seconds), not inside them.
package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/neural"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

//go:embed model-poisson64.json
var embeddedModel []byte

// Settings of the committed model.
const (
	modelFile = "model-poisson64.json"
	modelGrid = 64
)

var modelArch = neural.CNNConfig{Channels: 8, Levels: 4, Activation: neural.Linear, Symmetric: true}

var (
	solverNames  = []string{"cg", "ic0", "mg", "dcdm"}
	problemNames = []string{"poisson", "darcy"}
)

type config struct {
	out                string
	full               bool
	problem            string
	grids              []int
	solvers            []string
	train, noSolve     bool
	modelPath          string
	trainGrid          int
	arch               neural.CNNConfig
	noise              float64
	extend             bool
	maxIt              int
	steps, batch, ritz int
	lr                 float64
	seed               uint64
	rtol               float64
	rhs                int
	noFigures          bool
}

func main() { report.Main("dcdm", parseFlags, run) }

// modelName is the file -train writes: model-poisson64.json for the
// committed setting.
func (cfg config) modelName() string {
	return fmt.Sprintf("model-%s%d.json", cfg.problem, cfg.trainGrid)
}

// prefix names the figures of a problem: none for poisson (the committed
// figures), "darcy-" for darcy.
func (cfg config) prefix() string {
	if cfg.problem == "poisson" {
		return ""
	}
	return cfg.problem + "-"
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := report.NewFlags("dcdm", stderr, "test grids 64, 128, 256 (quick: 64, 128)")
	problem := fs.Problem("poisson", "poisson (−Δu) or darcy (−∇·(a∇u), a = exp(GRF): train on one field, test on unseen fields)", nil)
	grid := fs.String("grid", "", "comma-separated test grid sides (overrides -full)")
	solver := fs.Method("", "comma-separated methods", solverNames, "solver")
	train := fs.Bool("train", false, "train a network instead of using the committed one")
	noSolve := fs.Bool("no-solve", false, "with -train: only train and save the model")
	model := fs.String("model", "", "load the network from this file (saved by -train) instead of the committed one")
	trainGrid := fs.Int("train-grid", modelGrid, "side of the training grid")
	channels := fs.Int("channels", modelArch.Channels, "CNN channels")
	levels := fs.Int("levels", modelArch.Levels, "CNN pooling levels without -shared (1 in the paper)")
	act := fs.String("act", modelArch.Activation.String(), "CNN activation: relu, tanh or linear")
	sym := fs.Bool("sym", modelArch.Symmetric, "symmetric NᵀN network (linear activation only)")
	shared := fs.Bool("shared", modelArch.Shared, "one block pair shared by all levels, levels adapted to the grid (-levels ignored)")
	extend := fs.Bool("extend", true, "on grids larger than the training grid, add pooling levels down to a 4² coarsest grid, repeating the trained level that leaves the smallest residual after 20 flexible-CG iterations on a validation right-hand side of that grid (neural.ChooseExtendLevel); false: only the trained levels")
	noise := fs.Float64("noise", 0, "fraction of each training batch drawn as white noise (0: Ritz vectors only, as in the paper)")
	steps := fs.Int("steps", 400, "Adam steps")
	batch := fs.Int("batch", 8, "right-hand sides per Adam step")
	ritz := fs.Int("ritz", 200, "Lanczos steps (Ritz vectors) for the training data")
	lr := fs.Float64("lr", 1e-3, "Adam learning rate")
	seed := fs.Seed(1, "seed of the initialisation, Lanczos start and samples")
	rtol := fs.Float64("rtol", 1e-6, "relative residual target")
	maxIt := fs.MaxIter(20000, "iteration limit of every solve")
	fs.IntVar(maxIt, "maxit", 20000, "same as -maxiter")
	rhs := fs.Int("rhs", 3, "unseen right-hand sides per grid (medians over them are reported)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{out: fs.Out, full: fs.Full, problem: *problem, extend: *extend, maxIt: *maxIt, train: *train, noSolve: *noSolve, modelPath: *model,
		trainGrid: *trainGrid, noise: *noise, steps: *steps, batch: *batch,
		ritz: *ritz, lr: *lr, seed: *seed, rtol: *rtol, rhs: *rhs, noFigures: fs.NoFigures}
	if !slices.Contains(problemNames, cfg.problem) {
		return cfg, fmt.Errorf("-problem: unknown problem %q (want poisson or darcy)", cfg.problem)
	}
	a, err := neural.ParseActivation(*act)
	if err != nil {
		return cfg, err
	}
	cfg.arch = neural.CNNConfig{Channels: *channels, Levels: *levels, Activation: a, Symmetric: *sym, Shared: *shared}
	if cfg.arch.Shared {
		cfg.arch.Levels = 0
	}
	if cfg.grids, err = report.Ints("grid", *grid); err != nil {
		return cfg, err
	}
	if cfg.grids == nil {
		cfg.grids = []int{64, 128}
		if cfg.full {
			cfg.grids = []int{64, 128, 256}
		}
	}
	if cfg.solvers, err = report.Names("method", *solver, solverNames); err != nil {
		return cfg, err
	}
	if cfg.solvers == nil {
		cfg.solvers = solverNames
	}
	switch {
	case cfg.train && cfg.modelPath != "":
		return cfg, fmt.Errorf("-train and -model exclude each other")
	case cfg.noSolve && !cfg.train:
		return cfg, fmt.Errorf("-no-solve needs -train")
	case cfg.steps < 1 || cfg.batch < 1 || cfg.ritz < 1 || cfg.rhs < 1 || cfg.maxIt < 1 || cfg.trainGrid < 2:
		return cfg, fmt.Errorf("-steps, -batch, -ritz, -rhs, -maxiter must be positive and -train-grid at least 2")
	case !(cfg.lr > 0) || !(cfg.rtol > 0 && cfg.rtol < 1):
		return cfg, fmt.Errorf("-lr must be positive and -rtol in (0, 1)")
	case !(cfg.noise >= 0 && cfg.noise <= 1):
		return cfg, fmt.Errorf("-noise must be in [0, 1]")
	case !cfg.train && cfg.modelPath == "" && (cfg.arch != modelArch || cfg.trainGrid != modelGrid):
		return cfg, fmt.Errorf("the committed model is %s trained on %d²; pass -train (or -model) for other settings", modelArch, modelGrid)
	}
	return cfg, nil
}

// Run is one entry of results.json: the medians over the right-hand
// sides of one grid and solver (the worst residual).
type Run struct {
	TrainGrid        int     `json:"train_grid"`
	Grid             int     `json:"grid"`
	Problem          string  `json:"problem"`
	Solver           string  `json:"solver"`
	Iterations       float64 `json:"iterations"`
	Seconds          float64 `json:"seconds"`
	RelativeResidual float64 `json:"relative_residual"`
	RHS              int     `json:"rhs"`
	Fallbacks        int     `json:"fallbacks,omitempty"`
	// Calibration is the choice of the repeated level on a grid larger
	// than the training grid (dcdm with -extend): a one-time cost per
	// grid, like training, not part of Seconds.
	Calibration *Calibration `json:"calibration,omitempty"`
	Error       string       `json:"error,omitempty"`
	history     []float64
}

// Calibration records neural.ChooseExtendLevel on one grid.
type Calibration struct {
	Level int `json:"level"` // the trained level repeated on the extra levels
	Extra int `json:"extra"` // levels added to the trained ones
	// Scores are the relative residuals after Iterations flexible-CG
	// iterations with each trained level repeated.
	Scores     []float64 `json:"scores"`
	Iterations int       `json:"iterations"`
	Seconds    float64   `json:"calibration_seconds"`
}

// Training describes where the network came from.
type Training struct {
	Source     string    `json:"source"` // "trained", "committed" or the -model path
	Problem    string    `json:"problem"`
	Grid       int       `json:"grid"`
	Network    string    `json:"network"`
	Noise      float64   `json:"noise,omitempty"`
	Extend     bool      `json:"extend,omitempty"`
	Parameters int       `json:"parameters"`
	Steps      int       `json:"steps,omitempty"`
	Batch      int       `json:"batch,omitempty"`
	Ritz       int       `json:"ritz_vectors,omitempty"`
	Seconds    float64   `json:"seconds,omitempty"`
	FinalLoss  float64   `json:"final_loss,omitempty"`
	Loss       []float64 `json:"-"`
}

// Results is results.json.
type Results struct {
	Training Training `json:"training"`
	RTol     float64  `json:"rtol"`
	Runs     []Run    `json:"runs"`
}

// matrix returns system k of the problem on the unit square with n×n
// interior nodes: the 5-point −Δ (scaled by 1/h²) for poisson, whatever
// k; for darcy the 5-point −∇·(a∇u) with a = exp(GRF(2.5, 7)) drawn from
// (seed, k) — k = 0 is the training field, k ≥ 1 unseen ones.
func matrix(problem string, n int, seed uint64, k int) (*sparse.CSR, error) {
	g, err := pde.NewGrid(n, n)
	if err != nil {
		return nil, err
	}
	if problem == "poisson" {
		a, _ := pde.Laplacian(g, nil)
		return a, nil
	}
	fam, err := pde.DarcyFamily(n, k+1, seed, pde.DarcyOptions{})
	if err != nil {
		return nil, err
	}
	p, err := fam.Problem(k)
	return p.A, err
}

func run(cfg config, stdout, stderr io.Writer) error {
	net, tr, err := network(cfg, stderr)
	if err != nil {
		return err
	}
	res := Results{Training: tr, RTol: cfg.rtol}
	if cfg.train {
		if err := os.MkdirAll(cfg.out, 0o755); err != nil {
			return err
		}
		if err := neural.SaveFile(filepath.Join(cfg.out, cfg.modelName()), net); err != nil {
			return err
		}
	}
	if cfg.noSolve {
		fmt.Fprintf(stdout, "trained in %.1f s, final loss %.4g; wrote %s\n", tr.Seconds, tr.FinalLoss, filepath.Join(cfg.out, cfg.modelName()))
		return report.WriteJSON(cfg.out, cfg.prefix()+"training.json", tr)
	}
	tab := report.Table{Header: []string{"grid", "solver", "iterations", "vs CG", "seconds", "vs best classical", "rel. residual", "note"}}
	for _, n := range cfg.grids {
		runs, err := solveGrid(cfg, net, n, stderr)
		if err != nil {
			return err
		}
		cg, best := math.NaN(), math.Inf(1)
		for _, r := range runs {
			if r.Solver == "cg" {
				cg = r.Iterations
			}
			if r.Solver != "dcdm" && r.Error == "" {
				best = math.Min(best, r.Seconds)
			}
		}
		for _, r := range runs {
			note := r.Error
			if r.Fallbacks > 0 {
				note = strings.TrimSpace(fmt.Sprintf("%d fallbacks %s", r.Fallbacks, note))
			}
			if c := r.Calibration; c != nil {
				note = strings.TrimSpace(fmt.Sprintf("+%d levels repeating level %d, chosen in %.1f s %s", c.Extra, c.Level, c.Seconds, note))
			}
			vsCG, vsBest := "—", "—"
			if !math.IsNaN(cg) {
				vsCG = fmt.Sprintf("%.2f", r.Iterations/cg)
			}
			if !math.IsInf(best, 1) {
				vsBest = fmt.Sprintf("%.2f×", r.Seconds/best)
			}
			tab.Add(fmt.Sprintf("%d²", n), r.Solver, fmt.Sprintf("%.0f", r.Iterations), vsCG,
				fmt.Sprintf("%.4f", r.Seconds), vsBest, fmt.Sprintf("%.2g", r.RelativeResidual), note)
		}
		res.Runs = append(res.Runs, runs...)
	}
	fmt.Fprintf(stdout, "problem: %s; network: %s %s, trained on %d² %s, %d parameters", cfg.problem, tr.Source, tr.Network, tr.Grid, tr.Problem, tr.Parameters)
	if tr.Seconds > 0 {
		fmt.Fprintf(stdout, ", trained in %.1f s (final batch loss %.4g)", tr.Seconds, tr.FinalLoss)
	}
	fmt.Fprintf(stdout, "\nmedians over %d unseen right-hand sides, rtol %g; \"vs best classical\" divides by the fastest of cg, ic0, mg\n\n", cfg.rhs, cfg.rtol)
	if err := tab.Write(stdout); err != nil {
		return err
	}
	if err := report.WriteResults(cfg.out, cfg.prefix(), res); err != nil {
		return err
	}
	if !cfg.noFigures {
		if err := draw(cfg, res); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", filepath.Join(cfg.out, cfg.prefix()+"results.json"))
	return nil
}

// network trains, loads or decodes the committed CNN.
func network(cfg config, stderr io.Writer) (*neural.CNN, Training, error) {
	net, err := neural.NewCNN(cfg.arch, cfg.seed)
	if err != nil {
		return nil, Training{}, err
	}
	tr := Training{Problem: "poisson", Grid: cfg.trainGrid, Network: cfg.arch.String(), Parameters: neural.NumParams(net), Extend: cfg.extend}
	switch {
	case cfg.modelPath != "":
		tr.Source = cfg.modelPath
		if err := neural.LoadFile(cfg.modelPath, net); err != nil {
			return nil, tr, fmt.Errorf("%s: %w (was it trained as %s? set -channels, -levels, -act, -sym to match)", cfg.modelPath, err, cfg.arch)
		}
		return net, tr, nil
	case !cfg.train:
		tr.Source = "committed"
		return net, tr, neural.Load(bytes.NewReader(embeddedModel), net)
	}
	tr.Source, tr.Steps, tr.Batch, tr.Ritz, tr.Noise = "trained", cfg.steps, cfg.batch, cfg.ritz, cfg.noise
	tr.Problem = cfg.problem
	a, err := matrix(cfg.problem, cfg.trainGrid, cfg.seed, 0)
	if err != nil {
		return nil, tr, err
	}
	fmt.Fprintf(stderr, "dcdm: Lanczos, %d steps on the %d² %s matrix …\n", cfg.ritz, cfg.trainGrid, cfg.problem)
	_, vecs, err := linsolve.Lanczos(a, min(cfg.ritz, a.Dim()), nil, cfg.seed)
	if err != nil {
		return nil, tr, err
	}
	sampler, err := neural.NewRitzSampler(vecs, 0.5, 9, cfg.seed)
	if err != nil {
		return nil, tr, err
	}
	out, err := neural.TrainDCDM(net, a, cfg.trainGrid, cfg.trainGrid, sampler, &neural.DCDMSettings{
		Steps: cfg.steps, Batch: cfg.batch, LR: cfg.lr, Noise: cfg.noise,
		Progress: func(step int, loss float64) {
			if step%100 == 0 || step == cfg.steps {
				fmt.Fprintf(stderr, "dcdm:   step %d, batch loss %.4g\n", step, loss)
			}
		},
	})
	tr.Seconds, tr.Loss = out.Runtime.Seconds(), out.Loss
	if len(out.Loss) > 0 {
		tr.FinalLoss = out.Loss[len(out.Loss)-1]
	}
	return net, tr, err
}

// solveGrid solves cfg.rhs seeded right-hand sides on n×n systems of the
// problem (for darcy, right-hand side k on the unseen field k+1) with
// every solver.
func solveGrid(cfg config, net *neural.CNN, n int, stderr io.Writer) ([]Run, error) {
	mats := make([]*sparse.CSR, cfg.rhs)
	for k := range mats {
		var err error
		if mats[k], err = matrix(cfg.problem, n, cfg.seed, k+1); err != nil {
			return nil, err
		}
	}
	rhs := make([][]float64, cfg.rhs)
	for k := range rhs {
		rnd := rand.New(rand.NewPCG(cfg.seed+1000, uint64(n*100+k)))
		b := make([]float64, n*n)
		for i := range b {
			b[i] = rnd.NormFloat64()
		}
		rhs[k] = b
	}
	var cal *Calibration
	if slices.Contains(cfg.solvers, "dcdm") {
		var err error
		if cal, err = calibrate(cfg, net, n, stderr); err != nil {
			return nil, err
		}
	}
	var runs []Run
	for _, name := range solverNames {
		if !slices.Contains(cfg.solvers, name) {
			continue
		}
		fmt.Fprintf(stderr, "dcdm: %d², %s …\n", n, name)
		r := Run{TrainGrid: cfg.trainGrid, Grid: n, Problem: cfg.problem, Solver: name, RHS: cfg.rhs}
		var its, secs []float64
		for k, b := range rhs {
			a := mats[k]
			// The setup (factorisation, hierarchy) is part of the time.
			start := time.Now()
			var h linsolve.History
			x := make([]float64, len(b))
			set := &linsolve.Settings{RelTol: cfg.rtol, MaxIter: cfg.maxIt}
			if k == 0 {
				set.Monitor = h.Record
			}
			var method linsolve.Method = &linsolve.CG{}
			switch name {
			case "ic0":
				p, err := linsolve.NewIC0(a, nil)
				if err != nil {
					return nil, err
				}
				set.Preconditioner = p
			case "mg":
				p, err := linsolve.NewMultigrid(a, []int{n, n}, nil)
				if err != nil {
					return nil, err
				}
				set.Preconditioner = p
			case "dcdm":
				p, err := net.Preconditioner(n, n)
				if err != nil {
					return nil, err
				}
				set.Preconditioner = p
				method = &linsolve.FCG{}
			}
			res, err := method.Solve(x, a, b, set)
			secs = append(secs, time.Since(start).Seconds())
			its = append(its, float64(res.Iterations))
			r.RelativeResidual = math.Max(r.RelativeResidual, res.RelativeResidual)
			r.Fallbacks += res.Stats.Fallbacks
			if err != nil && r.Error == "" {
				r.Error = err.Error()
			}
			if k == 0 {
				r.history = h.Residuals
			}
		}
		if name == "dcdm" {
			r.Calibration = cal
		}
		r.Iterations, r.Seconds = report.Median(its), report.Median(secs)
		fmt.Fprintf(stderr, "dcdm:   %.0f iterations, %.3f s\n", r.Iterations, r.Seconds)
		runs = append(runs, r)
	}
	return runs, nil
}

// calibrateIters is the number of flexible-CG iterations that score a
// candidate extension level.
const calibrateIters = 20

// calibrate prepares the network for an n×n grid: with -extend and a grid
// beyond the trained levels, it picks the repeated level by the relative
// residual left after calibrateIters flexible-CG iterations on a
// validation right-hand side — seeded N(0, 1) like the test ones but from
// another stream, on that grid's matrix (for darcy the training field's
// draw at that size, never a test field); otherwise it runs the trained
// levels only and returns nil.
func calibrate(cfg config, net *neural.CNN, n int, stderr io.Writer) (*Calibration, error) {
	net.Extend = false
	if !cfg.extend || net.Shared {
		return nil, nil
	}
	extra := net.ExtraLevels(n, n)
	if extra == 0 {
		return nil, nil
	}
	start := time.Now()
	a, err := matrix(cfg.problem, n, cfg.seed, 0)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "dcdm: %d², choosing the repeated level (%d flexible-CG iterations per level) …\n", n, calibrateIters)
	rnd := rand.New(rand.NewPCG(cfg.seed+2000, uint64(n)))
	b := make([]float64, n*n)
	for i := range b {
		b[i] = rnd.NormFloat64()
	}
	p, err := net.Preconditioner(n, n)
	if err != nil {
		return nil, err
	}
	x := make([]float64, n*n)
	scores, err := neural.ChooseExtendLevel(net, n, n, func() float64 {
		clear(x)
		res, _ := (&linsolve.FCG{}).Solve(x, a, b, &linsolve.Settings{RelTol: 1e-300, MaxIter: calibrateIters, Preconditioner: p})
		return res.RelativeResidual
	})
	if err != nil {
		return nil, err
	}
	cal := &Calibration{Level: net.ExtendLevel, Extra: extra, Scores: scores, Iterations: calibrateIters, Seconds: time.Since(start).Seconds()}
	fmt.Fprintf(stderr, "dcdm:   level %d repeated %d× (residuals %.3g), %.1f s\n", cal.Level, extra, scores, cal.Seconds)
	return cal, nil
}

func draw(cfg config, res Results) error {
	for _, n := range cfg.grids {
		var series []figures.Series
		for _, r := range res.Runs {
			if r.Grid != n || len(r.history) == 0 {
				continue
			}
			y := make([]float64, len(r.history))
			for i, v := range r.history {
				y[i] = v / r.history[0]
			}
			series = append(series, figures.Series{Label: r.Solver, Y: y})
		}
		if len(series) > 0 {
			if err := figures.Convergence(filepath.Join(cfg.out, fmt.Sprintf("%shistory-%d.png", cfg.prefix(), n)),
				fmt.Sprintf("%s %d²: relative residual (DCDM trained on %d²)", cfg.problem, n, cfg.trainGrid), series); err != nil {
				return err
			}
		}
	}
	var its []figures.Series
	for _, name := range cfg.solvers {
		s := figures.Series{Label: name}
		for _, r := range res.Runs {
			if r.Solver == name {
				s.X = append(s.X, float64(r.Grid))
				s.Y = append(s.Y, r.Iterations)
			}
		}
		if len(s.X) > 0 {
			its = append(its, s)
		}
	}
	if len(cfg.grids) > 1 && len(its) > 0 {
		if err := figures.Lines(filepath.Join(cfg.out, cfg.prefix()+"iterations.png"), "iterations to rtol vs grid side", "grid side n (n² unknowns)",
			"iterations (median)", its, true); err != nil {
			return err
		}
	}
	if len(res.Training.Loss) > 0 {
		return figures.Lines(filepath.Join(cfg.out, cfg.prefix()+"training-loss.png"), "DCDM training loss (batch mean)", "Adam step", "loss",
			[]figures.Series{{Label: "loss", Y: res.Training.Loss}}, true)
	}
	return nil
}
