package linsolve

import (
	"fmt"
	"testing"

	"github.com/pdekit/pdekit/internal/parallel"
	"github.com/pdekit/pdekit/internal/vec"
)

// BenchmarkCG times CG iterations on the 2D Laplacian (compare with
// shared/bench/ccg.c, which runs the same iteration in C). Each benchmark
// op is a fixed number of iterations, so ns/op divided by iters is the cost
// per iteration.
func BenchmarkCG(b *testing.B) {
	for _, N := range []int{256, 1024} {
		a := laplace2D(N, [2]float64{})
		rhs := make([]float64, a.Dim())
		for i := range rhs {
			rhs[i] = 1
		}
		x := make([]float64, a.Dim())
		for _, pc := range []string{"none", "ic0"} {
			p, err := NewPreconditioner(pc, a, nil)
			if err != nil {
				b.Fatal(err)
			}
			const iters = 50
			b.Run(fmt.Sprintf("n=%d/pc=%s", N*N, pc), func(b *testing.B) {
				var cg CG
				s := &Settings{MaxIter: iters, Preconditioner: p}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					res, _ := cg.Solve(x, a, rhs, s)
					if res.Iterations != iters {
						b.Fatalf("ran %d iterations", res.Iterations)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*iters)/1e6, "ms/iter")
			})
		}
	}
}

// BenchmarkMGPCG times multigrid-preconditioned CG on the 2D Laplacian,
// setup (the Galerkin hierarchy) and solve to rtol 1e-8 together, the
// quantity compared with shared/bench/ccg.c and PETSc + BoomerAMG.
func BenchmarkMGPCG(b *testing.B) {
	for _, N := range []int{256, 1024} {
		a := laplace2D(N, [2]float64{})
		rhs := onesRHS(a.Dim())
		x := make([]float64, a.Dim())
		b.Run(fmt.Sprintf("n=%d", N*N), func(b *testing.B) {
			var cg CG
			b.ReportAllocs()
			var iters int
			for range b.N {
				mg, err := NewMultigrid(a, []int{N, N}, nil)
				if err != nil {
					b.Fatal(err)
				}
				res, err := cg.Solve(x, a, rhs, &Settings{Preconditioner: mg})
				if err != nil {
					b.Fatal(err)
				}
				iters = res.Iterations
			}
			b.ReportMetric(float64(iters), "iters")
		})
	}
}

// BenchmarkKernels compares the row kernels on one and on two goroutines
// (the measurement behind parallelRows).
func BenchmarkKernels(b *testing.B) {
	for _, N := range []int{64, 128, 256, 512, 1024} {
		a := laplace2D(N, [2]float64{})
		x := onesRHS(a.Dim())
		y := make([]float64, a.Dim())
		for _, par := range []bool{false, true} {
			b.Run(fmt.Sprintf("mulvec/n=%d/parallel=%v", N*N, par), func(b *testing.B) {
				var k kernels
				for range b.N {
					if par {
						k.t = rowTask{kind: kMul, a: a, dst: y, x: x}
						if k.job == nil {
							k.run(1 << 30) // creates the job
							continue
						}
						parallel.Run2(k.job)
					} else {
						k.t = rowTask{kind: kMul, a: a, dst: y, x: x}
						k.t.Run(0, 1)
					}
				}
			})
		}
	}
}

// BenchmarkApplyDots times IC(0) and SSOR on the 80² Laplacian with forty
// dot products of the result (recycled CG's deflation coefficients):
// Apply, Apply followed by vec.MDot over the forty columns, and ApplyDots.
func BenchmarkApplyDots(b *testing.B) {
	const k = 40
	a := laplace2D(80, [2]float64{})
	n := a.Dim()
	ic, err := NewIC0(a, nil)
	if err != nil {
		b.Fatal(err)
	}
	ssor, err := NewSSORPreconditioner(a, 0)
	if err != nil {
		b.Fatal(err)
	}
	r, z, dots := onesRHS(n), make([]float64, n), make([]float64, k)
	w := make([]float64, n*k)
	cols := make([][]float64, k)
	for l := range cols {
		cols[l] = make([]float64, n)
	}
	for i := range w {
		w[i] = float64(i%13) - 6
		cols[i%k][i/k] = w[i]
	}
	for _, c := range []struct {
		name string
		p    interface {
			Preconditioner
			ApplyDots(dst, r, w, dots []float64)
		}
	}{{"ic0", ic}, {"ssor", ssor}} {
		b.Run(c.name+"/apply", func(b *testing.B) {
			for b.Loop() {
				c.p.Apply(z, r)
			}
		})
		b.Run(c.name+"/apply+mdot", func(b *testing.B) {
			for b.Loop() {
				c.p.Apply(z, r)
				vec.MDot(dots, cols, z)
			}
		})
		b.Run(c.name+"/applydots", func(b *testing.B) {
			for b.Loop() {
				c.p.ApplyDots(z, r, w, dots)
			}
		})
	}
}
