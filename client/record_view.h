// Human-readable views of directory records: a table row per record for
// `list`, and a vertical field list for `get`, `create` and `update`.
// Machine output (`--json`) does not come from here but from
// model::RecordToJsonWithMetadata. RecordTable is not thread-safe.
#ifndef SOFDIR_CLIENT_RECORD_VIEW_H_
#define SOFDIR_CLIENT_RECORD_VIEW_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "client/table_printer.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::client {

// The display name of the record `id` refers to; "" when unknown. Views
// show "id (name)" for the ids a record refers to when they are given one
// (name_cache.h); without one, the id alone.
using NameLookup = std::function<std::string(const std::string& id)>;

// "id (name)", or `id` when `names` is empty or knows no name.
std::string IdWithName(const std::string& id, const NameLookup& names);

// A table of records of one kind, with the columns that help to tell them
// apart: ID and NAME (TITLE for praktik), then per kind
//   unit: AREA, DISTRICT, PARENT      tilbud: UNIT, DISTRICT, FREE
//   partner: ORGANISATION, INTERNAL   praktik: HOST, SLOTS, SEATS
//   person: TITLE, UNIT, EMAIL
// For RECORD_KIND_UNSPECIFIED (several kinds): ID, KIND, NAME.
class RecordTable {
 public:
  // Ids in the UNIT, HOST and PARENT columns carry their names from
  // `names` (when given).
  explicit RecordTable(sof::directory::v1::RecordKind kind, NameLookup names = nullptr);

  void Add(const sof::directory::v1::Record& record);
  int size() const { return table_.row_count(); }
  std::string ToString() const { return table_.ToString(); }

 private:
  const sof::directory::v1::RecordKind kind_;
  const NameLookup names_;
  TablePrinter table_;
};

// Every field of the record's kind in schema order as (label, value), then
// the server metadata (etag, create_sequence, update_sequence). Lists are
// joined with ", "; an unset nullable field is "-"; an address reads
// "street, postcode city (district)". Fields naming another record
// (parent_id, unit_id, host_unit_id, contact_person_id) read "id (name)"
// with `names`.
std::vector<std::pair<std::string, std::string>> RecordFieldList(
    const sof::directory::v1::Record& record, const NameLookup& names = nullptr);

}  // namespace sofdir::client

#endif  // SOFDIR_CLIENT_RECORD_VIEW_H_
