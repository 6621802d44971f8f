// The pre-pass ParseHtmlPage runs before gumbo: it caps how deep elements nest and how many
// formatting elements stay open, as browsers do, so that hostile markup cannot cost the
// parser quadratic time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace a11y {

// Cuts out of `html` every start tag that would open an element more than 512 deep, or a
// 17th formatting element (<b>, <font>, <i>...) while 16 are open, together with its
// matching end tag. What lay between the two stays, flattened into the enclosing element,
// so text and links survive and only structure and styling change. Elements that close
// implicitly (<p>, <li>, <td>...), the html/head/body skeleton and <a> are never counted or
// cut. Markup inside comments, raw-text elements (<script>, <style>, <textarea>...) and
// quoted attribute values is not read as tags.
//
// Returns the page with those tags cut out, or nullopt when nothing needed cutting, in
// which case the caller goes on with `html` itself (no copy is made).
std::optional<std::string> CapMarkupNesting(std::string_view html);

}  // namespace a11y
