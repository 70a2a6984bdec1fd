// Package spectral solves partial differential equations on intervals
// and rectangles by Chebyshev collocation: the solution is the
// polynomial interpolant on Chebyshev–Gauss–Lobatto points, and the PDE
// holds exactly at the interior points, Dirichlet data at the boundary
// ones. For smooth solutions the error falls faster than any power of the
// number of points (geometrically for analytic ones), which makes it the
// reference a numerical analyst would compare GP, PINN and PIG solvers
// with on a box.
//
// An axis marked periodic uses Fourier collocation instead: equispaced
// points, trigonometric interpolation, no boundary data (Fourier gives
// the matrices). SolveAdaptive picks the degrees itself: it grows them
// until the trailing Chebyshev (or Fourier) coefficients of the solution
// fall below a tolerance, which estimates the error without knowing the
// solution.
//
// Cheb gives the points and the differentiation matrix; Solve takes a
// Problem — Σ_d Ops[d] u + Nonlinear(u) = F on a box of one or two axes,
// u = G on the boundary, the same shape as package gp's Problem — and the
// points per axis. The linear systems are solved without forming the
// Kronecker product in 2D: the operator A_x ⊗ I + I ⊗ A_y is diagonalised
// along the axes whose operator has a real spectrum (second order, as in
// the fast Poisson solvers of Haidvogel and Zang), and solved mode by mode
// with complex LU along the other axis otherwise (first-order operators,
// e.g. space–time advection). A nonlinear term (Allen–Cahn) is handled by
// Newton's method: dense LU in 1D, GMRES preconditioned by the linear
// part's fast solver in 2D.
//
// # References
//
//   - L. N. Trefethen, Spectral Methods in MATLAB, SIAM, 2000 (cheb.m,
//     chapters 6, 7 and 13).
//   - J.-P. Berrut, L. N. Trefethen, "Barycentric Lagrange
//     interpolation", SIAM Review 46(3), 2004.
//   - D. B. Haidvogel, T. Zang, "The accurate solution of Poisson's
//     equation by expansion in Chebyshev polynomials", J. Comput. Phys.
//     30, 1979 (matrix diagonalisation).
//   - J. P. Boyd, Chebyshev and Fourier Spectral Methods, 2nd ed.,
//     Dover, 2001.
package spectral
