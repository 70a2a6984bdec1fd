// Package neural is pdekit's small neural-network core for PDE baselines:
// a reverse-mode tape over gonum matrices, multilayer perceptrons whose
// forward pass carries exact input derivatives up to the Laplacian
// (forward-Laplacian recursion, so PDE residuals need no nested
// differentiation and no finite differences), random Fourier features,
// Physics-Informed Gaussians, Adam, L-BFGS (gonum/optimize) and
// Levenberg–Marquardt (MinimizeLM; in Train, the Jacobian from one
// batched per-sample backward pass), HardBoundary (zero Dirichlet data
// built into a model), seeded initialisation and checkpoints; and the
// learned preconditioner of the
// deep conjugate direction method (DCDM): 3×3 convolutions on the tape
// (Im2Col3, AvgPool2, Upsample2, FlipKernel), a U-shaped residual CNN,
// the scale-invariant DCDM loss with its closed-form gradient, Ritz-vector
// training data (from linsolve.Lanczos) and TrainDCDM. A trained CNN
// plugs into linsolve.FCG through CNN.Preconditioner.
//
// # Learned preconditioner: what pdekit changed
//
// The paper's network (ReLU, one pooling level, Ritz right-hand sides)
// trained here to a batch loss near 0.1 but flexible CG stalled with it:
// the network maps the rough residuals of later iterations to smooth
// outputs with rᵀM(r) = 0, and a conjugate direction step along such a
// direction makes no progress. pdekit's default (experiments/dcdm has the
// measurements) is CNNConfig.Symmetric — a linear network with output
// Nᵀ(N·x), symmetric positive semidefinite, so the iteration cannot stall
// — with 4 pooling levels, so that on 64² the coarsest level sees the
// whole grid. Applied unchanged to a bigger grid, those 4 levels stop
// short of the whole grid and the iteration count grows about 2× per
// doubling. CNN.Extend inserts the missing levels, repeating the blocks
// of one trained level (CNN.ExtendLevel) and keeping the coarsest blocks
// on the coarsest grid; ChooseExtendLevel picks the level by a score on
// the new grid, without any gradient step (experiments/dcdm: the
// residual after 20 flexible-CG iterations on a validation right-hand
// side). With it the committed 64² network needs 14, 17 and 21
// iterations on 64², 128² and 256² (repeating the coarsest blocks
// instead: 25 and 71).
// CNNConfig.Shared (one block pair on every level) trained too slowly to
// compete.
//
// # Preconditioned physics-informed losses
//
// Problem.Precondition multiplies the residual by a fixed LinearMap P
// before it is squared. With P the inverse of the discretised operator
// on an even collocation grid (InverseSecondDifference in 1D,
// InverseGridHelmholtz in 2D) the loss measures ≈ ‖u − u*‖², so smooth
// and oscillatory errors weigh alike (De Ryck et al. 2024). In 1D it is
// what lets Fourier-feature PINNs and PIG meet the multiscale bar; in 2D
// on the Helmholtz case it did not help (experiments/neural -grid-loss:
// the fixed grid is a weaker sample than random points, see
// BENCHMARKS.md).
//
// # Levenberg–Marquardt Jacobians and exact boundary data
//
// Train's Levenberg–Marquardt stage needs ∂R_i/∂θ for every collocation
// point i. Instead of one tape per point it records the batch once and
// runs one backward pass in which values computed from parameters alone
// (weights, a PIG's centres and scales) are "shared": where an operation
// on per-point rows consumes a shared value its adjoint is kept per point
// (one row per point, the outer products a per-point tape would have
// formed) and carried back to the parameters (psjac.go). On the 3 400 ×
// 965 Helmholtz PIG Jacobian this takes 0.13 s on two goroutines where
// per-point tapes took 0.33 s; an operation without a per-point rule
// (Mean, Apply, the convolutions) makes Train fall back to per-point
// tapes, and the first Jacobian is checked against them.
//
// With the boundary term in the loss, LM trajectories of the Helmholtz
// PIG that stalled at a few per cent error were carrying a wrong boundary
// trace (the interior error given that trace was 4·10⁻⁴). HardBoundary
// removes the boundary from the fit — u = B(x)·N(x) with a bubble B that
// vanishes on the box (Lagaris et al. 1998; Sukumar and Srivastava 2022)
// — and the same PIG then reaches 5·10⁻⁶ to 7·10⁻⁵ in under ten minutes
// (experiments/neural -full, BENCHMARKS.md).
//
// # References
//
//   - M. Raissi, P. Perdikaris, G. E. Karniadakis, "Physics-informed neural
//     networks", J. Comput. Phys. 378 (2019) 686–707 (PINN).
//   - N. Kang, J. Park, J. Lee, S. Lee (and others), "PIG: Physics-Informed
//     Gaussians as adaptive parametric mesh representations", ICLR 2025.
//   - S. Wang, H. Wang, P. Perdikaris, "On the eigenvector bias of Fourier
//     feature networks", CMAME 384 (2021) (Fourier features for PINNs);
//     M. Tancik et al., "Fourier features let networks learn high
//     frequency functions in low dimensional domains", NeurIPS 2020.
//   - R. Li, H. Ye, D. Jiang, et al., "A computational framework for
//     neural network-based variational Monte Carlo with Forward
//     Laplacian", Nature Machine Intelligence 6 (2024) (forward Laplacian).
//   - D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization",
//     ICLR 2015.
//   - A. Kaneda, O. Akar, J. Chen, V. A. T. Kala, D. Hyde, J. Teran, "A
//     deep conjugate direction method for iteratively solving linear
//     systems", ICML 2023 (DCDM: network, loss, Ritz training data).
//   - J. H. Bramble, J. E. Pasciak, J. Xu, "Parallel multilevel
//     preconditioners", Math. Comp. 55 (1990) (BPX).
//   - T. De Ryck, F. Bonnet, S. Mishra, E. de Bézenac, "An operator
//     preconditioning perspective on training in physics-informed
//     machine learning", ICLR 2024.
//   - I. E. Lagaris, A. Likas, D. I. Fotiadis, "Artificial neural networks
//     for solving ordinary and partial differential equations", IEEE
//     Trans. Neural Networks 9 (1998) 987–1000 (trial functions that meet
//     the boundary conditions exactly); N. Sukumar, A. Srivastava, "Exact
//     imposition of boundary conditions with distance functions in
//     physics-informed deep neural networks", CMAME 389 (2022).
//   - K. Madsen, H. B. Nielsen, O. Tingleff, "Methods for non-linear least
//     squares problems", 2nd ed., DTU (2004) (Levenberg–Marquardt).
//   - P. Rathore, W. Lei, Z. Frangella, L. Lu, M. Udell, "Challenges in
//     training PINNs: a loss landscape perspective", ICML 2024 (Adam then
//     L-BFGS).
package neural
