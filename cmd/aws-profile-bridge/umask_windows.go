package main

// setUmask is a no-op on Windows: files under the user's profile inherit its ACL.
func setUmask() {}
