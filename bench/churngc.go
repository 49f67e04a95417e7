// churngc: bench/churngc.c's workload in Go, the anchor of bench/gc.sh's
// churn-gc: a ring of 1,000 live []byte of 16-256 bytes (the same LCG
// sizes), 20,000,000 times the oldest checked, dropped and replaced. Output:
// "checksum=C", then "seconds=S max_pause_ns=P" (MemStats.PauseNs, read
// every 65,536 operations so that the ring of 256 pauses loses none).
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

const (
	live = 1000
	ops  = 20000000
	lo   = 16
	hi   = 256
)

var (
	lastNumGC uint32
	maxPause  uint64
	ms        runtime.MemStats
)

func pauses() {
	runtime.ReadMemStats(&ms)
	first := lastNumGC
	if ms.NumGC-first > uint32(len(ms.PauseNs)) {
		first = ms.NumGC - uint32(len(ms.PauseNs))
	}
	for i := first; i < ms.NumGC; i++ {
		if p := ms.PauseNs[i%uint32(len(ms.PauseNs))]; p > maxPause {
			maxPause = p
		}
	}
	lastNumGC = ms.NumGC
}

var x uint64 = 0x5eed0001

func lcgSize() int {
	x = x*6364136223846793005 + 1442695040888963407
	return lo + int((uint64(uint32(x>>32))*(hi-lo+1))>>32)
}

func objNew(n int, tag byte) []byte {
	p := make([]byte, n)
	p[0] = tag
	p[n-1] = ^tag
	return p
}

func main() {
	start := time.Now()
	var ring [live][]byte
	var checksum uint64
	for i := 0; i < live; i++ {
		ring[i] = objNew(lcgSize(), byte(i))
	}
	oldest := 0
	for op := 0; op < ops; op++ {
		o := ring[oldest]
		if o[len(o)-1] != ^o[0] {
			fmt.Fprintln(os.Stderr, "churngc: object corrupted")
			os.Exit(1)
		}
		checksum += uint64(o[0])
		ring[oldest] = objNew(lcgSize(), byte(op))
		if oldest++; oldest == live {
			oldest = 0
		}
		if op%65536 == 0 {
			pauses()
		}
	}
	seconds := time.Since(start).Seconds()
	pauses()
	fmt.Printf("checksum=%d\n", checksum)
	fmt.Printf("seconds=%.6f max_pause_ns=%d\n", seconds, maxPause)
}
