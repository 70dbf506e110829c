# The two commands of README.md. Both install missing Debian packages first
# (deploy/install-deps.sh, needs root or sudo), then build with CMake.
#
#   make run    build and start sofdir-server on 127.0.0.1:50051 with the demo
#   make test   build and run every test through ctest
#
# Variables: BUILD_DIR (default build), DATA_DIR (default var/data),
# LISTEN (default 127.0.0.1:50051), JOBS (default 2).

BUILD_DIR ?= build
DATA_DIR ?= var/data
LISTEN ?= 127.0.0.1:50051
JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo

.PHONY: run test build deps clean bench

deps:
	bash deploy/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@echo
	@echo "Starting sofdir-server on $(LISTEN), data in $(DATA_DIR)."
	@echo "In another terminal, try:"
	@echo "  $(BUILD_DIR)/client/sofdir list unit --page-size 10"
	@echo "  $(BUILD_DIR)/client/sofdir get tilbud-0001"
	@echo "  $(BUILD_DIR)/client/sofdir list tilbud --parent unit-0028"
	@echo "  $(BUILD_DIR)/client/sofdir export --kind praktik | head -3"
	@echo "Stop with Ctrl-C (graceful shutdown)."
	@echo
	mkdir -p $(dir $(DATA_DIR))
	exec $(BUILD_DIR)/server/sofdir-server --listen $(LISTEN) --data-dir $(DATA_DIR) \
	  --demo-data data/demo-directory.jsonl --synonyms data/synonyms.txt

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

clean:
	rm -rf $(BUILD_DIR)
