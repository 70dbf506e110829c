# The OpenAPI document (server/http/openapi.h): its contract in a gtest,
# and an independent check: swagger-parser (npm, tests/web) validates the
# document openapi_dump writes against the OpenAPI 3.0 schema.
sofdir_add_test(openapi_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/openapi_test.cc
  LIBS sofdir_openapi)

add_executable(openapi_dump ${CMAKE_CURRENT_LIST_DIR}/openapi_dump.cc)
target_link_libraries(openapi_dump PRIVATE sofdir_openapi)

set(SOFDIR_OPENAPI_DUMP_FILE ${CMAKE_CURRENT_BINARY_DIR}/openapi.json)
add_test(NAME openapi_dump_file COMMAND openapi_dump ${SOFDIR_OPENAPI_DUMP_FILE})
set_tests_properties(openapi_dump_file PROPERTIES FIXTURES_SETUP openapi_json)

find_program(SOFDIR_NODE node)
if(SOFDIR_NODE)
  # Exits 77 (skipped) only when tests/web/node_modules is missing.
  add_test(NAME openapi_swagger_parser
    COMMAND ${SOFDIR_NODE} ${PROJECT_SOURCE_DIR}/tests/web/validate_openapi.mjs
      ${SOFDIR_OPENAPI_DUMP_FILE})
  set_tests_properties(openapi_swagger_parser PROPERTIES
    FIXTURES_REQUIRED openapi_json SKIP_RETURN_CODE 77)
else()
  message(STATUS "node not found: openapi_swagger_parser is left out")
endif()
