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
// # Learned preconditioner
//
// CNNConfig.Symmetric (the default) makes the network's output Nᵀ(N·x):
// symmetric positive semidefinite, so flexible CG cannot stall on it —
// a general network (the DCDM paper's ReLU one) can map the rough
// residuals of later iterations to outputs with rᵀM(r) = 0. Choose the
// pooling levels so that the coarsest level sees the whole training grid
// (4 on 64²). On a larger grid, CNN.Extend inserts the missing levels,
// repeating the blocks of one trained level (CNN.ExtendLevel), and
// ChooseExtendLevel picks that level by a score on the new grid without
// any gradient step (experiments/dcdm scores by the residual after 20
// flexible-CG iterations on a validation right-hand side).
// CNNConfig.Shared uses one block pair on every level.
//
// # Preconditioned physics-informed losses
//
// Problem.Precondition multiplies the residual by a fixed LinearMap P
// before it is squared. With P the inverse of the discretised operator
// on an even collocation grid (InverseSecondDifference in 1D,
// InverseGridHelmholtz in 2D) the loss measures ≈ ‖u − u*‖², so smooth
// and oscillatory errors weigh alike (De Ryck et al. 2024): use it for
// multiscale problems in 1D. In 2D the fixed grid it needs is a weaker
// sample than random points.
//
// # Levenberg–Marquardt Jacobians and exact boundary data
//
// Train's Levenberg–Marquardt stage needs ∂R_i/∂θ for every collocation
// point i. It records the batch once and runs one backward pass in which
// values computed from parameters alone (weights, a PIG's centres and
// scales) keep per-point adjoints where per-point rows consume them
// (psjac.go); a model with an operation that has no per-point rule
// (Mean, Apply, the convolutions) falls back to one tape per point, and
// the first Jacobian is checked against those tapes. HardBoundary builds
// zero Dirichlet data into a model — u = B(x)·N(x) with a bubble B that
// vanishes on the box (Lagaris et al. 1998; Sukumar and Srivastava
// 2022) — so that no boundary term is fitted: with one in the loss,
// Levenberg–Marquardt can settle on a wrong boundary trace.
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
