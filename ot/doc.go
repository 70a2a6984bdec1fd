// Package ot solves discrete optimal transport between histograms a (n)
// and b (m) with a cost matrix C (n×m, row-major): the entropic problem
//
//	min_P ⟨C, P⟩ + (1/η)·Σ P_ij log P_ij   subject to P·1 = a, Pᵀ·1 = b
//
// by Sinkhorn's algorithm in the log domain (LogSinkhorn), by the
// stabilised (absorption) Sinkhorn of Schmitzer (StabilizedSinkhorn), and
// by Sinkhorn–Newton–Sparse (SinkhornNewtonSparse: a Sinkhorn warm start,
// then Newton steps on the dual with a sparsified Hessian solved by CG);
// and the unregularised problem exactly: EMD, a network simplex for any
// histograms of equal mass (plan with at most n + m − 1 entries, cost and
// dual potentials), Assignment (the Hungarian algorithm for uniform
// histograms with n = m) and W1D (the closed form on the line).
//
// A +Inf cost forbids a route in every solver. Dist builds cost matrices
// from point clouds (squared Euclidean, Euclidean, Minkowski, custom),
// ReadCSV reads histograms and costs from files with size bounds, and
// Sinkhorn2 and EMD give the transport cost in one call. Barycenter and
// ConvolutionalBarycenter compute entropic Wasserstein barycenters of
// several histograms on a common support (iterative Bregman projections;
// the convolutional form applies the kernel of an image grid as two
// one-dimensional passes; BarycenterSettings.Anderson mixes the last
// sweeps, Anderson's quasi-Newton acceleration, for 3–6× fewer sweeps).
//
// All three entropic solvers work with the dual potentials (x, y) of
//
//	f(x, y) = −(1/η)·Σ_ij exp(η(x_i + y_j − C_ij) − 1) + aᵀx + bᵀy,
//
// whose maximiser gives the plan P_ij = exp(η(x_i + y_j − C_ij) − 1).
// They stop when the marginal error ‖P·1 − a‖₁ + ‖Pᵀ·1 − b‖₁ reaches
// Settings.Tol and record it per iteration with the elapsed time, so that
// methods can be compared at equal accuracy.
//
// Problem.Round projects any approximate plan onto the transport
// polytope (exact marginals) by the rounding of Altschuler, Weed and
// Rigollet.
//
// # Choosing
//
// For large η (small regularisation 1/η) Sinkhorn needs a number of
// iterations that grows with η; SinkhornNewtonSparse converges in a few
// dozen steps to machine accuracy. StabilizedSinkhorn is the fastest
// Sinkhorn per iteration (products with a kernel instead of exponentials);
// LogSinkhorn is the most robust.
//
// # References
//
//   - M. Cuturi, Sinkhorn Distances: Lightspeed Computation of Optimal
//     Transport, NeurIPS 2013.
//   - B. Schmitzer, Stabilized Sparse Scaling Algorithms for Entropy
//     Regularized Transport Problems, SIAM J. Sci. Comput. 41 (2019).
//   - X. Tang et al., Accelerating Sinkhorn Algorithm with Sparse Newton
//     Iterations, ICLR 2024 (arXiv 2401.12253).
//   - G. Peyré, M. Cuturi, Computational Optimal Transport, Found. Trends
//     Mach. Learn. 11 (2019).
//   - J. Altschuler, J. Weed, P. Rigollet, Near-linear time approximation
//     algorithms for optimal transport via Sinkhorn iteration, NeurIPS 2017.
//   - N. Bonneel, M. van de Panne, S. Paris, W. Heidrich, Displacement
//     interpolation using Lagrangian mass transport, ACM TOG 30(6), 2011
//     (the network simplex POT wraps); R. K. Ahuja, T. L. Magnanti,
//     J. B. Orlin, Network Flows, Prentice Hall, 1993, ch. 11.
//   - H. F. Walker, P. Ni, Anderson acceleration for fixed-point
//     iterations, SIAM J. Numer. Anal. 49(4) (2011) 1715–1735.
//   - J.-D. Benamou, G. Carlier, M. Cuturi, L. Nenna, G. Peyré, Iterative
//     Bregman projections for regularized transportation problems, SIAM
//     J. Sci. Comput. 37(2), 2015; J. Solomon et al., Convolutional
//     Wasserstein distances, ACM TOG 34(4), 2015.
//   - H. W. Kuhn, The Hungarian method for the assignment problem, Naval
//     Res. Logist. Q. 2 (1955); R. Jonker, A. Volgenant, Computing 38 (1987).
package ot
