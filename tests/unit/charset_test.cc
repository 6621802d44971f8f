// DecodeToUtf8: charset detection (header, byte-order mark, <meta> prescan, fallback) and
// conversion to UTF-8.
#include "discovery/charset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace a11y {
namespace {

// An independent strict UTF-8 check (RFC 3629), so the tests do not trust the code under
// test to judge its own output.
bool IsStrictUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    auto lead = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    uint32_t cp = lead;
    if (lead >= 0x80) {
      if ((lead & 0xE0) == 0xC0) {
        extra = 1;
        cp = lead & 0x1F;
      } else if ((lead & 0xF0) == 0xE0) {
        extra = 2;
        cp = lead & 0x0F;
      } else if ((lead & 0xF8) == 0xF0) {
        extra = 3;
        cp = lead & 0x07;
      } else {
        return false;
      }
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMinForExtra[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForExtra[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

TEST(DecodeToUtf8Test, HeaderCharsetIso88591IsWindows1252) {
  EXPECT_EQ(DecodeToUtf8("caf\xe9", "text/html; charset=iso-8859-1"), "caf\u00e9");
  EXPECT_EQ(DecodeToUtf8("caf\xe9", "text/html;charset=\"ISO-8859-1\""), "caf\u00e9");
  EXPECT_EQ(DecodeToUtf8("caf\xe9", "text/html; foo=bar; Charset='latin1'"), "caf\u00e9");
  // Browsers read the "latin1" family as windows-1252, so 0x80 is the euro sign.
  EXPECT_EQ(DecodeToUtf8("\x80", "text/html; charset=us-ascii"), "\u20ac");
}

TEST(DecodeToUtf8Test, MetaCharsetWindows1252) {
  std::string body = "<html><head><meta charset=\"windows-1252\"></head><p>\x93quoted\x94 \x80";
  EXPECT_EQ(DecodeToUtf8(body, "text/html"),
            "<html><head><meta charset=\"windows-1252\"></head><p>\u201cquoted\u201d \u20ac");
}

TEST(DecodeToUtf8Test, MetaHttpEquivContentType) {
  std::string body =
      "<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>\xf0\xd2\xc9";
  EXPECT_EQ(DecodeToUtf8(body, ""),
            "<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>"
            "\u041f\u0440\u0438");
}

TEST(DecodeToUtf8Test, PrescanFollowsTheSpecsRules) {
  // A content charset without http-equiv=content-type is no declaration.
  EXPECT_EQ(DecodeToUtf8("<meta content='text/html; charset=koi8-r'>\xc3\xa9", ""),
            "<meta content='text/html; charset=koi8-r'>\u00e9");
  // Nor is one inside a comment or an attribute value.
  EXPECT_EQ(DecodeToUtf8("<!-- <meta charset=koi8-r> -->\xc3\xa9", ""),
            "<!-- <meta charset=koi8-r> -->\u00e9");
  EXPECT_EQ(DecodeToUtf8("<p title='<meta charset=koi8-r>'>\xc3\xa9", ""),
            "<p title='<meta charset=koi8-r>'>\u00e9");
  // Only the first 1024 bytes are scanned.
  std::string late = std::string(1100, ' ') + "<meta charset=koi8-r>\xc3\xa9";
  EXPECT_EQ(DecodeToUtf8(late, ""), late);
  // A meta claiming UTF-16 in ASCII bytes is wrong about itself: read as UTF-8.
  EXPECT_EQ(DecodeToUtf8("<meta charset=utf-16>\xc3\xa9", ""), "<meta charset=utf-16>\u00e9");
}

TEST(DecodeToUtf8Test, HeaderWinsOverMeta) {
  EXPECT_EQ(DecodeToUtf8("<meta charset=windows-1252>\xe2\x80\x9c", "text/html; charset=utf-8"),
            "<meta charset=windows-1252>\u201c");
}

TEST(DecodeToUtf8Test, ShiftJisViaHeader) {
  // U+3042 HIRAGANA A, U+65E5 (sun), and 0x5C as a backslash (CP932), not a yen sign.
  EXPECT_EQ(DecodeToUtf8("\x82\xa0\x93\xfa\\", "text/html; charset=Shift_JIS"), "\u3042\u65e5\\");
}

TEST(DecodeToUtf8Test, IconvErrorsBecomeReplacementCharacters) {
  // 0x82 opens a two-byte character that "A" cannot end; the "A" survives.
  EXPECT_EQ(DecodeToUtf8("x\x82\x41y", "text/html; charset=shift_jis"), "x\ufffdAy");
  // A character cut off by the end of the body.
  EXPECT_EQ(DecodeToUtf8("x\x82", "text/html; charset=shift_jis"), "x\ufffd");
}

TEST(DecodeToUtf8Test, Utf16ByteOrderMarks) {
  EXPECT_EQ(DecodeToUtf8(std::string("\xff\xfeh\0i\0\xe9\0", 8), ""), "hi\u00e9");
  EXPECT_EQ(DecodeToUtf8(std::string("\xfe\xff\0h\0i", 6), ""), "hi");
  // A surrogate pair (U+1F600), then a lone high surrogate and an odd trailing byte.
  EXPECT_EQ(DecodeToUtf8(std::string("\xff\xfe\x3d\xd8\x00\xde\x3d\xd8x\0z", 11), ""),
            "\U0001F600\ufffdx\ufffd");
}

TEST(DecodeToUtf8Test, Utf8BomIsStripped) {
  EXPECT_EQ(DecodeToUtf8("\xef\xbb\xbf<p>caf\xc3\xa9", ""), "<p>caf\u00e9");
  EXPECT_EQ(DecodeToUtf8("\xef\xbb\xbfhi", "text/html; charset=utf-8"), "hi");
}

TEST(DecodeToUtf8Test, InvalidUtf8BecomesReplacementCharacters) {
  const std::string header = "text/html; charset=UTF-8";
  EXPECT_EQ(DecodeToUtf8("a\xff-", header), "a\ufffd-");
  EXPECT_EQ(DecodeToUtf8("a\xe2\x82", header), "a\ufffd");                // Truncated: one U+FFFD.
  EXPECT_EQ(DecodeToUtf8("\xc0\xaf", header), "\ufffd\ufffd");            // Overlong.
  EXPECT_EQ(DecodeToUtf8("\xed\xa0\x80", header), "\ufffd\ufffd\ufffd");  // Surrogate.
  EXPECT_EQ(DecodeToUtf8("\xf4\x90\x80\x80", header), "\ufffd\ufffd\ufffd\ufffd");
  EXPECT_EQ(DecodeToUtf8("\xe2\x82-", header), "\ufffd-");
  EXPECT_EQ(DecodeToUtf8("ok \xf0\x9f\x98\x80", header), "ok \U0001F600");
}

TEST(DecodeToUtf8Test, NoCharsetAndInvalidUtf8IsWindows1252) {
  EXPECT_EQ(DecodeToUtf8("caf\xe9 \x80 \x81", "text/html"), "caf\u00e9 \u20ac \u0081");
}

TEST(DecodeToUtf8Test, NoCharsetAndValidUtf8IsUnchanged) {
  EXPECT_EQ(DecodeToUtf8("caf\xc3\xa9 \xe2\x82\xac", ""), "caf\u00e9 \u20ac");
  EXPECT_EQ(DecodeToUtf8("", ""), "");
}

TEST(DecodeToUtf8Test, UnknownCharsetIsReadAsUtf8) {
  EXPECT_EQ(DecodeToUtf8("caf\xc3\xa9", "text/html; charset=x-no-such-charset"), "caf\u00e9");
  EXPECT_EQ(DecodeToUtf8("caf\xe9", "text/html; charset=x-no-such-charset"), "caf\ufffd");
  // iconv option suffixes are not charset names.
  EXPECT_EQ(DecodeToUtf8("caf\xe9", "text/html; charset=koi8-r//IGNORE"), "caf\ufffd");
}

TEST(DecodeToUtf8Test, OutputIsAlwaysValidUtf8) {
  const std::vector<std::string> headers = {"",
                                            "text/html; charset=utf-8",
                                            "text/html; charset=windows-1252",
                                            "text/html; charset=shift_jis",
                                            "text/html; charset=euc-jp",
                                            "text/html; charset=gbk",
                                            "text/html; charset=iso-2022-jp",
                                            "text/html; charset=utf-16le",
                                            "text/html; charset=utf-16be",
                                            "text/html; charset=koi8-r",
                                            "text/html; charset=bogus"};
  std::mt19937 rng(12345);
  for (const std::string& header : headers) {
    for (int round = 0; round < 200; ++round) {
      std::string body(rng() % 64, '\0');
      for (char& c : body) c = static_cast<char>(rng());
      std::string decoded = DecodeToUtf8(body, header);
      ASSERT_TRUE(IsStrictUtf8(decoded)) << header << " round " << round;
    }
  }
}

}  // namespace
}  // namespace a11y
