// Small, valid records to build test directories from.
#ifndef SOFDIR_TESTS_TESTING_RECORDS_H_
#define SOFDIR_TESTS_TESTING_RECORDS_H_

#include <string>

#include "sof/directory/v1/records.pb.h"

namespace sofdir::testing {

using ::sof::directory::v1::Record;

inline Record MakeUnit(const std::string& id, const std::string& parent = "",
                       const std::string& name = "") {
  Record r;
  auto* u = r.mutable_unit();
  u->set_id(id);
  u->set_name(name.empty() ? "Enhed " + id : name);
  if (!parent.empty()) u->set_parent_id(parent);
  u->set_area("Udsatte voksne");
  u->set_role("udfører");
  u->mutable_address()->set_district("Nørrebro");
  return r;
}

inline Record MakePerson(const std::string& id, const std::string& unit) {
  Record r;
  auto* p = r.mutable_person();
  p->set_id(id);
  p->set_name("Person " + id);
  p->set_unit_id(unit);
  p->set_email(id + "@sof.example.dk");
  return r;
}

inline Record MakeTilbud(const std::string& id, const std::string& unit,
                         const std::string& contact = "") {
  Record r;
  auto* t = r.mutable_tilbud();
  t->set_id(id);
  t->set_name("Tilbud " + id);
  t->set_unit_id(unit);
  t->set_age_min(18);
  t->set_age_max(99);
  t->set_capacity(10);
  t->set_free_places(2);
  t->set_contact_person_id(contact);
  return r;
}

inline Record MakePraktik(const std::string& id, const std::string& host) {
  Record r;
  auto* p = r.mutable_praktik();
  p->set_id(id);
  p->set_title("Praktik " + id);
  p->set_host_unit_id(host);
  p->set_duration_days(1);
  auto* slot = p->add_slots();
  slot->set_start("2027-03-16");
  slot->set_end("2027-03-16");
  slot->set_seats(2);
  return r;
}

inline Record MakePartner(const std::string& id, const std::string& unit) {
  Record r;
  auto* p = r.mutable_partner();
  p->set_id(id);
  p->set_name("Partner " + id);
  p->add_related_unit_ids(unit);
  return r;
}

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_RECORDS_H_
