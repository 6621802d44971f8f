// The WAI-ARIA 1.2 role table and the list of states and properties. Written out as compact
// rows (flags and space-separated attribute lists) so that a row reads like the spec's
// characteristics table; expanded once into RoleInfo on first use.
//
// Also holds the roles of the companion modules (DPUB-ARIA 1.0, Graphics-ARIA 1.0): ACT treats
// them as valid "WAI-ARIA specifications" roles, so a role="doc-chapter" must not be called
// invalid.
#include <algorithm>
#include <unordered_map>

#include "checks/semantics.h"

namespace a11y::checks {
namespace {

// One row of the table. flags: a abstract, l landmark, w widget (interactive), c name from
// content, p name prohibited, k children presentational.
struct RoleRow {
  std::string_view name;
  std::string_view flags;
  std::string_view required;   // Required states and properties.
  std::string_view supported;  // Supported (and inherited) ones, beyond the global ones.
  std::string_view context;    // Required context roles.
  std::string_view owned;      // Required owned elements.
};

constexpr std::string_view kCellAttrs = "aria-colindex aria-colspan aria-rowindex aria-rowspan";
constexpr std::string_view kHeaderAttrs =
    "aria-sort aria-colindex aria-colspan aria-rowindex aria-rowspan aria-expanded "
    "aria-readonly aria-required aria-selected";
constexpr std::string_view kRangeAttrs = "aria-valuemax aria-valuemin aria-valuenow aria-valuetext";
constexpr std::string_view kTextboxAttrs =
    "aria-activedescendant aria-autocomplete aria-multiline aria-placeholder aria-readonly "
    "aria-required";

const RoleRow kRoleRows[] = {
    // Abstract roles: never valid in role="", but named so rules can say so.
    {"command", "a", "", "", "", ""},
    {"composite", "a", "", "aria-activedescendant", "", ""},
    {"input", "a", "", "", "", ""},
    {"landmark", "a", "", "", "", ""},
    {"range", "a", "", kRangeAttrs, "", ""},
    {"roletype", "a", "", "", "", ""},
    {"section", "a", "", "", "", ""},
    {"sectionhead", "ac", "", "", "", ""},
    {"select", "a", "", "aria-orientation aria-activedescendant", "", ""},
    {"structure", "a", "", "", "", ""},
    {"widget", "a", "", "", "", ""},
    {"window", "a", "", "aria-modal", "", ""},
    // Concrete roles.
    {"alert", "", "", "", "", ""},
    {"alertdialog", "", "", "aria-modal", "", ""},
    {"application", "", "", "aria-activedescendant aria-expanded", "", ""},
    {"article", "", "", "aria-posinset aria-setsize", "", ""},
    {"banner", "l", "", "", "", ""},
    {"blockquote", "", "", "", "", ""},
    {"button", "wck", "", "aria-expanded aria-pressed", "", ""},
    {"caption", "p", "", "", "figure grid table treegrid", ""},
    {"cell", "c", "", kCellAttrs, "row", ""},
    {"checkbox", "wck", "aria-checked", "aria-expanded aria-readonly aria-required", "", ""},
    {"code", "p", "", "", "", ""},
    {"columnheader", "c", "", kHeaderAttrs, "row", ""},
    {"combobox", "w", "aria-controls aria-expanded",
     "aria-activedescendant aria-autocomplete aria-readonly aria-required", "", ""},
    {"complementary", "l", "", "", "", ""},
    {"contentinfo", "l", "", "", "", ""},
    {"definition", "", "", "", "", ""},
    {"deletion", "p", "", "", "", ""},
    {"dialog", "", "", "aria-modal", "", ""},
    {"directory", "", "", "", "", "listitem"},
    {"document", "", "", "aria-expanded", "", ""},
    {"emphasis", "p", "", "", "", ""},
    {"feed", "", "", "", "", "article"},
    {"figure", "", "", "", "", ""},
    {"form", "l", "", "", "", ""},
    {"generic", "p", "", "", "", ""},
    {"grid", "w", "",
     "aria-activedescendant aria-colcount aria-multiselectable aria-readonly aria-rowcount", "",
     "row rowgroup"},
    {"gridcell", "wc", "",
     "aria-colindex aria-colspan aria-rowindex aria-rowspan aria-expanded aria-readonly "
     "aria-required aria-selected",
     "row", ""},
    {"group", "", "", "aria-activedescendant", "", ""},
    {"heading", "c", "aria-level", "", "", ""},
    {"img", "k", "", "", "", ""},
    {"insertion", "p", "", "", "", ""},
    {"link", "wc", "", "aria-expanded", "", ""},
    {"list", "", "", "", "", "listitem"},
    {"listbox", "w", "",
     "aria-activedescendant aria-expanded aria-multiselectable aria-orientation aria-readonly "
     "aria-required",
     "", "group option"},
    {"listitem", "", "", "aria-level aria-posinset aria-setsize", "directory list", ""},
    {"log", "", "", "", "", ""},
    {"main", "l", "", "", "", ""},
    {"marquee", "", "", "", "", ""},
    {"math", "k", "", "", "", ""},
    {"menu", "w", "", "aria-activedescendant aria-orientation", "",
     "group menuitem menuitemcheckbox menuitemradio"},
    {"menubar", "w", "", "aria-activedescendant aria-orientation", "",
     "group menuitem menuitemcheckbox menuitemradio"},
    {"menuitem", "wc", "", "aria-expanded aria-posinset aria-setsize", "group menu menubar", ""},
    {"menuitemcheckbox", "wck", "aria-checked", "aria-expanded aria-posinset aria-setsize",
     "group menu menubar", ""},
    {"menuitemradio", "wck", "aria-checked", "aria-expanded aria-posinset aria-setsize",
     "group menu menubar", ""},
    {"meter", "k", "aria-valuenow", kRangeAttrs, "", ""},
    {"navigation", "l", "", "", "", ""},
    {"none", "", "", "", "", ""},
    {"note", "", "", "", "", ""},
    {"option", "wck", "aria-selected", "aria-checked aria-posinset aria-setsize", "group listbox",
     ""},
    {"paragraph", "p", "", "", "", ""},
    {"presentation", "", "", "", "", ""},
    {"progressbar", "k", "", kRangeAttrs, "", ""},
    {"radio", "wck", "aria-checked", "aria-posinset aria-setsize", "", ""},
    {"radiogroup", "w", "", "aria-activedescendant aria-orientation aria-readonly aria-required",
     "", "radio"},
    {"region", "l", "", "", "", ""},
    {"row", "c", "",
     "aria-activedescendant aria-colindex aria-expanded aria-level aria-posinset aria-rowindex "
     "aria-selected aria-setsize",
     "grid rowgroup table treegrid", "cell columnheader gridcell rowheader"},
    {"rowgroup", "c", "", "", "grid table treegrid", "row"},
    {"rowheader", "c", "", kHeaderAttrs, "row", ""},
    {"scrollbar", "wk", "aria-controls aria-valuenow",
     "aria-orientation aria-valuemax aria-valuemin aria-valuetext", "", ""},
    {"search", "l", "", "", "", ""},
    {"searchbox", "w", "", kTextboxAttrs, "", ""},
    // aria-valuenow is required only when the separator is focusable (see RequiredAttributes).
    {"separator", "k", "",
     "aria-orientation aria-valuemax aria-valuemin aria-valuenow aria-valuetext", "", ""},
    {"slider", "wk", "aria-valuenow",
     "aria-orientation aria-readonly aria-valuemax aria-valuemin aria-valuetext", "", ""},
    {"spinbutton", "w", "",
     "aria-activedescendant aria-readonly aria-required aria-valuemax aria-valuemin "
     "aria-valuenow aria-valuetext",
     "", ""},
    {"status", "", "", "", "", ""},
    {"strong", "p", "", "", "", ""},
    {"subscript", "p", "", "", "", ""},
    {"superscript", "p", "", "", "", ""},
    {"switch", "wck", "aria-checked", "aria-expanded aria-readonly aria-required", "", ""},
    {"tab", "wck", "", "aria-expanded aria-posinset aria-selected aria-setsize", "tablist", ""},
    {"table", "", "", "aria-colcount aria-rowcount", "", "row rowgroup"},
    {"tablist", "w", "", "aria-activedescendant aria-multiselectable aria-orientation", "", "tab"},
    {"tabpanel", "", "", "", "", ""},
    {"term", "", "", "", "", ""},
    {"textbox", "w", "", kTextboxAttrs, "", ""},
    {"time", "", "", "", "", ""},
    {"timer", "", "", "", "", ""},
    {"toolbar", "", "", "aria-activedescendant aria-orientation", "", ""},
    {"tooltip", "c", "", "", "", ""},
    {"tree", "w", "", "aria-activedescendant aria-multiselectable aria-orientation aria-required",
     "", "group treeitem"},
    {"treegrid", "w", "",
     "aria-activedescendant aria-colcount aria-multiselectable aria-orientation aria-readonly "
     "aria-required aria-rowcount",
     "", "row rowgroup"},
    {"treeitem", "wc", "",
     "aria-checked aria-expanded aria-level aria-posinset aria-selected aria-setsize", "group tree",
     ""},
    // Graphics-ARIA 1.0.
    {"graphics-document", "", "", "aria-expanded", "", ""},
    {"graphics-object", "", "", "aria-expanded", "", ""},
    {"graphics-symbol", "k", "", "", "", ""},
    // DPUB-ARIA 1.0 (doc-backlink, doc-biblioref, doc-glossref and doc-noteref are links).
    {"doc-abstract", "", "", "", "", ""},
    {"doc-acknowledgments", "l", "", "", "", ""},
    {"doc-afterword", "l", "", "", "", ""},
    {"doc-appendix", "l", "", "", "", ""},
    {"doc-backlink", "wc", "", "aria-expanded", "", ""},
    {"doc-biblioentry", "", "", "aria-level aria-posinset aria-setsize", "directory list", ""},
    {"doc-bibliography", "l", "", "", "", ""},
    {"doc-biblioref", "wc", "", "aria-expanded", "", ""},
    {"doc-chapter", "l", "", "", "", ""},
    {"doc-colophon", "", "", "", "", ""},
    {"doc-conclusion", "l", "", "", "", ""},
    {"doc-cover", "k", "", "", "", ""},
    {"doc-credit", "", "", "", "", ""},
    {"doc-credits", "l", "", "", "", ""},
    {"doc-dedication", "", "", "", "", ""},
    {"doc-endnote", "", "", "aria-level aria-posinset aria-setsize", "directory list", ""},
    {"doc-endnotes", "l", "", "", "", ""},
    {"doc-epigraph", "", "", "", "", ""},
    {"doc-epilogue", "l", "", "", "", ""},
    {"doc-errata", "l", "", "", "", ""},
    {"doc-example", "", "", "", "", ""},
    {"doc-footnote", "", "", "", "", ""},
    {"doc-foreword", "l", "", "", "", ""},
    {"doc-glossary", "l", "", "", "", ""},
    {"doc-glossref", "wc", "", "aria-expanded", "", ""},
    {"doc-index", "l", "", "", "", ""},
    {"doc-introduction", "l", "", "", "", ""},
    {"doc-noteref", "wc", "", "aria-expanded", "", ""},
    {"doc-notice", "", "", "", "", ""},
    {"doc-pagebreak", "k", "", "aria-orientation aria-valuemax aria-valuemin aria-valuetext", "",
     ""},
    {"doc-pagelist", "l", "", "", "", ""},
    {"doc-part", "l", "", "", "", ""},
    {"doc-preface", "l", "", "", "", ""},
    {"doc-prologue", "l", "", "", "", ""},
    {"doc-pullquote", "", "", "", "", ""},
    {"doc-qna", "", "", "", "", ""},
    {"doc-subtitle", "c", "", "", "", ""},
    {"doc-tip", "", "", "", "", ""},
    {"doc-toc", "l", "", "", "", ""},
};

// Value types of the states and properties, for rules that validate values.
struct AttrRow {
  std::string_view name;
  bool global;
  AriaValueType type;
  std::string_view tokens;  // Allowed values of token and token-list types.
};

const AttrRow kAttrRows[] = {
    {"aria-activedescendant", false, AriaValueType::kIdRef, ""},
    {"aria-atomic", true, AriaValueType::kTrueFalse, ""},
    {"aria-autocomplete", false, AriaValueType::kToken, "inline list both none"},
    {"aria-braillelabel", true, AriaValueType::kString, ""},            // ARIA 1.3.
    {"aria-brailleroledescription", true, AriaValueType::kString, ""},  // ARIA 1.3.
    {"aria-busy", true, AriaValueType::kTrueFalse, ""},
    {"aria-checked", false, AriaValueType::kTristate, ""},
    {"aria-colcount", false, AriaValueType::kInteger, ""},
    {"aria-colindex", false, AriaValueType::kInteger, ""},
    {"aria-colindextext", false, AriaValueType::kString, ""},  // ARIA 1.3.
    {"aria-colspan", false, AriaValueType::kInteger, ""},
    {"aria-controls", true, AriaValueType::kIdRefList, ""},
    {"aria-current", true, AriaValueType::kToken, "page step location date time true false"},
    {"aria-describedby", true, AriaValueType::kIdRefList, ""},
    {"aria-description", true, AriaValueType::kString, ""},  // ARIA 1.3, widely supported.
    {"aria-details", true, AriaValueType::kIdRef, ""},
    {"aria-disabled", true, AriaValueType::kTrueFalse, ""},
    {"aria-dropeffect", true, AriaValueType::kTokenList, "copy execute link move none popup"},
    {"aria-errormessage", true, AriaValueType::kIdRef, ""},
    {"aria-expanded", false, AriaValueType::kTrueFalseUndefined, ""},
    {"aria-flowto", true, AriaValueType::kIdRefList, ""},
    {"aria-grabbed", true, AriaValueType::kTrueFalseUndefined, ""},
    {"aria-haspopup", true, AriaValueType::kToken, "false true menu listbox tree grid dialog"},
    {"aria-hidden", true, AriaValueType::kTrueFalseUndefined, ""},
    {"aria-invalid", true, AriaValueType::kToken, "grammar false spelling true"},
    {"aria-keyshortcuts", true, AriaValueType::kString, ""},
    {"aria-label", true, AriaValueType::kString, ""},
    {"aria-labelledby", true, AriaValueType::kIdRefList, ""},
    {"aria-level", false, AriaValueType::kInteger, ""},
    {"aria-live", true, AriaValueType::kToken, "assertive off polite"},
    {"aria-modal", false, AriaValueType::kTrueFalse, ""},
    {"aria-multiline", false, AriaValueType::kTrueFalse, ""},
    {"aria-multiselectable", false, AriaValueType::kTrueFalse, ""},
    {"aria-orientation", false, AriaValueType::kToken, "horizontal undefined vertical"},
    {"aria-owns", true, AriaValueType::kIdRefList, ""},
    {"aria-placeholder", false, AriaValueType::kString, ""},
    {"aria-posinset", false, AriaValueType::kInteger, ""},
    {"aria-pressed", false, AriaValueType::kTristate, ""},
    {"aria-readonly", false, AriaValueType::kTrueFalse, ""},
    {"aria-relevant", true, AriaValueType::kTokenList, "additions all removals text"},
    {"aria-required", false, AriaValueType::kTrueFalse, ""},
    {"aria-roledescription", true, AriaValueType::kString, ""},
    {"aria-rowcount", false, AriaValueType::kInteger, ""},
    {"aria-rowindex", false, AriaValueType::kInteger, ""},
    {"aria-rowindextext", false, AriaValueType::kString, ""},  // ARIA 1.3.
    {"aria-rowspan", false, AriaValueType::kInteger, ""},
    {"aria-selected", false, AriaValueType::kTrueFalseUndefined, ""},
    {"aria-setsize", false, AriaValueType::kInteger, ""},
    {"aria-sort", false, AriaValueType::kToken, "ascending descending none other"},
    {"aria-valuemax", false, AriaValueType::kNumber, ""},
    {"aria-valuemin", false, AriaValueType::kNumber, ""},
    {"aria-valuenow", false, AriaValueType::kNumber, ""},
    {"aria-valuetext", false, AriaValueType::kString, ""},
};

std::vector<std::string_view> Split(std::string_view list) {
  std::vector<std::string_view> out;
  for (std::string_view token : SplitTokens(list)) out.push_back(token);
  return out;
}

struct Tables {
  std::vector<RoleInfo> roles;
  std::unordered_map<std::string_view, const RoleInfo*> by_name;
  std::unordered_map<std::string_view, const AttrRow*> attrs;
};

const Tables& GetTables() {
  static const Tables* tables = [] {
    auto* t = new Tables;
    t->roles.reserve(std::size(kRoleRows));
    for (const RoleRow& row : kRoleRows) {
      RoleInfo info;
      info.name = row.name;
      info.abstract = row.flags.find('a') != std::string_view::npos;
      info.landmark = row.flags.find('l') != std::string_view::npos;
      info.widget = row.flags.find('w') != std::string_view::npos;
      info.name_from_content = row.flags.find('c') != std::string_view::npos;
      info.name_prohibited = row.flags.find('p') != std::string_view::npos;
      info.children_presentational = row.flags.find('k') != std::string_view::npos;
      info.required_attributes = Split(row.required);
      // Required attributes are supported too, so a rule asks one list.
      info.supported_attributes = Split(row.required);
      for (std::string_view a : Split(row.supported)) {
        if (std::find(info.supported_attributes.begin(), info.supported_attributes.end(), a) ==
            info.supported_attributes.end()) {
          info.supported_attributes.push_back(a);
        }
      }
      info.required_context = Split(row.context);
      info.required_owned = Split(row.owned);
      t->roles.push_back(std::move(info));
    }
    for (const RoleInfo& info : t->roles) t->by_name.emplace(info.name, &info);
    for (const AttrRow& row : kAttrRows) t->attrs.emplace(row.name, &row);
    return t;
  }();
  return *tables;
}

}  // namespace

const RoleInfo* FindRole(std::string_view role) {
  const Tables& t = GetTables();
  auto it = t.by_name.find(role);
  return it == t.by_name.end() ? nullptr : it->second;
}

bool IsAriaAttribute(std::string_view attribute) { return GetTables().attrs.count(attribute) > 0; }

bool IsGlobalAriaAttribute(std::string_view attribute) {
  const Tables& t = GetTables();
  auto it = t.attrs.find(attribute);
  return it != t.attrs.end() && it->second->global;
}

AriaValueType AriaAttributeType(std::string_view attribute) {
  const Tables& t = GetTables();
  auto it = t.attrs.find(attribute);
  return it == t.attrs.end() ? AriaValueType::kUnknown : it->second->type;
}

std::vector<std::string_view> AriaAttributeTokens(std::string_view attribute) {
  const Tables& t = GetTables();
  auto it = t.attrs.find(attribute);
  if (it == t.attrs.end()) return {};
  return Split(it->second->tokens);
}

bool RoleSupportsAttribute(const RoleInfo& role, std::string_view attribute) {
  if (IsGlobalAriaAttribute(attribute)) return true;
  return std::find(role.supported_attributes.begin(), role.supported_attributes.end(), attribute) !=
         role.supported_attributes.end();
}

}  // namespace a11y::checks
