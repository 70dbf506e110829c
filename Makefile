# The two commands of README.md. Both install missing Debian packages first
# (deploy/install-deps.sh, needs root or sudo), then build with CMake.
#
#   make run    build and start sofdir-server on 127.0.0.1:50051 with the demo
#   make test   build and run every test through ctest
#
# Variables: BUILD_DIR (default build), DATA_DIR (default var/data),
# LISTEN (default 127.0.0.1:50051), JOBS (default 2).
#
#   make deb         a Debian package (CPack; deploy/packaging.cmake) in
#                    DEB_BUILD_DIR (default build-deb), built for any x86-64
#                    CPU (-DSOFDIR_NATIVE=OFF): sofdir_<version>_<arch>.deb
#
#   make test-asan   the same tests built with ASan+UBSan (-DSOFDIR_SANITIZE=ON)
#                    in ASAN_BUILD_DIR (default build-asan); slow, not run by CI

BUILD_DIR ?= build
DATA_DIR ?= var/data
LISTEN ?= 127.0.0.1:50051
HTTP_LISTEN ?= 127.0.0.1:8080
JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo
ASAN_BUILD_DIR ?= build-asan
DEB_BUILD_DIR ?= build-deb

.PHONY: run test build deps test-deps clean bench test-asan deb

deps:
	bash deploy/install-deps.sh

# The browser, Node.js and the npm packages (lock file) of the web page's tests.
test-deps: deps
	bash deploy/install-test-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@echo
	@echo "The page: http://$(HTTP_LISTEN)/"
	@echo "Starting sofdir-server on $(LISTEN) (gRPC) and $(HTTP_LISTEN) (HTTP), data in $(DATA_DIR)."
	@echo "In another terminal, try:"
	@echo "  curl 'http://$(HTTP_LISTEN)/v1/records:search?query=botilbud&kinds=TILBUD'"
	@echo "  $(BUILD_DIR)/client/sofdir list unit --page-size 10"
	@echo "  $(BUILD_DIR)/client/sofdir get tilbud-0001"
	@echo "  $(BUILD_DIR)/client/sofdir list tilbud --parent unit-0028"
	@echo "  $(BUILD_DIR)/client/sofdir export --kind praktik | head -3"
	@echo "  $(BUILD_DIR)/client/sofdir search botilbud noerrebro --free"
	@echo "Stop with Ctrl-C (graceful shutdown); kill -HUP reloads the search vocabulary"
	@echo "($(BUILD_DIR)/share/sofdir, copied from data/ by the build)."
	@echo
	mkdir -p $(dir $(DATA_DIR))
	exec $(BUILD_DIR)/server/sofdir-server --listen $(LISTEN) --http-listen $(HTTP_LISTEN) \
	  --data-dir $(DATA_DIR) \
	  --demo-data data/demo-directory.jsonl

test: build test-deps
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

# halt_on_error: the first finding ends the test that hit it, with the report.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSOFDIR_SANITIZE=ON
	cmake --build $(ASAN_BUILD_DIR) -j$(JOBS)
	cd $(ASAN_BUILD_DIR) && \
	  ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:strict_string_checks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS) --timeout 1800

# Only the two binaries are built; cpack installs them, the unit, the
# configuration and the shared data into the package (no tests needed).
deb: deps
	cmake -S . -B $(DEB_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSOFDIR_NATIVE=OFF \
	  -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
	cmake --build $(DEB_BUILD_DIR) -j$(JOBS) --target sofdir-server sofdir
	cd $(DEB_BUILD_DIR) && cpack -G DEB
	@ls -l $(DEB_BUILD_DIR)/sofdir_*.deb

clean:
	rm -rf $(BUILD_DIR)
