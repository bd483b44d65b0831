// Command gen renders Fanzha's picture test set (chat screenshots and QR
// codes) into a directory, with manifest.jsonl:
//
//	go run ./imageset/gen -out /tmp/fanzha-images
//	go run ./cmd/fanzha eval --images /tmp/fanzha-images
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fanzha/fanzha/imageset"
)

func main() {
	out := flag.String("out", "", "directory to write the set into")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -out DIR")
		os.Exit(2)
	}
	items, err := imageset.Generate(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("%d pictures in %s\n", len(items), *out)
}
