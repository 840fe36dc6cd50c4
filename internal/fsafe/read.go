package fsafe

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strconv"
)

// Errors of the readers, wrapped with the file's name (test with errors.Is).
var (
	// ErrNotRegular: the path names a FIFO, a device, a directory or a socket, which are never
	// read (a FIFO would block, /dev/zero never ends).
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file is larger than the reader's limit.
	ErrTooLarge = errors.New("file too large")
	// ErrSymlink: a reader that must not follow symlinks found one.
	ErrSymlink = errors.New("is a symlink")
)

// FileError is a reader's refusal of a file: Problem says what is wrong ("is a named pipe
// (FIFO), not a regular file"), Err is ErrNotRegular, ErrTooLarge or ErrSymlink.
type FileError struct {
	Path    string
	Problem string
	Err     error
}

func (e *FileError) Error() string { return e.Path + " " + e.Problem }

func (e *FileError) Unwrap() error { return e.Err }

// Open opens the regular file at path for reading. A symlink is resolved once, by the kernel at
// open, and what was opened is judged on the descriptor (never by a stat of the path before the
// open, which a rename in between would make a stat of a different file). On Unix the open does
// not block on a FIFO. A missing file (or a dangling symlink) is an error satisfying
// errors.Is(err, fs.ErrNotExist); anything other than a regular file is ErrNotRegular.
func Open(path string) (*os.File, fs.FileInfo, error) { return open(path, false) }

// OpenNoFollow is Open refusing a symlink at path itself (ErrSymlink): for files of ours that
// nobody has a reason to link elsewhere.
func OpenNoFollow(path string) (*os.File, fs.FileInfo, error) { return open(path, true) }

func open(path string, noFollow bool) (*os.File, fs.FileInfo, error) {
	f, err := openRead(path, noFollow)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, notRegular(path, fi.Mode())
	}
	return f, fi, nil
}

func notRegular(path string, m fs.FileMode) error {
	return &FileError{Path: path, Problem: "is " + Describe(m) + ", not a regular file", Err: ErrNotRegular}
}

// Describe names a file type for a message: "a named pipe (FIFO)", "a directory" …
func Describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "a special file"
}

// ReadAll reads the file f (opened by Open, fi its FileInfo) to the end, refusing more than
// limit bytes (ErrTooLarge): the file may grow after the stat, so the read itself is bounded too.
func ReadAll(f *os.File, fi fs.FileInfo, limit int64) ([]byte, error) {
	if fi.Size() > limit {
		return nil, tooLarge(f.Name(), limit)
	}
	// One buffer of the size the stat gave (and one byte more, to see EOF without growing), rather
	// than io.ReadAll's doubling from 512 bytes: a 1 MB config file was read in a dozen copies.
	data := make([]byte, 0, fi.Size()+1)
	data, err := readAll(io.LimitReader(f, limit+1), data)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", f.Name(), err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(f.Name(), limit)
	}
	return data, nil
}

// readAll is io.ReadAll into buf's spare capacity, growing it only when r yields more.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func tooLarge(path string, limit int64) error {
	return &FileError{Path: path, Problem: "is larger than " + Size(limit), Err: ErrTooLarge}
}

// Size formats a byte count for a message: 16 MiB, 64 KiB, 100 bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// NoFault runs read, which reads memory MapAll returned, and reports false when that memory
// faulted (the file was truncated under the mapping) instead of letting the process die.
func NoFault(read func()) (ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			ok = false
		}
	}()
	read()
	return true
}

// ReadFile reads the regular file at path (see Open), at most limit bytes (see ReadAll).
func ReadFile(path string, limit int64) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, fi, limit)
}
