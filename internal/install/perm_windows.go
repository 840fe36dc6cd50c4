package install

import "io/fs"

// permChecks says whether file modes mean anything here: not on Windows, where ACLs rule and a
// file under the user's profile is private by default.
const permChecks = false

func isWindowsFS() bool { return true }

func writableByOthers(fs.FileInfo) bool { return false }

func notPrivate(fs.FileInfo) bool { return false }

func isExecutable(fs.FileInfo) bool { return true }

func ownedByOther(fs.FileInfo) bool { return false }
