// Package neural is pdekit's small neural-network core for PDE baselines:
// a reverse-mode tape over gonum matrices, multilayer perceptrons whose
// forward pass carries exact input derivatives up to the Laplacian
// (forward-Laplacian recursion, so PDE residuals need no nested
// differentiation and no finite differences), random Fourier features,
// Physics-Informed Gaussians, Adam and L-BFGS (gonum/optimize), seeded
// initialisation and checkpoints.
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
//   - P. Rathore, W. Lei, Z. Frangella, L. Lu, M. Udell, "Challenges in
//     training PINNs: a loss landscape perspective", ICML 2024 (Adam then
//     L-BFGS).
package neural
