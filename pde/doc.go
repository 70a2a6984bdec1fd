// Package pde generates the linear systems of finite-difference
// discretisations of elliptic and parabolic PDEs on uniform grids in one,
// two and three dimensions, with Dirichlet boundary data folded into the
// right-hand side.
//
// # Operators
//
//   - Laplacian: −Δ with the 3/5/7-point stencil (symmetric positive
//     definite).
//   - Diffusion: −∇·(a∇u) with face-averaged coefficients (symmetric; SPD
//     for a > 0), the physically right Darcy operator.
//   - DarcySKR: the Laplacian times diag(a), the nonsymmetric matrix of the
//     SKR paper's Darcy data generator.
//   - DarcySKRAsPublished: the matrix the SKR code actually assembles,
//     DarcySKR with an index slip in the couplings to the node below;
//     restarted GMRES stagnates on it. Only for reproducing the paper.
//   - Helmholtz and Shift: −Δ − k², and A + σI in general.
//   - ConvectionDiffusion: −εΔu + β·∇u, upwind or central.
//   - HeatStep: backward Euler and Crank–Nicolson steps of
//     u_t = ∇·(κ∇u) + f.
//
// Each returns the matrix and the vector g that the Dirichlet data add to
// the right-hand side: the discrete equations are A·u = f + g.
//
// # Problems and families
//
// A Problem bundles A, B, the Grid, the parameters that generated it and,
// where known, the exact solution. PoissonProblem and its siblings build
// problems from a Manufactured solution (PolyExpSine, ExpLinear,
// SineProduct), whose discretisation error falls as O(h²) (O(h) for upwind
// convection). A Family is a seeded sequence of problems — Darcy with
// coefficients a = exp(GRF(α, τ)), Helmholtz with a random shift, Poisson
// with fixed A and random right-hand sides — for training-data generation
// and Krylov recycling; problem i depends only on (Seed, i).
//
// # Grids and numbering
//
// Unknowns are the interior nodes, numbered with the first dimension
// slowest (row-major [i][j][k]); see Grid.
//
// # References
//
//   - R. J. LeVeque, Finite Difference Methods for Ordinary and Partial
//     Differential Equations, SIAM 2007 (ch. 2–3, 9–10).
//   - K. W. Morton, D. F. Mayers, Numerical Solution of Partial
//     Differential Equations, 2nd ed., Cambridge 2005.
//   - P. J. Roache, Code verification by the method of manufactured
//     solutions, J. Fluids Eng. 124 (2002).
//   - Z. Li et al., Fourier Neural Operator for Parametric Partial
//     Differential Equations, ICLR 2021 (the GRF spectrum; the draw is
//     that of the SKR code's GaussianRF, see GRF).
//   - H. Wang et al., Accelerating Data Generation for Neural Operators via
//     Krylov Subspace Recycling, ICLR 2024 (the SKR Darcy and Helmholtz
//     data).
package pde
