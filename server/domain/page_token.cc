#include "server/domain/page_token.h"

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace sofdir::domain {
namespace {

constexpr size_t kChecksumBytes = 8;

// FNV-1a: stable across processes and builds (a token may outlive the
// server that issued it), and enough to tell a token from stray bytes. Not
// a signature: the fingerprint and key are no secret.
std::string Checksum(absl::string_view body) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  std::string out(kChecksumBytes, '\0');
  for (size_t i = 0; i < kChecksumBytes; ++i) {
    out[i] = static_cast<char>(hash >> (8 * (kChecksumBytes - 1 - i)));
  }
  return out;
}

absl::Status NotIssued() {
  return absl::InvalidArgumentError(
      "page_token: not a token this server issued; pass next_page_token of the previous "
      "response unchanged");
}

}  // namespace

std::string EncodePageToken(absl::string_view fingerprint, absl::string_view last_key) {
  const std::string body = absl::StrCat(fingerprint, "\n", last_key);
  return absl::WebSafeBase64Escape(absl::StrCat(body, Checksum(body)));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < kChecksumBytes) {
    return NotIssued();
  }
  const absl::string_view body = absl::string_view(raw).substr(0, raw.size() - kChecksumBytes);
  if (absl::string_view(raw).substr(body.size()) != Checksum(body)) return NotIssued();
  const size_t newline = body.find('\n');
  if (newline == absl::string_view::npos) return NotIssued();
  if (body.substr(0, newline) != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token: belongs to another query; repeat the request that returned it with only "
        "page_token changed");
  }
  return std::string(body.substr(newline + 1));
}

int PageSize(int requested, int default_size, int max_size) {
  if (requested <= 0) return default_size;
  return std::min(requested, max_size);
}

bool PageBudget::Fits(size_t item_bytes) const {
  if (items_ == 0) return max_items_ > 0;
  return items_ < max_items_ && bytes_ + item_bytes + kItemOverhead <= max_bytes_;
}

void PageBudget::Add(size_t item_bytes) {
  ++items_;
  bytes_ += item_bytes + kItemOverhead;
}

}  // namespace sofdir::domain
