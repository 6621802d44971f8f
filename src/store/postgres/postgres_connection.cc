#include "store/postgres/postgres_connection.h"

#include <poll.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace a11y::pg {

Param Text(const std::string& value) { return value; }
Param Int(int64_t value) { return std::to_string(value); }
Param Bool(bool value) { return std::string(value ? "true" : "false"); }

Param Double(double value) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return std::string(buf);
}

Param Time(TimePoint value) { return FormatRfc3339(value); }

Param OptTime(const std::optional<TimePoint>& value) {
  if (!value) return std::nullopt;
  return Time(*value);
}

Param OptText(const std::optional<std::string>& value) { return value; }

Param JsonText(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Param TextArray(const std::vector<std::string>& values) {
  if (values.empty()) return std::nullopt;
  return ArrayLiteral(Params(values.begin(), values.end()));
}

Param ArrayLiteral(const std::vector<Param>& elements) {
  size_t size = 2;
  for (const Param& e : elements) size += (e ? e->size() + 3 : 5);
  std::string out;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    if (!elements[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *elements[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Param IntArray(const std::vector<int64_t>& values) {
  if (values.empty()) return std::nullopt;
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

int64_t PgResult::GetInt(int row, int col) const {
  return std::strtoll(PQgetvalue(result_.get(), row, col), nullptr, 10);
}

double PgResult::GetDouble(int row, int col) const {
  return std::strtod(PQgetvalue(result_.get(), row, col), nullptr);
}

bool PgResult::GetBool(int row, int col) const {
  return PQgetvalue(result_.get(), row, col)[0] == 't';
}

std::optional<TimePoint> PgResult::GetOptTime(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return GetTime(row, col);
}

std::optional<std::string> PgResult::GetOptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return GetText(row, col);
}

int64_t PgResult::AffectedRows() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_.get());
  return n[0] == '\0' ? 0 : std::strtoll(n, nullptr, 10);
}

std::string UnixMicros(const std::string& column) {
  return "(EXTRACT(EPOCH FROM " + column + ") * 1000000)::bigint";
}

namespace {

bool IsTransientSqlState(const std::string& state) {
  if (state.size() != 5) return false;
  const std::string cls = state.substr(0, 2);
  return cls == "08"           // connection_exception
         || cls == "53"        // insufficient_resources (too many connections, disk full)
         || state == "57P01"   // admin_shutdown
         || state == "57P02"   // crash_shutdown
         || state == "57P03"   // cannot_connect_now
         || state == "57014"   // query_canceled (statement_timeout)
         || state == "40001"   // serialization_failure
         || state == "40P01"   // deadlock_detected
         || state == "55P03";  // lock_not_available
}

std::string Trimmed(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

Status StatusFromError(PGconn* conn, const PGresult* result) {
  if (result == nullptr) {
    return Status::Unavailable("postgres: " + Trimmed(PQerrorMessage(conn)));
  }
  const char* state_field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string state = state_field ? state_field : "";
  // One line: the primary message, then the detail (e.g. which key was duplicated).
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  std::string message = primary ? Trimmed(primary) : Trimmed(PQresultErrorMessage(result));
  if (detail) message += " (" + Trimmed(detail) + ")";
  if (message.empty()) message = Trimmed(PQerrorMessage(conn));
  if (state == "23505") return Status::AlreadyExists(message);
  if (PQstatus(conn) == CONNECTION_BAD || IsTransientSqlState(state) || state.empty()) {
    return Status::Unavailable("postgres: " + message);
  }
  return Status::Internal("postgres [" + state + "]: " + message);
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& url) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = parse_error ? Trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return Status::InvalidArgument("bad postgres URL: " + message);
  }
  PQconninfoFree(options);

  // The URL comes last so that whatever it says overrides these defaults.
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "auto-a11y", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Unavailable("postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status status =
        Status::Unavailable("postgres: cannot connect: " + Trimmed(PQerrorMessage(conn)));
    PQfinish(conn);
    return status;
  }
  auto connection = std::unique_ptr<PgConnection>(new PgConnection(conn));
  // Keep server notices (e.g. "relation already exists, skipping") out of stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  A11Y_RETURN_IF_ERROR(connection->ExecScript("SET TIME ZONE 'UTC'"));
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<PgResult> PgConnection::Exec(const std::string& sql, const Params& params,
                                    LatencyHistogram* latency) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* raw;
  {
    std::optional<ScopedLatency> timer;
    if (latency) timer.emplace(latency);
    raw = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                       nullptr, nullptr, /*resultFormat=*/0);
  }
  PgResult result(raw);
  if (raw == nullptr) return StatusFromError(conn_, nullptr);
  const ExecStatusType st = PQresultStatus(raw);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return StatusFromError(conn_, raw);
  return result;
}

Status PgConnection::ExecScript(const std::string& sql, LatencyHistogram* latency) {
  PGresult* raw;
  {
    std::optional<ScopedLatency> timer;
    if (latency) timer.emplace(latency);
    raw = PQexec(conn_, sql.c_str());
  }
  PgResult result(raw);
  if (raw == nullptr) return StatusFromError(conn_, nullptr);
  const ExecStatusType st = PQresultStatus(raw);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return StatusFromError(conn_, raw);
  return Status::Ok();
}

bool PgConnection::Reusable() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool PgConnection::LooksAlive() const {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  pollfd fd{};
  fd.fd = PQsocket(conn_);
  if (fd.fd < 0) return false;
  fd.events = POLLIN;
  const int ready = poll(&fd, 1, 0);
  return ready == 0;
}

PgPool::PgPool(std::string url, int max_size) : url_(std::move(url)), max_size_(max_size) {}

PgPool::~PgPool() = default;

Result<PgPool::Handle> PgPool::Acquire() {
  std::unique_ptr<PgConnection> conn;
  {
    std::unique_lock<std::mutex> lock(mu_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  if (conn && conn->LooksAlive()) return Handle(this, std::move(conn));
  conn.reset();  // Dead (e.g. the server restarted): replace it, keeping its slot.
  auto fresh = PgConnection::Connect(url_);
  if (!fresh.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    available_.notify_one();
    return fresh.status();
  }
  return Handle(this, std::move(fresh).value());
}

void PgPool::Return(std::unique_ptr<PgConnection> conn) {
  const bool reusable = conn->Reusable();
  if (!reusable) conn.reset();  // Close outside the lock.
  std::lock_guard<std::mutex> lock(mu_);
  if (reusable) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  available_.notify_one();
}

}  // namespace a11y::pg
