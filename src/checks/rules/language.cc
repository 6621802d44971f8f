// Language of the page and of its parts (WCAG 3.1.1, 3.1.2): lang, xml:lang and hreflang
// values checked as BCP 47 language tags against the ISO tables below.
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

// ISO 639-1 two-letter language codes, plus the deprecated in, iw, ji, jw and mo that the
// IANA registry still lists.
constexpr std::string_view kTwoLetterLanguages =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy"
    " da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht "
    "hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku"
    " kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn "
    "no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn"
    " so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa "
    "wo xh yi yo za zh zu ";

// ISO 639-2/T, 639-2/B and 639-3 codes of languages that have a two-letter code. BCP 47
// uses the shortest code, so "eng" is not a valid tag: "en" is.
constexpr std::string_view kThreeLetterAliases =
    "aar:aa abk:ab afr:af aka:ak alb:sq amh:am ara:ar arg:an arm:hy asm:as ava:av ave:ae aym:ay "
    "aze:az bak:ba bam:bm baq:eu bel:be ben:bn bih:bh bis:bi bod:bo bos:bs bre:br bul:bg bur:my "
    "cat:ca ces:cs cha:ch che:ce chi:zh chu:cu chv:cv cor:kw cos:co cre:cr cym:cy cze:cs dan:da "
    "deu:de div:dv dut:nl dzo:dz ell:el eng:en epo:eo est:et eus:eu ewe:ee fao:fo fas:fa fij:fj "
    "fin:fi fra:fr fre:fr fry:fy ful:ff geo:ka ger:de gla:gd gle:ga glg:gl glv:gv gre:el grn:gn "
    "guj:gu hat:ht hau:ha hbs:sh heb:he her:hz hin:hi hmo:ho hrv:hr hun:hu hye:hy ibo:ig ice:is "
    "ido:io iii:ii iku:iu ile:ie ina:ia ind:id ipk:ik isl:is ita:it jav:jv jpn:ja kal:kl kan:kn "
    "kas:ks kat:ka kau:kr kaz:kk khm:km kik:ki kin:rw kir:ky kom:kv kon:kg kor:ko kua:kj kur:ku "
    "lao:lo lat:la lav:lv lim:li lin:ln lit:lt ltz:lb lub:lu lug:lg mac:mk mah:mh mal:ml mao:mi "
    "mar:mr may:ms mkd:mk mlg:mg mlt:mt mon:mn mri:mi msa:ms mya:my nau:na nav:nv nbl:nr nde:nd "
    "ndo:ng nep:ne nld:nl nno:nn nob:nb nor:no nya:ny oci:oc oji:oj ori:or orm:om oss:os pan:pa "
    "per:fa pli:pi pol:pl por:pt pus:ps que:qu roh:rm ron:ro rum:ro run:rn rus:ru sag:sg san:sa "
    "sin:si slk:sk slo:sk slv:sl sme:se smo:sm sna:sn snd:sd som:so sot:st spa:es sqi:sq srd:sc "
    "srp:sr ssw:ss sun:su swa:sw swe:sv tah:ty tam:ta tat:tt tel:te tgk:tg tgl:tl tha:th tib:bo "
    "tir:ti ton:to tsn:tn tso:ts tuk:tk tur:tr twi:tw uig:ug ukr:uk urd:ur uzb:uz ven:ve vie:vi "
    "vol:vo wel:cy wln:wa wol:wo xho:xh yid:yi yor:yo zha:za zho:zh zul:zu ";

// Every other three-letter primary language subtag (ISO 639-2, 639-3, 639-5 and the private
// use range qaa-qtz), as a bitmap over aaa..zzz, base64. Generated from the Debian iso-codes
// package (iso_639-2.json, iso_639-3.json, iso_639-5.json).
constexpr std::string_view kThreeLetterLanguageBits =
    "/+39/u//v9v7//7a9x88V2+Xc/j/9/9wvwP//8sFhVLp//1/////d/////////fj6f///028Cnq+/3///v/3///v/98r"
    "9PHwXeefFAcg3+0fPskh+L/u3///f///f/////9//f////d/7///7/+/x7///b//7f////6/////79////P/+3f////+"
    "///7///3///13///f9/////+///f///f+f//7v//////9z+9/cWtb0DvnMFDLAglQQBQRACAu//yn7RCRdaTJIj3e+cX"
    "VlV5Dhw3f/Pvn+9dOGUIAAC8/7////9/Nz7Hh8//AYEAsAWAAAAAAANAAACSIdD9df/e/l4EAAJkjRnB33siAAAA323O"
    "IuXZ8/5//c+dFEEEhgDRAPDHZ1/WmV637e8DAAIAAADAV1pHkmkBLtZ7dN9/fwAAAAEEVgMAALAUB1EUCgABAAAQEUkA"
    "AGAQAAAAEAAARAQAEIAFGAAABQCAKAQAABDVLRBkFSRTtdW/4s0DAIAAQAAAAAAABBc5Ad1XmSGYpwAAAUCCAAAABAAA"
    "AAIBQABEAACw/qs5AAIAAAAEAAAAAAAgAEAEAAAAAgAAABCDqAUAAAAABCAEpggEAAiBUAAACDGGQAAAAABAAAP1AxAI"
    "BAAAAOA7sxMAgAARAAAAAAAAAAAAAAAA///f7//fz4OiwP/fJ+8f5QMQILDFgEUlmwPfud8D0EiQAQ6Bo5NU2zjzf/9t"
    "+f//fwQIAAEhEjxf/Q+FT0QAAAT//d/W6Bv0N6MNAAAge3kCB4QA8P9//gAYBIEAAACAEJQcAQAAAAAAEEAABAi0/qUM"
    "QAAAkSQEbABg8P/7f/YYBZ/fbgMAEQAAAEAFNbaCKAQABFHi//0/BQkIBUAAAAAAEAAADAAAAAAhAmzjSBSIIMBHgAcA"
    "AADMUEAkhUeEQCAQACACUIgRANHs7lA1DQFpDlnrMwgAIAVAEAAAAFBElknWXaeBR5f7ABAACACAAEBFAAECAAFAgAAC"
    "CPjr1znEnRYAAAwEASAg2aIBAAAAEkQAAAQQ8J2VEwSAAAHQFkAAEPCQYkzSAgFKAEYEAAgCACDAAIAGAAgAAAAA8Njv"
    "FQIIAAABAAAAABABABAAAAD/1+N9//////9////2////////P/f/3//7///b/X////7//////////////f/f39z3/9//"
    "/////777//////9///7//f//7///7//r/fv/////9d//v3u93d//vJgFLP8H8Pv/fwAIAMN9GwbmcvDvfH9EIjCfex79"
    "/1by/z7f8g6V9///R4ABAgAgQFWfip/5bhGHUdDz/3dAAQXRWFwAQAAQBAIAIAqAe7f9/v7////////v/7//f///////"
    "//ff//f//997//9/////7f+9///7///f3339//f///f////7/+//f////3/f/7/vt/9/3//n////9v72f///f////Pf9"
    "X/9/n77//v9/938CggT/v///1+////f/4p7n//f/Vn3F///////v3v2/fQ+nUQbEl9Bdr6b//f9jXUv///8/IBQAV1HC"
    "ZfUN4v//30IFxQUAIgB0aRAIBUEAAQYAAAAAAFFgBQQBAAAGESAAGAGS8f1nawaVBkft+02de4MEYkAAFUIAAABUg/lf"
    "EI7JRt/3ExEAIAAAAJAAAAAAAAoQAAFAAPDffb99vk//v0AUhGGw/116BAIASS0UJv/t8a/vPwAAAsfgHvy7/b379/z3"
    "///09e1D9HcQAQFEf/+33flfBYbv9Te9HQAAAENxQgBAAAABQxkgCAD/////////////////////////////////////"
    "/////////////////////////////////////////////////++951fuE10JwUAh+hcBgAAAAADw/v+/ACMAIAAACAAA"
    "MLXjEAAAABEkFgABAjCCowFQAAGDEUgAAADw39+/EqoQf9hSAIAgAAAAAEAQAgI8ABBCEGFfnDEAAAABXAIgAAABAEIB"
    "IAAAv1//////L9/ez737r///f0tAEPF96/33///73/9v8XvxP/9//+7357//0/3f//1+v1f/b4F2n9z3/f////v+/19X"
    "R+9fUBBi/v+fFZ8VD33GfaGS9fd+f//////93f//vfZf/z9AmAK/4//j9v5c/t9/0D4Ve7j/vv//9v/393P//+7f99f9"
    "7y+Av8X////fn//////9v99/Bh93//jbXc99Frnqe6AeIAAwAgQkSAQAAEDUBgQAAAQABAAwCQZQAAgAAAAkAAQAENxY"
    "100PFE/xFmTVSAoAAgBAAAgAAADc/+sfWEhBJKAEABASQCIAEAAAAAAAAAEAAACAEBC/b5MAAQAAAAAAAADAgC0AAAAA"
    "AAAKAAAAwIbCAgAAAAH+GAIAEvD/eT8AJQAAAAoAAAAAAABAABADAAkgAAABAACDAAAAAAEAAAAAAAAAAAAAAAD////P"
    "fr4REAAAkgFGzfFeAAEAMBQEURABBPY/MgUEALCAIFV1l33fccx41UP1V2cUAQAAAAAACPfbH1RgA2gFEIs4ugEAADAA"
    "JEQAABACMQIBAADw9f+X17xQ1nh6FVAFpITpQQAAAGs5UnRA6CCQYpIAAAJ/7/9/hVP07///8t3HTPVC/P//HwCAwFaM"
    "Fp/7N33v/7WkrwFEGAFdTkoIUCgw4IAQICQA////T/4BBogKQBYBABULPgEAABCQaUUCAgHhv78CAAAQ1KfRVJ5E3v2H"
    "ZrFVINSD2DA9gAAAAEzwEcWEb1AAIlB/v8sHACAQhLJFEAZEAAASAhEA8P/9fwUCFokAAAAIABAMAgAAAACDMAIohAAz"
    "wAMkAAAAy+Q6RsgU8f//fxYBAYRQB/z//w8BAEAQOAEBHBJA4XYWCAMQAAAAAQAAAAAAIiQKQIAAAAA=";

// ISO 3166-1 alpha-2 regions, with the codes the IANA registry also accepts (EU, UN, the
// exceptionally reserved and the deprecated ones).
constexpr std::string_view kRegions =
    "AC AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO"
    " BQ BR BS BT BU BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CP CR CS CU CV CW CX CY CZ "
    "DD DE DG DJ DK DM DO DZ EA EC EE EG EH ER ES ET EU EZ FI FJ FK FM FO FR FX GA GB GD GE GF GG"
    " GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU IC ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF"
    " MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NT NU "
    "NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA QO RE RO RS RU RW SA SB SC SD SE SG SH SI"
    " SJ SK SL SM SN SO SR SS ST SU SV SX SY SZ TA TC TD TF TG TH TJ TK TL TM TN TO TP TR TT TV "
    "TW TZ UA UG UM UN US UY UZ VA VC VE VG VI VN VU WF WS YD YE YT YU ZA ZM ZR ZW ";

// ISO 15924 script codes (Latn, Cyrl, Hans...).
constexpr std::string_view kScripts =
    "Adlm Afak Aghb Ahom Arab Aran Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Blis Bopo Brah "
    "Brai Bugi Buhd Cakm Cans Cari Cham Cher Cirt Copt Cprt Cyrl Cyrs Deva Dsrt Dupl Egyd Egyh "
    "Egyp Elba Ethi Geok Geor Glag Goth Gran Grek Gujr Guru Hanb Hang Hani Hano Hans Hant Hatr "
    "Hebr Hira Hluw Hmng Hrkt Hung Inds Ital Jamo Java Jpan Jurc Kali Kana Khar Khmr Khoj Kitl "
    "Kits Knda Kore Kpel Kthi Lana Laoo Latf Latg Latn Leke Lepc Limb Lina Linb Lisu Loma Lyci "
    "Lydi Mahj Mand Mani Marc Maya Mend Merc Mero Mlym Modi Mong Moon Mroo Mtei Mult Mymr Narb "
    "Nbat Newa Nkgb Nkoo Nshu Ogam Olck Orkh Orya Osge Osma Palm Pauc Perm Phag Phli Phlp Phlv "
    "Phnx Piqd Plrd Prti Qaaa Qabx Rjng Roro Runr Samr Sara Sarb Saur Sgnw Shaw Shrd Sidd Sind "
    "Sinh Sora Sund Sylo Syrc Syre Syrj Syrn Tagb Takr Tale Talu Taml Tang Tavt Telu Teng Tfng "
    "Tglg Thaa Thai Tibt Tirh Ugar Vaii Visp Wara Wole Xpeo Xsux Yiii Zinh Zmth Zsye Zsym Zxxx "
    "Zyyy Zzzz ";

// ---------------------------------------------------------------------------------------
// Language tags.

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool AllOf(std::string_view s, int (*pred)(int)) {
  for (char c : s) {
    if (!pred(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// True when `code` is one of the space-separated words of `list` (all cases as listed).
bool InList(std::string_view list, std::string_view code) {
  for (size_t at = list.find(code); at != std::string_view::npos; at = list.find(code, at + 1)) {
    bool starts = at == 0 || list[at - 1] == ' ';
    bool ends = at + code.size() == list.size() || list[at + code.size()] == ' ' ||
                list[at + code.size()] == ':';
    if (starts && ends) return true;
  }
  return false;
}

// The two-letter code a three-letter alias stands for ("eng" -> "en"), or "".
std::string_view AliasOf(std::string_view three) {
  size_t at = kThreeLetterAliases.find(std::string(three) + ":");
  if (at == std::string_view::npos || (at > 0 && kThreeLetterAliases[at - 1] != ' ')) return {};
  return kThreeLetterAliases.substr(at + 4, 2);
}

bool IsThreeLetterLanguage(std::string_view code) {
  static const std::vector<unsigned char> bits = [] {
    std::vector<unsigned char> out;
    unsigned value = 0;
    int count = 0;
    for (char c : kThreeLetterLanguageBits) {
      int digit = c >= 'A' && c <= 'Z'   ? c - 'A'
                  : c >= 'a' && c <= 'z' ? c - 'a' + 26
                  : c >= '0' && c <= '9' ? c - '0' + 52
                  : c == '+'             ? 62
                  : c == '/'             ? 63
                                         : -1;
      if (digit < 0) continue;
      value = (value << 6) | static_cast<unsigned>(digit);
      count += 6;
      if (count >= 8) {
        count -= 8;
        out.push_back(static_cast<unsigned char>((value >> count) & 0xFF));
      }
    }
    return out;
  }();
  int index = (code[0] - 'a') * 676 + (code[1] - 'a') * 26 + (code[2] - 'a');
  size_t byte = static_cast<size_t>(index) / 8;
  return byte < bits.size() && (bits[byte] >> (index % 8)) & 1;
}

enum class TagProblem {
  kNone,
  kEmpty,           // "" or only spaces.
  kFormat,          // A tag, badly written: en_US, "fr ", EN.
  kInvalid,         // Not a language code: "english", "eng" (use "en"), "fr!".
  kUnknownPrimary,  // Code-shaped but no such language: "xyz", "zz".
  kUnknownRegion,   // en-USA, en-XYZ: the region is not an ISO 3166 code.
};

struct TagCheck {
  TagProblem problem = TagProblem::kNone;
  std::string detail;  // Said after the rule's wording.
};

TagCheck Problem(TagProblem problem, std::string detail) { return {problem, std::move(detail)}; }

// Checks the primary language subtag, lower-cased.
TagCheck CheckPrimary(const std::string& primary) {
  if (!AllOf(primary, std::isalpha)) return Problem(TagProblem::kInvalid, "");
  if (primary.size() == 2) {
    if (InList(kTwoLetterLanguages, primary)) return {};
    return Problem(TagProblem::kUnknownPrimary, "(\"" + primary + "\" is not an ISO 639 code)");
  }
  if (primary.size() == 3) {
    if (std::string_view two = AliasOf(primary); !two.empty()) {
      return Problem(TagProblem::kInvalid, "(use the two-letter code \"" + std::string(two) +
                                               "\" rather than \"" + primary + "\")");
    }
    if (IsThreeLetterLanguage(primary)) return {};
    return Problem(TagProblem::kUnknownPrimary, "(\"" + primary + "\" is not an ISO 639 code)");
  }
  return Problem(TagProblem::kInvalid, "(\"" + primary + "\" is not a language code)");
}

// Macrolanguages whose extended language subtags (zh-yue, ar-arz) are in use.
bool TakesExtlang(std::string_view primary) {
  return primary == "zh" || primary == "ar" || primary == "ms" || primary == "sgn" ||
         primary == "sw" || primary == "uz" || primary == "lv" || primary == "kok";
}

// Checks a BCP 47 tag as written in lang, xml:lang or hreflang. The first problem wins.
TagCheck CheckTag(std::string_view raw) {
  std::string_view tag = TrimAscii(raw);
  if (tag.empty()) return Problem(TagProblem::kEmpty, "");
  for (char c : tag) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    if (!ok) return Problem(TagProblem::kInvalid, "(\"" + std::string(tag) + "\")");
  }
  std::vector<std::string_view> subtags;
  for (size_t start = 0;;) {
    size_t dash = tag.find_first_of("-_", start);
    subtags.push_back(tag.substr(start, dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  std::string primary = Lower(subtags[0]);
  if (primary == "x") return {};  // A private-use tag (x-klingon): valid, not checked.
  if (primary == "i") {
    // Grandfathered i- tags are all deprecated or were never languages in the registry.
    return Problem(TagProblem::kInvalid,
                   "(\"" + std::string(tag) + "\" is a deprecated tag; use the ISO 639 code)");
  }
  if (TagCheck check = CheckPrimary(primary); check.problem != TagProblem::kNone) return check;
  if (tag.size() != raw.size()) return Problem(TagProblem::kFormat, "(spaces around the code)");
  if (tag.find('_') != std::string_view::npos) {
    return Problem(TagProblem::kFormat, "(subtags are separated by \"-\", not \"_\")");
  }
  if (subtags[0] != primary) {
    return Problem(TagProblem::kFormat, "(the language subtag is written in lower case)");
  }
  for (size_t i = 1; i < subtags.size(); ++i) {
    std::string_view sub = subtags[i];
    if (sub.empty()) return Problem(TagProblem::kFormat, "(empty subtag)");
    if (sub.size() == 1) return {};  // Extensions and private use follow: not checked.
    bool alpha = AllOf(sub, std::isalpha);
    if (i == 1 && sub.size() == 3 && alpha) {
      std::string ext = Lower(sub);
      if (sub == ext && TakesExtlang(primary) && IsThreeLetterLanguage(ext)) continue;
      return Problem(TagProblem::kUnknownRegion, "(\"" + std::string(sub) +
                                                     "\" is not a region code; regions are two "
                                                     "letters, e.g. US)");
    }
    if (sub.size() == 4 && alpha) continue;  // Script: case and membership are not checked.
    if (sub.size() == 2 && alpha) {
      if (InList(kRegions, Upper(sub))) continue;
      return Problem(TagProblem::kUnknownRegion,
                     "(\"" + std::string(sub) + "\" is not an ISO 3166 region)");
    }
    if (sub.size() == 3 && AllOf(sub, std::isdigit)) continue;  // UN M.49 region.
    if (sub.size() == 3 && alpha) {
      return Problem(TagProblem::kUnknownRegion,
                     "(\"" + std::string(sub) + "\" is not a region code)");
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// Which elements carry which attribute.

const Node* RootHtml(const Page& page) {
  const Node* html = page.doc.html();
  return html != nullptr && html->line > 0 ? html : nullptr;
}

// True when `e` has text of its own in that language: a non-blank text node that is not
// inside a descendant with its own lang. (ACT de46e4's applicability, without layout.)
bool GovernsText(const Node& e) {
  for (const Node* child : e.children) {
    if (child->is_text() && !TrimAscii(child->text).empty()) return true;
    if (!child->is_element() || child->HasAttr("lang")) continue;
    if (child->IsAnyOf({"script", "style", "template"})) continue;
    if (GovernsText(*child)) return true;
  }
  return false;
}

// Calls `check(element, value)` for every element other than the root html that carries
// `attribute` and is not hidden.
template <typename Check>
void ForEachElementWith(const Page& page, std::string_view attribute, Check check) {
  for (const Node* e : page.doc.elements()) {
    if (e == page.doc.html()) continue;
    const std::string* value = e->Attr(attribute);
    if (value == nullptr || page.sem.IsInvisible(*e)) continue;
    check(*e, *value);
  }
}

// ---------------------------------------------------------------------------------------
// The page's language: <html lang>.

// ACT b5c3f8: the page's html element has a non-empty lang attribute.
void NoPageLanguage(const Page& page, Reporter& report) {
  const Node* html = RootHtml(page);
  if (html == nullptr) return;
  const std::string* lang = html->Attr("lang");
  if (lang == nullptr) {
    report.Fail(*html);
  } else if (!TrimAscii(*lang).empty()) {
    report.Pass(*html);
  }
}

void HtmlLangEmpty(const Page& page, Reporter& report) {
  const Node* html = RootHtml(page);
  if (html == nullptr) return;
  const std::string* lang = html->Attr("lang");
  if (lang != nullptr && TrimAscii(*lang).empty()) report.Fail(*html);
}

// One problem class of <html lang>, for ACT bf051a: a tag whose primary language is known
// passes; a tag with another problem is left to that problem's rule.
void HtmlLangProblem(const Page& page, Reporter& report, TagProblem wanted) {
  const Node* html = RootHtml(page);
  if (html == nullptr || !html->HasAttr("lang")) return;
  TagCheck check = CheckTag(html->AttrOr("lang"));
  if (check.problem == wanted) {
    report.Fail(*html, check.detail);
  } else if (check.problem == TagProblem::kNone || check.problem == TagProblem::kUnknownRegion) {
    report.Pass(*html);
  } else if (check.problem == TagProblem::kFormat) {
    report.CantTell(*html);
  }
}

void InvalidLanguageCode(const Page& page, Reporter& report) {
  HtmlLangProblem(page, report, TagProblem::kInvalid);
}

void PrimaryLangUnrecognized(const Page& page, Reporter& report) {
  HtmlLangProblem(page, report, TagProblem::kUnknownPrimary);
}

void RegionForPrimaryLangNotRecognized(const Page& page, Reporter& report) {
  const Node* html = RootHtml(page);
  if (html == nullptr || !html->HasAttr("lang")) return;
  TagCheck check = CheckTag(html->AttrOr("lang"));
  if (check.problem == TagProblem::kUnknownRegion) report.Fail(*html, check.detail);
}

// Any lang attribute, the page's included, written in a way tools may not parse.
void IncorrectlyFormattedLang(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    const std::string* lang = e->Attr("lang");
    if (lang == nullptr || (e != page.doc.html() && page.sem.IsInvisible(*e))) continue;
    TagCheck check = CheckTag(*lang);
    if (check.problem == TagProblem::kFormat) report.Fail(*e, check.detail);
  }
}

// ---------------------------------------------------------------------------------------
// Changes of language inside the page: lang on other elements.

void ElementLangEmpty(const Page& page, Reporter& report) {
  ForEachElementWith(page, "lang", [&](const Node& e, const std::string& lang) {
    if (TrimAscii(lang).empty() && GovernsText(e)) report.Fail(e);
  });
}

// One problem class of lang on an element with text, for ACT de46e4.
void ElementLangProblem(const Page& page, Reporter& report, TagProblem wanted) {
  ForEachElementWith(page, "lang", [&](const Node& e, const std::string& lang) {
    if (TrimAscii(lang).empty() || !GovernsText(e)) return;
    TagCheck check = CheckTag(lang);
    if (check.problem == wanted) {
      report.Fail(e, check.detail);
    } else if (check.problem == TagProblem::kNone || check.problem == TagProblem::kUnknownRegion) {
      report.Pass(e);
    } else if (check.problem == TagProblem::kFormat) {
      report.CantTell(e);
    }
  });
}

void InvalidLangChange(const Page& page, Reporter& report) {
  ElementLangProblem(page, report, TagProblem::kInvalid);
}

void ElementPrimaryLangNotRecognized(const Page& page, Reporter& report) {
  ElementLangProblem(page, report, TagProblem::kUnknownPrimary);
}

void ElementRegionNotRecognized(const Page& page, Reporter& report) {
  ForEachElementWith(page, "lang", [&](const Node& e, const std::string& lang) {
    TagCheck check = CheckTag(lang);
    if (check.problem == TagProblem::kUnknownRegion && GovernsText(e)) {
      report.Fail(e, check.detail);
    }
  });
}

// ---------------------------------------------------------------------------------------
// xml:lang, which XHTML served as XML uses, and which must agree with lang.

template <typename Check>
void ForEachXmlLang(const Page& page, Check check) {
  for (const Node* e : page.doc.elements()) {
    const std::string* value = e->Attr("xml:lang");
    if (value == nullptr || (e != page.doc.html() && page.sem.IsInvisible(*e))) continue;
    check(*e, *value);
  }
}

void EmptyXmlLang(const Page& page, Reporter& report) {
  ForEachXmlLang(page, [&](const Node& e, const std::string& value) {
    if (TrimAscii(value).empty()) report.Fail(e);
  });
}

void XmlLangUnrecognized(const Page& page, Reporter& report) {
  ForEachXmlLang(page, [&](const Node& e, const std::string& value) {
    TagCheck check = CheckTag(value);
    if (check.problem == TagProblem::kInvalid || check.problem == TagProblem::kUnknownPrimary) {
      report.Fail(e, check.detail);
    }
  });
}

void XmlLangRegionNotRecognized(const Page& page, Reporter& report) {
  ForEachXmlLang(page, [&](const Node& e, const std::string& value) {
    TagCheck check = CheckTag(value);
    if (check.problem == TagProblem::kUnknownRegion) report.Fail(e, check.detail);
  });
}

std::string PrimarySubtag(std::string_view tag) {
  tag = TrimAscii(tag);
  return Lower(tag.substr(0, tag.find_first_of("-_")));
}

// lang and xml:lang naming different languages: which one applies depends on how the page
// is served and parsed, so the text may be read with the wrong voice.
void LangXmlLangMismatch(const Page& page, Reporter& report) {
  ForEachXmlLang(page, [&](const Node& e, const std::string& xml_lang) {
    const std::string* lang = e.Attr("lang");
    if (lang == nullptr || TrimAscii(*lang).empty() || TrimAscii(xml_lang).empty()) return;
    std::string a = PrimarySubtag(*lang), b = PrimarySubtag(xml_lang);
    if (a != b) report.Fail(e, "(lang \"" + a + "\", xml:lang \"" + b + "\")");
  });
}

// ---------------------------------------------------------------------------------------
// hreflang: the language of a linked resource.

bool TakesHreflang(const Node& e) { return e.IsAnyOf({"a", "area", "link"}); }

template <typename Check>
void ForEachHreflang(const Page& page, Check check) {
  for (const Node* e : page.doc.elements()) {
    const std::string* value = e->Attr("hreflang");
    if (value == nullptr || !TakesHreflang(*e)) continue;
    check(*e, *value);
  }
}

void HreflangEmpty(const Page& page, Reporter& report) {
  ForEachHreflang(page, [&](const Node& e, const std::string& value) {
    if (TrimAscii(value).empty()) report.Fail(e);
  });
}

void HreflangNotOnLink(const Page& page, Reporter& report) {
  for (const Node* e : page.doc.elements()) {
    if (e->HasAttr("hreflang") && e->ns == Namespace::kHtml && !TakesHreflang(*e)) {
      report.Fail(*e);
    }
  }
}

void HreflangUnrecognized(const Page& page, Reporter& report) {
  ForEachHreflang(page, [&](const Node& e, const std::string& value) {
    TagCheck check = CheckTag(value);
    if (check.problem == TagProblem::kInvalid || check.problem == TagProblem::kUnknownPrimary) {
      report.Fail(e, check.detail);
    }
  });
}

void HreflangRegionUnrecognized(const Page& page, Reporter& report) {
  ForEachHreflang(page, [&](const Node& e, const std::string& value) {
    TagCheck check = CheckTag(value);
    if (check.problem == TagProblem::kUnknownRegion) report.Fail(e, check.detail);
  });
}

// The wording shared by rules about one attribute's value.
Rule LangRule(std::string_view code, IssueType type, std::vector<std::string_view> wcag,
              Impact impact, std::vector<std::string_view> act, std::string_view what,
              std::string_view why, std::string_view fix, CheckFunction check) {
  // 3.1.1 is level A, 3.1.2 level AA.
  WcagLevel level = WcagLevel::kAA;
  for (std::string_view criterion : wcag) {
    if (criterion == "3.1.1") level = WcagLevel::kA;
  }
  return {.code = code,
          .type = type,
          .category = "language",
          .wcag = std::move(wcag),
          .level = level,
          .impact = impact,
          .act = std::move(act),
          .what = what,
          .why = why,
          .fix = fix,
          .check = check};
}

constexpr std::string_view kVoiceWhy =
    "Screen readers pick the voice and pronunciation from the language code; one they do not "
    "recognise makes them read the text with the wrong rules or the default voice.";

}  // namespace

void AddLanguageRules(std::vector<Rule>& rules) {
  using enum IssueType;
  rules.push_back(LangRule(
      "ErrNoPageLanguage", kError, {"3.1.1"}, Impact::kHigh, {"b5c3f8"},
      "The page's <html> element has no lang attribute.",
      "Screen readers then guess the language or use the user's default, and may read the "
      "whole page with the wrong pronunciation; translation and spell-check tools guess too.",
      "Add the page's main language to <html>, e.g. <html lang=\"en\">.", NoPageLanguage));
  rules.push_back(LangRule(
      "ErrHtmlLangEmpty", kError, {"3.1.1"}, Impact::kHigh, {"b5c3f8"},
      "The page's <html> element has an empty lang attribute.",
      "An empty lang says the language is unknown, so screen readers cannot choose the right "
      "voice for the page.",
      "Set lang to the page's main language code, e.g. lang=\"en\".", HtmlLangEmpty));
  rules.push_back(LangRule(
      "ErrIncorrectlyFormattedPrimaryLang", kError, {"3.1.1"}, Impact::kMedium, {},
      "This lang attribute's language code is badly formatted.",
      "Codes such as en_US, \" fr\" or EN-us are not well-formed BCP 47 tags; browsers and "
      "screen readers may fail to match them to a voice.",
      "Write the tag as language-REGION with a hyphen and no spaces, e.g. en-US or fr.",
      IncorrectlyFormattedLang));
  rules.push_back(
      LangRule("ErrInvalidLanguageCode", kError, {"3.1.1", "3.1.2"}, Impact::kHigh, {"bf051a"},
               "The page's lang attribute is not a valid language code.", kVoiceWhy,
               "Use the ISO 639-1 code of the language, e.g. \"en\" rather than \"english\" or "
               "\"eng\".",
               InvalidLanguageCode));
  rules.push_back(
      LangRule("ErrPrimaryLangUnrecognized", kError, {"3.1.1"}, Impact::kHigh, {"bf051a"},
               "The page's lang attribute names a language code that does not exist.", kVoiceWhy,
               "Use the ISO 639 code of the page's language, e.g. \"en\", \"fr\", \"ja\".",
               PrimaryLangUnrecognized));
  rules.push_back(LangRule(
      "ErrRegionQualifierForPrimaryLangNotRecognized", kError, {"3.1.1"}, Impact::kMedium, {},
      "The region in the page's lang attribute is not a recognised region code.",
      "An unknown region can make software reject the whole tag and fall back to a default "
      "voice or dictionary.",
      "Use a two-letter ISO 3166 region such as en-US or en-GB, or drop the region.",
      RegionForPrimaryLangNotRecognized));
  rules.push_back(LangRule(
      "WarnElementLangEmpty", kWarning, {"3.1.2"}, Impact::kMedium, {},
      "This element has an empty lang attribute.",
      "An empty lang marks its text as being in an unknown language, so screen readers may "
      "read it with no language rules at all.",
      "Give the language of the text, e.g. lang=\"fr\", or remove the attribute to inherit "
      "the page's language.",
      ElementLangEmpty));
  rules.push_back(
      LangRule("ErrInvalidLangChange", kError, {"3.1.2"}, Impact::kHigh, {"de46e4"},
               "This element's lang attribute is not a valid language code.", kVoiceWhy,
               "Use the ISO 639-1 code of the passage's language, e.g. lang=\"fr\" or lang=\"de\".",
               InvalidLangChange));
  rules.push_back(LangRule(
      "ErrElementPrimaryLangNotRecognized", kError, {"3.1.2"}, Impact::kMedium, {"de46e4"},
      "This element's lang attribute names a language code that does not exist.", kVoiceWhy,
      "Use the ISO 639 code of the passage's language.", ElementPrimaryLangNotRecognized));
  rules.push_back(
      LangRule("ErrElementRegionQualifierNotRecognized", kError, {"3.1.2"}, Impact::kLow, {},
               "The region in this element's lang attribute is not a recognised region code.",
               "An unknown region can make software reject the tag and read the passage with the "
               "page's voice instead.",
               "Use a two-letter ISO 3166 region such as es-ES or es-MX, or drop the region.",
               ElementRegionNotRecognized));
  rules.push_back(
      LangRule("ErrEmptyXmlLangAttr", kError, {"3.1.1"}, Impact::kHigh, {},
               "This element has an empty xml:lang attribute.",
               "When the page is processed as XHTML, xml:lang takes precedence, and an empty value "
               "says the language is unknown.",
               "Set xml:lang to the same code as lang, or remove it.", EmptyXmlLang));
  rules.push_back(LangRule(
      "ErrPrimaryXmlLangUnrecognized", kError, {"3.1.1"}, Impact::kHigh, {},
      "This element's xml:lang attribute is not a recognised language code.", kVoiceWhy,
      "Set xml:lang to the same valid code as lang, e.g. xml:lang=\"en\".", XmlLangUnrecognized));
  rules.push_back(LangRule(
      "ErrRegionQualifierForPrimaryXmlLangNotRecognized", kError, {"3.1.1"}, Impact::kMedium, {},
      "The region in this element's xml:lang attribute is not a recognised region code.",
      "An unknown region can make XML processors reject the tag and fall back to a default "
      "language.",
      "Use a two-letter ISO 3166 region (en-US, es-MX) matching the lang attribute.",
      XmlLangRegionNotRecognized));
  rules.push_back(LangRule(
      "ErrPrimaryLangAndXmlLangMismatch", kError, {"3.1.1"}, Impact::kLow, {},
      "This element's lang and xml:lang name different languages.",
      "Which one applies depends on how the page is parsed, so assistive technology may read "
      "the text in the wrong language.",
      "Give lang and xml:lang the same value.", LangXmlLangMismatch));
  rules.push_back(LangRule(
      "ErrHreflangAttrEmpty", kError, {"3.1.1"}, Impact::kLow, {},
      "This link's hreflang attribute is empty.",
      "hreflang tells browsers and assistive technology the language of the linked page; an "
      "empty one gives no information and is invalid.",
      "Set hreflang to the linked page's language code, or remove it.", HreflangEmpty));
  rules.push_back(
      LangRule("ErrHreflangNotOnLink", kError, {"3.1.1"}, Impact::kLow, {},
               "This element has hreflang but is not a link.",
               "hreflang only means something on a, area and link elements; here it is ignored, so "
               "the language information is lost.",
               "Move hreflang to the link it describes, or use lang for the element's own text.",
               HreflangNotOnLink));
  rules.push_back(LangRule(
      "ErrPrimaryHrefLangNotRecognized", kError, {"3.1.1"}, Impact::kLow, {},
      "This link's hreflang is not a recognised language code.",
      "Browsers, search engines and assistive technology cannot tell what language the linked "
      "page is in.",
      "Use the ISO 639-1 code, e.g. hreflang=\"es\" rather than \"spanish\", \"ja\" rather "
      "than \"jp\".",
      HreflangUnrecognized));
  rules.push_back(LangRule(
      "ErrRegionQualifierForHreflangUnrecognized", kError, {"3.1.1"}, Impact::kLow, {},
      "The region in this link's hreflang is not a recognised region code.",
      "Software that matches languages by region may reject the tag.",
      "Use a two-letter ISO 3166 region, e.g. hreflang=\"en-US\".", HreflangRegionUnrecognized));
}

}  // namespace a11y::checks
