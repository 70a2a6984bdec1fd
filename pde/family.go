package pde

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
)

// Family is a seeded sequence of related problems, the unit of data
// generation for neural operators and of Krylov-recycling experiments.
// Problem i is drawn from its own generator, seeded by (Seed, i), so it
// does not depend on which other problems were generated or in what order:
// a family can be generated in parallel or resumed, and the same Seed
// always gives the same problems.
type Family struct {
	// Name identifies the family, e.g. "darcy-skr".
	Name string
	// Grid is the grid every problem lives on.
	Grid Grid
	// Count is the number of problems.
	Count int
	// Seed seeds the sequence.
	Seed uint64
	// Generate builds problem i from its generator.
	Generate func(rng *rand.Rand, i int) (Problem, error)
}

// Problem returns problem i, 0 ≤ i < Count.
func (f *Family) Problem(i int) (Problem, error) {
	if i < 0 || i >= f.Count {
		return Problem{}, fmt.Errorf("pde: problem %d outside family %q of %d", i, f.Name, f.Count)
	}
	return f.Generate(rand.New(rand.NewPCG(f.Seed, uint64(i))), i)
}

// All yields the problems in order, stopping after the first error.
func (f *Family) All() iter.Seq2[Problem, error] {
	return func(yield func(Problem, error) bool) {
		for i := range f.Count {
			p, err := f.Problem(i)
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
}

// DarcyForm selects the Darcy operator of a family.
type DarcyForm int

const (
	// DarcySymmetric is the physical −∇·(a∇u) (Diffusion): symmetric
	// positive definite.
	DarcySymmetric DarcyForm = iota
	// DarcyNonsymmetric is the SKR data generator's L·diag(a) (DarcySKR).
	DarcyNonsymmetric
	// DarcyAsPublished is the matrix the SKR code actually assembles, an
	// index slip away from L·diag(a) (DarcySKRAsPublished); only for
	// reproducing the paper's numbers.
	DarcyAsPublished
)

// DarcyOptions configures a Darcy or Helmholtz family. Zero values mean
// the SKR paper's setting: a = exp(Scale·GRF(2.5, 7)), f = 1, zero
// Dirichlet data.
type DarcyOptions struct {
	Field GRF
	// Scale multiplies the GRF before the exponential; zero means 1.
	// Larger values give higher-contrast coefficients.
	Scale float64
	// Source is the constant right-hand side f; zero means 1.
	Source float64
	Form   DarcyForm
}

func (o DarcyOptions) coefficient(rng *rand.Rand, g Grid) ([]float64, error) {
	scale := o.Scale
	if scale == 0 {
		scale = 1
	}
	a, err := o.Field.Sample(rng, g.N...)
	if err != nil {
		return nil, err
	}
	for i, v := range a {
		a[i] = math.Exp(scale * v)
	}
	return a, nil
}

func (o DarcyOptions) source(g Grid) []float64 {
	src := o.Source
	if src == 0 {
		src = 1
	}
	return g.Constant(src)
}

// DarcyFamily returns count Darcy problems on an s×s interior grid of the
// unit square with random coefficients a = exp(GRF); Params is the field a.
func DarcyFamily(s, count int, seed uint64, opt DarcyOptions) (*Family, error) {
	g, err := NewGrid(s, s)
	if err != nil {
		return nil, err
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	name := "darcy" + opt.Form.suffix()
	return &Family{Name: name, Grid: g, Count: count, Seed: seed,
		Generate: func(rng *rand.Rand, i int) (Problem, error) {
			a, err := opt.coefficient(rng, g)
			if err != nil {
				return Problem{}, err
			}
			return darcyProblem(name, g, a, opt)
		}}, nil
}

func darcyProblem(name string, g Grid, a []float64, opt DarcyOptions) (Problem, error) {
	p := Problem{Name: name, Grid: g, B: opt.source(g), Params: a}
	var err error
	switch opt.Form {
	case DarcyNonsymmetric:
		p.A, _, err = DarcySKR(g, a, nil)
	case DarcyAsPublished:
		p.A, err = DarcySKRAsPublished(g, a)
	default:
		p.A, _, err = Diffusion(g, a, nil)
	}
	return p, err
}

func (o DarcyOptions) check() error {
	if o.Form < DarcySymmetric || o.Form > DarcyAsPublished {
		return fmt.Errorf("pde: unknown Darcy form %d", o.Form)
	}
	return nil
}

// suffix names the form in family names: "", "-skr", "-skr-pub".
func (f DarcyForm) suffix() string {
	switch f {
	case DarcyNonsymmetric:
		return "-skr"
	case DarcyAsPublished:
		return "-skr-pub"
	}
	return ""
}

// HelmholtzFamily returns count problems L·diag(a) − k²I (nonsymmetric
// form) or −∇·(a∇·) − k²I (symmetric form) with a = exp(GRF) and k drawn
// uniformly from [0, kMax) (the SKR Helmholtz data use kMax = 1). Params
// is the field a followed by k.
func HelmholtzFamily(s, count int, seed uint64, kMax float64, opt DarcyOptions) (*Family, error) {
	g, err := NewGrid(s, s)
	if err != nil {
		return nil, err
	}
	if !(kMax >= 0) || math.IsInf(kMax, 0) {
		return nil, fmt.Errorf("pde: kMax = %v must be non-negative and finite", kMax)
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	name := "helmholtz"
	if opt.Form == DarcyAsPublished {
		name += "-pub"
	}
	return &Family{Name: name, Grid: g, Count: count, Seed: seed,
		Generate: func(rng *rand.Rand, i int) (Problem, error) {
			a, err := opt.coefficient(rng, g)
			if err != nil {
				return Problem{}, err
			}
			k := kMax * rng.Float64()
			p, err := darcyProblem(name, g, a, opt)
			if err != nil {
				return Problem{}, err
			}
			p.A = Shift(p.A, -k*k)
			p.Params = append(a, k)
			return p, nil
		}}, nil
}

// PoissonRHSFamily returns count problems −Δu = f on an s×s grid that
// share one matrix (built once) and differ in f = Σ_{i,j<deg} c_ij
// T_i(2x−1)·T_j(2y−1), a Chebyshev expansion with c_ij ~ N(0, 1)/(1+i+j);
// Params is c (deg² values, row-major).
func PoissonRHSFamily(s, count int, seed uint64, deg int) (*Family, error) {
	g, err := NewGrid(s, s)
	if err != nil {
		return nil, err
	}
	if deg < 1 {
		return nil, fmt.Errorf("pde: Chebyshev degree %d must be at least 1", deg)
	}
	a, _ := Laplacian(g, nil)
	return &Family{Name: "poisson-rhs", Grid: g, Count: count, Seed: seed,
		Generate: func(rng *rand.Rand, i int) (Problem, error) {
			c := make([]float64, deg*deg)
			for k := range c {
				c[k] = rng.NormFloat64() / float64(1+k/deg+k%deg)
			}
			tx := make([]float64, deg)
			ty := make([]float64, deg)
			b := g.Sample(func(x []float64) float64 {
				chebyshev(tx, 2*x[0]-1)
				chebyshev(ty, 2*x[1]-1)
				var s float64
				for p := range deg {
					for q := range deg {
						s += c[p*deg+q] * tx[p] * ty[q]
					}
				}
				return s
			})
			return Problem{Name: "poisson-rhs", A: a, B: b, Grid: g, Params: c}, nil
		}}, nil
}

// chebyshev fills t with T_0(x), …, T_{len(t)−1}(x).
func chebyshev(t []float64, x float64) {
	for k := range t {
		switch k {
		case 0:
			t[0] = 1
		case 1:
			t[1] = x
		default:
			t[k] = 2*x*t[k-1] - t[k-2]
		}
	}
}
