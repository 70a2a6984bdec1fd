// Package sparse provides compressed sparse row (CSR) matrices with int32
// column indices, a triplet (coordinate) builder that sums duplicates, the
// matrix–vector products the iterative solvers of pdekit are built on, and
// Matrix Market input and output.
//
// A CSR matrix is immutable in shape once built: its three slices RowPtr,
// ColIdx and Val are exported so that preconditioners and smoothers can sweep
// rows without an interface call per entry, but code outside this package
// must not change the sparsity pattern. Column indices within a row are
// sorted and unique for every matrix built by this package (the invariant
// that ILU(0), IC(0) and the symmetry check rely on).
//
// Use a Triplet to assemble a matrix entry by entry; ToCSR sorts each row and
// sums repeated (i, j) entries, the usual finite-element and finite-difference
// assembly convention.
//
// Bad data (NaN or Inf values, malformed or truncated files, out-of-range
// indices) is reported as an error; shape mismatches between arguments of a
// product are programmer errors and panic with a "sparse: ..." message.
//
// References
//
//   - Y. Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., SIAM 2003,
//     §3.4 (storage schemes).
//   - R. F. Boisvert, R. Pozo, K. Remington, The Matrix Market Exchange
//     Formats: Initial Design, NIST IR 5935, 1996.
package sparse
