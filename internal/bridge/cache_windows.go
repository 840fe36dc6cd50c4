package bridge

import "os"

// sysStamp has no inode or change time on Windows: size and modification time carry the stamp
// (with nanosecond-ish resolution on NTFS), and the racy window covers a change in the same tick.
func sysStamp(fi os.FileInfo) (ino uint64, ctimeNs int64) { return 0, 0 }

// privateFile: files under the user's profile inherit its ACL.
func privateFile(fi os.FileInfo) bool { return true }

// privateDir: directories under the user's profile inherit its ACL.
func privateDir(fi os.FileInfo) bool { return true }

func openCacheFile(path string) (*os.File, error) { return os.Open(path) }
