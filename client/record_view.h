// Human-readable views of directory records: a table row per record for
// `list`, and a vertical field list for `get`, `create` and `update`.
// Machine output (`--json`) does not come from here but from
// model::RecordToJsonWithMetadata. RecordTable is not thread-safe.
#ifndef SOFDIR_CLIENT_RECORD_VIEW_H_
#define SOFDIR_CLIENT_RECORD_VIEW_H_

#include <string>
#include <utility>
#include <vector>

#include "client/table_printer.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::client {

// A table of records of one kind, with the columns that help to tell them
// apart: ID and NAME (TITLE for praktik), then per kind
//   unit: AREA, DISTRICT, PARENT      tilbud: UNIT, DISTRICT, FREE
//   partner: ORGANISATION, INTERNAL   praktik: HOST, SLOTS, SEATS
//   person: TITLE, UNIT, EMAIL
// For RECORD_KIND_UNSPECIFIED (several kinds): ID, KIND, NAME.
class RecordTable {
 public:
  explicit RecordTable(sof::directory::v1::RecordKind kind);

  void Add(const sof::directory::v1::Record& record);
  int size() const { return table_.row_count(); }
  std::string ToString() const { return table_.ToString(); }

 private:
  const sof::directory::v1::RecordKind kind_;
  TablePrinter table_;
};

// Every field of the record's kind in schema order as (label, value), then
// the server metadata (etag, create_sequence, update_sequence). Lists are
// joined with ", "; an unset nullable field is "-"; an address reads
// "street, postcode city (district)".
std::vector<std::pair<std::string, std::string>> RecordFieldList(
    const sof::directory::v1::Record& record);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_RECORD_VIEW_H_
