#include "core/ids.h"

#include <array>
#include <mutex>
#include <random>

namespace a11y {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct MonotonicState {
  std::mutex mu;
  int64_t last_ms = -1;
  std::array<uint8_t, 10> last_random{};
  std::mt19937_64 rng{std::random_device{}()};
};

}  // namespace

std::string NewSortableId(TimePoint now) {
  static MonotonicState* state = new MonotonicState();
  const int64_t ms = ToUnixMicros(now) / 1000;
  std::array<uint8_t, 10> random;
  int64_t stamp;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    if (ms <= state->last_ms) {
      // Same (or earlier) millisecond: increment the random part so order holds.
      random = state->last_random;
      for (int i = 9; i >= 0 && ++random[i] == 0; --i) {
      }
      stamp = state->last_ms;
    } else {
      const uint64_t a = state->rng(), b = state->rng();
      for (int i = 0; i < 8; ++i) random[i] = static_cast<uint8_t>(a >> (8 * i));
      random[8] = static_cast<uint8_t>(b);
      random[9] = static_cast<uint8_t>(b >> 8);
      random[0] &= 0x7f;  // Headroom so increments within a millisecond never overflow.
      stamp = ms;
    }
    state->last_ms = stamp;
    state->last_random = random;
  }
  // 128 bits = 48-bit time + 80 bits random, written as 26 base32 digits (130 bits).
  std::array<uint8_t, 16> bytes{};
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(stamp >> (8 * (5 - i)));
  for (int i = 0; i < 10; ++i) bytes[6 + i] = random[i];
  std::string out(26, '0');
  // Walk the 130-bit big-endian number five bits at a time from the least significant end.
  for (int digit = 25; digit >= 0; --digit) {
    const int bit = (25 - digit) * 5;  // Bit offset from the least significant end.
    int value = 0;
    for (int b = 0; b < 5; ++b) {
      const int pos = bit + b;
      if (pos >= 128) break;
      const int byte = 15 - pos / 8;
      if (bytes[byte] >> (pos % 8) & 1) value |= 1 << b;
    }
    out[digit] = kCrockford[value];
  }
  return out;
}

bool IsValidJobId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace a11y
