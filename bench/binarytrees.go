// binarytrees: the Benchmarks Game's binary-trees program, the anchor of
// bench/gc.sh in Go; bench/binarytrees.c is the same program in C on other
// allocators. One goroutine does all the work, depth after depth, so that
// every variant allocates the same trees in the same order (the Go #2
// program of the Benchmarks Game spreads the depths over goroutines; this
// one does not). The collector runs as Go's does, on every core.
//
//	binarytrees N
//
// maxDepth = max(N, 6). A stretch tree of depth maxDepth+1 is built, checked
// and dropped; a long-lived tree of depth maxDepth is built and kept; then
// for depth = 4, 6, ..., maxDepth, 2^(maxDepth-depth+4) trees of that depth
// are built, checked and dropped; the long-lived tree is checked last. A
// tree's check is its number of nodes. Output, the standard one, then a
// line that bench/gc.sh reads and does not compare:
//
//	stretch tree of depth 21	 check: 4194303
//	1048576	 trees of depth 4	 check: 32505856
//	...
//	long lived tree of depth 20	 check: 2097151
//	seconds=S max_pause_ns=P
//
// S is the monotonic time from the start of main to the last check. P is
// the longest stop-the-world pause of the collector (MemStats.PauseNs);
// MemStats is read after every depth, so that the ring of the last 256
// pauses loses none unless a single depth makes more than 256 collections.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

type node struct {
	left, right *node
}

func bottomUp(depth int) *node {
	if depth <= 0 {
		return &node{}
	}
	return &node{bottomUp(depth - 1), bottomUp(depth - 1)}
}

func (n *node) check() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

// pauses folds the collections since the last call into maxPause.
var (
	lastNumGC uint32
	maxPause  uint64
	ms        runtime.MemStats
)

func pauses() {
	runtime.ReadMemStats(&ms)
	first := lastNumGC
	if ms.NumGC-first > uint32(len(ms.PauseNs)) {
		first = ms.NumGC - uint32(len(ms.PauseNs)) // older ones are gone
	}
	for i := first; i < ms.NumGC; i++ {
		if p := ms.PauseNs[i%uint32(len(ms.PauseNs))]; p > maxPause {
			maxPause = p
		}
	}
	lastNumGC = ms.NumGC
}

func main() {
	start := time.Now()
	n := 0
	if len(os.Args) == 2 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if n <= 0 {
		fmt.Fprintln(os.Stderr, "usage: binarytrees N")
		os.Exit(2)
	}
	const minDepth = 4
	maxDepth := n
	if minDepth+2 > maxDepth {
		maxDepth = minDepth + 2
	}
	pauses()

	stretch := maxDepth + 1
	fmt.Printf("stretch tree of depth %d\t check: %d\n", stretch, bottomUp(stretch).check())
	pauses()

	longLived := bottomUp(maxDepth)
	for depth := minDepth; depth <= maxDepth; depth += 2 {
		iterations := 1 << uint(maxDepth-depth+minDepth)
		check := 0
		for i := 0; i < iterations; i++ {
			check += bottomUp(depth).check()
		}
		fmt.Printf("%d\t trees of depth %d\t check: %d\n", iterations, depth, check)
		pauses()
	}
	fmt.Printf("long lived tree of depth %d\t check: %d\n", maxDepth, longLived.check())
	seconds := time.Since(start).Seconds()
	pauses()
	fmt.Printf("seconds=%.6f max_pause_ns=%d\n", seconds, maxPause)
}
