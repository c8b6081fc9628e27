# Gatehouse — the two commands: `make quickstart` and `make test`. Everything else is provisioned by them.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
ENV := source .tools/env.sh &&

.PHONY: setup build quickstart test test-unit test-e2e lint clean golden golden-update bench fuzz dev-cluster test-kube image chart

setup:
	@bash scripts/provision.sh

build: setup
	@echo "build: tsc -b (incremental)"
	@$(ENV) npx tsc -b tsconfig.json && chmod +x apps/cli/dist/main.js

## The standalone quickstart: control plane + real Envoy + two local backends; prints curls; Ctrl-C stops all.
quickstart: build
	@$(ENV) node scripts/quickstart.mjs

## Every test (lint, type-check, unit, golden, real-Envoy end to end).
test: build
	@echo "test: lint (eslint, prettier --check) and type-check the tests (tsc), then vitest"
	@$(ENV) npx eslint . && npx prettier --check --log-level warn . && npx tsc -p tsconfig.spec.json
	@$(ENV) npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json

test-unit: build
	@$(ENV) npx vitest run --project unit

test-e2e: build
	@$(ENV) npx vitest run --project e2e

## Speed and memory at 100 / 1,000 / 10,000 routes beside their targets, and against Envoy Gateway's egctl
## (built once from the Go module proxy into ~/.cache/gatehouse/). BENCH_SIZES=100,1000 for a quick run.
bench: build
	@$(ENV) node scripts/bench/run.mjs
	@$(ENV) node scripts/bench/kube-status.mjs

## The fuzz suite for 10 minutes (make test runs it for ~40 s): FUZZ_SECONDS=N for another budget, FUZZ_SEED=N to replay.
fuzz: build
	@$(ENV) FUZZ_SECONDS=$${FUZZ_SECONDS:-600} npx vitest run --project unit test/fuzz

## The plugin SDK as a package: regenerates its Envoy filter types from the protos, builds it, and packs
## dist/sdk/gatehouse-plugin-sdk-<version>.tgz (no dependencies: a plugin project installs it offline with npm install).
.PHONY: sdk
sdk: setup
	@$(ENV) node scripts/sdk/gen-envoy-filters.mjs && npx tsc -b libs/plugin-sdk && node scripts/sdk/pack.mjs

## Rewrite golden files after an intended translation change (review the diff like code). Golden tests never write
## on their own: a missing expected file fails them until this writes it.
golden: build
	@$(ENV) UPDATE_GOLDEN=1 npx vitest run --project unit test/golden plugins/*/src/golden.spec.ts

golden-update: golden

## A real local Kubernetes control plane (etcd, kube-apiserver with RBAC, kube-controller-manager, the Gateway API CRDs),
## built once from the Go module proxy into ~/.cache/gatehouse/ (a cold build takes 10-20 min); prints the kubeconfig
## path and a kubectl line to try; Ctrl-C stops it and removes its data.
dev-cluster: setup
	@bash scripts/kube/build.sh
	@$(ENV) node scripts/kube/dev-cluster.mjs

## The Kubernetes-mode end-to-end tests (test/e2e/kube-*) against a real apiserver, inside a network namespace of their own.
test-kube: build
	@$(ENV) bash scripts/kube/in-netns.sh node node_modules/vitest/vitest.mjs run --project e2e test/e2e/kube-

## The controller as an OCI image, without Docker (needs root; installs mmdebstrap, umoci and skopeo from Debian if
## missing): a minimal Debian rootfs + the pinned Node 24 + the built app with its production dependencies, written with
## umoci into ~/.cache/gatehouse/image/oci (tag = package.json version), cached by content, checked with skopeo (prints
## the digest for the chart's image.digest), and smoke-tested: the entrypoint over the read-only rootfs as a non-root
## user answers /healthz. About 45 s cold, 35 s when only the app changed, seconds when nothing did.
image: build
	@$(ENV) bash scripts/image/build.sh

## The Helm chart: vendors the Gateway API v1.7.0 CRDs into it (gatewayAPI.installCRDs), lints it (strict) and
## packages dist/charts/gatehouse-<version>.tgz (docs/helm.md).
chart: setup
	@bash scripts/kube/build.sh helm gateway-api
	@$(ENV) node charts/vendor-gateway-api-crds.mjs
	@source scripts/kube/versions.env && helm=$${GATEHOUSE_CACHE:-$$HOME/.cache/gatehouse}/helm-$$HELM_VERSION/bin/helm && \
	  "$$helm" lint --strict charts/gatehouse && "$$helm" package charts/gatehouse -d dist/charts

lint: setup
	@$(ENV) npx eslint . && npx prettier --check --log-level warn .

## Formats the TypeScript/JavaScript sources with Prettier (160 columns; .prettierrc.json, .prettierignore).
.PHONY: format
format: setup
	@$(ENV) npx prettier --write --log-level warn .

clean:
	rm -rf node_modules */*/dist test-results .tools

.PHONY: conformance conformance-explore conformance-docs
## The upstream Gateway API conformance suite (sigs.k8s.io/gateway-api/conformance v1.7.0, unmodified) against
## Gatehouse on this machine: a real control plane, a test node running the suite's pods and the Envoys Gatehouse
## provisions, in a network namespace of its own. Claims: conformance/claims.yaml. Writes conformance/reports/ and
## docs/conformance.md. About 6 min warm on two cores (a cold build adds ~15 min); see scripts/conformance/README.md.
conformance: build
	@bash scripts/conformance/build.sh
	@$(ENV) bash scripts/kube/in-netns.sh node scripts/conformance/run.mjs

## Every Gateway profile and feature of the suite, claimed or not (about 45 min): shows what could be claimed next.
conformance-explore: build
	@bash scripts/conformance/build.sh
	@$(ENV) CONFORMANCE_EXPLORE=1 bash scripts/kube/in-netns.sh node scripts/conformance/run.mjs

## Regenerate docs/conformance.md from the last report (conformance/reports/) and conformance/failures.yaml.
conformance-docs: setup
	@$(ENV) node scripts/conformance/gen-docs.mjs
