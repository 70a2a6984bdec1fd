//go:build amd64 && !noasm

#include "textflag.h"

// AVX2 + FMA kernels of MDot, MAxpy (multi.go) and AxpyDot (vec.go), and
// the CPUID/XGETBV probes that decide whether they run. Loops run over
// blocks of 8 elements: two YMM registers per vector.

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func dot4(a0, a1, a2, a3, x *float64, n int, dst *[4]float64)
// dst[r] = Σ_{i<n} a_r[i]·x[i]; n is a multiple of 8.
TEXT ·dot4(SB), NOSPLIT, $0-56
	MOVQ a0+0(FP), R8
	MOVQ a1+8(FP), R9
	MOVQ a2+16(FP), R10
	MOVQ a3+24(FP), R11
	MOVQ x+32(FP), SI
	MOVQ n+40(FP), CX
	MOVQ dst+48(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ AX, AX
	SHRQ $3, CX
	JZ   dot4done
dot4loop:
	VMOVUPD (SI)(AX*8), Y8
	VMOVUPD 32(SI)(AX*8), Y9
	VFMADD231PD (R8)(AX*8), Y8, Y0
	VFMADD231PD 32(R8)(AX*8), Y9, Y4
	VFMADD231PD (R9)(AX*8), Y8, Y1
	VFMADD231PD 32(R9)(AX*8), Y9, Y5
	VFMADD231PD (R10)(AX*8), Y8, Y2
	VFMADD231PD 32(R10)(AX*8), Y9, Y6
	VFMADD231PD (R11)(AX*8), Y8, Y3
	VFMADD231PD 32(R11)(AX*8), Y9, Y7
	ADDQ $8, AX
	DECQ CX
	JNZ  dot4loop
dot4done:
	VADDPD Y4, Y0, Y0
	VADDPD Y5, Y1, Y1
	VADDPD Y6, Y2, Y2
	VADDPD Y7, Y3, Y3
	// transpose-reduce: Y0..Y3 each 4 lanes → dst[0..3]
	VHADDPD Y1, Y0, Y0   // [a0+a1 (r0), b0+b1 (r1), a2+a3 (r0), b2+b3 (r1)]
	VHADDPD Y3, Y2, Y2   // same for r2, r3
	VPERM2F128 $0x21, Y2, Y0, Y1 // [Y0 high, Y2 low]
	VBLENDPD $0xC, Y2, Y0, Y0    // [Y0 low, Y2 high]
	VADDPD Y1, Y0, Y0
	VMOVUPD Y0, (DI)
	VZEROUPPER
	RET

// func axpy4(c *[4]float64, a0, a1, a2, a3, y *float64, n int)
// y[i] += Σ_r c[r]·a_r[i]; n is a multiple of 8.
TEXT ·axpy4(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DX
	MOVQ a0+8(FP), R8
	MOVQ a1+16(FP), R9
	MOVQ a2+24(FP), R10
	MOVQ a3+32(FP), R11
	MOVQ y+40(FP), DI
	MOVQ n+48(FP), CX
	VBROADCASTSD (DX), Y12
	VBROADCASTSD 8(DX), Y13
	VBROADCASTSD 16(DX), Y14
	VBROADCASTSD 24(DX), Y15
	XORQ AX, AX
	SHRQ $3, CX
	JZ   axpy4done
axpy4loop:
	VMOVUPD (DI)(AX*8), Y0
	VMOVUPD 32(DI)(AX*8), Y1
	VFMADD231PD (R8)(AX*8), Y12, Y0
	VFMADD231PD 32(R8)(AX*8), Y12, Y1
	VFMADD231PD (R9)(AX*8), Y13, Y0
	VFMADD231PD 32(R9)(AX*8), Y13, Y1
	VFMADD231PD (R10)(AX*8), Y14, Y0
	VFMADD231PD 32(R10)(AX*8), Y14, Y1
	VFMADD231PD (R11)(AX*8), Y15, Y0
	VFMADD231PD 32(R11)(AX*8), Y15, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	DECQ CX
	JNZ  axpy4loop
axpy4done:
	VZEROUPPER
	RET

// func axpyDot(alpha float64, x, y, z *float64, n int) float64
// y[i] += alpha·x[i] for i < n, and returns Σ z[i]·y[i] (new y); n is a
// multiple of 8. z may be y.
TEXT ·axpyDot(SB), NOSPLIT, $0-48
	VBROADCASTSD alpha+0(FP), Y15
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ z+24(FP), DX
	MOVQ n+32(FP), CX
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	XORQ AX, AX
	SHRQ $3, CX
	JZ   axpydotdone
axpydotloop:
	VMOVUPD (DI)(AX*8), Y0
	VMOVUPD 32(DI)(AX*8), Y1
	VFMADD231PD (SI)(AX*8), Y15, Y0
	VFMADD231PD 32(SI)(AX*8), Y15, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VFMADD231PD (DX)(AX*8), Y0, Y4
	VFMADD231PD 32(DX)(AX*8), Y1, Y5
	ADDQ $8, AX
	DECQ CX
	JNZ  axpydotloop
axpydotdone:
	VADDPD Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VADDPD X5, X4, X4
	VHADDPD X4, X4, X4
	VMOVSD X4, ret+40(FP)
	VZEROUPPER
	RET
