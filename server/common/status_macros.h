// Small status helpers; abseil 20220623 (Debian 12) ships none.
#ifndef SOFDIR_SERVER_COMMON_STATUS_MACROS_H_
#define SOFDIR_SERVER_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SOFDIR_CONCAT_INNER_(a, b) a##b
#define SOFDIR_CONCAT_(a, b) SOFDIR_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define SOFDIR_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status sofdir_status_ = (expr);          \
    if (!sofdir_status_.ok()) return sofdir_status_; \
  } while (false)

// `lhs = value of expr` (an absl::StatusOr<T>), or returns its error.
#define SOFDIR_ASSIGN_OR_RETURN(lhs, expr) \
  SOFDIR_ASSIGN_OR_RETURN_IMPL_(SOFDIR_CONCAT_(sofdir_statusor_, __LINE__), lhs, expr)

#define SOFDIR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

#endif  // SOFDIR_SERVER_COMMON_STATUS_MACROS_H_
