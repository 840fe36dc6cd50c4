package install

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// OSRegistry returns the Windows registry.
func OSRegistry() Registry { return winRegistry{} }

type winRegistry struct{}

func hive(root Root) registry.Key {
	if root == LocalMachine {
		return registry.LOCAL_MACHINE
	}
	return registry.CURRENT_USER
}

func viewFlag(v View) uint32 {
	switch v {
	case View32:
		return registry.WOW64_32KEY
	case View64:
		return registry.WOW64_64KEY
	}
	return 0
}

func (winRegistry) SetDefault(root Root, view View, key, value string) error {
	k, _, err := registry.CreateKey(hive(root), key, registry.SET_VALUE|registry.QUERY_VALUE|viewFlag(view))
	if err != nil {
		return fmt.Errorf("create %s\\%s (%s view): %w", root, key, view, err)
	}
	defer k.Close()
	if err := k.SetStringValue("", value); err != nil {
		return fmt.Errorf("set %s\\%s (%s view): %w", root, key, view, err)
	}
	return nil
}

func (winRegistry) Default(root Root, view View, key string) (string, error) {
	k, err := registry.OpenKey(hive(root), key, registry.QUERY_VALUE|viewFlag(view))
	if errors.Is(err, registry.ErrNotExist) {
		return "", ErrNoKey
	}
	if err != nil {
		return "", fmt.Errorf("open %s\\%s (%s view): %w", root, key, view, err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue("")
	if errors.Is(err, registry.ErrNotExist) {
		return "", ErrNoKey
	}
	return v, err
}

// DeleteKey opens the parent in the wanted view, so the delete lands in that view.
func (winRegistry) DeleteKey(root Root, view View, key string) error {
	key = strings.ReplaceAll(key, `\`, "/")
	parent, leaf := path.Split(key)
	parent = strings.ReplaceAll(strings.TrimSuffix(parent, "/"), "/", `\`)
	p, err := registry.OpenKey(hive(root), parent, registry.ENUMERATE_SUB_KEYS|registry.SET_VALUE|viewFlag(view))
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s\\%s (%s view): %w", root, parent, view, err)
	}
	defer p.Close()
	if err := registry.DeleteKey(p, leaf); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("delete %s\\%s\\%s (%s view): %w", root, parent, leaf, view, err)
	}
	return nil
}
