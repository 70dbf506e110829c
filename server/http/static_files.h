// The page's files (web/, embedded at build time by embed_web.cmake) served
// over HTTP: Content-Type by name, an ETag (304 on If-None-Match),
// `Cache-Control: no-cache` (the names carry no version, so the browser
// revalidates), and index.html for any other path a browser navigates to
// (client-side routes). Security headers (SecurityHeaders) go on every
// response of the server. gzip is added by the HTTP server when accepted.
//
// Immutable; thread-safe.
#ifndef SOFDIR_SERVER_HTTP_STATIC_FILES_H_
#define SOFDIR_SERVER_HTTP_STATIC_FILES_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "server/http/grpc_gateway.h"

namespace sofdir::http {

struct WebAsset {
  std::string name;  // path below web/, e.g. "index.html", "js/app.js"
  std::string content_type;
  std::string data;
};

// The files embedded from web/ (empty when web/ was missing or empty).
const std::vector<WebAsset>& EmbeddedWebAssets();

// Content-Type for a file name by its extension; application/octet-stream
// when unknown.
std::string ContentTypeFor(absl::string_view name);

// The headers every response gets: the Content-Security-Policy,
// X-Content-Type-Options, Referrer-Policy, X-Frame-Options.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

class StaticFiles {
 public:
  explicit StaticFiles(std::vector<WebAsset> assets);

  // The reply for GET `path` (decoded, starting with "/"), or nullopt when
  // it is no file and not a page route: "/" and paths without a known file
  // get index.html when `accepts_html` (and index.html exists).
  std::optional<HttpReply> Get(absl::string_view path, bool accepts_html,
                               absl::string_view if_none_match) const;

  size_t size() const { return files_.size(); }

 private:
  struct File {
    const WebAsset* asset;
    std::string etag;
  };
  HttpReply Reply(const File& file, absl::string_view if_none_match) const;

  std::vector<WebAsset> assets_;
  absl::flat_hash_map<std::string, File> files_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_STATIC_FILES_H_
