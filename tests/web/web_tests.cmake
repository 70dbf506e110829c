# The web page's browser tests (tests/web/run_page_tests.mjs): Debian's
# Chromium driven by playwright-core against the real sofdir-server with the
# demo data. Needs node, /usr/bin/chromium and tests/web/node_modules; without
# them the test is skipped (exit 77) with a message to run the README's test
# command (`make test`, which installs them through deploy/install-test-deps.sh).
# Screenshots at 1280 and 390 px are kept in <build>/tests/web/web-artifacts.
find_program(SOFDIR_NODE node)
set(SOFDIR_WEB_ARTIFACTS ${PROJECT_BINARY_DIR}/tests/web/web-artifacts)
if(SOFDIR_NODE)
  add_test(NAME web_page_browser_tests
    COMMAND ${SOFDIR_NODE} ${PROJECT_SOURCE_DIR}/tests/web/run_page_tests.mjs
            $<TARGET_FILE:sofdir-server> ${PROJECT_SOURCE_DIR}/data/demo-directory.jsonl
            ${SOFDIR_WEB_ARTIFACTS} ${PROJECT_SOURCE_DIR}/../shared/data/dev-intents.jsonl
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
else()
  add_test(NAME web_page_browser_tests
    COMMAND sh -c "echo 'SKIP: node is missing; run the README test command (make test)'; exit 77")
endif()
set_tests_properties(web_page_browser_tests PROPERTIES
  TIMEOUT 600
  SKIP_RETURN_CODE 77
  LABELS "web"
  RUN_SERIAL TRUE)
