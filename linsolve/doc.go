// Package linsolve is the solver core of pdekit: Krylov methods (CG,
// flexible CG, GMRES(m), BiCGStab), the Lanczos process, stationary relaxation methods (Jacobi,
// Gauss–Seidel, SOR(ω), SSOR(ω)), geometric and algebraic multigrid, a
// direct method (sparse Cholesky or LU from package linsolve/direct), and
// preconditioners (Jacobi, SSOR(ω), IC(0) with an automatic shift, ILU(0),
// ILUT with column pivoting, geometric multigrid, algebraic multigrid by
// smoothed aggregation or classical coarsening) for sparse linear systems A·x = b; and LSQR for least-squares
// problems min ‖b − A·x‖₂ with a rectangular A (RectOperator).
//
// # Interfaces
//
// An Operator is anything with Dim and MulVecTo; *sparse.CSR is one. A
// Preconditioner applies M⁻¹. A Method solves: Solve(dst, A, b, settings)
// writes x into dst and returns a Result with a Reason. A nil *Settings
// means the defaults: relative tolerance 1e-8 on the true residual
// ‖b − A·x‖₂ ≤ max(RelTol·‖b‖₂, AbsTol), divergence tolerance 1e5, at most
// DefaultMaxIter(n) iterations, zero initial guess, no preconditioner.
//
// # Choosing a method
//
//   - Symmetric positive definite A from a structured grid (Poisson,
//     −∇·(a∇u), implicit heat steps, as package pde makes them): CG with
//     the Multigrid preconditioner ("mg"), whose iteration count does not
//     grow with the grid (8–10 iterations to 1e-8 from 256² to 2048² and on
//     128³). Without a grid — a finite-element matrix, a permuted grid, a
//     graph Laplacian — CG with the AMG preconditioner ("amg"), built from
//     the matrix alone (10–12 iterations on 2D Poisson in any numbering; it
//     copes with singular consistent systems such as A·1 = 0, and AMG.Update
//     re-uses the setup for a new matrix of the same pattern). AMG is
//     smoothed aggregation by default, except where it needs many
//     iterations — rotated anisotropy on finite elements, whose positive
//     off-diagonal entries carry more than 8% of the off-diagonal mass —:
//     there the default is classical (Ruge–Stüben) coarsening with two
//     aggressive levels, 14 iterations up to 2·10⁶ unknowns at operator
//     complexity 1.5; on coefficient jumps (neighbouring
//     diagonal entries more than 20× apart) the default strength measure
//     switches to the evolution measure below the finest level, which
//     keeps a 10⁴ checkerboard at 13–18 iterations up to 2·10⁶ unknowns.
//     IC(0) and
//     SSOR remain for small systems; IC(0) shifts the diagonal when a pivot
//     is not positive (IC0.Shift reports the shift), so it never fails on
//     an SPD matrix. CG stops with DivergedIndefiniteMat if A turns out not
//     to be positive definite, and refuses a nonsymmetric *sparse.CSR
//     before iterating (ErrNotSymmetric).
//   - Nonsymmetric A (convection–diffusion, the SKR Darcy form): GMRES(m)
//     is robust and monotone; BiCGStab uses less memory and often fewer
//     products but can break down. Both take ILU(0), ILUT, Jacobi or AMG
//     (with Gauss–Seidel smoothing, chosen automatically) on the right.
//     ILUT (dual threshold, column pivoting) is the one for matrices with
//     zero diagonal entries or strong convection, where ILU(0) refuses or
//     barely helps.
//   - Up to a few hundred thousand unknowns in 2D (and tens of thousands
//     in 3D), or many right-hand sides, or an ill-conditioned matrix no
//     preconditioner tames: the direct method ("direct", Direct), which
//     factors once and refines each solve to the rounding level.
//   - A preconditioner that is nonlinear or changes between applications
//     (a neural network, an inner iterative solve): FCG, the flexible CG
//     of Notay, which A-orthogonalises each preconditioned residual against
//     the last few directions and falls back to the residual itself when
//     the preconditioner returns zero or a non-finite vector.
//   - Jacobi, Gauss–Seidel, SOR and SSOR are provided as solvers for
//     teaching, tuning experiments (see the relax experiment) and smoothing;
//     their cost grows like h⁻² (h⁻¹ for SOR with the optimal ω).
//
// # Errors
//
// Every solver reports the outcome in Result.Reason, signed as PETSc's
// KSPConvergedReason. A solve that did not converge returns the last
// iterate in dst, the Result, and a *ConvergenceError that unwraps to
// ErrMaxIter, ErrDivergence, ErrBreakdown, ErrIndefinite, ErrIndefinitePC
// or ErrNaN. Sizes that do not match return an error wrapping ErrDimension;
// a Settings field out of range (negative, NaN or infinite tolerances, a
// negative MaxIter) one wrapping ErrSettings; a nonsymmetric *sparse.CSR
// given to CG, FCG or IC(0) one wrapping ErrNotSymmetric (the test costs a
// binary search per entry; Settings.SkipSymmetryCheck skips it);
// NaN or Inf in b or X0 return an error wrapping sparse.ErrNotFinite, and
// NaN or Inf in A surface as DivergedNaN. Convergence is always confirmed
// on the true residual: if a recurrence claims convergence that the true
// residual does not confirm, the Krylov methods restart from the true
// residual (at most 5 times).
//
// # Memory
//
// Methods own their work vectors and reuse them across calls, so
// repeated solves of one size allocate nothing; CG allocates nothing per
// iteration. A Method value must not be shared between goroutines.
//
// # References
//
//   - M. R. Hestenes, E. Stiefel, Methods of conjugate gradients for
//     solving linear systems, J. Res. NBS 49 (1952).
//   - Y. Saad, M. H. Schultz, GMRES: a generalized minimal residual
//     algorithm for solving nonsymmetric linear systems, SIAM J. Sci. Stat.
//     Comput. 7 (1986).
//   - H. A. van der Vorst, Bi-CGSTAB: a fast and smoothly converging
//     variant of Bi-CG, SIAM J. Sci. Stat. Comput. 13 (1992).
//   - C. C. Paige, M. A. Saunders, LSQR: an algorithm for sparse linear
//     equations and sparse least squares, ACM TOMS 8 (1982) (LSQR).
//   - J. A. Meijerink, H. A. van der Vorst, An iterative solution method for
//     linear systems of which the coefficient matrix is a symmetric
//     M-matrix, Math. Comp. 31 (1977) (IC(0)); T. A. Manteuffel, An
//     incomplete factorization technique for positive definite linear
//     systems, Math. Comp. 34 (1980) 473–497 (the diagonal shift).
//   - Y. Saad, ILUT: a dual threshold incomplete LU factorization, Numer.
//     Linear Algebra Appl. 1 (1994) 387–402 (ILUT, ILUTP).
//   - U. Trottenberg, C. W. Oosterlee, A. Schüller, Multigrid, Academic
//     Press 2001; W. L. Briggs, V. E. Henson, S. F. McCormick, A Multigrid
//     Tutorial, 2nd ed., SIAM 2000.
//   - M. Adams, M. Brezina, J. Hu, R. Tuminaro, Parallel multigrid
//     smoothing: polynomial versus Gauss–Seidel, J. Comput. Phys. 188 (2003).
//   - D. M. Young, Iterative Solution of Large Linear Systems, Academic
//     Press 1971 (SOR, optimal ω).
//   - P. Vaněk, J. Mandel, M. Brezina, Algebraic multigrid by smoothed
//     aggregation for second and fourth order elliptic problems, Computing
//     56 (1996) 179–196 (AMG); N. Bell, L. N. Olson, J. Schroder, PyAMG,
//     J. Open Source Softw. 8 (2023) (standard aggregation, the hierarchy
//     summary).
//   - H. De Sterck, R. D. Falgout, J. W. Nolting, U. M. Yang, Distance-two
//     interpolation for parallel algebraic multigrid, Numer. Linear
//     Algebra Appl. 15 (2008) 115–139 (extended+i interpolation); U. M.
//     Yang, On long-range interpolation operators for aggressive
//     coarsening, Numer. Linear Algebra Appl. 17 (2010) 453–472
//     (two-stage interpolation).
//   - L. N. Olson, J. Schroder, R. S. Tuminaro, A new perspective on
//     strength measures in algebraic multigrid, Numer. Linear Algebra
//     Appl. 17 (2010) 713–733 (the evolution measure, AMGEvolutionStrength).
//   - J. W. Ruge, K. Stüben, Algebraic multigrid, in Multigrid Methods,
//     Frontiers Appl. Math. 3, SIAM 1987, 73–130 (classical coarsening);
//     K. Stüben, An introduction to algebraic multigrid, appendix A of
//     U. Trottenberg, C. W. Oosterlee, A. Schüller, Multigrid, Academic
//     Press 2001 (standard and multipass interpolation, aggressive
//     coarsening A2).
//   - Y. Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., SIAM
//     2003 (Alg. 6.9, 7.7, 9.1, 10.4; §4.2, §10.2–10.3).
//   - Y. Notay, Flexible conjugate gradients, SIAM J. Sci. Comput. 22
//     (2000) 1444–1460 (FCG).
//   - A. Kaneda, O. Akar, J. Chen, V. A. T. Kala, D. Hyde, J. Teran, A deep
//     conjugate direction method for iteratively solving linear systems,
//     ICML 2023 (FCG with the last two directions and a network as M).
//   - G. H. Golub, C. F. Van Loan, Matrix Computations, 4th ed., Johns
//     Hopkins 2013, §10.1 (Lanczos).
//   - S. Balay et al., PETSc/TAO Users Manual, ANL-21/39 (KSPConvergedReason).
package linsolve
