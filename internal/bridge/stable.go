package bridge

import "time"

// youngestAge is how long ago the most recently changed file changed.
func youngestAge(st []fileStamp) time.Duration {
	age := time.Duration(1<<62 - 1)
	now := time.Now().UnixNano()
	for _, f := range st {
		if f.Exists {
			age = min(age, time.Duration(now-f.changedNs()))
		}
	}
	return age
}
