#include "core/env.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace a11y {
namespace {

class SystemEnv : public Env {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
  }
};

}  // namespace

Env* Env::Default() {
  static SystemEnv* env = new SystemEnv();  // Leaked on purpose: usable during shutdown.
  return env;
}

int64_t ToUnixMicros(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromUnixMicros(int64_t us) { return TimePoint(Micros(us)); }

std::string FormatRfc3339(TimePoint t) {
  const int64_t us = ToUnixMicros(t);
  int64_t secs = us / 1000000;
  int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    secs -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// The fixed-width digit fields of "YYYY-MM-DDTHH:MM:SS" (sscanf would accept signs).
bool HasDigitLayout(const std::string& text) {
  static const char kLayout[] = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < sizeof kLayout - 1) return false;
  for (size_t i = 0; i + 1 < sizeof kLayout; ++i) {
    const char c = text[i];
    if (kLayout[i] == 'd' ? (c < '0' || c > '9')
                          : (kLayout[i] == 'T' ? (c != 'T' && c != 't') : c != kLayout[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool ParseRfc3339(const std::string& text, TimePoint* out) {
  if (!HasDigitLayout(text)) return false;
  int year, mon, day, hour, min, sec, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min,
                  &sec, &consumed) != 6 &&
      std::sscanf(text.c_str(), "%4d-%2d-%2dt%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min,
                  &sec, &consumed) != 6) {
    return false;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > DaysInMonth(year, mon) || hour > 23 || min > 59 ||
      sec > 60) {
    return false;
  }
  size_t pos = static_cast<size_t>(consumed);
  int64_t frac_us = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return false;
    for (; digits < 6; ++digits) frac_us *= 10;
  }
  int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const std::string offset = text.substr(pos + 1);
    if (offset.size() != 5 || offset[2] != ':' || !std::isdigit(offset[0]) ||
        !std::isdigit(offset[1]) || !std::isdigit(offset[3]) || !std::isdigit(offset[4])) {
      return false;
    }
    const int oh = (offset[0] - '0') * 10 + (offset[1] - '0');
    const int om = (offset[3] - '0') * 10 + (offset[4] - '0');
    if (oh > 23 || om > 59) return false;
    offset_s = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != text.size()) return false;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  const int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_s;
  *out = FromUnixMicros(secs * 1000000 + frac_us);
  return true;
}

bool ParseDuration(const std::string& text, Micros* out) {
  if (text.empty()) return false;
  size_t idx = 0;
  double value;
  try {
    value = std::stod(text, &idx);
  } catch (...) {
    return false;
  }
  if (!std::isfinite(value) || value < 0) return false;
  const std::string unit = text.substr(idx);
  double scale;
  if (unit.empty() || unit == "s") scale = 1e6;
  else if (unit == "ms") scale = 1e3;
  else if (unit == "us") scale = 1;
  else if (unit == "m") scale = 60e6;
  else if (unit == "h") scale = 3600e6;
  else if (unit == "d") scale = 86400e6;
  else return false;
  const double micros = value * scale;
  if (micros >= 9.2e18) return false;  // Beyond int64 microseconds (about 292,000 years).
  *out = Micros(static_cast<int64_t>(micros));
  return true;
}

}  // namespace a11y
