package pde

import "math"

// Manufactured is a smooth function with its exact gradient and
// Laplacian, from which the right-hand side of any of the operators in this
// package follows in closed form (the method of manufactured solutions;
// Roache 2002).
type Manufactured struct {
	Name string
	Dim  int
	// U returns u(x).
	U func(x []float64) float64
	// Grad writes ∇u(x) into g (len Dim).
	Grad func(x, g []float64)
	// Lap returns Δu(x).
	Lap func(x []float64) float64
}

// PolyExpSine returns u = Π_k x_k(1−x_k) · exp(q(x)) · sin(5πx₀) on the
// unit box, with q = Π_k x_k in 2D and 3D and q = x₀ in 1D. In 2D it is
// x(1−x)y(1−y)e^{xy}sin(5πx), the solution used by shared/bench/ccg.c. It
// vanishes on the boundary and is not an eigenfunction of the discrete
// Laplacian, so a discretisation error of exactly O(h²) is visible.
func PolyExpSine(d int) Manufactured {
	checkDim(d)
	// factors returns P, E, S and their first and (pure) second
	// derivatives along each dimension.
	eval := func(x []float64, grad []float64) (u, lap float64) {
		var p, q float64 = 1, 1
		for _, v := range x {
			p *= v * (1 - v)
			q *= v
		}
		if d == 1 {
			q = x[0]
		}
		E := math.Exp(q)
		S := math.Sin(5 * math.Pi * x[0])
		S0 := 5 * math.Pi * math.Cos(5*math.Pi*x[0])
		S00 := -25 * math.Pi * math.Pi * S
		u = p * E * S
		for k := range d {
			// Products over j ≠ k.
			pk, qk := 1.0, 1.0
			for j, v := range x {
				if j != k {
					pk *= v * (1 - v)
					qk *= v
				}
			}
			if d == 1 {
				qk = 1
			}
			Pk := (1 - 2*x[k]) * pk
			Pkk := -2 * pk
			Ek := qk * E
			Ekk := qk * qk * E
			Sk, Skk := 0.0, 0.0
			if k == 0 {
				Sk, Skk = S0, S00
			}
			if grad != nil {
				grad[k] = Pk*E*S + p*Ek*S + p*E*Sk
			}
			lap += Pkk*E*S + p*Ekk*S + p*E*Skk + 2*(Pk*Ek*S+Pk*E*Sk+p*Ek*Sk)
		}
		return u, lap
	}
	return Manufactured{
		Name: "poly-exp-sine",
		Dim:  d,
		U:    func(x []float64) float64 { u, _ := eval(x, nil); return u },
		Grad: func(x, g []float64) { eval(x, g) },
		Lap:  func(x []float64) float64 { _, l := eval(x, nil); return l },
	}
}

// SineProduct returns u = Π_k sin(πx_k), with Δu = −dπ²u. Its samples are
// an eigenvector of the discrete Laplacian, which makes it a poor test of
// discretisation order but a good test of solvers.
func SineProduct(d int) Manufactured {
	checkDim(d)
	u := func(x []float64) float64 {
		p := 1.0
		for _, v := range x {
			p *= math.Sin(math.Pi * v)
		}
		return p
	}
	return Manufactured{
		Name: "sine-product",
		Dim:  d,
		U:    u,
		Grad: func(x, g []float64) {
			for k := range x {
				p := math.Pi * math.Cos(math.Pi*x[k])
				for j, v := range x {
					if j != k {
						p *= math.Sin(math.Pi * v)
					}
				}
				g[k] = p
			}
		},
		Lap: func(x []float64) float64 { return -float64(d) * math.Pi * math.Pi * u(x) },
	}
}

// ExpLinear returns u = exp(c·x), with ∇u = c·u and Δu = |c|²u. It is
// nonzero on the boundary, so it tests the folding of Dirichlet data into
// the right-hand side.
func ExpLinear(c []float64) Manufactured {
	checkDim(len(c))
	c = append([]float64(nil), c...)
	var c2 float64
	for _, v := range c {
		c2 += v * v
	}
	u := func(x []float64) float64 {
		var s float64
		for k, v := range x {
			s += c[k] * v
		}
		return math.Exp(s)
	}
	return Manufactured{
		Name: "exp-linear",
		Dim:  len(c),
		U:    u,
		Grad: func(x, g []float64) {
			e := u(x)
			for k := range g {
				g[k] = c[k] * e
			}
		},
		Lap: func(x []float64) float64 { return c2 * u(x) },
	}
}

func checkDim(d int) {
	if d < 1 || d > 3 {
		panic("pde: dimension must be 1, 2 or 3")
	}
}
