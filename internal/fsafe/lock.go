package fsafe

import (
	"os"

	"github.com/gofrs/flock"
)

// Lock takes an exclusive lock on the file at path (created with FileMode when missing, never
// through a symlink on Unix), waiting while another holder has it: another process, or another
// Lock of the same path in this one (each Lock opens its own descriptor). unlock releases it and
// closes the file; the operating system releases it too if the process dies.
func Lock(path string) (unlock func() error, err error) {
	fl := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDONLY|oNoFollow), flock.SetPermissions(FileMode))
	if err := fl.Lock(); err != nil {
		return nil, err
	}
	return fl.Unlock, nil
}

// TryLock is Lock without the wait: it reports ok false (and no error) at once while another
// holder has the lock.
func TryLock(path string) (unlock func() error, ok bool, err error) {
	fl := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDONLY|oNoFollow), flock.SetPermissions(FileMode))
	if ok, err = fl.TryLock(); err != nil || !ok {
		return nil, false, err
	}
	return fl.Unlock, true, nil
}
