#include "server/api/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/server_credentials.h"
#include "server/common/status_macros.h"

namespace sofdir::api {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

absl::StatusOr<std::string> ReadFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read ", path, " (", std::strerror(errno), ")"));
  }
  return text.str();
}

// Without a callback OpenSSL would prompt on the terminal for the
// passphrase of an encrypted key; a server must not block on that.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The files are parsed here, with the OpenSSL that gRPC's TLS uses, so that
// a wrong file is reported naming its flag instead of as a failed bind.
absl::StatusOr<X509Ptr> ParseCertificate(absl::string_view flag, const std::string& path,
                                         const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, " holds no PEM certificate (BEGIN CERTIFICATE)"));
  }
  return cert;
}

absl::StatusOr<KeyPtr> ParseKey(const std::string& path, const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (!key) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key: ", path, " holds no unencrypted PEM private key (BEGIN PRIVATE KEY)"));
  }
  return key;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files) {
  if (files.cert_path.empty() && files.key_path.empty()) {
    if (!files.client_ca_path.empty()) {
      return absl::InvalidArgumentError("--tls-client-ca: needs --tls-cert and --tls-key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (files.cert_path.empty()) {
    return absl::InvalidArgumentError("--tls-cert: required with --tls-key");
  }
  if (files.key_path.empty()) {
    return absl::InvalidArgumentError("--tls-key: required with --tls-cert");
  }

  SOFDIR_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile("--tls-cert", files.cert_path));
  SOFDIR_ASSIGN_OR_RETURN(std::string key_pem, ReadFile("--tls-key", files.key_path));
  SOFDIR_ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificate("--tls-cert", files.cert_path, cert_pem));
  SOFDIR_ASSIGN_OR_RETURN(KeyPtr key, ParseKey(files.key_path, key_pem));
  bool matches = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-key: ", files.key_path, " is not the key of the certificate in ", files.cert_path));
  }

  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({key_pem, cert_pem});
  if (!files.client_ca_path.empty()) {
    SOFDIR_ASSIGN_OR_RETURN(std::string ca_pem, ReadFile("--tls-client-ca", files.client_ca_path));
    SOFDIR_RETURN_IF_ERROR(
        ParseCertificate("--tls-client-ca", files.client_ca_path, ca_pem).status());
    options.pem_root_certs = ca_pem;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace sofdir::api
