// Every job type's handler, configured from the command line.
#include "cli/cli_common.h"
#include "discovery/scraping_job.h"
#include "jobs/diagnostic_handlers.h"

namespace a11y::cli {

void AddCrawlerOptions(CLI::App* command, CrawlerArgs* args) {
  command->add_option("--crawler-allow-network", args->allow_networks,
                      "Let discovery reach this non-public network (CIDR, e.g. 127.0.0.0/8; "
                      "repeatable). By default loopback, private, link-local and other "
                      "non-public addresses are refused");
  command->add_option("--crawler-timeout", args->request_timeout,
                      "Longest time one page may take to download")
      ->capture_default_str();
}

Status RegisterHandlers(const CrawlerArgs& args, HandlerRegistry* handlers) {
  DiscoveryOptions discovery;
  std::vector<IpNetwork> allowed;
  for (const std::string& text : args.allow_networks) {
    auto network = IpNetwork::Parse(text);
    if (!network.ok()) return Status::InvalidArgument("--crawler-allow-network: " +
                                                      network.status().message());
    allowed.push_back(*network);
  }
  discovery.fetch.network = NetworkPolicy(std::move(allowed));
  if (!ParseDuration(args.request_timeout, &discovery.fetch.request_timeout)) {
    return Status::InvalidArgument("--crawler-timeout takes a duration such as 30s");
  }
  RegisterDiagnosticHandlers(handlers);
  RegisterDiscoveryHandler(handlers, std::move(discovery));
  return Status::Ok();
}

}  // namespace a11y::cli
