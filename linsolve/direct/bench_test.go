package direct

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkCholesky times ordering + symbolic + numeric factorization
// (NewCholesky), the numeric phase alone (Factor) and one solve with
// refinement on the 2D 5-point Laplacian.
func BenchmarkCholesky(b *testing.B) {
	for _, n := range []int{128, 512} {
		a := grid([]int{n, n}, 0)
		rhsv := rhs(a.Dim())
		x := make([]float64, a.Dim())
		for _, o := range []Ordering{NestedDissection, MinimumDegree} {
			b.Run(fmt.Sprintf("%d²/%v/new", n, o), func(b *testing.B) {
				for b.Loop() {
					if _, err := NewCholesky(a, &Settings{Ordering: o}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		c, err := NewCholesky(a, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%d²/order", n), func(b *testing.B) {
			for b.Loop() {
				Order(a, NestedDissection)
			}
		})
		b.Run(fmt.Sprintf("%d²/factor", n), func(b *testing.B) {
			for b.Loop() {
				if err := c.Factor(a); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%d²/solve", n), func(b *testing.B) {
			for b.Loop() {
				if err := c.SolveTo(x, rhsv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLU times the LU factorization of 2D convection–diffusion.
func BenchmarkLU(b *testing.B) {
	for _, n := range []int{128, 512} {
		a := grid([]int{n, n}, 10)
		b.Run(fmt.Sprintf("%d²", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewLU(a, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSolveMany times 32 right-hand sides on the 512² Laplacian:
// one blocked SolveManyTo against 32 SolveTo calls (both refine once).
func BenchmarkSolveMany(b *testing.B) {
	const n, k = 512, 32
	a := grid([]int{n, n}, 0)
	c, err := NewCholesky(a, nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rhsm := mat.NewDense(a.Dim(), k, nil)
	for i := range a.Dim() {
		for j := range k {
			rhsm.Set(i, j, rng.NormFloat64())
		}
	}
	x := mat.NewDense(a.Dim(), k, nil)
	b.Run("blocked", func(b *testing.B) {
		for b.Loop() {
			if err := c.SolveManyTo(x, rhsm); err != nil {
				b.Fatal(err)
			}
		}
	})
	cols := make([][]float64, k)
	for j := range k {
		cols[j] = mat.Col(nil, j, rhsm)
	}
	xc := make([]float64, a.Dim())
	b.Run("columns", func(b *testing.B) {
		for b.Loop() {
			for j := range k {
				if err := c.SolveTo(xc, cols[j]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
