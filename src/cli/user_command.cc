// auto-a11y user create|list: accounts from the command line, e.g. the first administrator
// of a server that should not print a generated password.
#include <iostream>

#include "auth/authenticator.h"
#include "cli/cli_common.h"

namespace a11y::cli {
namespace {

struct UserArgs {
  std::string username;
  bool admin = false;
  bool password_stdin = false;
};

// The password from stdin (one line) or AUTO_A11Y_PASSWORD: never from the command line,
// where other users of the machine could read it.
Result<std::string> ReadPassword(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) return Status::InvalidArgument("no password on stdin");
    return line;
  }
  if (const char* given = std::getenv("AUTO_A11Y_PASSWORD"); given && *given)
    return std::string(given);
  return Status::InvalidArgument("give the password with --password-stdin or AUTO_A11Y_PASSWORD");
}

}  // namespace

void AddUserCommands(CLI::App& app, const GlobalOptions& options, int* exit_code) {
  auto* user = app.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  auto args = std::make_shared<UserArgs>();
  auto* create = user->add_subcommand("create", "Create a user");
  create->add_option("username", args->username, "Login name")->required();
  create->add_flag("--admin", args->admin, "Give the user the admin role");
  create->add_flag("--password-stdin", args->password_stdin,
                   "Read the password from stdin (default: AUTO_A11Y_PASSWORD)");
  create->callback([&options, exit_code, args] {
    auto password = ReadPassword(args->password_stdin);
    if (!password.ok()) {
      *exit_code = Fail(options, password.status());
      return;
    }
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    auth::Authenticator authenticator(&session->store->domain(), Env::Default());
    auto created = authenticator.CreateUser(args->username, *password,
                                            args->admin ? Role::kAdmin : Role::kUser);
    if (!created.ok()) {
      *exit_code = Fail(options, created.status());
      return;
    }
    if (options.json) {
      PrintJson(created->ToJson());
    } else {
      std::cout << "created " << RoleName(created->role) << ' ' << created->username << " ("
                << created->user_id << ")" << std::endl;
    }
  });
  auto* list = user->add_subcommand("list", "List users");
  list->callback([&options, exit_code] {
    auto session = OpenSession(options, exit_code);
    if (!session) return;
    PageRequest page;
    page.limit = 1000;
    Json users = Json::array();
    for (;;) {
      auto listing = session->store->domain().ListUsers(page);
      if (!listing.ok()) {
        *exit_code = Fail(options, listing.status());
        return;
      }
      for (const User& u : listing->items) {
        if (options.json) {
          users.push_back(u.ToJson());
        } else {
          std::cout << u.user_id << "  " << u.username << "  " << RoleName(u.role)
                    << (u.disabled ? "  disabled" : "") << '\n';
        }
      }
      if (!listing->next_cursor) break;
      page.cursor = listing->next_cursor;
    }
    if (options.json) PrintJson(users);
  });
}

}  // namespace a11y::cli
