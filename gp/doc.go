// Package gp solves partial differential equations with Gaussian
// processes on product grids: one-dimensional kernels with closed-form
// derivatives (squared exponential, Matérn-5/2, and their spectral
// mixtures with Gaussian or Matérn envelopes), Kronecker algebra for
// product kernels, and collocation solvers.
//
// Built so far: the kernels (Mixture, with closed-form k′ and k″), the
// Kronecker algebra (Kron: products, jittered solves and log-determinants
// from per-dimension eigendecompositions), and Solve1D, kernel
// collocation for linear second-order problems on an interval with fixed
// kernel parameters: the expansion u = Σ α_j·k(· − x_j) with α restricted
// to the well-conditioned eigenvectors of K, fitted to the operator and
// boundary equations by least squares (the noise-free MAP of GP-HM with a
// spectral truncation in place of the prior term). It solves GP-HM's
// sin(100x) row to 1e-7 (the paper's logged best: 4.0e-7) when the
// kernel's frequency is given. Still to come (see ARCHITECTURE.md): the
// 2D Kronecker collocation, hyperparameter fitting, Gauss–Newton for
// Allen–Cahn, advection, and experiments/gp.
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
package gp
