// Package krylov solves sequences of related linear systems with Krylov
// subspace recycling: GCRO-DR(m, k) and GCROT(m, k) for general systems,
// recycled (deflated) CG for symmetric positive definite ones, Fischer's projection
// on previous solutions for one fixed operator, the SKR greedy sort that
// orders a family so that neighbours are similar, and a Sequence driver
// that records what each solve cost.
//
// This is the data-generation pipeline of the SKR paper (Wang et al.
// 2024): generate a family with package pde, Sort it by the distance of
// its parameters, and Run it with a recycling solver, which carries its
// recycle space (an explicit Space or CGSpace value, reachable through the
// solver's Space field) from each system to the next.
//
// # Choosing a solver
//
//   - Nonsymmetric systems (the SKR Darcy form, Helmholtz shifts,
//     convection–diffusion): GCROT first. It keeps one new outer vector
//     per cycle and needs about as many iterations as GCRODR, at half its
//     cost per iteration; on pdekit's SKR Darcy family it is about 2×
//     faster than GMRES(40). GCRODR (the SKR paper's solver) recomputes
//     k harmonic Ritz vectors after every cycle, which pays where the
//     slow part of the spectrum is shared by the whole sequence (the same
//     preconditioned operator, e.g. Jacobi on the SKR form), and where
//     the operator has eigenvalues in the left half-plane: restarted
//     GMRES stagnates there, and GCRODR with Target SmallestReal keeps
//     their eigenvectors (on the matrices the SKR code actually
//     assembles, pde.DarcySKRAsPublished, it converges on every system
//     where GMRES(40) stops at 10⁴ iterations on most). See BENCHMARKS.md
//     for the numbers.
//   - Symmetric positive definite systems: RCG, against CG as the
//     baseline. It cuts CG's iterations 1.7× on a family with a new
//     matrix per system (K = 8) and 3.2× on a fixed operator (K = 40,
//     where the space settles and stops being refreshed), at two products
//     with A·U per iteration, which ride on IC(0)'s and SSOR's backward
//     substitution and on the sparse product where AVX2 is available; on
//     pdekit's symmetric Darcy and fixed-A Poisson families it is
//     1.4–1.8× and 2.1–2.4× faster than CG.
//   - One operator, many right-hand sides: wrap the solver in Projection.
//     If the right-hand sides span a low-dimensional space, later solves
//     start from the exact solution.
//
// Every solver here implements linsolve.Method, takes its tolerances,
// iteration limit, initial guess and (right, or for RCG left)
// preconditioner from linsolve.Settings, confirms convergence on the true
// residual, and returns a *linsolve.ConvergenceError with the partial
// result when it does not converge. Bad input gets an error, never a
// panic: mismatched sizes (linsolve.ErrDimension, ErrSpaceSize,
// ErrSequence), a recycle dimension k ≥ m (ErrRecycleDim), NaN in b
// (sparse.ErrNotFinite), a Settings field or a method field (M, S, L,
// Target) out of range (linsolve.ErrSettings), a recycle space in use by
// another solve (ErrSpaceBusy). A recycle space that has become useless is
// dropped, not trusted: dependent vectors of C = A·U are removed in the QR
// step, an indefinite UᵀA·U empties an RCG space, and an indefinite
// matrix then stops CG with linsolve.ErrIndefinite.
//
// Concurrency: a solver value (RCG, GCRODR, GCROT, Projection,
// Sequence) owns its work vectors and serves one goroutine at a time, as
// every linsolve.Method does. A recycle space (Space, CGSpace) belongs to
// one solve at a time: solvers may share it one after another, and a
// solve that finds it in use returns ErrSpaceBusy instead of racing.
//
// # References
//
//   - E. de Sturler, "Truncation strategies for optimal Krylov subspace
//     methods", SIAM J. Numer. Anal. 36(3), 1999 (GCROT).
//   - J. E. Hicken, D. W. Zingg, "A simplified and flexible variant of
//     GCROT for solving nonsymmetric linear systems", SIAM J. Sci. Comput.
//     32(3), 2010.
//   - M. L. Parks, E. de Sturler, G. Mackey, D. D. Johnson, S. Maiti,
//     "Recycling Krylov subspaces for sequences of linear systems", SIAM J.
//     Sci. Comput. 28(5), 2006 (GCRO-DR).
//   - Y. Saad, M. Yeung, J. Erhel, F. Guyomarc'h, "A deflated version of
//     the conjugate gradient algorithm", SIAM J. Sci. Comput. 21(5), 2000.
//   - S. Wang, E. de Sturler, G. H. Paulino, "Large-scale topology
//     optimization using preconditioned Krylov subspace methods with
//     recycling", Int. J. Numer. Meth. Eng. 69(12), 2007 (recycling CG).
//   - P. F. Fischer, "Projection techniques for iterative solution of
//     Ax = b with successive right-hand sides", Comput. Methods Appl. Mech.
//     Engrg. 163, 1998.
//   - H. Wang, Z. Hao, J. Wang, Z. Geng, Z. Wang, B. Li, F. Wu,
//     "Accelerating data generation for neural operators via Krylov
//     subspace recycling", ICLR 2024 (SKR: sorting + GCRO-DR).
//   - L. Giraud, J. Langou, M. Rozložník, "The loss of orthogonality in
//     the Gram-Schmidt orthogonalization process", Comput. Math. Appl.
//     50, 2005 ("twice is enough").
//   - K. M. Soodhalter, E. de Sturler, M. E. Kilmer, "A survey of subspace
//     recycling iterative methods", GAMM-Mitt. 43(4), 2020.
package krylov
