package main

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/gp"
	"github.com/pdekit/pdekit/linsolve"
)

// fdSolution is a second-order finite-difference solution on the
// problem's grid, evaluated elsewhere by (bi)linear interpolation, which
// keeps the method second order.
type fdSolution struct {
	axes []gp.Axis
	u    []float64 // first axis slowest
}

func (s *fdSolution) relativeL2(exact func([]float64) float64, m int) float64 {
	var num, den float64
	pt := make([]float64, len(s.axes))
	if len(s.axes) == 1 {
		for _, x := range (gp.Axis{Lo: s.axes[0].Lo, Hi: s.axes[0].Hi, N: m}).Points() {
			pt[0] = x
			e := exact(pt)
			d := s.interp1(pt[0]) - e
			num += d * d
			den += e * e
		}
		return math.Sqrt(num / den)
	}
	xs := (gp.Axis{Lo: s.axes[0].Lo, Hi: s.axes[0].Hi, N: m}).Points()
	ys := (gp.Axis{Lo: s.axes[1].Lo, Hi: s.axes[1].Hi, N: m}).Points()
	for _, x := range xs {
		pt[0] = x
		for _, y := range ys {
			pt[1] = y
			e := exact(pt)
			d := s.interp2(pt[0], pt[1]) - e
			num += d * d
			den += e * e
		}
	}
	return math.Sqrt(num / den)
}

// cell returns the cell index and the fraction of x in it on axis a.
func cell(a gp.Axis, x float64) (int, float64) {
	h := (a.Hi - a.Lo) / float64(a.N-1)
	t := (x - a.Lo) / h
	i := min(max(int(math.Floor(t)), 0), a.N-2)
	return i, t - float64(i)
}

func (s *fdSolution) interp1(x float64) float64 {
	i, f := cell(s.axes[0], x)
	return (1-f)*s.u[i] + f*s.u[i+1]
}

func (s *fdSolution) interp2(x, y float64) float64 {
	i, fx := cell(s.axes[0], x)
	j, fy := cell(s.axes[1], y)
	n := s.axes[1].N
	at := func(i, j int) float64 { return s.u[i*n+j] }
	return (1-fx)*((1-fy)*at(i, j)+fy*at(i, j+1)) + fx*((1-fy)*at(i+1, j)+fy*at(i+1, j+1))
}

// solveFD solves p with second-order central differences on its own grid:
// 1D problems with a tridiagonal solve (Newton for a nonlinear term), 2D
// elliptic problems with the fast diagonalisation of the 5-point
// Laplacian (Newton–GMRES preconditioned by it for Allen–Cahn), and the
// advection equation by Crank–Nicolson in t with central differences in x.
func solveFD(p gp.Problem) (*fdSolution, error) {
	s := &fdSolution{axes: p.Axes}
	pt := make([]float64, len(p.Axes))
	if len(p.Axes) == 1 {
		a, op := p.Axes[0], p.Ops[0]
		x := a.Points()
		h := x[1] - x[0]
		n := a.N
		u := make([]float64, n)
		f := make([]float64, n)
		for i, xi := range x {
			pt[0] = xi
			f[i] = p.F(pt)
		}
		pt[0] = x[0]
		u[0] = p.G(pt)
		pt[0] = x[n-1]
		u[n-1] = p.G(pt)
		lower := op.A2/(h*h) - op.A1/(2*h)
		diag := -2*op.A2/(h*h) + op.A0
		upper := op.A2/(h*h) + op.A1/(2*h)
		for it := 0; it < 50; it++ {
			// Residual and Jacobian of the interior equations.
			m := n - 2
			dl, dd, du, r := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
			for k := range m {
				i := k + 1
				r[k] = lower*u[i-1] + diag*u[i] + upper*u[i+1] - f[i]
				dl[k], dd[k], du[k] = lower, diag, upper
				if p.Nonlinear != nil {
					nv, dn := p.Nonlinear(u[i])
					r[k] += nv
					dd[k] += dn
				}
			}
			step := thomas(dl, dd, du, r)
			var big float64
			for k := range m {
				u[k+1] -= step[k]
				big = math.Max(big, math.Abs(step[k]))
			}
			if p.Nonlinear == nil || big < 1e-13 {
				break
			}
		}
		s.u = u
		return s, nil
	}
	if p.Ops[0].A2 == 0 {
		return solveAdvectionFD(p)
	}
	ax, ay := p.Axes[0], p.Axes[1]
	if p.Ops[0].A2 != 1 || p.Ops[1].A2 != 1 || p.Ops[0].A1 != 0 || p.Ops[1].A1 != 0 {
		return nil, errors.New("fd: 2D finite differences cover Δu (+ n(u)) = f only")
	}
	x, y := ax.Points(), ay.Points()
	nx, ny := ax.N, ay.N
	u := make([]float64, nx*ny)
	for i := range nx {
		for j := range ny {
			if i == 0 || j == 0 || i == nx-1 || j == ny-1 {
				pt[0], pt[1] = x[i], y[j]
				u[i*ny+j] = p.G(pt)
			}
		}
	}
	mx, my := nx-2, ny-2
	hx, hy := x[1]-x[0], y[1]-y[0]
	fp := newFastPoisson(mx, my, hx, hy)
	f := mat.NewDense(mx, my, nil)
	for i := range mx {
		for j := range my {
			pt[0], pt[1] = x[i+1], y[j+1]
			f.Set(i, j, p.F(pt))
		}
	}
	// Δ_h u over the interior, with the boundary values of u.
	lap := func(u []float64) *mat.Dense {
		out := mat.NewDense(mx, my, nil)
		for i := 1; i < nx-1; i++ {
			for j := 1; j < ny-1; j++ {
				c := u[i*ny+j]
				v := (u[(i-1)*ny+j]-2*c+u[(i+1)*ny+j])/(hx*hx) + (u[i*ny+j-1]-2*c+u[i*ny+j+1])/(hy*hy)
				out.Set(i-1, j-1, v)
			}
		}
		return out
	}
	for it := 0; it < 50; it++ {
		r := lap(u)
		r.Sub(r, f)
		dn := mat.NewDense(mx, my, nil)
		if p.Nonlinear != nil {
			for i := range mx {
				for j := range my {
					nv, d := p.Nonlinear(u[(i+1)*ny+j+1])
					r.Set(i, j, r.At(i, j)+nv)
					dn.Set(i, j, d)
				}
			}
		}
		var step *mat.Dense
		if p.Nonlinear == nil {
			step = fp.solve(r)
		} else {
			// (Δ_h + diag(n′))·δ = r, GMRES left-preconditioned by Δ_h⁻¹.
			op := &fdNewtonOp{fp: fp, dn: dn}
			rhs := fp.solve(r)
			x := make([]float64, mx*my)
			_, err := (&linsolve.GMRES{Restart: 50}).Solve(x, op, rhs.RawMatrix().Data, &linsolve.Settings{RelTol: 1e-12, MaxIter: 2000})
			if err != nil && !errors.Is(err, linsolve.ErrMaxIter) {
				return nil, fmt.Errorf("fd: Newton–GMRES: %w", err)
			}
			step = mat.NewDense(mx, my, x)
		}
		var big float64
		for i := range mx {
			for j := range my {
				u[(i+1)*ny+j+1] -= step.At(i, j)
				big = math.Max(big, math.Abs(step.At(i, j)))
			}
		}
		if p.Nonlinear == nil || big < 1e-12 {
			break
		}
	}
	s.u = u
	return s, nil
}

// fastPoisson solves the 5-point Dirichlet Laplacian on an mx×my interior
// grid by diagonalising the 1D second-difference matrices (discrete sine
// eigenvectors): U = Sx·[(Sxᵀ·F·Sy) ⊘ (λx_i + λy_j)]·Syᵀ.
type fastPoisson struct {
	sx, sy   *mat.Dense
	lx, ly   []float64
	tmp, tm2 mat.Dense
}

func newFastPoisson(mx, my int, hx, hy float64) *fastPoisson {
	basis := func(m int, h float64) (*mat.Dense, []float64) {
		s := mat.NewDense(m, m, nil)
		l := make([]float64, m)
		c := math.Sqrt(2 / float64(m+1))
		for k := range m {
			l[k] = (2*math.Cos(float64(k+1)*math.Pi/float64(m+1)) - 2) / (h * h)
			for j := range m {
				s.Set(j, k, c*math.Sin(float64((j+1)*(k+1))*math.Pi/float64(m+1)))
			}
		}
		return s, l
	}
	fp := &fastPoisson{}
	fp.sx, fp.lx = basis(mx, hx)
	fp.sy, fp.ly = basis(my, hy)
	return fp
}

func (fp *fastPoisson) solve(f *mat.Dense) *mat.Dense {
	var t, z mat.Dense
	t.Mul(fp.sx.T(), f)
	z.Mul(&t, fp.sy)
	r, c := z.Dims()
	for i := range r {
		for j := range c {
			z.Set(i, j, z.At(i, j)/(fp.lx[i]+fp.ly[j]))
		}
	}
	var out mat.Dense
	t.Reset()
	t.Mul(fp.sx, &z)
	out.Mul(&t, fp.sy.T())
	return &out
}

type fdNewtonOp struct {
	fp *fastPoisson
	dn *mat.Dense
}

func (o *fdNewtonOp) Dim() int { r, c := o.dn.Dims(); return r * c }

func (o *fdNewtonOp) MulVecTo(dst, x []float64) {
	r, c := o.dn.Dims()
	v := mat.NewDense(r, c, append([]float64(nil), x...))
	v.MulElem(v, o.dn)
	z := o.fp.solve(v)
	for i, zi := range z.RawMatrix().Data {
		dst[i] = x[i] + zi
	}
}

// solveAdvectionFD solves A1x·u_x + A1t·u_t = F on (x, t) by
// Crank–Nicolson in t with central differences in x and the given values
// on both x ends (tridiagonal solves).
func solveAdvectionFD(p gp.Problem) (*fdSolution, error) {
	ax, at := p.Axes[0], p.Axes[1]
	beta := p.Ops[0].A1 / p.Ops[1].A1
	if p.Ops[1].A1 == 0 || p.Ops[0].A2 != 0 || p.Ops[1].A2 != 0 {
		return nil, errors.New("fd: advection needs first-order operators on both axes")
	}
	x, t := ax.Points(), at.Points()
	nx, nt := ax.N, at.N
	h, dt := x[1]-x[0], t[1]-t[0]
	u := make([]float64, nx*nt) // x slowest: u[i*nt + k]
	pt := make([]float64, 2)
	for i := range nx {
		pt[0], pt[1] = x[i], t[0]
		u[i*nt] = p.G(pt)
	}
	c := beta * dt / (4 * h)
	m := nx - 2
	cur := make([]float64, nx)
	for k := 0; k+1 < nt; k++ {
		for i := range nx {
			cur[i] = u[i*nt+k]
		}
		pt[1] = t[k+1]
		pt[0] = x[0]
		left := p.G(pt)
		pt[0] = x[nx-1]
		right := p.G(pt)
		dl, dd, du, r := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
		for j := range m {
			i := j + 1
			dl[j], dd[j], du[j] = -c, 1, c
			pt[0], pt[1] = x[i], t[k]
			f0 := p.F(pt)
			pt[1] = t[k+1]
			f1 := p.F(pt)
			r[j] = cur[i] - c*(cur[i+1]-cur[i-1]) + dt*(f0+f1)/(2*p.Ops[1].A1)
		}
		r[0] += c * left
		r[m-1] -= c * right
		v := thomas(dl, dd, du, r)
		u[0*nt+k+1] = left
		u[(nx-1)*nt+k+1] = right
		for j := range m {
			u[(j+1)*nt+k+1] = v[j]
		}
	}
	return &fdSolution{axes: p.Axes, u: u}, nil
}

// thomas solves the tridiagonal system with sub-, main and super-diagonals
// dl, dd, du (dl[0] and du[m−1] unused).
func thomas(dl, dd, du, r []float64) []float64 {
	m := len(dd)
	c := make([]float64, m)
	d := make([]float64, m)
	c[0] = du[0] / dd[0]
	d[0] = r[0] / dd[0]
	for i := 1; i < m; i++ {
		den := dd[i] - dl[i]*c[i-1]
		c[i] = du[i] / den
		d[i] = (r[i] - dl[i]*d[i-1]) / den
	}
	x := make([]float64, m)
	x[m-1] = d[m-1]
	for i := m - 2; i >= 0; i-- {
		x[i] = d[i] - c[i]*x[i+1]
	}
	return x
}
