// Command cgbench times one CG solve on the 2D 5-point Poisson problem of
// shared/bench/ccg.c (b = A·u for the manufactured u, rtol 1e-8, zero
// start), so that pdekit and the C reference can be run side by side in
// one sitting:
//
//	go run ./cmd/cgbench -grid 1024 -pc none   # compare with ccg 1024
//	go run ./cmd/cgbench -grid 1024 -pc mg     # multigrid-preconditioned CG
//
// It prints one line in the format of ccg.c, with the preconditioner
// setup time apart.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
)

func main() {
	n := flag.Int("grid", 1024, "interior nodes per dimension")
	pcName := flag.String("pc", "none", "preconditioner: "+strings.Join(linsolve.PreconditionerNames, ", "))
	flag.Parse()
	if _, err := run(*n, *pcName); err != nil {
		fmt.Fprintln(os.Stderr, "cgbench:", err)
		os.Exit(1)
	}
}

// run solves and prints; it returns the relative error against u, which
// is the exact solution of the discrete system here.
func run(N int, pcName string) (float64, error) {
	g, err := pde.NewGrid(N, N)
	if err != nil {
		return 0, err
	}
	a, _ := pde.Laplacian(g, nil)
	u := g.Sample(pde.PolyExpSine(2).U)
	b := make([]float64, len(u))
	a.MulVecTo(b, u)
	x := make([]float64, len(u))
	t0 := time.Now()
	pc, err := linsolve.NewPreconditioner(pcName, a, &linsolve.PreconditionerOptions{Grid: g.N})
	if err != nil {
		return 0, err
	}
	setup := time.Since(t0)
	t1 := time.Now()
	res, err := (&linsolve.CG{}).Solve(x, a, b, &linsolve.Settings{RelTol: 1e-8, Preconditioner: pc})
	solve := time.Since(t1)
	if err != nil {
		return 0, err
	}
	var e, nu float64
	for i := range x {
		e += (x[i] - u[i]) * (x[i] - u[i])
		nu += u[i] * u[i]
	}
	fmt.Printf("Go CG/%s N=%d n=%d iters=%d time=%.3fs setup=%.3fs total=%.3fs per-iter=%.3fms relerr=%.2e\n",
		pcName, N, len(u), res.Iterations, solve.Seconds(), setup.Seconds(), (setup + solve).Seconds(),
		solve.Seconds()/float64(res.Iterations)*1e3, math.Sqrt(e/nu))
	return math.Sqrt(e / nu), nil
}
