package fsafe

import "os"

// sysStamp has no inode or change time from a plain stat on Windows: size and modification time
// (100 ns resolution on NTFS) carry the stamp, and the racy window covers a change in one tick.
func sysStamp(os.FileInfo) (ino uint64, ctimeNs int64) { return 0, 0 }
