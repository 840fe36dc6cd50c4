package bridge

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The front ends call the core through bridge alone (DESIGN: front ends → bridge →
// profiles/console → awsconfig): none of their files, tests included, imports the layers below,
// so a second way to read the files or sign in cannot grow in a face.
func TestFrontEndsImportOnlyBridge(t *testing.T) {
	const module = "github.com/aws-profile-bridge/aws-profile-bridge/"
	forbidden := map[string]bool{
		module + "internal/console":   true,
		module + "internal/profiles":  true,
		module + "internal/awsconfig": true,
	}
	checked := 0
	for _, dir := range []string{"../../cmd", "../httpapi", "../nativemsg"} {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if forbidden[p] {
					t.Errorf("%s imports %s: front ends call bridge (which may re-export what they need)", path, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d files: have the front ends moved?", checked)
	}
}
