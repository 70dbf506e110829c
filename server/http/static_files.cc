#include "server/http/static_files.h"

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sofdir::http {

std::string ContentTypeFor(absl::string_view name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const std::string lower = absl::AsciiStrToLower(name);
  for (const auto& [ext, type] : kTypes) {
    if (absl::EndsWith(lower, ext)) return type;
  }
  return "application/octet-stream";
}

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const auto* headers = new std::vector<std::pair<std::string, std::string>>{
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},
      {"X-Frame-Options", "DENY"},
  };
  return *headers;
}

StaticFiles::StaticFiles(std::vector<WebAsset> assets) : assets_(std::move(assets)) {
  for (const WebAsset& asset : assets_) {
    files_[asset.name] =
        File{&asset, absl::StrCat("\"", absl::Hex(absl::HashOf(asset.data), absl::kZeroPad16), "-",
                                  asset.data.size(), "\"")};
  }
}

HttpReply StaticFiles::Reply(const File& file, absl::string_view if_none_match) const {
  HttpReply reply;
  reply.headers.emplace_back("ETag", file.etag);
  reply.headers.emplace_back("Cache-Control", "no-cache");
  reply.content_type = file.asset->content_type;
  for (absl::string_view tag : absl::StrSplit(if_none_match, ',')) {
    if (absl::StripAsciiWhitespace(tag) == file.etag) {
      reply.status = 304;
      return reply;
    }
  }
  reply.body = file.asset->data;
  return reply;
}

std::optional<HttpReply> StaticFiles::Get(absl::string_view path, bool accepts_html,
                                          absl::string_view if_none_match) const {
  if (absl::StartsWith(path, "/v1/") || path == "/v1" || absl::StartsWith(path, "/auth/") ||
      path == "/auth") {
    return std::nullopt;
  }
  absl::string_view name = path;
  if (absl::StartsWith(name, "/")) name.remove_prefix(1);
  if (name.empty()) name = "index.html";
  if (!absl::StrContains(name, "..")) {
    auto it = files_.find(name);
    if (it != files_.end()) return Reply(it->second, if_none_match);
  }
  if (!accepts_html) return std::nullopt;
  auto index = files_.find("index.html");
  if (index == files_.end()) return std::nullopt;
  return Reply(index->second, if_none_match);
}

}  // namespace sofdir::http
