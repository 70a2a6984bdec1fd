package main

import (
	"math"

	"github.com/pdekit/pdekit/gp"
)

// problem is one row of GP-HM's benchmark table (Fang et al. 2024,
// Table 1; ../shared/reference/gp_hm.md): the PDE, its exact solution and
// the grid, with the authors' logged best relative L2 errors.
type problem struct {
	name  string
	u     func(x []float64) float64
	p     gp.Problem
	paper map[string]float64 // method → logged error
	quick bool               // in the default run
}

func sin(x float64) float64 { return math.Sin(x) }
func cos(x float64) float64 { return math.Cos(x) }

// sinCos200 returns sin 200x and cos 200x with the rounding of the
// product 200·x corrected (math.FMA gives its error exactly), so that
// they are accurate to a few units in the last place: near x = 2π the
// rounded product alone moves the argument by up to 1.4e-13, which
// perturbs f = 400 cos 200x − 4·10⁴ x sin 200x by up to 3.5e-8.
func sinCos200(x float64) (s, c float64) {
	p := 200 * x
	e := math.FMA(200, x, -p)
	s, c = math.Sincos(p)
	return s + e*c, c - e*s
}

// allenCahn is n(u) = u³ − u with its derivative.
func allenCahn(u float64) (float64, float64) { return u*u*u - u, 3*u*u - 1 }

func axes1(lo, hi float64, n int) []gp.Axis { return []gp.Axis{{Lo: lo, Hi: hi, N: n}} }
func axes2(lo, hi float64, n int) []gp.Axis {
	return []gp.Axis{{Lo: lo, Hi: hi, N: n}, {Lo: lo, Hi: hi, N: n}}
}
func paper(gm, stm, se float64) map[string]float64 {
	return map[string]float64{"gp-hm-gm": gm, "gp-hm-stm": stm, "gp-se": se}
}

// poisson1d returns the 1D Poisson row u″ = f for u with second derivative u2.
func poisson1d(name string, u, u2 func(float64) float64, lo, hi float64, n int, ref map[string]float64, quick bool) problem {
	return problem{name: name, u: func(x []float64) float64 { return u(x[0]) }, paper: ref, quick: quick,
		p: gp.Problem{Axes: axes1(lo, hi, n), Ops: []gp.Op1D{{A2: 1}},
			F: func(x []float64) float64 { return u2(x[0]) },
			G: func(x []float64) float64 { return u(x[0]) }}}
}

func allenCahn1d(name string, u, u2 func(float64) float64, lo, hi float64, n int, ref map[string]float64, quick bool) problem {
	pr := poisson1d(name, u, u2, lo, hi, n, ref, quick)
	pr.p.F = func(x []float64) float64 { v := u(x[0]); return u2(x[0]) + v*v*v - v }
	pr.p.Nonlinear = allenCahn
	return pr
}

func problems() []problem {
	s6c100 := func(x float64) float64 { return sin(6*x) * cos(100*x) }
	// sin 6x·cos 100x = (sin 106x − sin 94x)/2.
	s6c100xx := func(x float64) float64 { return 0.5 * (-106*106*sin(106*x) + 94*94*sin(94*x)) }
	s100 := func(x float64) float64 { return sin(100 * x) }
	s100xx := func(x float64) float64 { return -1e4 * sin(100*x) }
	twoPi := 2 * math.Pi

	// 2D rows.
	g := func(x float64) float64 { return sin(6*x) * cos(20*x) } // (sin 26x − sin 14x)/2
	gxx := func(x float64) float64 { return 0.5 * (-676*sin(26*x) + 196*sin(14*x)) }
	h := func(x float64) float64 { return sin(x) + 0.1*sin(20*x) + cos(100*x) }
	hxx := func(x float64) float64 { return -sin(x) - 40*sin(20*x) - 1e4*cos(100*x) }

	return []problem{
		poisson1d("poisson1d-sin100x", s100, s100xx, 0, twoPi, 400, paper(4.0e-7, 6.5e-7, 1.5e-3), true),
		poisson1d("poisson1d-sin6xcos100x", s6c100, s6c100xx, 0, twoPi, 400, paper(1.5e-6, 1.1e-6, 2.7e-4), true),
		poisson1d("poisson1d-xsin200x",
			func(x float64) float64 { s, _ := sinCos200(x); return x * s },
			func(x float64) float64 { s, c := sinCos200(x); return 400*c - 4e4*x*s }, 0, twoPi, 900, paper(1.6e-6, 9.0e-7, 2.8e-2), false),
		poisson1d("poisson1d-multiscale",
			func(x float64) float64 { return sin(x) + 0.1*sin(20*x) + 0.05*sin(100*x) },
			func(x float64) float64 { return -sin(x) - 40*sin(20*x) - 500*sin(100*x) }, 0, 1, 900, paper(3.5e-4, 5.5e-4, 0.17), false),
		poisson1d("poisson1d-sin500x",
			func(x float64) float64 { return sin(500*x) - 2*(x-0.5)*(x-0.5) },
			func(x float64) float64 { return -25e4*sin(500*x) - 4 }, 0, 1, 400, paper(1.8e-3, 4.2e-4, 0.98), true),
		allenCahn1d("allencahn1d-sin100x", s100, s100xx, 0, twoPi, 400, paper(7.7e-7, 1.8e-6, 2.7e-3), true),
		allenCahn1d("allencahn1d-sin6xcos100x", s6c100, s6c100xx, 0, twoPi, 400, paper(9.0e-7, 8.2e-7, 2.6e-3), false),
		{name: "poisson2d-sin100xsin100y", paper: paper(6.5e-5, 6.9e-5, 1.0),
			u: func(x []float64) float64 { return s100(x[0]) * s100(x[1]) },
			p: gp.Problem{Axes: axes2(0, twoPi, 400), Ops: []gp.Op1D{{A2: 1}, {A2: 1}},
				F: func(x []float64) float64 { return -2e4 * s100(x[0]) * s100(x[1]) },
				G: func(x []float64) float64 { return s100(x[0]) * s100(x[1]) }}},
		{name: "poisson2d-sin6xcos20x", paper: paper(1.1e-3, 2.2e-4, 0.95), quick: true,
			u: func(x []float64) float64 { return g(x[0]) + g(x[1]) },
			p: gp.Problem{Axes: axes2(0, twoPi, 200), Ops: []gp.Op1D{{A2: 1}, {A2: 1}},
				F: func(x []float64) float64 { return gxx(x[0]) + gxx(x[1]) },
				G: func(x []float64) float64 { return g(x[0]) + g(x[1]) }}},
		{name: "allencahn2d", paper: paper(2.6e-3, 5.7e-3, 0.34),
			u: func(x []float64) float64 { return h(x[0]) * h(x[1]) },
			p: gp.Problem{Axes: axes2(0, 1, 400), Ops: []gp.Op1D{{A2: 1}, {A2: 1}}, Nonlinear: allenCahn,
				F: func(x []float64) float64 {
					u := h(x[0]) * h(x[1])
					return hxx(x[0])*h(x[1]) + h(x[0])*hxx(x[1]) + u*u*u - u
				},
				G: func(x []float64) float64 { return h(x[0]) * h(x[1]) }}},
		{name: "advection", paper: paper(1.4e-3, 1.4e-4, 1.2e-2), quick: true,
			// Axes (x, t): u_t + 200·u_x = 0, u = sin(x − 200t).
			u: func(x []float64) float64 { return sin(x[0] - 200*x[1]) },
			p: gp.Problem{Axes: axes2(0, 1, 200), Ops: []gp.Op1D{{A1: 200}, {A1: 1}},
				F: func(x []float64) float64 { return 0 },
				G: func(x []float64) float64 { return sin(x[0] - 200*x[1]) }}},
	}
}
