// Data tables: header cells, their scope and what they apply to, captions (WCAG 1.3.1).
// Cells are laid on a grid (colspan/rowspan) so headers can be related to cells the way the
// HTML table algorithm does.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rule.h"

namespace a11y::checks {
namespace {

int SpanOf(const Node& cell, std::string_view attribute, int limit) {
  std::string_view text = TrimAscii(cell.AttrOr(attribute));
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    value = value * 10 + (c - '0');
    if (value > limit) return limit;
  }
  return value < 1 ? 1 : value;
}

struct Cell {
  const Node* node = nullptr;
  int x = 0, y = 0, width = 1, height = 1;
  bool header = false;  // th
  std::string scope;    // Lower-case scope attribute ("" = auto).
};

// One table laid on a grid. Rows are the table's own tr elements (directly, or in its
// thead/tbody/tfoot), not those of nested tables.
struct TableGrid {
  std::vector<Cell> cells;
  std::vector<const Node*> rows;
  int columns = 0;
  bool uncertain = false;  // rowspan=0, colgroup/rowgroup scope: beyond this model.

  const Cell* At(int x, int y) const {
    if (x < 0 || y < 0 || static_cast<size_t>(y) >= slots.size()) return nullptr;
    const std::vector<size_t>& row = slots[static_cast<size_t>(y)];
    if (static_cast<size_t>(x) >= row.size() || row[static_cast<size_t>(x)] == kEmpty) {
      return nullptr;
    }
    return &cells[row[static_cast<size_t>(x)]];
  }
  // Slot (x, y) is covered by cells[cell].
  void Cover(int x, int y, size_t cell) {
    if (static_cast<size_t>(y) >= slots.size()) slots.resize(static_cast<size_t>(y) + 1);
    std::vector<size_t>& row = slots[static_cast<size_t>(y)];
    if (static_cast<size_t>(x) >= row.size()) row.resize(static_cast<size_t>(x) + 1, kEmpty);
    row[static_cast<size_t>(x)] = cell;
  }

 private:
  // Row by row, the index in `cells` of the cell over each slot. Rules look slots up for
  // every cell against every other in its row and column: vectors, not a map of (x, y).
  static constexpr size_t kEmpty = static_cast<size_t>(-1);
  std::vector<std::vector<size_t>> slots;
};

std::vector<const Node*> OwnRows(const Node& table) {
  std::vector<const Node*> rows;
  for (const Node* child : table.ChildElements()) {
    if (child->Is("tr")) rows.push_back(child);
    if (child->IsAnyOf({"thead", "tbody", "tfoot"})) {
      for (const Node* row : child->ChildElements()) {
        if (row->Is("tr")) rows.push_back(row);
      }
    }
  }
  return rows;
}

TableGrid BuildGrid(const Node& table) {
  TableGrid grid;
  grid.rows = OwnRows(table);
  for (int y = 0; y < static_cast<int>(grid.rows.size()); ++y) {
    int x = 0;
    for (const Node* node : grid.rows[y]->ChildElements()) {
      if (!node->IsAnyOf({"td", "th"})) continue;
      while (grid.At(x, y) != nullptr) ++x;
      Cell cell;
      cell.node = node;
      cell.x = x;
      cell.y = y;
      cell.width = SpanOf(*node, "colspan", 1000);
      cell.height = SpanOf(*node, "rowspan", 65534);
      if (TrimAscii(node->AttrOr("rowspan")) == "0") grid.uncertain = true;
      cell.header = node->Is("th");
      cell.scope = Lower(TrimAscii(node->AttrOr("scope")));
      if (cell.scope == "colgroup" || cell.scope == "rowgroup") grid.uncertain = true;
      cell.height = std::min(cell.height, static_cast<int>(grid.rows.size()) - y);
      for (int dy = 0; dy < cell.height; ++dy) {
        for (int dx = 0; dx < cell.width; ++dx) grid.Cover(x + dx, y + dy, grid.cells.size());
      }
      grid.cells.push_back(cell);
      x += cell.width;
      grid.columns = std::max(grid.columns, x);
    }
  }
  return grid;
}

bool RowHasDataCell(const TableGrid& grid, const Cell& header) {
  for (int y = header.y; y < header.y + header.height; ++y) {
    for (int x = 0; x < grid.columns; ++x) {
      const Cell* cell = grid.At(x, y);
      if (cell != nullptr && !cell->header) return true;
    }
  }
  return false;
}

bool ColumnHasDataCell(const TableGrid& grid, const Cell& header) {
  for (int x = header.x; x < header.x + header.width; ++x) {
    for (int y = 0; y < static_cast<int>(grid.rows.size()); ++y) {
      const Cell* cell = grid.At(x, y);
      if (cell != nullptr && !cell->header) return true;
    }
  }
  return false;
}

// HTML's definitions: scope="col", or auto scope in rows with no data cells.
bool IsColumnHeader(const TableGrid& grid, const Cell& c) {
  if (!c.header) return false;
  if (c.scope == "col" || c.scope == "colgroup") return true;
  if (c.scope == "row" || c.scope == "rowgroup") return false;
  return !RowHasDataCell(grid, c);
}

bool IsRowHeader(const TableGrid& grid, const Cell& c) {
  if (!c.header) return false;
  if (c.scope == "row" || c.scope == "rowgroup") return true;
  if (c.scope == "col" || c.scope == "colgroup") return false;
  return !IsColumnHeader(grid, c) && !ColumnHasDataCell(grid, c);
}

// Marks in `assigned` the header cells that some cell of the table gets as a header: by
// its headers attribute, else by scanning left for row headers and up for column headers.
std::vector<bool> AssignedHeaders(const Page& page, const TableGrid& grid) {
  std::vector<bool> assigned(grid.cells.size(), false);
  std::map<const Node*, size_t> index;
  for (size_t i = 0; i < grid.cells.size(); ++i) index[grid.cells[i].node] = i;
  for (const Cell& cell : grid.cells) {
    if (const std::string* ids = cell.node->Attr("headers")) {
      for (const Node* ref : page.doc.ElementsByIdList(*ids)) {
        auto it = index.find(ref);
        if (it != index.end() && ref != cell.node) assigned[it->second] = true;
      }
      continue;
    }
    for (int y = cell.y; y < cell.y + cell.height; ++y) {
      for (int x = cell.x - 1; x >= 0; --x) {
        const Cell* other = grid.At(x, y);
        if (other != nullptr && other != &cell && IsRowHeader(grid, *other)) {
          assigned[static_cast<size_t>(other - grid.cells.data())] = true;
        }
      }
    }
    for (int x = cell.x; x < cell.x + cell.width; ++x) {
      for (int y = cell.y - 1; y >= 0; --y) {
        const Cell* other = grid.At(x, y);
        if (other != nullptr && other != &cell && IsColumnHeader(grid, *other)) {
          assigned[static_cast<size_t>(other - grid.cells.data())] = true;
        }
      }
    }
  }
  return assigned;
}

bool IsPresentational(const Node& e) {
  std::vector<std::string_view> role = SplitTokens(e.AttrOr("role"));
  if (role.empty()) return false;
  std::string first = Lower(role.front());
  return first == "presentation" || first == "none";
}

// Tables a screen reader presents as tables: HTML tables not hidden and not made
// presentational.
std::vector<const Node*> Tables(const Page& page) {
  std::vector<const Node*> tables;
  for (const Node* table : page.doc.ElementsByTag("table")) {
    if (IsPresentational(*table) || page.sem.IsHidden(*table)) continue;
    std::vector<std::string_view> role = SplitTokens(table->AttrOr("role"));
    if (!role.empty() && Lower(role.front()) != "table" && Lower(role.front()) != "grid" &&
        Lower(role.front()) != "treegrid" && FindRole(Lower(role.front())) != nullptr) {
      continue;  // Another role entirely: not a table for assistive technology.
    }
    tables.push_back(table);
  }
  return tables;
}

bool HasHeaderCells(const TableGrid& grid) {
  return std::any_of(grid.cells.begin(), grid.cells.end(), [](const Cell& c) {
    std::string role = Lower(TrimAscii(c.node->AttrOr("role")));
    return c.header || role == "columnheader" || role == "rowheader";
  });
}

bool HasCaption(const Page& page, const Node& table) {
  for (const Node* child : table.ChildElements()) {
    if (child->Is("caption") && !CollapseWhitespace(child->TextContent()).empty()) return true;
  }
  if (!CollapseWhitespace(table.AttrOr("aria-label")).empty()) return true;
  if (const std::string* ids = table.Attr("aria-labelledby")) {
    for (const Node* ref : page.doc.ElementsByIdList(*ids)) {
      if (!CollapseWhitespace(ref->TextContent()).empty()) return true;
    }
  }
  return false;
}

bool ContainsTable(const Node& table) {
  for (const Node* e : table.ChildElements()) {
    if (e->Is("table") || ContainsTable(*e)) return true;
  }
  return false;
}

// ACT d0f69e: every visible header cell of a table in the accessibility tree is the header
// of at least one other cell; one that labels nothing misleads about the structure.
void HeaderWithoutAssignedCells(const Page& page, Reporter& report) {
  for (const Node* table : Tables(page)) {
    TableGrid grid = BuildGrid(*table);
    std::vector<bool> assigned = AssignedHeaders(page, grid);
    for (size_t i = 0; i < grid.cells.size(); ++i) {
      const Cell& cell = grid.cells[i];
      if (!cell.header || page.sem.IsHidden(*cell.node)) continue;
      std::string_view role = TrimAscii(cell.node->AttrOr("role"));
      if (!role.empty() && Lower(role) != "columnheader" && Lower(role) != "rowheader") continue;
      if (!IsColumnHeader(grid, cell) && !IsRowHeader(grid, cell)) continue;  // Role cell.
      if (assigned[i]) {
        report.Pass(*cell.node);
      } else if (grid.uncertain || ContainsTable(*table)) {
        report.CantTell(*cell.node);
      } else {
        report.Fail(*cell.node);
      }
    }
  }
}

// A table of data with no header cells at all: screen readers read cell after cell with
// nothing to say which column or row a value belongs to.
void TableNoColumnHeaders(const Page& page, Reporter& report) {
  for (const Node* table : Tables(page)) {
    TableGrid grid = BuildGrid(*table);
    if (HasHeaderCells(grid) || grid.rows.size() < 2 || grid.columns < 2) continue;
    if (ContainsTable(*table)) continue;  // Nested tables are layout.
    std::vector<const Node*> children = table->ChildElements();
    bool has_thead =
        std::any_of(children.begin(), children.end(), [](const Node* n) { return n->Is("thead"); });
    bool declared_data = HasCaption(page, *table) || table->HasAttr("summary") || has_thead;
    bool plain_cells = std::all_of(grid.cells.begin(), grid.cells.end(), [](const Cell& c) {
      for (const Node* child : c.node->ChildElements()) {
        if (child->IsAnyOf({"div", "p", "table", "form", "ul", "ol", "img", "iframe", "section",
                            "nav", "h1", "h2", "h3", "h4", "h5", "h6", "input", "select"})) {
          return false;
        }
      }
      return true;
    });
    if (declared_data || (grid.rows.size() >= 3 && plain_cells)) report.Fail(*table);
  }
}

// A data table without a caption (or aria name): users moving between tables cannot tell
// which one they are in without reading cells.
void TableMissingCaption(const Page& page, Reporter& report) {
  for (const Node* table : Tables(page)) {
    TableGrid grid = BuildGrid(*table);
    if (!HasHeaderCells(grid) || HasCaption(page, *table)) continue;
    report.Fail(*table);
  }
}

// Header cells without scope in a table with both row and column headers: which way each
// header applies is left to guessing, and assistive technology guesses differently.
void HeaderMissingScope(const Page& page, Reporter& report) {
  for (const Node* table : Tables(page)) {
    TableGrid grid = BuildGrid(*table);
    bool column_headers = false, row_headers = false, unscoped = false;
    for (const Cell& cell : grid.cells) {
      if (!cell.header) continue;
      if (cell.scope.empty() && !cell.node->HasAttr("id")) unscoped = true;
      if (cell.y == 0) column_headers = true;
      if (cell.y > 0) row_headers = true;
    }
    bool uses_headers_attribute =
        std::any_of(grid.cells.begin(), grid.cells.end(),
                    [](const Cell& c) { return c.node->HasAttr("headers"); });
    if (unscoped && column_headers && row_headers && !uses_headers_attribute) {
      report.Fail(*table);
    }
  }
}

// A header row that is not in <thead>: the structure is still exposed, but the header is
// not repeated when printing and some tools do not identify it as the header.
void TableMissingThead(const Page& page, Reporter& report) {
  for (const Node* table : Tables(page)) {
    TableGrid grid = BuildGrid(*table);
    if (grid.rows.size() < 2 || grid.rows.front()->parent->Is("thead")) continue;
    bool header_row = false, all_headers = true;
    for (const Cell& cell : grid.cells) {
      if (cell.y != 0) continue;
      header_row = true;
      all_headers = all_headers && cell.header;
    }
    std::vector<const Node*> children = table->ChildElements();
    bool has_thead =
        std::any_of(children.begin(), children.end(), [](const Node* n) { return n->Is("thead"); });
    if (header_row && all_headers && !has_thead) report.Fail(*table);
  }
}

}  // namespace

void AddTableRules(std::vector<Rule>& rules) {
  rules.push_back({
      .code = "ErrTableHeaderWithoutCells",
      .type = IssueType::kError,
      .category = "tables",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {"d0f69e"},
      .what = "This table header cell is not the header of any cell.",
      .why = "Screen readers announce headers as they move through cells; a header that "
             "applies to nothing misrepresents the table's structure.",
      .fix = "Make it a data cell (td), fix its scope, or add the cells it is meant to head.",
      .check = HeaderWithoutAssignedCells,
  });
  rules.push_back({
      .code = "ErrTableNoColumnHeaders",
      .type = IssueType::kError,
      .category = "tables",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kHigh,
      .act = {},
      .what = "This data table has no header cells.",
      .why = "Screen readers read each value without saying which column or row it belongs "
             "to, so the data cannot be understood cell by cell.",
      .fix = "Mark the header row (and header column) up with <th>, with scope where both "
             "exist.",
      .check = TableNoColumnHeaders,
  });
  rules.push_back({
      .code = "ErrTableMissingCaption",
      .type = IssueType::kError,
      .category = "tables",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This data table has no caption or accessible name.",
      .why = "Screen reader users listing or entering tables cannot tell what this one "
             "contains without reading its cells.",
      .fix = "Add a <caption> as the table's first child, or aria-labelledby pointing at the "
             "heading above it.",
      .check = TableMissingCaption,
  });
  rules.push_back({
      .code = "ErrHeaderMissingScope",
      .type = IssueType::kError,
      .category = "tables",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kMedium,
      .act = {},
      .what = "This table has both row and column headers but its <th> cells lack scope.",
      .why = "With headers on two axes, assistive technology must guess which way each "
             "header applies, and can announce the wrong header for a value.",
      .fix = "Add scope=\"col\" to column headers and scope=\"row\" to row headers.",
      .check = HeaderMissingScope,
  });
  rules.push_back({
      .code = "WarnTableMissingThead",
      .type = IssueType::kWarning,
      .category = "tables",
      .wcag = {"1.3.1"},
      .level = WcagLevel::kA,
      .impact = Impact::kLow,
      .act = {},
      .what = "This table's header row is not inside <thead>.",
      .why = "Grouping the header row lets browsers repeat it across printed pages and "
             "makes the table's structure explicit to tools.",
      .fix = "Wrap the header row in <thead> and the data rows in <tbody>.",
      .check = TableMissingThead,
  });
}

}  // namespace a11y::checks
