# aws-profile-bridge. `make install` builds and registers the host; `make test` runs everything CI runs.
VERSION ?= $(shell ./scripts/version.sh)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
BUILD_DATE ?= $(shell ./scripts/version.sh --date)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(BUILD_DATE)
BIN     := bin/aws-profile-bridge
HOST    := bin/aws-profile-bridge-host
GO      ?= go
PKGS    := ./...

.PHONY: help all build test vet fmt-check cross unit e2e e2e-unprivileged bench fuzz install uninstall clean
.PHONY: dist dist-check

all: build ## build bin/aws-profile-bridge and bin/aws-profile-bridge-host (the default)

# Two binaries, always side by side: the command line, and the lean native host that browsers
# start, which hands sign-ins to the first (docs/DESIGN.md, "Two binaries").
build: ## build bin/aws-profile-bridge and the lean host bin/aws-profile-bridge-host
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/aws-profile-bridge
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(HOST) ./cmd/aws-profile-bridge-host

# The whole suite: formatting, vet on every OS we ship, unit, fuzz-seed, binary end-to-end tests,
# and a real Firefox and Chromium driving the installed host (needs firefox-esr and chromium; see
# docs/TESTING.md).
test: fmt-check vet cross unit e2e ## everything CI runs: gofmt, vet, cross builds, unit and end-to-end tests

fmt-check: ## fail when gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet on this OS
	$(GO) vet $(PKGS)

cross: ## vet and build for every OS Firefox runs on
	GOOS=windows GOARCH=amd64 $(GO) vet $(PKGS)
	GOOS=darwin GOARCH=arm64 $(GO) vet $(PKGS)
	GOOS=freebsd GOARCH=amd64 $(GO) vet $(PKGS)
	set -e; for os in windows darwin freebsd openbsd netbsd; do \
		GOOS=$$os GOARCH=amd64 $(GO) build -o /dev/null ./cmd/aws-profile-bridge; \
		GOOS=$$os GOARCH=amd64 $(GO) build -o /dev/null ./cmd/aws-profile-bridge-host; done

unit: ## go test ./... (unit, fuzz seeds, binary end-to-end tests)
	$(GO) test -count=1 $(PKGS)

# Headless firefox-esr and chromium, the test extension in e2e/extension and the host installed
# by install/install.sh into a temporary HOME. Fails (does not skip) when either is missing.
e2e: ## real headless Firefox ESR and Chromium drive the installed host
	APB_E2E_FIREFOX=1 APB_E2E_CHROMIUM=1 $(GO) test -count=1 -v -run 'Firefox|Chromium' ./e2e/

# The same tests as an unprivileged user (created when missing): needs root to start.
e2e-unprivileged: ## the browser tests as an unprivileged user (run as root)
	./scripts/e2e-unprivileged.sh

bench: ## spawn-to-reply and HTTP load benchmarks, as tables
	./scripts/bench.sh

# Short coverage-guided runs of every fuzz target; new crashers land in testdata/fuzz.
fuzz: ## short coverage-guided runs of every fuzz target
	./scripts/fuzz.sh 30s

# Release files in dist/ for every OS (archives, .deb/.rpm, Homebrew, Scoop, SHA256SUMS), the same
# bytes on every run of one commit; the packager comes from tools/go.mod, not the product's.
dist: ## the release files in dist/: archives, .deb/.rpm, Homebrew, Scoop, SHA256SUMS
	./scripts/dist.sh

# make dist, then check it: sums, a byte-identical rebuild, the .deb installed and removed (root).
dist-check: ## make dist, then check it (root: installs and removes the .deb)
	./scripts/dist-check.sh

install: ## build both binaries into ~/.local/bin and register the lean host for your browsers (install/install.sh)
	./install/install.sh

uninstall: ## remove the registration and both binaries (install/install.sh --uninstall)
	./install/install.sh --uninstall

clean: ## remove bin/ and dist/
	rm -rf bin dist

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z0-9-]*:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
