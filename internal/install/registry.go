package install

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Root is a registry hive.
type Root int

// The hives we write: HKCU for a user install, HKLM for --system.
const (
	CurrentUser Root = iota
	LocalMachine
)

func (r Root) String() string {
	if r == LocalMachine {
		return "HKLM"
	}
	return "HKCU"
}

// View is a registry view on 64-bit Windows.
type View int

// Registry views: the process's own, or the 32-bit or 64-bit one explicitly.
const (
	ViewDefault View = iota
	View32
	View64
)

func (v View) String() string {
	switch v {
	case View32:
		return "32-bit"
	case View64:
		return "64-bit"
	}
	return "default"
}

// keyName is how reports and findings name a key: HKCU\Software\...\aws_profile_bridge (64-bit view).
func keyName(root Root, view View, key string) string {
	return fmt.Sprintf(`%s\%s (%s view)`, root, key, view)
}

// ErrNoKey is returned by Registry.Default for a missing key or value.
var ErrNoKey = errors.New("registry key not found")

// Registry is the little of the Windows registry the installer needs: a key's default value
// (REG_SZ). OSRegistry returns the real one on Windows; MemRegistry stands in for it in tests.
type Registry interface {
	// SetDefault creates key (and its parents) and sets its default value.
	SetDefault(root Root, view View, key, value string) error
	// Default returns key's default value, or an error matching ErrNoKey.
	Default(root Root, view View, key string) (string, error)
	// DeleteKey removes key, which has no subkeys; a missing key is not an error.
	DeleteKey(root Root, view View, key string) error
}

// MemRegistry is an in-memory Registry, for tests. The zero value is empty and ready.
type MemRegistry struct {
	mu sync.Mutex
	m  map[string]string
}

func memKey(root Root, view View, key string) string {
	return root.String() + "|" + view.String() + "|" + key
}

// SetDefault implements Registry.
func (r *MemRegistry) SetDefault(root Root, view View, key, value string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]string{}
	}
	r.m[memKey(root, view, key)] = value
	return nil
}

// Default implements Registry.
func (r *MemRegistry) Default(root Root, view View, key string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[memKey(root, view, key)]
	if !ok {
		return "", ErrNoKey
	}
	return v, nil
}

// DeleteKey implements Registry.
func (r *MemRegistry) DeleteKey(root Root, view View, key string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, memKey(root, view, key))
	return nil
}

// Keys lists every key set, as "HKCU|32-bit|Software\...", sorted.
func (r *MemRegistry) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
