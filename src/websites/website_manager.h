// WebsiteManager: projects, their websites and the websites' pages, for one caller at a
// time. It owns the rules the store does not: ids and timestamps, a website's start URL
// and crawl settings, a hand-added page belonging to its website's site.
#pragma once

#include <optional>
#include <string>

#include "core/env.h"
#include "core/status.h"
#include "store/domain_store.h"
#include "discovery/crawl_settings.h"

namespace a11y {

struct ProjectChange {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> wcag_level;  // A, AA or AAA.
};

struct WebsiteChange {
  std::optional<std::string> name;
  std::optional<std::string> start_url;
  std::optional<CrawlSettings> settings;
};

class WebsiteManager {
 public:
  // REQUIRES: store and env outlive the manager.
  WebsiteManager(DomainStore* store, Env* env) : store_(store), env_(env) {}

  Result<Project> CreateProject(const std::string& owner, const ProjectChange& fields);
  Result<Project> UpdateProject(const std::string& project_id, const ProjectChange& change,
                                const Scope& scope);

  // The project must be visible in `scope`; the website belongs to the project's owner.
  Result<Website> CreateWebsite(const std::string& project_id, const WebsiteChange& fields,
                                const Scope& scope);
  Result<Website> UpdateWebsite(const std::string& website_id, const WebsiteChange& change,
                                const Scope& scope);

  // Adds a page by hand: `url` must be on the website's host (or a subdomain of it, when
  // the website's settings include subdomains).
  Result<Page> AddPage(const std::string& website_id, const std::string& url, const Scope& scope);

  DomainStore& store() { return *store_; }

 private:
  DomainStore* store_;
  Env* env_;
};


}  // namespace a11y
