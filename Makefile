# aws-profile-bridge. `make install` builds and registers the host; `make test` runs everything CI runs.
VERSION ?= 0.1.0-dev
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN     := bin/aws-profile-bridge
GO      ?= go
PKGS    := ./...

.PHONY: all build test vet fmt-check cross unit e2e e2e-unprivileged bench fuzz install uninstall clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/aws-profile-bridge

# The whole suite: formatting, vet on every OS we ship, unit, fuzz-seed, binary end-to-end tests,
# and a real Firefox driving the installed host (needs firefox-esr; see docs/TESTING.md).
test: fmt-check vet cross unit e2e

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

cross:
	GOOS=windows GOARCH=amd64 $(GO) vet $(PKGS)
	GOOS=darwin GOARCH=arm64 $(GO) vet $(PKGS)
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/aws-profile-bridge
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./cmd/aws-profile-bridge

unit:
	$(GO) test -count=1 $(PKGS)

# Headless firefox-esr, the test extension in e2e/extension and the host installed by
# install/install.sh into a temporary HOME. Fails (does not skip) when firefox-esr is missing.
e2e:
	APB_E2E_FIREFOX=1 $(GO) test -count=1 -v -run Firefox ./e2e/

# The same test as an unprivileged user (created when missing): needs root to start.
e2e-unprivileged:
	./scripts/e2e-unprivileged.sh

bench:
	./scripts/bench.sh

# Short coverage-guided runs of every fuzz target; new crashers land in testdata/fuzz.
fuzz:
	./scripts/fuzz.sh 30s

install:
	./install/install.sh

uninstall:
	./install/install.sh --uninstall

clean:
	rm -rf bin
