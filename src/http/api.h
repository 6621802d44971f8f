// The REST API of DESIGN.md section 4: what the routes share, and where they are
// registered. Each routes_*.cc file registers one group of routes.
#pragma once

#include <functional>
#include <string>

#include "auth/authenticator.h"
#include "http/http.h"
#include "jobs/job_manager.h"
#include "store/discovery_store.h"
#include "store/domain_store.h"
#include "store/result_store.h"
#include "websites/website_manager.h"

namespace a11y::http {

class EventHub;

struct ApiContext {
  JobManager* jobs = nullptr;
  WebsiteManager* websites = nullptr;
  auth::Authenticator* auth = nullptr;
  EventHub* events = nullptr;
  Env* env = nullptr;
  bool secure_cookies = false;  // Set the Secure attribute (behind HTTPS).
  // Extra Prometheus text for GET /metrics (the server's HTTP figures).
  std::function<std::string()> server_metrics;

  DomainStore& domain() { return websites->store(); }
  DiscoveryStore& discovery() { return jobs->store().discovery(); }
  ResultStore& results() { return jobs->store().results(); }
};

// Registers every route of the API on `router`. REQUIRES: context outlives the router.
void RegisterRoutes(Router& router, ApiContext& context);

void RegisterAuthRoutes(Router& router, ApiContext& context);
void RegisterProjectRoutes(Router& router, ApiContext& context);
void RegisterJobRoutes(Router& router, ApiContext& context);
void RegisterAdminRoutes(Router& router, ApiContext& context);
void RegisterSystemRoutes(Router& router, ApiContext& context);
void RegisterEventRoutes(Router& router, ApiContext& context);

}  // namespace a11y::http
