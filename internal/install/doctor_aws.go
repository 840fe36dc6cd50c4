package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aws-profile-bridge/aws-profile-bridge/internal/fsafe"
)

// AWSFile is one of the AWS shared files doctor and `profiles` look at.
type AWSFile struct {
	Path string
	// Secret: the credentials file, which others must not read either.
	Secret bool
}

// CheckAWSFile looks at one AWS file and its folder as the host will read them: a missing file is
// fine (info), anything else that is not a regular file is not; a file or folder that someone
// else can change is a way to make the host run their credential_process, and a credentials file
// others can read gives away keys. Each problem comes with the command that fixes it.
func CheckAWSFile(f AWSFile) []Finding {
	p := f.Path
	finding := func(status, msg, fix string) Finding {
		return Finding{Check: "aws", Status: status, Path: p, Message: msg, Fix: fix}
	}
	lfi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return []Finding{finding(StatusInfo, p+" does not exist (fine if you keep no profiles there)", "")}
	}
	if err != nil {
		return []Finding{finding(StatusFail, fmt.Sprintf("cannot look at %s: %v", p, err), "ls -l "+fsafe.ShellQuote(p))}
	}
	fi := lfi
	if lfi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		if fi, err = os.Stat(p); err != nil {
			return []Finding{finding(StatusFail, fmt.Sprintf("%s is a symbolic link to %s, which does not exist", p, target),
				"rm "+fsafe.ShellQuote(p)+"   # or point it at your real file: ln -sf FILE "+fsafe.ShellQuote(p))}
		}
	}
	if !fi.Mode().IsRegular() {
		return []Finding{finding(StatusFail, fmt.Sprintf("%s is %s, not a file: the AWS tools and the host cannot read profiles from it", p, fsafe.Describe(fi.Mode())),
			"mv "+fsafe.ShellQuote(p)+" "+fsafe.ShellQuote(p+".bak")+"   # then recreate it, e.g. with: aws configure")}
	}
	if !fsafe.ModesApply {
		return []Finding{finding(StatusOK, p+" is a regular file", "")}
	}
	var out []Finding
	if fsafe.OwnedByOther(fi) {
		out = append(out, finding(StatusFail, fmt.Sprintf("%s belongs to another user, who can change your profiles (and make the host run their credential_process)", p),
			"sudo chown \"$(id -un)\" "+fsafe.ShellQuote(p)))
	}
	mode := "go-w"
	if f.Secret {
		mode = "600"
	}
	switch {
	case fsafe.WritableByOthers(fi):
		out = append(out, finding(StatusFail, fmt.Sprintf("%s has mode %o: other users can change it, for example add a credential_process that the host will run as you", p, fi.Mode().Perm()),
			"chmod "+mode+" "+fsafe.ShellQuote(p)))
	case f.Secret && fsafe.OpenToOthers(fi):
		out = append(out, finding(StatusFail, fmt.Sprintf("%s has mode %o: other users can read your keys", p, fi.Mode().Perm()),
			"chmod 600 "+fsafe.ShellQuote(p)))
	}
	// The folder: whoever can write it can replace the file.
	dir := filepath.Dir(p)
	if dfi, err := os.Stat(dir); err == nil && (fsafe.WritableByOthers(dfi) && dfi.Mode()&fs.ModeSticky == 0 || fsafe.OwnedByOther(dfi)) {
		out = append(out, finding(StatusFail, fmt.Sprintf("the folder %s has mode %o (or another owner): other users can replace %s", dir, dfi.Mode().Perm(), filepath.Base(p)),
			"chmod go-w "+fsafe.ShellQuote(dir)))
	}
	if len(out) == 0 {
		out = append(out, finding(StatusOK, p+" is a regular file only you can change", ""))
	}
	return out
}

// checkAWS is doctor's look at the AWS files: each file, then whether they parse.
func (e *Env) checkAWS(o DoctorOptions) []Finding {
	var out []Finding
	for _, f := range o.AWSFiles {
		out = append(out, CheckAWSFile(f)...)
	}
	if o.LoadAWS == nil || Broken(out) {
		return out
	}
	n, warnings, err := o.LoadAWS()
	switch {
	case err != nil:
		out = append(out, Finding{Check: "aws", Status: StatusFail, Message: "the AWS files cannot be read: " + err.Error(), Fix: "aws-profile-bridge profiles   # shows what it can"})
	case len(warnings) > 0:
		out = append(out, Finding{Check: "aws", Status: StatusWarn,
			Message: fmt.Sprintf("%d profiles; %d warnings, the first: %s", n, len(warnings), warnings[0]),
			Fix:     "aws-profile-bridge profiles   # lists every warning"})
	default:
		out = append(out, Finding{Check: "aws", Status: StatusOK, Message: fmt.Sprintf("%d profiles, no warnings", n)})
	}
	return out
}
