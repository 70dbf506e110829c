// libFuzzer target: page tokens (server/domain/page_token.h). Any token a
// caller sends is either decoded or refused with INVALID_ARGUMENT, and every
// token the server makes decodes to the key it was made from, but only for
// the query (fingerprint) it was made for.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzzer/FuzzedDataProvider.h"
#include "server/domain/page_token.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  // A fingerprint holds no '\n' (EncodePageToken's precondition).
  std::string fingerprint = provider.ConsumeRandomLengthString(64);
  fingerprint.erase(std::remove(fingerprint.begin(), fingerprint.end(), '\n'), fingerprint.end());
  const bool from_caller = provider.ConsumeBool();
  const std::string bytes = provider.ConsumeRemainingBytesAsString();
  if (from_caller) {
    absl::StatusOr<std::string> key = sofdir::domain::DecodePageToken(bytes, fingerprint);
    if (!key.ok()) {
      sofdir::fuzz::CheckRefusal(key.status(), absl::StatusCode::kInvalidArgument);
      FUZZ_CHECK(key.status().message().find("page_token") != absl::string_view::npos,
                 "the refusal does not name page_token: " + key.status().ToString());
      return 0;
    }
    // A token the server accepts means the key the server would have made
    // it from: made again, it gives the same key back.
    const std::string again = sofdir::domain::EncodePageToken(fingerprint, *key);
    absl::StatusOr<std::string> key_again = sofdir::domain::DecodePageToken(again, fingerprint);
    FUZZ_CHECK(key_again.ok() && *key_again == *key, "re-encoded token decodes differently");
    return 0;
  }
  const std::string token = sofdir::domain::EncodePageToken(fingerprint, bytes);
  absl::StatusOr<std::string> key = sofdir::domain::DecodePageToken(token, fingerprint);
  FUZZ_CHECK(key.ok(), key.status().ToString());
  FUZZ_CHECK(*key == bytes, "token does not give its key back");
  absl::StatusOr<std::string> other =
      sofdir::domain::DecodePageToken(token, fingerprint + "-another-query");
  FUZZ_CHECK(!other.ok(), "a token was accepted for another query");
  sofdir::fuzz::CheckRefusal(other.status(), absl::StatusCode::kInvalidArgument);
  FUZZ_CHECK(other.status().message().find("page_token") != absl::string_view::npos,
             "the refusal does not name page_token: " + other.status().ToString());
  return 0;
}
