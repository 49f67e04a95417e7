// growslice.go: the capacities Go's append gives a slice grown one element
// at a time, the anchor of bench/growslice.c (bench/growslice.sh compares
// the two). Built with Debian's golang-go (Go 1.19) as a single file.
//
// For each element size, a nil slice of elements of that many bytes gets
// ELEMENTS appends of one element; the program prints one line per size,
// the capacity after the first append and after every append that changed
// it:
//
//	elemsize 8: 1 2 4 8 16 32 ...
package main

import "fmt"

// ELEMENTS is how long each slice grows: past the 256-element threshold
// where doubling ends, and past 32 KB, where whole pages take over from
// the size classes, for every size below.
const ELEMENTS = 5000

func caps[T any]() []int {
	var s []T
	var zero T
	var out []int
	for i := 0; i < ELEMENTS; i++ {
		s = append(s, zero)
		if len(out) == 0 || out[len(out)-1] != cap(s) {
			out = append(out, cap(s))
		}
	}
	return out
}

func line(size int, caps []int) {
	fmt.Printf("elemsize %d:", size)
	for _, c := range caps {
		fmt.Printf(" %d", c)
	}
	fmt.Println()
}

func main() {
	line(1, caps[[1]byte]())
	line(2, caps[[2]byte]())
	line(8, caps[[8]byte]())
	line(12, caps[[12]byte]())
	line(24, caps[[24]byte]())
	line(40, caps[[40]byte]())
	line(64, caps[[64]byte]())
	line(100, caps[[100]byte]())
}
