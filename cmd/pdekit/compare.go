package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/pdekit/pdekit/internal/figures"
	"github.com/pdekit/pdekit/krylov"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/sparse"
)

// compareRow is one method × preconditioner run of pdekit compare.
type compareRow struct {
	Method           string    `json:"method"`
	Preconditioner   string    `json:"preconditioner"`
	Iterations       int       `json:"iterations"`
	SetupSeconds     float64   `json:"setup_seconds"`
	SolveSeconds     float64   `json:"solve_seconds"`
	Seconds          float64   `json:"seconds"`
	RelativeResidual float64   `json:"relative_residual"`
	Reason           string    `json:"reason"`
	Converged        bool      `json:"converged"`
	Error            string    `json:"error,omitempty"`
	History          []float64 `json:"residual_history"`
}

// compareCandidates lists the method × preconditioner pairs compare runs:
// the Krylov methods that fit the matrix (CG and its preconditioners for
// a symmetric matrix, GMRES and BiCGStab for any) and the direct solve.
// "amg-evo" is smoothed-aggregation AMG with the evolution strength
// measure on every level, "amg-rs" AMG with classical (Ruge–Stüben) coarsening and
// "amg-rs2" the same with two aggressively coarsened levels.
func compareCandidates(symmetric, grid bool) [][2]string {
	var c [][2]string
	if symmetric {
		pcs := []string{"none", "jacobi", "ssor", "ic0", "amg", "amg-evo", "amg-rs", "amg-rs2"}
		if grid {
			pcs = append(pcs, "mg")
		}
		for _, pc := range pcs {
			c = append(c, [2]string{"cg", pc})
		}
		c = append(c, [2]string{"gmres", "ilu0"})
	} else {
		for _, m := range []string{"gmres", "bicgstab"} {
			for _, pc := range []string{"none", "jacobi", "ilu0", "ilut", "amg"} {
				c = append(c, [2]string{m, pc})
			}
		}
	}
	return append(c, [2]string{"direct", "none"})
}

// compareCmd runs every applicable method × preconditioner on the user's
// system and prints them ranked: converged runs by total time, then the
// others by their final residual.
func compareCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pdekit compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	aPath := fs.String("A", "", "matrix A (Matrix Market, required)")
	bPath := fs.String("b", "", "right-hand side b (Matrix Market n×1); omitted means b = A·1")
	rtol := fs.Float64("rtol", 1e-8, "relative tolerance on the true residual")
	maxit := fs.Int("maxiter", 2000, "iteration limit of each Krylov run")
	fs.IntVar(maxit, "maxit", 2000, "same as -maxiter")
	gridFlag := fs.String("grid", "", "grid of the matrix, N, NxN or NxNxN interior nodes: adds CG with geometric multigrid")
	figure := fs.String("figure", "", "write the residual histories to this PNG (relative residual against iteration)")
	asJSON := fs.Bool("json", false, "print the ranked runs as JSON, with their residual histories")
	if err := parseArgs(fs, "compare", args); err != nil {
		return err
	}
	switch {
	case *aPath == "":
		return errUsage{errors.New("compare: -A is required")}
	case !(*rtol > 0 && *rtol < 1):
		return errUsage{fmt.Errorf("compare: -rtol %v must be in (0, 1)", *rtol)}
	case *maxit < 1:
		return errUsage{errors.New("compare: -maxiter must be positive")}
	}
	dims, err := parseGrid(*gridFlag)
	if err != nil {
		return errUsage{err}
	}
	a, b, err := readSystem(*aPath, *bPath)
	if err != nil {
		return err
	}
	if !allFinite(b) {
		return fmt.Errorf("%w: b has NaN or infinite entries", sparse.ErrNotFinite)
	}
	// The tolerance of CG's own test (relative 1e-10): an assembled
	// matrix whose mirrored entries differ in the last bit, as finite
	// elements summed in another order give, is symmetric for CG.
	_, _, symmetric := a.Asymmetry(1e-10)
	bnorm := floats.Norm(b, 2)
	if bnorm == 0 {
		bnorm = 1 // b = 0: absolute residuals
	}
	var rows []compareRow
	for _, c := range compareCandidates(symmetric, dims != nil) {
		rows = append(rows, compareOne(a, b, c[0], c[1], dims, *rtol, *maxit, bnorm))
	}
	slices.SortStableFunc(rows, func(p, q compareRow) int {
		switch {
		case p.Converged != q.Converged:
			if p.Converged {
				return -1
			}
			return 1
		case p.Converged:
			return cmp.Compare(p.Seconds, q.Seconds)
		}
		return cmp.Compare(p.RelativeResidual, q.RelativeResidual)
	})
	if *figure != "" {
		var series []figures.Series
		for _, r := range rows {
			if len(r.History) > 1 {
				y := make([]float64, len(r.History))
				for i, v := range r.History {
					y[i] = v / bnorm
				}
				series = append(series, figures.Series{Label: r.Method + "/" + r.Preconditioner, Y: y})
			}
		}
		n, _ := a.Dims()
		if err := figures.Convergence(*figure, fmt.Sprintf("%s, n = %d", filepath.Base(*aPath), n), series); err != nil {
			return fmt.Errorf("compare: figure: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	n, _ := a.Dims()
	kind := "nonsymmetric"
	if symmetric {
		kind = "symmetric"
	}
	fmt.Fprintf(stdout, "%s: n = %d, nnz = %d, %s; rtol %g, at most %d iterations\n\n", *aPath, n, a.NNZ(), kind, *rtol, *maxit)
	fmt.Fprintf(stdout, "%4s  %-8s %-7s %10s %9s %9s %9s %12s  %s\n", "rank", "method", "pc", "iterations", "setup s", "solve s", "total s", "true rel res", "reason")
	for k, r := range rows {
		reason := r.Reason
		if r.Error != "" {
			reason += ": " + r.Error
		}
		fmt.Fprintf(stdout, "%4d  %-8s %-7s %10d %9.3f %9.3f %9.3f %12.3e  %s\n", k+1, r.Method, r.Preconditioner,
			r.Iterations, r.SetupSeconds, r.SolveSeconds, r.Seconds, r.RelativeResidual, reason)
	}
	return nil
}

// compareOne builds the preconditioner (timed as setup) and solves once,
// recording the residual history; a failed setup is a row with reason
// SETUP_FAILED.
func compareOne(a *sparse.CSR, b []float64, method, pcName string, dims []int, rtol float64, maxit int, bnorm float64) compareRow {
	// Until a solve runs, x = 0 and its residual is b.
	row := compareRow{Method: method, Preconditioner: pcName, RelativeResidual: 1, History: []float64{}}
	m, err := krylov.NewMethod(method, nil)
	if err != nil {
		row.Reason, row.Error = "SETUP_FAILED", oneLine(err)
		return row
	}
	if d, ok := m.(*linsolve.Direct); ok {
		d.Settings = &direct.Settings{MaxNNZ: factorLimit()}
	}
	opts := &linsolve.PreconditionerOptions{Grid: dims}
	name := pcName
	switch pcName {
	case "amg-evo":
		name, opts.AMG = "amg", &linsolve.AMGSettings{Strength: linsolve.AMGEvolutionStrength}
	case "amg-rs":
		name, opts.AMG = "amg", &linsolve.AMGSettings{Coarsening: linsolve.AMGClassical}
	case "amg-rs2":
		name, opts.AMG = "amg", &linsolve.AMGSettings{Coarsening: linsolve.AMGClassical, Aggressive: 2}
	}
	t0 := time.Now()
	pc, err := linsolve.NewPreconditioner(name, a, opts)
	row.SetupSeconds = time.Since(t0).Seconds()
	if err != nil {
		row.Reason, row.Error = "SETUP_FAILED", oneLine(err)
		row.Seconds = row.SetupSeconds
		return row
	}
	var hist linsolve.History
	x := make([]float64, len(b))
	set := &linsolve.Settings{RelTol: rtol, MaxIter: maxit, Preconditioner: pc, Monitor: hist.Record, SkipSymmetryCheck: symmetryTested(pc)}
	t1 := time.Now()
	res, err := m.Solve(x, a, b, set)
	row.SolveSeconds = time.Since(t1).Seconds()
	row.Seconds = row.SetupSeconds + row.SolveSeconds
	row.Iterations, row.Reason, row.Converged = res.Iterations, res.Reason.String(), err == nil
	row.History = append(row.History, hist.Residuals...)
	// The true relative residual of the returned x, whatever the method
	// tracked.
	r := make([]float64, len(b))
	a.MulVecTo(r, x)
	floats.Sub(r, b)
	row.RelativeResidual = floats.Norm(r, 2) / bnorm
	if math.IsNaN(row.RelativeResidual) || math.IsInf(row.RelativeResidual, 0) {
		row.RelativeResidual = math.MaxFloat64 // b = 0, or x not finite: never ranked ahead
	}
	if err != nil {
		row.Error = oneLine(err)
	}
	return row
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
