// `sofdir search`, `who-knows` and `suggest` (commands.h): one call each,
// printed through search_view.h.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/command_io.h"
#include "client/commands.h"
#include "client/directory_client.h"
#include "client/search_view.h"
#include "client/table_printer.h"
#include "server/common/status_macros.h"
#include "server/model/record_util.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

absl::StatusOr<v1::SearchEntriesRequest> SearchRequest(const SearchOptions& options) {
  v1::SearchEntriesRequest request;
  request.set_query(options.text);
  for (const std::string& kind : options.kinds) {
    std::optional<v1::RecordKind> parsed = model::KindFromName(kind);
    if (!parsed) {
      return absl::InvalidArgumentError(
          absl::StrCat("--kind: ", kind, " is not a kind; valid: ", model::ValidKindsText()));
    }
    request.add_kinds(*parsed);
  }
  request.set_area(options.area);
  request.set_district(options.district);
  request.set_legal_basis(options.legal_basis);
  request.set_service_type(options.service_type);
  if (options.age) request.set_age(*options.age);
  request.set_fresh_days(options.fresh_days);
  request.set_only_free(options.only_free);
  if (!options.near.empty()) {
    absl::StatusOr<NearPlace> near = ParseNear(options.near);
    if (!near.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--near: ", near.status().message()));
    }
    if (near->point) {
      *request.mutable_near() = *near->point;
    } else {
      request.set_near_district(near->place);
    }
  }
  request.set_filter(options.filter);
  request.set_page_size(options.limit);
  request.set_page_token(options.page_token);
  request.set_explain(options.explain);
  request.set_literal(options.literal);
  return request;
}

}  // namespace

absl::Status RunSearch(const CommonOptions& common, const SearchOptions& options) {
  SOFDIR_ASSIGN_OR_RETURN(v1::SearchEntriesRequest request, SearchRequest(options));
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::SearchEntriesResponse response, client->SearchEntries(request));
  if (common.json) {
    Write(stdout, SearchResponseToJson(response, options.explain));
    return FlushStdout();
  }
  SearchView view;
  view.ansi = UseAnsi();
  view.explain = options.explain;
  view.literal_command = SearchCommandLine(options, /*literal=*/true);
  // What the user named: the facet values it matches are always shown.
  view.asked_for = {options.text, options.district, options.area, options.service_type,
                    options.legal_basis};
  if (!request.near_district().empty()) view.asked_for.push_back(request.near_district());
  Write(stdout, WrapToWidth(FormatSearchResponse(response, view), OutputWidth()));
  if (!response.next_page_token().empty() && !response.results().empty()) {
    Write(stdout,
          WrapShellLine(absl::StrCat("next page: ", SearchCommandLine(options, options.literal,
                                                                      response.next_page_token())),
                        OutputWidth()));
  }
  return FlushStdout();
}

absl::Status RunWhoKnows(const CommonOptions& common, const WhoKnowsOptions& options) {
  v1::WhoKnowsRequest request;
  request.set_topic(options.topic);
  request.set_limit(options.limit);
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::WhoKnowsResponse response, client->WhoKnows(request));
  Write(stdout, common.json ? WhoKnowsResponseToJson(response)
                            : WrapToWidth(FormatExperts(response), OutputWidth()));
  return FlushStdout();
}

absl::Status RunSuggest(const CommonOptions& common, const SuggestOptions& options) {
  v1::SuggestEntriesRequest request;
  request.set_prefix(options.prefix);
  request.set_limit(options.limit);
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  SOFDIR_ASSIGN_OR_RETURN(v1::SuggestEntriesResponse response, client->SuggestEntries(request));
  Write(stdout, common.json ? SuggestResponseToJson(response) : FormatSuggestions(response));
  return FlushStdout();
}

}  // namespace sofdir::client
