// Package tune chooses a solver parameter online across a sequence of
// related linear systems, from the cost (iterations) of the solves already
// done: the bandit and contextual-bandit learners of Khodak, Chow, Balcan
// and Talwalkar (2024) for the SOR relaxation parameter ω, behind a
// generic interface so that any discrete parameter (GMRES restart, recycle
// dimension, preconditioner choice) can be tuned the same way.
//
// A learner plays arms 0…K−1 of a grid (for SOR, OmegaGrid), one per
// instance: Choose(context) returns the arm for the next instance and
// Observe(cost) reports what it cost. Non-contextual learners ignore the
// context.
//
//   - TsallisINF: the best-of-both-worlds bandit of Zimmert and Seldin
//     (2021) with η_t = 2/√t; competes with the best fixed arm.
//   - BinnedTsallisINF: one Tsallis-INF per bin of a scalar context.
//   - ChebCB: a contextual bandit that regresses each arm's cost on
//     Chebyshev features of the context and plays by inverse-gap weighting
//     (SquareCB, Foster and Rakhlin 2020); competes with the best
//     context-dependent policy.
//   - YoungOmega: the instance-optimal ω* = 2/(1 + √(1 − ρ_J²)) of a
//     consistently ordered SPD matrix, with ρ_J from Lanczos, the oracle
//     the learners are measured against.
//
// Every random draw comes from the *rand.Rand the caller passes in.
//
// References
//
//   - M. Khodak, E. Chow, M.-F. Balcan, A. Talwalkar, Learning to Relax:
//     Setting Solver Parameters Across a Sequence of Linear System
//     Instances, ICLR 2024 (arXiv 2310.02246).
//   - J. Zimmert, Y. Seldin, Tsallis-INF: An Optimal Algorithm for
//     Stochastic and Adversarial Bandits, JMLR 22 (2021).
//   - D. Foster, A. Rakhlin, Beyond UCB: Optimal and Efficient Contextual
//     Bandits with Regression Oracles, ICML 2020.
//   - D. M. Young, Iterative Solution of Large Linear Systems, 1971.
package tune
