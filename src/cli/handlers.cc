// Every job type's handler, configured from the command line.
#include "cli/cli_common.h"
#include "discovery/scraping_job.h"
#include "jobs/diagnostic_handlers.h"
#include "testing/testing_jobs.h"

namespace a11y::cli {

void AddCrawlerOptions(CLI::App* command, CrawlerArgs* args) {
  command->add_option("--crawler-allow-network", args->allow_networks,
                      "Let discovery and testing reach this non-public network (CIDR, e.g. 127.0.0.0/8; "
                      "repeatable). By default loopback, private, link-local and other "
                      "non-public addresses are refused");
  command->add_option("--crawler-timeout", args->request_timeout,
                      "Longest time one page may take to download")
      ->capture_default_str();
}

Result<FetchOptions> FetchOptionsFrom(const CrawlerArgs& args) {
  FetchOptions fetch;
  std::vector<IpNetwork> allowed;
  for (const std::string& text : args.allow_networks) {
    auto network = IpNetwork::Parse(text);
    if (!network.ok()) return Status::InvalidArgument("--crawler-allow-network: " +
                                                      network.status().message());
    allowed.push_back(*network);
  }
  fetch.network = NetworkPolicy(std::move(allowed));
  if (!ParseDuration(args.request_timeout, &fetch.request_timeout)) {
    return Status::InvalidArgument("--crawler-timeout takes a duration such as 30s");
  }
  return fetch;
}

Status RegisterHandlers(const CrawlerArgs& args, HandlerRegistry* handlers) {
  auto fetch = FetchOptionsFrom(args);
  if (!fetch.ok()) return fetch.status();
  DiscoveryOptions discovery;
  discovery.fetch = *fetch;
  TestingOptions testing;
  testing.fetch = std::move(*fetch);
  RegisterDiagnosticHandlers(handlers);
  RegisterDiscoveryHandler(handlers, std::move(discovery));
  RegisterTestingHandlers(handlers, std::move(testing));
  return Status::Ok();
}

}  // namespace a11y::cli
