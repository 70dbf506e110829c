# sofdir_openapi: the OpenAPI document of the HTTP/JSON API (openapi.h).
# protoc writes the FileDescriptorSet of directory_service.proto with its
# imports and comments (source info); openapi_embed.cmake turns its bytes
# into a .cc, so the document is built from the same descriptors as the
# code and needs no file at run time.
set(SOFDIR_OPENAPI_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SOFDIR_OPENAPI_GEN_DIR ${CMAKE_BINARY_DIR}/server/http/generated)
set(SOFDIR_OPENAPI_DESCRIPTOR_SET ${SOFDIR_OPENAPI_GEN_DIR}/directory_service.protoset)
set(SOFDIR_OPENAPI_DESCRIPTOR_CC ${SOFDIR_OPENAPI_GEN_DIR}/openapi_descriptors.cc)
set(SOFDIR_OPENAPI_PROTOS
  ${PROJECT_SOURCE_DIR}/proto/google/api/http.proto
  ${PROJECT_SOURCE_DIR}/proto/google/api/annotations.proto
  ${PROJECT_SOURCE_DIR}/proto/sof/directory/v1/records.proto
  ${PROJECT_SOURCE_DIR}/proto/sof/directory/v1/praktik.proto
  ${PROJECT_SOURCE_DIR}/proto/sof/directory/v1/directory_service.proto)

add_custom_command(OUTPUT ${SOFDIR_OPENAPI_DESCRIPTOR_SET}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SOFDIR_OPENAPI_GEN_DIR}
  COMMAND protobuf::protoc --include_imports --include_source_info
    --descriptor_set_out=${SOFDIR_OPENAPI_DESCRIPTOR_SET}
    -I${PROJECT_SOURCE_DIR}/proto -I${Protobuf_INCLUDE_DIR}
    sof/directory/v1/directory_service.proto
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/proto
  DEPENDS ${SOFDIR_OPENAPI_PROTOS} protobuf::protoc
  COMMENT "Writing the descriptor set with comments for the OpenAPI document"
  VERBATIM)

add_custom_command(OUTPUT ${SOFDIR_OPENAPI_DESCRIPTOR_CC}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${SOFDIR_OPENAPI_DESCRIPTOR_SET}
    -DOUTPUT=${SOFDIR_OPENAPI_DESCRIPTOR_CC}
    -P ${SOFDIR_OPENAPI_DIR}/openapi_embed.cmake
  DEPENDS ${SOFDIR_OPENAPI_DESCRIPTOR_SET} ${SOFDIR_OPENAPI_DIR}/openapi_embed.cmake
  COMMENT "Embedding the descriptor set in openapi_descriptors.cc"
  VERBATIM)

add_library(sofdir_openapi STATIC
  ${SOFDIR_OPENAPI_DIR}/openapi.cc
  ${SOFDIR_OPENAPI_DIR}/openapi_json.cc
  ${SOFDIR_OPENAPI_DIR}/openapi_schema.cc
  ${SOFDIR_OPENAPI_DIR}/openapi_server_paths.cc
  ${SOFDIR_OPENAPI_DESCRIPTOR_CC})
target_include_directories(sofdir_openapi PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(sofdir_openapi PUBLIC
  sofdir_common sofdir_proto protobuf::libprotobuf
  absl::status absl::statusor absl::strings absl::str_format)
