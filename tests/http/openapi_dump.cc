// openapi_dump [FILE]: writes the OpenAPI document of the HTTP/JSON API
// (server/http/openapi.h) to FILE, or to stdout without one. Exit 1 when
// the document cannot be built or written, 2 on bad usage.
#include <fstream>
#include <iostream>

#include "server/http/openapi.h"

int main(int argc, char** argv) {
  if (argc > 2) {
    std::cerr << "usage: openapi_dump [FILE]\n";
    return 2;
  }
  absl::StatusOr<std::string> document = sofdir::http::BuildOpenApiDocument();
  if (!document.ok()) {
    std::cerr << "openapi_dump: " << document.status() << "\n";
    return 1;
  }
  if (argc == 1) {
    std::cout << *document;
    return std::cout.flush() ? 0 : 1;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << *document;
  out.close();
  if (!out) {
    std::cerr << "openapi_dump: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
