// Request bytes -> request message, with an answer a caller can act on when
// the bytes do not parse. gRPC's own decoding answers such calls with
// UNIMPLEMENTED and no message; DecodingHandler (decoding_handler.h) decodes
// with DecodeRequest instead.
//
// Thread-safe.
#ifndef SOFDIR_SERVER_API_REQUEST_DECODER_H_
#define SOFDIR_SERVER_API_REQUEST_DECODER_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace sofdir::api {

// Parses `bytes` into `message` (which it clears first). When they do not
// parse, INVALID_ARGUMENT naming what is wrong: the first string field whose
// text is not valid UTF-8, as a path from the request (e.g.
// "record.tilbud.name: not valid UTF-8 (byte 3); text fields take UTF-8"),
// or else "request is not a valid <message type> (malformed protobuf)".
// The diagnosis re-reads the bytes, so it costs only when they are broken.
[[nodiscard]] absl::Status DecodeRequest(const grpc::ByteBuffer& bytes,
                                         google::protobuf::Message& message);

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_REQUEST_DECODER_H_
