// Package gp solves partial differential equations with Gaussian
// processes on product grids, after GP-HM (Fang et al. 2024): spectral-
// mixture kernels with closed-form derivatives, product kernels with
// Kronecker algebra, kernel collocation for linear and nonlinear
// problems, and hyperparameter fitting.
//
// # Kernels
//
// Mixture is a one-dimensional stationary kernel Σ_q w_q·e_q(d)·cos(2πμ_q d)
// with Gaussian (GM) or Matérn-5/2 (StM) envelopes, weights and scales in
// the log domain; NewSE and NewMatern52 are the single-component
// baselines. Eval returns k, k′ and k″ in closed form. Kron holds a
// product kernel K₁ ⊗ K₂ ⊗ … by per-dimension eigendecompositions:
// products, jittered solves and log-determinants in O(Σ N_d³ + N·Σ N_d).
//
// # Solving
//
// Solve takes a Problem — Σ_d Ops[d] u + Nonlinear(u) = F on a box of one
// or two axes, u = G on the boundary — and one kernel per axis. The
// solution is expanded in each kernel's truncated eigenbasis on the grid
// (eigenvectors of K with eigenvalue above EigTol·λ_max, derivatives in
// closed form, directions the grid cannot resolve dropped), and the
// collocation equations — the operator at every grid point and the
// weighted boundary conditions — are solved in the least-squares sense:
// by the SVD in 1D, and in 2D by LSQR on the Kronecker-structured
// operator (never forming the N×N system), started from the
// Petrov–Galerkin solution of a Sylvester equation (Bartels–Stewart). A
// nonlinear term (Allen–Cahn) is handled by Gauss–Newton. With the
// kernel fixed this is the noise-free maximum a posteriori estimate of
// GP-HM with the prior term replaced by the spectral truncation.
// Solution.Predict evaluates the kernel expansion anywhere;
// ValidationResidual measures the PDE residual between grid points.
//
// # Hyperparameters
//
// InitKernels reads the frequencies off the periodogram of the problem's
// data (F along every grid line, G along the boundary); Fit then chooses
// the envelope scales (optionally weights and frequencies) by minimising
// ValidationResidual — a scan, then L-BFGS from gonum/optimize — keeping
// the best state seen. GP-HM instead runs Adam for 10⁵–10⁶ steps on U
// and the hyperparameters jointly; solving U exactly for each setting
// needs a handful of solves.
//
// NyquistWarning flags kernels whose frequencies exceed what the grid can
// resolve (fewer than two points per period).
//
// # References
//
//   - S. Fang, M. Cooley, D. Long, S. Li, R. Kirby, S. Zhe, "Solving
//     high frequency and multi-scale PDEs with Gaussian processes", ICLR
//     2024 (GP-HM).
//   - A. G. Wilson, R. P. Adams, "Gaussian process kernels for pattern
//     discovery and extrapolation", ICML 2013 (spectral mixture kernels).
//   - C. E. Rasmussen, C. K. I. Williams, Gaussian Processes for Machine
//     Learning, MIT Press 2006, §4.2 (Matérn class).
//   - Y. Saatçi, Scalable Inference for Structured Gaussian Process
//     Models, PhD thesis, Cambridge 2011, ch. 5 (Kronecker algebra).
//   - C. C. Paige, M. A. Saunders, "LSQR: an algorithm for sparse linear
//     equations and sparse least squares", ACM TOMS 8 (1982) 43–71.
//   - R. H. Bartels, G. W. Stewart, "Solution of the matrix equation
//     AX + XB = C", Comm. ACM 15 (1972) 820–826.
package gp
