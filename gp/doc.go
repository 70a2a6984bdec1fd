// Package gp solves partial differential equations with Gaussian
// processes on product grids: one-dimensional kernels with closed-form
// derivatives (squared exponential, Matérn-5/2, and their spectral
// mixtures with Gaussian or Matérn envelopes), Kronecker algebra for
// product kernels, and collocation solvers.
//
// Status: the kernels are in place; the Kronecker solvers, collocation
// and hyperparameter fitting of the GP-HM paper are being built (see
// ARCHITECTURE.md).
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
