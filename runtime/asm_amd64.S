// Context switch for x86-64 (System V ABI, ELF): Go's gogo/gosave in a few
// instructions. See gobuf.c for how contexts are made and switched, and why
// only these registers.
//
// A suspended context keeps its registers on its own stack; its gobuf holds
// only the stack pointer. The frame escrt_switch leaves, from gobuf.sp up:
//
//	sp+0   MXCSR (4 bytes), x87 control word (2 bytes), padding
//	sp+8   r15
//	sp+16  r14
//	sp+24  r13
//	sp+32  r12
//	sp+40  rbx
//	sp+48  rbp
//	sp+56  return address
//
// These are the registers a call must preserve (callee-saved) plus the two
// floating-point control words the ABI also makes callee-saved; the caller
// of escrt_switch has saved everything else, as for any call.

	.text

// void escrt_switch(uintptr_t *save_sp, uintptr_t new_sp)
	.globl	escrt_switch
	.hidden	escrt_switch
	.type	escrt_switch, @function
	.p2align 4
escrt_switch:
	pushq	%rbp			// save the callee-saved registers
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp		// room for the control words
	stmxcsr	(%rsp)			// save MXCSR (SSE rounding, exceptions)
	fnstcw	4(%rsp)			// save the x87 control word
	movq	%rsp, (%rdi)		// *save_sp = this context's stack pointer
	movq	%rsi, %rsp		// switch to the other context's stack
	ldmxcsr	(%rsp)			// restore its MXCSR
	fldcw	4(%rsp)			// restore its x87 control word
	addq	$8, %rsp
	popq	%r15			// restore its callee-saved registers
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret				// resume it where it called escrt_switch
	.size	escrt_switch, .-escrt_switch

// escrt_context_entry is where a new context first resumes (gobuf_init puts
// its address as the return address): r12 holds the function, r13 its
// argument. escrt_context_start never returns; if it did, ud2 traps.
	.globl	escrt_context_entry
	.hidden	escrt_context_entry
	.type	escrt_context_entry, @function
	.p2align 4
escrt_context_entry:
	movq	%r12, %rdi		// fn
	movq	%r13, %rsi		// arg
	call	escrt_context_start	// runs fn(arg), then throws
	ud2				// unreachable
	.size	escrt_context_entry, .-escrt_context_entry

// void escrt_call_on(void (*fn)(void *), void *arg, uintptr_t sp)
// calls fn(arg) with the stack pointer at sp (16-byte aligned), then comes
// back to the caller's stack: Go's systemstack, without the scheduler's
// bookkeeping (gobuf_systemstack does that).
	.globl	escrt_call_on
	.hidden	escrt_call_on
	.type	escrt_call_on, @function
	.p2align 4
escrt_call_on:
	pushq	%rbp			// rbp keeps the caller's stack pointer
	movq	%rsp, %rbp
	movq	%rdx, %rsp		// onto the other stack
	movq	%rdi, %rax
	movq	%rsi, %rdi		// fn's argument
	call	*%rax			// fn(arg); fn preserves rbp
	movq	%rbp, %rsp		// back onto the caller's stack
	popq	%rbp
	ret
	.size	escrt_call_on, .-escrt_call_on

	.section .note.GNU-stack, "", @progbits
