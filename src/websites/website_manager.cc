#include "websites/website_manager.h"

#include <curl/curl.h>

#include <memory>

#include "core/ids.h"

namespace a11y {
namespace {

std::string HostOf(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  char* host = nullptr;
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(handle.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    return "";
  }
  std::string text(host);
  curl_free(host);
  return text;  // Lower case already: both URLs were normalised.
}

Status FieldProblem(const char* field, const Status& status) {
  return Status::InvalidArgument(std::string(field) + ": " + status.message());
}

Status CheckWcagLevel(const std::optional<std::string>& level) {
  if (!level || *level == "A" || *level == "AA" || *level == "AAA") return Status::Ok();
  return Status::InvalidArgument("wcag_level: must be A, AA or AAA");
}

}  // namespace

Result<Project> WebsiteManager::CreateProject(const std::string& owner,
                                              const ProjectChange& fields) {
  A11Y_RETURN_IF_ERROR(CheckWcagLevel(fields.wcag_level));
  const TimePoint now = env_->Now();
  Project project;
  project.project_id = NewSortableId(now);
  project.user_id = owner;
  project.name = fields.name.value_or("");
  project.description = fields.description.value_or("");
  project.wcag_level = fields.wcag_level.value_or("AA");
  project.created_at = now;
  project.updated_at = now;
  A11Y_RETURN_IF_ERROR(store_->CreateProject(project));
  return project;
}

Result<Project> WebsiteManager::UpdateProject(const std::string& project_id,
                                              const ProjectChange& change, const Scope& scope) {
  A11Y_RETURN_IF_ERROR(CheckWcagLevel(change.wcag_level));
  auto project = store_->GetProject(project_id, scope);
  if (!project.ok()) return project.status();
  if (change.name) project->name = *change.name;
  if (change.description) project->description = *change.description;
  if (change.wcag_level) project->wcag_level = *change.wcag_level;
  project->updated_at = env_->Now();
  A11Y_RETURN_IF_ERROR(store_->UpdateProject(*project, scope));
  return project;
}

Result<Website> WebsiteManager::CreateWebsite(const std::string& project_id,
                                              const WebsiteChange& fields, const Scope& scope) {
  auto project = store_->GetProject(project_id, scope);
  if (!project.ok()) return project.status();
  auto start_url = NormalizeStartUrl(fields.start_url.value_or(""));
  if (!start_url.ok()) return FieldProblem("start_url", start_url.status());
  const TimePoint now = env_->Now();
  Website website;
  website.website_id = NewSortableId(now);
  website.project_id = project->project_id;
  website.user_id = project->user_id;
  website.name = fields.name.value_or(*start_url);
  website.start_url = *start_url;
  website.settings = fields.settings.value_or(CrawlSettings{}).ToJson();
  website.created_at = now;
  website.updated_at = now;
  A11Y_RETURN_IF_ERROR(store_->CreateWebsite(website));
  return website;
}

Result<Website> WebsiteManager::UpdateWebsite(const std::string& website_id,
                                              const WebsiteChange& change, const Scope& scope) {
  auto website = store_->GetWebsite(website_id, scope);
  if (!website.ok()) return website.status();
  if (change.start_url) {
    auto start_url = NormalizeStartUrl(*change.start_url);
    if (!start_url.ok()) return FieldProblem("start_url", start_url.status());
    website->start_url = *start_url;
  }
  if (change.name) website->name = *change.name;
  if (change.settings) website->settings = change.settings->ToJson();
  website->updated_at = env_->Now();
  A11Y_RETURN_IF_ERROR(store_->UpdateWebsite(*website, scope));
  return website;
}

Result<Page> WebsiteManager::AddPage(const std::string& website_id, const std::string& url,
                                     const Scope& scope) {
  auto website = store_->GetWebsite(website_id, scope);
  if (!website.ok()) return website.status();
  auto normalized = NormalizeStartUrl(url);
  if (!normalized.ok()) return FieldProblem("url", normalized.status());
  const CrawlSettings settings = StoredCrawlSettings(website->settings);
  if (!HostInSite(HostOf(*normalized), HostOf(website->start_url), settings.include_subdomains)) {
    return Status::InvalidArgument("url: must be on the website's host " +
                                   HostOf(website->start_url));
  }
  const TimePoint now = env_->Now();
  Page page;
  page.page_id = NewSortableId(now);
  page.website_id = website->website_id;
  page.project_id = website->project_id;
  page.user_id = website->user_id;
  page.url = *normalized;
  page.source = "manual";
  page.first_seen_at = now;
  page.last_seen_at = now;
  A11Y_RETURN_IF_ERROR(store_->AddPage(page));
  return page;
}

}  // namespace a11y
