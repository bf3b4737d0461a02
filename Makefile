# Everyday tasks. `make help` lists them.
GO ?= go
FUZZTIME ?= 2m
BENCHTIME ?= 1s

.PHONY: help generate check-generated test vet bench bench-prism fuzz ci demo

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

generate: ## regenerate gen/ from specs/
	$(GO) generate ./...

check-generated: generate ## fail if gen/ differs from what go generate produces
	@git diff --exit-code --stat -- gen/ wrappers/sinch/ hmac/callback/ || { echo "generated code is stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- gen/ wrappers/sinch/ hmac/callback/)" || { git status --porcelain -- gen/ wrappers/sinch/ hmac/callback/; echo "untracked generated files"; exit 1; }

test: ## run every test
	$(GO) test ./...

vet: ## go vet
	$(GO) vet ./...

bench: ## run the benchmarks with allocation figures
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

bench-prism: ## compare the emulator's messages:send throughput with Prism's (wrk, loopback)
	bash bench/prism.sh $(or $(BENCH_SECONDS),10)

fuzz: ## run every fuzz target for FUZZTIME each
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

demo: ## the main job, on the embedded emulator
	$(GO) run ./cmd/sinch demo

ci: test check-generated vet ## what .ci/run does
