// The server's transport credentials: plaintext, or TLS from PEM files,
// optionally requiring client certificates signed by a given CA.
// Stateless; thread-safe.
#ifndef SOFDIR_SERVER_API_TLS_CREDENTIALS_H_
#define SOFDIR_SERVER_API_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace sofdir::api {

// Paths of PEM files; all empty means plaintext.
struct TlsFiles {
  std::string cert_path;       // --tls-cert: the server's certificate (chain)
  std::string key_path;        // --tls-key: its private key
  std::string client_ca_path;  // --tls-client-ca: clients must present a
                               // certificate this CA signed; empty = none asked
};

// Insecure credentials when every path is empty, else SSL credentials from
// the files (read now, once). INVALID_ARGUMENT naming the flag when only
// one of cert and key is given, a client CA comes without them, a file
// cannot be read or holds no PEM certificate (key), or the key does not
// belong to the certificate.
[[nodiscard]] absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_TLS_CREDENTIALS_H_
