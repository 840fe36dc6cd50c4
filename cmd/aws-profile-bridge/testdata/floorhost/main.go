// Command floorhost is the floor of the spawn benchmark: the least a Go native-messaging host can
// do — read one frame, answer one fixed frame, exit at EOF.
package main

import (
	"encoding/binary"
	"io"
	"os"
)

func main() {
	var n [4]byte
	for {
		if _, err := io.ReadFull(os.Stdin, n[:]); err != nil {
			return
		}
		if _, err := io.CopyN(io.Discard, os.Stdin, int64(binary.LittleEndian.Uint32(n[:]))); err != nil {
			os.Exit(1)
		}
		body := []byte(`{"action":"profileList","profiles":[]}`)
		binary.LittleEndian.PutUint32(n[:], uint32(len(body)))
		os.Stdout.Write(append(n[:], body...))
	}
}
