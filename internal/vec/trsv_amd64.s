//go:build amd64 && !noasm

#include "textflag.h"

// The q = 1…12 accumulators Y0…Y11 of the kernels below: zeroed, each
// updated with the broadcast x_i (Y15) times its four entries of row i of
// w (at R12), and stored to dots (at AX); BX holds q.
#define ZERO_ACC \
	VXORPD Y0, Y0, Y0 \
	VXORPD Y1, Y1, Y1 \
	VXORPD Y2, Y2, Y2 \
	VXORPD Y3, Y3, Y3 \
	VXORPD Y4, Y4, Y4 \
	VXORPD Y5, Y5, Y5 \
	VXORPD Y6, Y6, Y6 \
	VXORPD Y7, Y7, Y7 \
	VXORPD Y8, Y8, Y8 \
	VXORPD Y9, Y9, Y9 \
	VXORPD Y10, Y10, Y10 \
	VXORPD Y11, Y11, Y11

#define ACCUMULATE(done) \
	VFMADD231PD 0(R12), Y15, Y0 \
	CMPQ BX, $2; JLT done; VFMADD231PD 32(R12), Y15, Y1 \
	CMPQ BX, $3; JLT done; VFMADD231PD 64(R12), Y15, Y2 \
	CMPQ BX, $4; JLT done; VFMADD231PD 96(R12), Y15, Y3 \
	CMPQ BX, $5; JLT done; VFMADD231PD 128(R12), Y15, Y4 \
	CMPQ BX, $6; JLT done; VFMADD231PD 160(R12), Y15, Y5 \
	CMPQ BX, $7; JLT done; VFMADD231PD 192(R12), Y15, Y6 \
	CMPQ BX, $8; JLT done; VFMADD231PD 224(R12), Y15, Y7 \
	CMPQ BX, $9; JLT done; VFMADD231PD 256(R12), Y15, Y8 \
	CMPQ BX, $10; JLT done; VFMADD231PD 288(R12), Y15, Y9 \
	CMPQ BX, $11; JLT done; VFMADD231PD 320(R12), Y15, Y10 \
	CMPQ BX, $12; JLT done; VFMADD231PD 352(R12), Y15, Y11

#define STORE_ACC(done) \
	VMOVUPD Y0, 0(AX) \
	CMPQ BX, $2; JLT done; VMOVUPD Y1, 32(AX) \
	CMPQ BX, $3; JLT done; VMOVUPD Y2, 64(AX) \
	CMPQ BX, $4; JLT done; VMOVUPD Y3, 96(AX) \
	CMPQ BX, $5; JLT done; VMOVUPD Y4, 128(AX) \
	CMPQ BX, $6; JLT done; VMOVUPD Y5, 160(AX) \
	CMPQ BX, $7; JLT done; VMOVUPD Y6, 192(AX) \
	CMPQ BX, $8; JLT done; VMOVUPD Y7, 224(AX) \
	CMPQ BX, $9; JLT done; VMOVUPD Y8, 256(AX) \
	CMPQ BX, $10; JLT done; VMOVUPD Y9, 288(AX) \
	CMPQ BX, $11; JLT done; VMOVUPD Y10, 320(AX) \
	CMPQ BX, $12; JLT done; VMOVUPD Y11, 352(AX)

#define LOAD_C(done) \
	VMOVUPD 0(AX), Y0 \
	CMPQ BX, $2; JLT done; VMOVUPD 32(AX), Y1 \
	CMPQ BX, $3; JLT done; VMOVUPD 64(AX), Y2 \
	CMPQ BX, $4; JLT done; VMOVUPD 96(AX), Y3 \
	CMPQ BX, $5; JLT done; VMOVUPD 128(AX), Y4 \
	CMPQ BX, $6; JLT done; VMOVUPD 160(AX), Y5 \
	CMPQ BX, $7; JLT done; VMOVUPD 192(AX), Y6 \
	CMPQ BX, $8; JLT done; VMOVUPD 224(AX), Y7 \
	CMPQ BX, $9; JLT done; VMOVUPD 256(AX), Y8 \
	CMPQ BX, $10; JLT done; VMOVUPD 288(AX), Y9 \
	CMPQ BX, $11; JLT done; VMOVUPD 320(AX), Y10 \
	CMPQ BX, $12; JLT done; VMOVUPD 352(AX), Y11

#define ROW_DOT_C(done) \
	VMULPD 0(R12), Y0, Y12 \
	CMPQ BX, $2; JLT done; VFMADD231PD 32(R12), Y1, Y12 \
	CMPQ BX, $3; JLT done; VFMADD231PD 64(R12), Y2, Y12 \
	CMPQ BX, $4; JLT done; VFMADD231PD 96(R12), Y3, Y12 \
	CMPQ BX, $5; JLT done; VFMADD231PD 128(R12), Y4, Y12 \
	CMPQ BX, $6; JLT done; VFMADD231PD 160(R12), Y5, Y12 \
	CMPQ BX, $7; JLT done; VFMADD231PD 192(R12), Y6, Y12 \
	CMPQ BX, $8; JLT done; VFMADD231PD 224(R12), Y7, Y12 \
	CMPQ BX, $9; JLT done; VFMADD231PD 256(R12), Y8, Y12 \
	CMPQ BX, $10; JLT done; VFMADD231PD 288(R12), Y9, Y12 \
	CMPQ BX, $11; JLT done; VFMADD231PD 320(R12), Y10, Y12 \
	CMPQ BX, $12; JLT done; VFMADD231PD 352(R12), Y11, Y12

// func upperSolveDots(rp *int, ci *int32, v, dinv, x, r *float64, n int, w *float64, q int, dots *float64)
// The backward substitution over the strictly upper rows rp/ci/v fused
// with 4q dot products against the row-major n×4q block w (q = 1…12),
// accumulated in Y0…Y11 while the substitution's dependency chain runs:
// for i = n−1 … 0
//	x[i] = dinv[i]·(r[i] − Σ_{k∈row i} v[k]·x[ci[k]])  (multiply, then subtract)
//	Y_l += x[i]·w[i·4q + 4l : 4l+4]                      (l < q)
TEXT ·upperSolveDots(SB), NOSPLIT, $0-80
	MOVQ rp+0(FP), SI
	MOVQ ci+8(FP), DI
	MOVQ v+16(FP), R8
	MOVQ dinv+24(FP), R9
	MOVQ x+32(FP), R10
	MOVQ r+40(FP), R11
	MOVQ n+48(FP), CX
	MOVQ w+56(FP), R12
	MOVQ q+64(FP), BX
	MOVQ BX, DX
	SHLQ $5, DX               // row stride of w in bytes: 4q·8
	ZERO_ACC
	TESTQ CX, CX
	JZ   usdstore
	MOVQ (SI)(CX*8), R14      // hi = rp[n]
	DECQ CX                   // i = n−1
	MOVQ CX, AX
	IMULQ DX, AX
	ADDQ AX, R12              // &w[i·4q]
usrow:
	MOVQ (SI)(CX*8), R13      // lo = rp[i]
	VMOVSD (R11)(CX*8), X12   // s = r[i]
	MOVQ R13, R15
usinner:
	CMPQ R15, R14
	JGE  usinnerdone
	MOVLQSX (DI)(R15*4), AX
	VMOVSD (R8)(R15*8), X13
	VMULSD (R10)(AX*8), X13, X13
	VSUBSD X13, X12, X12
	INCQ R15
	JMP  usinner
usinnerdone:
	VMULSD (R9)(CX*8), X12, X12
	VMOVSD X12, (R10)(CX*8)
	VBROADCASTSD X12, Y15
	ACCUMULATE(usfmadone)
usfmadone:
	SUBQ DX, R12
	MOVQ R13, R14             // hi of row i−1 = lo of row i
	DECQ CX
	JGE  usrow
usdstore:
	MOVQ dots+72(FP), AX
	STORE_ACC(usdone)
usdone:
	VZEROUPPER
	RET

// func upperSweepDots(rp, dpos *int, ci *int32, v, wd, x *float64, n int, w *float64, q int, dots *float64)
// SSOR's backward sweep over the entries right of the diagonal of each
// row of a full CSR matrix (dpos[i] is row i's diagonal entry), fused the
// same way with 4q dot products against w:
// for i = n−1 … 0
//	x[i] −= wd[i]·Σ_{k=dpos[i]+1}^{rp[i+1]−1} v[k]·x[ci[k]]  (s from 0, multiply, then add)
//	Y_l += x[i]·w[i·4q + 4l : 4l+4]                            (l < q)
TEXT ·upperSweepDots(SB), NOSPLIT, $0-80
	MOVQ rp+0(FP), SI
	MOVQ dpos+8(FP), R11
	MOVQ ci+16(FP), DI
	MOVQ v+24(FP), R8
	MOVQ wd+32(FP), R9
	MOVQ x+40(FP), R10
	MOVQ n+48(FP), CX
	MOVQ w+56(FP), R12
	MOVQ q+64(FP), BX
	MOVQ BX, DX
	SHLQ $5, DX               // row stride of w in bytes: 4q·8
	ZERO_ACC
	TESTQ CX, CX
	JZ   swdstore
	DECQ CX                   // i = n−1
	MOVQ CX, AX
	IMULQ DX, AX
	ADDQ AX, R12              // &w[i·4q]
swrow:
	MOVQ 8(SI)(CX*8), R14     // hi = rp[i+1]
	MOVQ (R11)(CX*8), R15
	INCQ R15                  // k = dpos[i]+1
	VXORPD X12, X12, X12      // s = 0
swinner:
	CMPQ R15, R14
	JGE  swinnerdone
	MOVLQSX (DI)(R15*4), AX
	VMOVSD (R8)(R15*8), X13
	VMULSD (R10)(AX*8), X13, X13
	VADDSD X13, X12, X12
	INCQ R15
	JMP  swinner
swinnerdone:
	VMULSD (R9)(CX*8), X12, X12
	VMOVSD (R10)(CX*8), X13
	VSUBSD X12, X13, X13      // x[i] − wd[i]·s
	VMOVSD X13, (R10)(CX*8)
	VBROADCASTSD X13, Y15
	ACCUMULATE(swfmadone)
swfmadone:
	SUBQ DX, R12
	DECQ CX
	JGE  swrow
swdstore:
	MOVQ dots+72(FP), AX
	STORE_ACC(swdone)
swdone:
	VZEROUPPER
	RET

// func mulDotSub(rp *int, ci *int32, v, x, q *float64, n int, w, c *float64, qq int) float64
// The product q = A·x − W·c over the CSR rows rp/ci/v, with the n×4qq
// row-major block W and the 4qq coefficients c (held in Y0…Y11), and
// returns xᵀq: each (A·x)_i summed in row order with a multiply and an
// add, as a plain Go loop would, then the row of W·c (a chain of fused
// multiply–adds in Y12, reduced) subtracted. The rows are independent, so
// the W·c work overlaps the gathers of the next rows.
TEXT ·mulDotSub(SB), NOSPLIT, $0-80
	MOVQ rp+0(FP), SI
	MOVQ ci+8(FP), DI
	MOVQ v+16(FP), R8
	MOVQ x+24(FP), R10
	MOVQ q+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ w+48(FP), R12
	MOVQ c+56(FP), AX
	MOVQ qq+64(FP), BX
	MOVQ BX, DX
	SHLQ $5, DX               // row stride of w in bytes
	LOAD_C(mdloaded)
mdloaded:
	VXORPD X15, X15, X15      // xᵀq
	XORQ R9, R9               // i
	MOVQ (SI), R14            // lo = rp[0]
mdrow:
	CMPQ R9, CX
	JGE  mddone
	MOVQ 8(SI)(R9*8), R13     // hi = rp[i+1]
	VXORPD X13, X13, X13      // s = 0
	MOVQ R14, R15
mdinner:
	CMPQ R15, R13
	JGE  mdinnerdone
	MOVLQSX (DI)(R15*4), AX
	VMOVSD (R8)(R15*8), X14
	VMULSD (R10)(AX*8), X14, X14
	VADDSD X14, X13, X13
	INCQ R15
	JMP  mdinner
mdinnerdone:
	ROW_DOT_C(mdcorr)
mdcorr:
	VEXTRACTF128 $1, Y12, X14
	VADDPD X14, X12, X12
	VPERMILPD $1, X12, X14
	VADDSD X14, X12, X12
	VSUBSD X12, X13, X13      // q_i = (A·x)_i − (W·c)_i
	VMOVSD X13, (R11)(R9*8)
	VMOVSD (R10)(R9*8), X14
	VFMADD231SD X14, X13, X15
	ADDQ DX, R12
	MOVQ R13, R14
	INCQ R9
	JMP  mdrow
mddone:
	VMOVSD X15, ret+72(FP)
	VZEROUPPER
	RET
